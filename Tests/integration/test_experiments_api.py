"""Experiments over HTTP against a real `uplift serve`: definitions from the issue's YAML example,
listing, start/stop, and /v1/decide splitting 1,000 ids near the weights, the same after identify.

Binary: UPLIFT_BIN, else <repo>/.build/debug/uplift. Run:
  UPLIFT_BIN=… .venv/bin/python -m pytest Tests/integration/test_experiments_api.py
"""
import base64
import math
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from openapi_doc import OPENAPI
from openapi_server import UpliftServer

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
          "response_headers_conformance")

ISSUE_YAML = """\
key: checkout-v2
hypothesis: The one-page checkout raises purchases.
variants:
  - key: control
    weight: 0.5
  - key: treatment
    weight: 0.5
exposure:
  event: $exposure
metrics:
  - id: conversion
    kind: proportion
    event: purchase
  - id: revenue
    kind: mean
    event: purchase
    property: amount
method: frequentist
"""


@pytest.fixture(scope="module")
def server():
    with UpliftServer() as s:
        yield s


def read(server):
    return {"Authorization": f"Bearer {server.read_key}"}


def write(server):
    return {"Authorization": "Basic " + base64.b64encode(f"{server.write_key}:".encode()).decode()}


def variant_of(result, key):
    """The variant a decide answer gives for experiment `key` (None when not assigned)."""
    experiments = result["experiments"]
    if isinstance(experiments, dict):
        entry = experiments.get(key)
    else:
        entry = next((e for e in experiments if e.get("key") == key), None)
    if entry is None:
        return None
    return entry.get("variant") if isinstance(entry, dict) else entry


def decide(server, body, headers=None):
    r = requests.post(server.url + "/v1/decide", json=body, headers=write(server) if headers is None else headers,
                      timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers.get("Access-Control-Allow-Origin") == "*"
    return r.json()


def test_create_from_yaml_list_show_and_conflict(server):
    url = server.url + "/v1/experiments"
    r = requests.post(url, data=ISSUE_YAML.encode(), headers={**read(server), "Content-Type": "application/yaml"},
                      timeout=30)
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == "/v1/experiments/checkout-v2"
    assert r.json()["status"] == "draft"
    again = requests.post(url, data=ISSUE_YAML.encode(), headers={**read(server), "Content-Type": "application/yaml"},
                          timeout=30)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_exists"
    # The write key ships in apps: it cannot create experiments.
    denied = requests.post(url, data=ISSUE_YAML.encode(), headers={**write(server), "Content-Type": "application/yaml"},
                           timeout=30)
    assert denied.status_code == 401
    bad = requests.post(url, data=ISSUE_YAML.replace("kind: mean", "kind: median").encode(),
                        headers={**read(server), "Content-Type": "application/yaml", }, params={"replace": "true"},
                        timeout=30)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_definition"
    assert "metrics[1].kind" in bad.json()["error"]["message"]

    listed = requests.get(url, headers=read(server), timeout=30)
    assert listed.status_code == 200
    items = listed.json()["experiments"]
    assert [e["key"] for e in items] == ["checkout-v2"]
    assert items[0]["hypothesis"] == "The one-page checkout raises purchases."
    assert [v["key"] for v in items[0]["variants"]] == ["control", "treatment"]
    shown = requests.get(url + "/checkout-v2", headers=read(server), timeout=30).json()
    assert [m["id"] for m in shown["metrics"]] == ["conversion", "revenue"]


def test_decide_splits_near_the_weights_and_is_stable_across_identify(server):
    start = requests.post(server.url + "/v1/experiments/checkout-v2/start", headers=read(server), timeout=30)
    assert start.status_code == 200, start.text
    assert start.json()["status"] == "running"

    counts = {"control": 0, "treatment": 0}
    first = {}
    session = requests.Session()
    for i in range(1000):
        anonymous = f"anon-{i}"
        r = session.post(server.url + "/v1/decide", json={"distinct_id": anonymous, "properties": {"country": "FR"}},
                         headers=write(server), timeout=30)
        assert r.status_code == 200, r.text
        variant = variant_of(r.json(), "checkout-v2")
        assert variant in counts, r.text
        counts[variant] += 1
        first[anonymous] = variant
    # 50/50 over 1,000 ids: the binomial sd is ~15.8, so 4.5 sd is 71; a wrong split fails.
    assert abs(counts["control"] - 500) < 4.5 * math.sqrt(1000 * 0.25), counts

    # The same person after identify (a user id, the anonymous id sent along) keeps the variant.
    for i in range(0, 1000, 10):
        anonymous = f"anon-{i}"
        body = {"distinct_id": f"user-{i}", "anonymous_id": anonymous}
        assert variant_of(decide(server, body), "checkout-v2") == first[anonymous], anonymous
        # And asking again gives the same answer (deterministic, no state).
        assert variant_of(decide(server, {"distinct_id": anonymous}), "checkout-v2") == first[anonymous]


def test_decide_takes_the_key_in_the_body_and_refuses_bad_input(server):
    body = {"distinct_id": "anon-1", "token": server.write_key}
    assert variant_of(decide(server, body, headers={}), "checkout-v2") in ("control", "treatment")
    r = requests.post(server.url + "/v1/decide", json={"distinct_id": "x"}, headers=read(server), timeout=30)
    assert r.status_code == 401 and r.headers.get("Access-Control-Allow-Origin") == "*"
    r = requests.post(server.url + "/v1/decide", json={"properties": {}}, headers=write(server), timeout=30)
    assert r.status_code == 400 and "distinct_id" in r.json()["error"]["message"]
    r = requests.options(server.url + "/v1/decide", timeout=30)
    assert r.status_code == 204


def test_stopped_experiments_are_no_longer_assigned(server):
    r = requests.post(server.url + "/v1/experiments/checkout-v2/stop", json={"ship": "treatment"},
                      headers=read(server), timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "shipped" and r.json()["shipped_variant"] == "treatment"
    # Decide reads definitions at most a second old.
    deadline = time.monotonic() + 10
    while True:
        if variant_of(decide(server, {"distinct_id": "anon-2"}), "checkout-v2") is None:
            break
        assert time.monotonic() < deadline, "still assigned 10 s after stop"
        time.sleep(0.3)


def test_schemathesis_definitions_with_the_read_key(tmp_path):
    """The definition routes fuzzed with the read key (the suite-wide run in test_openapi.py uses the
    write key, which these routes refuse): every answer is documented. A fresh server, so the fuzzed
    definitions do not meet the tests above."""
    cli = Path(sys.executable).with_name("schemathesis")
    with UpliftServer() as s:
        command = [str(cli), "run", str(OPENAPI), "--url", s.url, "-H", f"Authorization: Bearer {s.read_key}",
                   "--include-path-regex", "^/v1/(experiments|flags)", "--checks", CHECKS,
                   "--max-examples", "10", "--seed", "20261125", "--generation-database", "none", "--no-color",
                   "--request-timeout", "40", "--report", "ndjson", "--report-dir", str(tmp_path)]
        r = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"schemathesis failed ({r.returncode}):\n{r.stdout[-20000:]}\n{r.stderr[-5000:]}"
        assert "Tested: 10" in r.stdout, r.stdout[-3000:]
        assert requests.get(s.url + "/healthz", timeout=10).status_code == 200
