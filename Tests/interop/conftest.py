import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def uplift():
    """Path of the uplift binary under test (UPLIFT_BIN, else the debug build)."""
    path = Path(os.environ.get("UPLIFT_BIN", ROOT / ".build" / "debug" / "uplift"))
    if not path.exists():
        pytest.fail(f"{path} does not exist: run `swift build` first (make test does)")
    return str(path)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def generate(uplift, path, events, users=300, days=5, seed=7, dialect="mixed"):
    with open(path, "wb") as out:
        subprocess.run([uplift, "generate", "--events", str(events), "--users", str(users), "--days", str(days),
                        "--seed", str(seed), "--dialect", dialect], stdout=out, check=True)
    return path


def import_file(uplift, data, path, project="demo", extra=()):
    r = run([uplift, "import", "--data", str(data), "--project", project, "--json", *extra, str(path)])
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def duckdb_rebuild(con, glob):
    """The documented DuckDB expression (schemas/STORAGE.md, "Shredded properties") that gives back each row's
    whole properties object over the prop_ columns the files have (read them with union_by_name = true)."""
    names = [r[0] for r in con.execute(
        f"SELECT DISTINCT name FROM parquet_schema('{glob}') WHERE starts_with(name, 'prop_') ORDER BY 1").fetchall()]
    patches = "".join(
        f""", CASE WHEN "{n}" IS NULL THEN '{{}}' ELSE json_object('{n[len("prop_"):]}', "{n}") END""" for n in names)
    return f"json_merge_patch(properties{patches})" if names else "properties", names
