"""The statistics reference fixture provably comes from scipy: regenerate it and compare.

Tests/UpliftStatsTests/Fixtures/make_scipy_reference.py computes reference values with scipy and numpy;
the Swift tests (ScipyReferenceTests) compare UpliftStats to the committed scipy-reference.json. This
test reruns the generator into a temporary file and requires it to equal the committed one, so the
committed numbers cannot drift from what scipy says.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "UpliftStatsTests" / "Fixtures"


def test_scipy_reference_is_regenerated_exactly(tmp_path):
    out = tmp_path / "scipy-reference.json"
    subprocess.run([sys.executable, str(FIXTURES / "make_scipy_reference.py"), str(out)], check=True)
    committed = json.loads((FIXTURES / "scipy-reference.json").read_text())
    regenerated = json.loads(out.read_text())
    assert regenerated["scipy"] == committed["scipy"], "scipy version differs from the one the fixture was made with"
    assert regenerated == committed, "scipy-reference.json is stale: rerun make_scipy_reference.py and commit it"


def test_reference_covers_every_statistic():
    reference = json.loads((FIXTURES / "scipy-reference.json").read_text())
    methods = {c["method"] for c in reference["comparisons"]}
    shapes = {c["shape"] for c in reference["comparisons"]}
    assert methods == {"frequentist", "bayesian", "sequential"}
    assert shapes == {"proportion", "mean", "ratio"}
    assert any(c["cuped"] for c in reference["comparisons"])
    assert all(c["expected"]["problem"] for c in reference["degenerate"])
    for key in ["srm", "corrections", "power"]:
        assert reference[key], key
