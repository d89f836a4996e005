"""PR/FAQ goals and reports with their questions answered by Spark (`--engine sc://…`, the cluster Tests/spark.sh
starts), over the demo data of test_reports.py (anonymous visitors identified later, the checkout experiment's
planted effect): `uplift goals --json` is the embedded engine's document, `uplift report` the embedded report byte
for byte apart from the footer's engine sentence, and a server started with --engine answers GET /v1/goals and
GET /v1/reports/{id} with the documents of a server without it (plus the `engine` member, and the footer).
"""
import json
import os
import re
import subprocess

import pytest
import requests

from conftest import ROOT, Server, run

SPARK = os.environ.get("UPLIFT_TEST_SPARK")
pytestmark = pytest.mark.skipif(
    not SPARK and os.environ.get("UPLIFT_REQUIRE_SPARK") != "1",
    reason="no Spark cluster: run under Tests/spark.sh run (make test does)")

DASHBOARDS = ROOT / "dashboards"
NOW = "2026-03-02"
ENGINE_NOTE = re.compile(r" Questions answered by Apache Spark at [^<]*?\.(?=</p></footer>)")


@pytest.fixture(scope="module")
def demo(uplift, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("spark-goals")
    events = tmp / "events.ndjson"
    with open(events, "wb") as out:
        subprocess.run([uplift, "generate", "--events", "40000", "--users", "2000", "--days", "60",
                        "--start", "2026-01-01", "--seed", "42"], stdout=out, check=True)
    data = tmp / "data"
    r = run([uplift, "import", "--data", str(data), "--project", "demo", str(events)])
    assert r.returncode == 0, r.stderr
    r = run([uplift, "key", "create", "--project", "demo", "--kind", "read", "--data", str(data), "--json"])
    assert r.returncode == 0, r.stderr
    return tmp, data, json.loads(r.stdout)["key"]


def cli(uplift, data, *args):
    p = run([uplift, *args, "--data", str(data), "--project", "demo", "--dashboards", str(DASHBOARDS),
             "--now", NOW], timeout=600)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_goals_and_reports_on_spark_are_the_embedded_ones(uplift, demo):
    assert SPARK, "UPLIFT_REQUIRE_SPARK=1 but no cluster (UPLIFT_TEST_SPARK)"
    tmp, data, _ = demo
    embedded = json.loads(cli(uplift, data, "goals", "--json"))
    spark = json.loads(cli(uplift, data, "goals", "--json", "--engine", SPARK))
    assert spark == embedded
    measured = [g for p in embedded["prfaqs"] for g in p["goals"] if g["current"] is not None]
    assert len(measured) >= 8, "the goals must measure something"

    cli(uplift, data, "report", "--out", str(tmp / "embedded"))
    cli(uplift, data, "report", "--out", str(tmp / "spark"), "--engine", SPARK)
    pages = sorted(p.name for p in (tmp / "embedded").iterdir())
    assert pages == sorted(p.name for p in (tmp / "spark").iterdir()) and len(pages) == 4
    for name in pages:
        want = (tmp / "embedded" / name).read_bytes()
        got = (tmp / "spark" / name).read_bytes()
        if name == "index.html":
            assert got == want
            continue
        assert ENGINE_NOTE.search(got.decode()), f"{name}: the footer says which engine answered"
        assert ENGINE_NOTE.sub("", got.decode()).encode() == want, f"{name} differs beyond the footer's engine line"


def test_a_server_with_an_engine_answers_goals_and_reports_on_it(uplift, demo):
    _, data, key = demo
    headers = {"Authorization": f"Bearer {key}"}
    documents = {}
    for engine in ([], ["--engine", SPARK]):
        srv = Server(uplift, data, extra_args=["--dashboards", str(DASHBOARDS), *engine]).start()
        try:
            goals = requests.get(f"{srv.url}/v1/goals?now={NOW}", headers=headers, timeout=300)
            assert goals.status_code == 200, goals.text
            report = requests.get(f"{srv.url}/v1/reports/new-checkout?now={NOW}", headers=headers, timeout=300)
            assert report.status_code == 200, report.text
            documents[bool(engine)] = (goals.json(), report.text)
        finally:
            srv.stop_ok()
    (goals, report), (spark_goals, spark_report) = documents[False], documents[True]
    assert spark_goals.pop("engine") == {"name": "spark", "events_not_included": 0}
    assert spark_goals == goals
    assert ENGINE_NOTE.search(spark_report) and ENGINE_NOTE.sub("", spark_report) == report
