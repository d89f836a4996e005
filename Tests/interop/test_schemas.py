"""schemas/*.json accept the golden wire samples and refuse bad ones; decoded records match event-record.schema.json."""
import subprocess
import sys
from pathlib import Path


def test_schemas_and_decoded_records(uplift):
    bench = Path(uplift).with_name("uplift-bench")
    script = Path(__file__).with_name("check_schemas.py")
    r = subprocess.run([sys.executable, str(script), str(bench)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "failures: 0" in r.stdout
