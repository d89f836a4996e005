"""Uplift's query commands against DuckDB SQL over the very Parquet files Uplift wrote.

A small generated workload is imported once; each question is answered by `uplift funnel|adoption|trend
--json` and by the DuckDB SQL of loadtests/query_bench.py (persons = the catalog's person_ids links,
ordered funnels as chains of ASOF joins), and the numbers must be identical: persons per funnel step,
adopters and active persons per day, trend values per day.
"""
import re
import sqlite3
import sys

import duckdb
import pytest

from conftest import ROOT, generate, import_file, run

sys.path.insert(0, str(ROOT / "loadtests"))
import query_bench as qb  # noqa: E402

START, END = "2026-01-01", "2026-01-08"
HOUR_US = 3_600_000_000
FUNNEL3 = ["signed_up", "onboarding_completed", "purchase_completed"]
FUNNEL5 = ["signed_up", "onboarding_completed", "experiment_viewed", "checkout_started", "purchase_completed"]

# (question for query_bench's SQL, uplift command arguments)
QUESTIONS = {
    "funnel3-7d": (("funnel", FUNNEL3, qb.WINDOW_US), ["funnel", "--steps", ",".join(FUNNEL3), "--window", "7d"]),
    "funnel5-7d": (("funnel", FUNNEL5, qb.WINDOW_US), ["funnel", "--steps", ",".join(FUNNEL5), "--window", "7d"]),
    # A window shorter than the generator's delays cuts attempts at the boundary.
    "funnel3-1h": (("funnel", FUNNEL3, HOUR_US), ["funnel", "--steps", ",".join(FUNNEL3), "--window", "1h"]),
    "funnel-pages": ((("funnel", ["$pageview", "button_clicked", "search"], 30 * 60_000_000)),
                     ["funnel", "--steps", "$pageview,button_clicked,search", "--window", "30m"]),
    "adoption-28d": (("adoption", "feature_x_used", 28), ["adoption", "--feature", "feature_x_used", "--window", "28d"]),
    "adoption-3d": (("adoption", "feature_x_used", 3), ["adoption", "--feature", "feature_x_used", "--window", "3d"]),
    "trend-pageviews": (("trend", "$pageview", "events"), ["trend", "--event", "$pageview", "--measure", "events"]),
    "trend-events": (("trend", None, "events"), ["trend", "--measure", "events"]),
    "trend-persons": (("trend", None, "persons"), ["trend", "--measure", "persons"]),
}


@pytest.fixture(scope="module")
def workload(uplift, tmp_path_factory):
    # `uplift funnel --help` would print the top-level help when there is no such command: read the list.
    if not re.search(r"^\s+funnel\s", run([uplift, "--help"]).stdout, re.M):
        pytest.skip("this uplift binary has no query commands (funnel, adoption, trend) yet")
    tmp = tmp_path_factory.mktemp("crosscheck")
    data = tmp / "data"
    path = generate(uplift, tmp / "events.ndjson", 30_000, users=400, days=7, seed=11)
    assert import_file(uplift, data, path)["imported"] == 30_000
    con = duckdb.connect()
    links = sqlite3.connect(data / "catalog.sqlite").execute(
        "SELECT distinct_id, person_id FROM person_ids WHERE project = 'demo'").fetchall()
    assert links, "the generated workload identifies and aliases visitors: the catalog must hold person links"
    con.execute("CREATE TABLE persons (distinct_id VARCHAR, person_id VARCHAR)")
    con.executemany("INSERT INTO persons VALUES (?, ?)", links)
    return data, con


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_uplift_agrees_with_duckdb(uplift, workload, name):
    data, con = workload
    q, args = QUESTIONS[name]
    r = qb.Range(START, END)
    glob = f"{data}/events/project=demo/*/*.parquet"
    source = qb.Source("duckdb", native=False, glob=glob)
    expected = qb.normalize(q, con.execute(qb.duckdb_sql(q, source, r)).fetchall(), r)

    p = run([uplift, *args, "--data", str(data), "--project", "demo", "--from", START, "--to", END + "T00:00:00Z",
             "--time-zone", "UTC", "--json"])
    assert p.returncode == 0, p.stderr
    got = qb.normalize_uplift(q, qb.json.loads(p.stdout), r)

    assert got == expected
    if q[0] == "funnel":
        assert expected[0] > 0, "the question must not be vacuous: somebody enters the funnel"
    else:
        assert any(row[1] > 0 for row in expected)
