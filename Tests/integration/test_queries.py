"""The query API end to end: `uplift serve`, events through the Segment API (an identify merges an
anonymous id into a user), then funnel / trend / adoption over HTTP with the read key, and the same
queries with the CLI after the server has flushed. Exact numbers; every document validates against
its JSON Schema in schemas/query-<kind>.schema.json.

Tests that need query results skip while the engines are stubs (the CLI then dies on a signal).
"""
import json
import subprocess
from pathlib import Path

import pytest
import requests
from jsonschema import Draft202012Validator

from conftest import ROOT, Server, run

SCHEMAS = ROOT / "schemas"
RANGE = {"from": "2026-03-01", "to": "2026-03-07"}  # `to` includes its day

# a1 signs up anonymously and is identified as u1, who creates a project 2 h later and exports the
# next morning; u2 signs up but creates a project only 9 days later (outside a 7-day window); u3
# signs up and exports without a project; u4 only browses.
EVENTS = [
    {"type": "track", "event": "signed_up", "anonymousId": "a1", "timestamp": "2026-03-02T10:00:00Z", "properties": {"plan": "pro"}},
    {"type": "identify", "anonymousId": "a1", "userId": "u1", "timestamp": "2026-03-02T10:05:00Z"},
    {"type": "track", "event": "created_project", "userId": "u1", "timestamp": "2026-03-02T12:00:00Z"},
    {"type": "track", "event": "exported", "userId": "u1", "timestamp": "2026-03-03T09:00:00Z"},
    {"type": "track", "event": "signed_up", "userId": "u2", "timestamp": "2026-03-03T08:00:00Z", "properties": {"plan": "free"}},
    {"type": "track", "event": "created_project", "userId": "u2", "timestamp": "2026-03-12T08:00:00Z"},
    {"type": "track", "event": "signed_up", "userId": "u3", "timestamp": "2026-03-04T08:00:00Z", "properties": {"plan": "free"}},
    {"type": "track", "event": "exported", "userId": "u3", "timestamp": "2026-03-04T09:00:00Z"},
    {"type": "track", "event": "browsed", "userId": "u4", "timestamp": "2026-03-05T10:00:00Z"},
]

FUNNEL = {"steps": ["signed_up", "created_project", "exported"], "window": "7d", **RANGE}
TREND = {"event": "exported", "measure": "persons", "from": "2026-03-01", "to": "2026-03-04"}
ADOPTION = {"feature": "exported", "window": "7d", "from": "2026-03-04", "to": "2026-03-05"}


def schema(kind):
    return json.loads((SCHEMAS / f"query-{kind}.schema.json").read_text())


def request_validator(kind):
    return Draft202012Validator(schema(kind))


def result_validator(kind):
    doc = schema(kind)
    return Draft202012Validator({"$schema": doc["$schema"], "$defs": doc["$defs"], "$ref": f"#/$defs/{kind}Result"})


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def engines_ready(uplift, tmp_path_factory):
    """False while an engine these tests use is a stub: a query on an empty project then dies on a signal."""
    data = tmp_path_factory.mktemp("probe") / "data"
    assert run([uplift, "project", "create", "demo", "--data", str(data)]).returncode == 0
    for kind, body in (("funnel", FUNNEL), ("trend", TREND), ("adoption", ADOPTION)):
        if run([uplift, *cli_args(kind, body), "--data", str(data), "--json"], timeout=60).returncode < 0:
            return False
    return True


@pytest.fixture
def served(uplift, project):
    """(server, data, write key, read key) with the events ingested and acknowledged."""
    data, write_key = project
    r = run([uplift, "key", "create", "--project", "demo", "--kind", "read", "--data", str(data), "--json"])
    assert r.returncode == 0, r.stderr
    read_key = json.loads(r.stdout)["key"]
    # A small query cache: the flag is accepted and queries work within it.
    srv = Server(uplift, data, extra_args=["--query-cache-memory", "64MiB"]).start()
    batch = {"batch": [{**e, "messageId": f"m{i}"} for i, e in enumerate(EVENTS)]}
    r = requests.post(srv.url + "/v1/batch", json=batch, headers=bearer(write_key), timeout=30)
    assert r.status_code == 200 and r.json()["accepted"] == len(EVENTS), r.text
    yield srv, data, write_key, read_key
    if srv.proc is not None:
        srv.stop_ok()


def query(srv, kind, body, key):
    return requests.post(f"{srv.url}/v1/query/{kind}", json=body, headers=bearer(key), timeout=60)


def cli_args(kind, body):
    """The CLI flags for a query body (the same query the HTTP API takes)."""
    args = [kind, "--project", "demo"]
    for name, value in body.items():
        flag = "--" + name.replace("_", "-")
        if name == "steps":
            args += [flag, ",".join(value)]
        else:
            args += [flag, str(value)]
    return args


def test_queries_need_a_read_key_and_name_the_bad_field(served):
    srv, _, write_key, read_key = served
    r = query(srv, "funnel", FUNNEL, write_key)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    assert "read key" in r.json()["error"]["message"]
    r = requests.post(srv.url + "/v1/query/funnel", json=FUNNEL, timeout=30)
    assert r.status_code == 401
    for body, field in [({**FUNNEL, "window": "7x"}, "window"), ({**FUNNEL, "from": "2026-03-09"}, "from must be before to"),
                        ({**FUNNEL, "steps": [f"e{i}" for i in range(21)]}, "steps"), ({**FUNNEL, "order": "up"}, "order"),
                        ({**FUNNEL, "windw": "7d"}, "windw")]:
        r = query(srv, "funnel", body, read_key)
        assert r.status_code == 400, (body, r.text)
        assert r.json()["error"]["code"] == "invalid_query"
        assert field in r.json()["error"]["message"], r.text
    r = query(srv, "trend", {**TREND, "project": "other"}, read_key)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"


def test_funnel_trend_and_adoption_over_http_and_cli(served, uplift, engines_ready):
    if not engines_ready:
        pytest.skip("until engines merge: the query engines are stubs")
    srv, data, _, read_key = served
    documents = {}
    for kind, body in (("funnel", FUNNEL), ("trend", TREND), ("adoption", ADOPTION)):
        request_validator(kind).validate(body)
        r = query(srv, kind, {**body, "project": "demo"}, read_key)
        assert r.status_code == 200, (kind, r.text)
        assert r.headers["Content-Type"].startswith("application/json")
        assert r.headers["Cache-Control"] == "no-store"
        result_validator(kind).validate(r.json())
        documents[kind] = r.json()

    funnel = documents["funnel"]
    assert [s["persons"] for s in funnel["steps"]] == [3, 1, 1]
    assert funnel["steps"][1]["conversion_from_start"] == pytest.approx(1 / 3)
    assert funnel["steps"][1]["median_seconds_to_convert"] == 7200
    assert funnel["steps"][2]["median_seconds_to_convert"] == 75600
    assert funnel["steps"][2]["conversion_from_previous"] == 1
    assert [(p["date"], p["entered"], p["converted"]) for p in funnel["conversion_over_time"]] == [
        ("2026-03-01", 0, 0), ("2026-03-02", 1, 1), ("2026-03-03", 1, 0), ("2026-03-04", 1, 0),
        ("2026-03-05", 0, 0), ("2026-03-06", 0, 0), ("2026-03-07", 0, 0)]

    trend = documents["trend"]
    assert [(p["date"], p["value"]) for p in trend["series"]] == [
        ("2026-03-01", 0), ("2026-03-02", 0), ("2026-03-03", 1), ("2026-03-04", 1)]
    assert trend["total"] == 2

    adoption = documents["adoption"]
    assert [(p["date"], p["adopters"], p["active"]) for p in adoption["series"]] == [
        ("2026-03-04", 2, 3), ("2026-03-05", 2, 4)]
    assert adoption["series"][1]["rate"] == 0.5

    # Without the identify, a1's sign-up and u1's project would be two persons: nobody would convert.
    # The CLI reads segments: stop the server (it flushes), then the same queries give the same documents.
    srv.stop_ok()
    for kind, body in (("funnel", FUNNEL), ("trend", TREND), ("adoption", ADOPTION)):
        r = run([uplift, *cli_args(kind, body), "--data", str(data), "--json"], timeout=60)
        assert r.returncode == 0, (kind, r.stderr)
        assert len(r.stdout.strip().splitlines()) == 1
        assert json.loads(r.stdout) == documents[kind], kind
        table = run([uplift, *cli_args(kind, body), "--data", str(data)], timeout=60)
        assert table.returncode == 0, table.stderr
    table = run([uplift, *cli_args("funnel", FUNNEL), "--data", str(data)], timeout=60).stdout
    assert "1. signed_up" in table and "33.3%" in table and "2h 0m" in table, table


def test_cli_errors_are_one_line_naming_the_field(uplift, project):
    data, _ = project
    r = run([uplift, *cli_args("funnel", {**FUNNEL, "window": "7x"}), "--data", str(data)])
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith("error: window") and len(r.stderr.strip().splitlines()) == 1, r.stderr
    r = run([uplift, *cli_args("trend", {**TREND, "measure": "sum"}), "--data", str(data)])
    assert r.returncode == 1 and "property is required" in r.stderr, r.stderr
