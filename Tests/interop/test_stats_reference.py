"""The statistics reference fixture provably comes from scipy: regenerate it and compare.

Tests/UpliftStatsTests/Fixtures/make_scipy_reference.py computes reference values with scipy and numpy;
the Swift tests (ScipyReferenceTests) compare UpliftStats to the committed scipy-reference.json. This
test reruns the generator into a temporary file and requires it to equal the committed one, so the
committed numbers cannot drift from what scipy says. Numbers agree to 1e-12 relative rather than to the
bit: numpy picks its SIMD kernels by processor, and sums of the same inputs differ in the last place
from one machine to another (seen between two machines of the project's kind).
"""

import json
import math
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
    differences = list(_differences(regenerated, committed, "$"))
    assert not differences, (
        "scipy-reference.json is stale: rerun make_scipy_reference.py and commit it\n" + "\n".join(differences[:20]))


def _differences(a, b, path):
    """Paths where two JSON documents differ: structure and text exactly, numbers to 1e-12 relative."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            yield f"{path}: keys {sorted(a.keys() ^ b.keys())}"
        for key in a.keys() & b.keys():
            yield from _differences(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield f"{path}: {len(a)} items, committed {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            yield from _differences(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        if not math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300):
            yield f"{path}: {a!r}, committed {b!r}"
    elif a != b:
        yield f"{path}: {a!r}, committed {b!r}"


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
