"""The official PostHog and GrowthBook Python SDKs read Uplift's flags and experiments with the answers of `/v1/decide`.

One running `uplift serve` holds a boolean flag with a release condition, a 20% rollout, a multivariate flag
(a fixed variant for one country, a 60% split otherwise), a running experiment, and a flag with a numeric
condition that GrowthBook cannot express with the same meaning. For 10,000 ids with varied attributes:

- posthog (`host` = the server, the write key as project API key): `feature_enabled` and `get_feature_flag`
  (each a `POST /flags/?v=4`) equal `/v1/decide`'s flags and experiment variant;
- growthbook (`api_host` = the server, `client_key` = the write key): the payload of `GET /api/features/{key}`
  evaluated locally, `is_on`, `get_feature_value` and `run(Experiment)`, equal them too, the attribute `id`
  being the id `/v1/decide` hashes.

Also: each shape and error as schemas/openapi.yaml documents it, the client key refusals, and posthog's
`$feature_flag_called` events stored as the exposures of an experiment.
"""
import base64
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import posthog
import pytest
import requests
from growthbook import Experiment, GrowthBook

from conftest import Server, run, stored_events
from test_openapi import check_documented

IDS = 10_000
PLANS = ("free", "team", "pro")
COUNTRIES = ("FR", "DE", "US", "JP")

FLAGS = {
    "new-navigation": """
key: new-navigation
description: The redesigned navigation bar, rolled out by plan.
rules:
  - conditions:
      - property: plan
        op: in
        value: [team]
    rollout: 100
  - rollout: 20
""",
    "gradual-rollout": """
key: gradual-rollout
rules:
  - rollout: 35
""",
    "homepage-hero": """
key: homepage-hero
variants:
  - key: photo
    weight: 0.5
  - key: video
    weight: 0.3
  - key: text
    weight: 0.2
rules:
  - conditions:
      - property: country
        op: eq
        value: JP
    variant: text
  - conditions:
      - property: plan
        op: not_in
        value: [free]
    rollout: 60
""",
    "big-accounts": """
key: big-accounts
rules:
  - conditions:
      - property: seats
        op: gte
        value: 10
""",
}

EXPERIMENT = """
key: checkout-redesign
hypothesis: The redesigned checkout raises purchases.
variants:
  - key: control
    weight: 0.4
  - key: treatment
    weight: 0.6
exposure:
  event: $feature_flag_called
metrics:
  - id: conversion
    kind: proportion
    event: purchase_completed
"""


def attributes(i):
    return {"plan": PLANS[i % 3], "country": COUNTRIES[(i // 3) % 4], "seats": i % 17}


@pytest.fixture(scope="module")
def flagged(uplift, tmp_path_factory):
    """Project demo with the flags and the running experiment, defined with the CLI before the server starts
    (it holds the data directory): (data directory, write key, read key)."""
    folder = tmp_path_factory.mktemp("sdk-flags")
    data = folder / "data"
    assert run([uplift, "project", "create", "demo", "--data", str(data)]).returncode == 0
    keys = {}
    for kind in ("write", "read"):
        r = run([uplift, "key", "create", "--project", "demo", "--kind", kind, "--data", str(data), "--json"])
        assert r.returncode == 0, r.stderr
        keys[kind] = json.loads(r.stdout)["key"]
    for name, text in {**FLAGS, "experiment": EXPERIMENT}.items():
        path = folder / f"{name}.yaml"
        path.write_text(text)
        kind = "experiment" if name == "experiment" else "flag"
        r = run([uplift, kind, "create", "--data", str(data), "--project", "demo", "--definition", str(path)])
        assert r.returncode == 0, r.stderr
    r = run([uplift, "experiment", "start", "checkout-redesign", "--data", str(data), "--project", "demo"])
    assert r.returncode == 0, r.stderr
    return data, keys["write"], keys["read"]


@pytest.fixture(scope="module")
def server(uplift, flagged):
    """One server for the module: the 10,000 reference answers are asked once."""
    srv = Server(uplift, flagged[0]).start()
    yield srv
    srv.stop_ok()


@pytest.fixture(scope="module")
def decided(flagged, server):
    """`/v1/decide`'s answer for every id (the reference), over a few kept-alive sessions."""
    _, key, _ = flagged

    def decide(chunk):
        with requests.Session() as session:
            out = {}
            for i in chunk:
                r = session.post(server.url + "/v1/decide", auth=(key, ""), timeout=10,
                                 json={"distinct_id": f"user-{i}", "properties": attributes(i)})
                assert r.status_code == 200, r.text
                out[i] = r.json()
            return out

    answers = {}
    with ThreadPoolExecutor(4) as pool:
        for part in pool.map(decide, [range(k, IDS, 4) for k in range(4)]):
            answers.update(part)
    # The flags really split: a constant answer would also "match" a broken endpoint.
    assert Counter(a["flags"]["new-navigation"] for a in answers.values()).keys() == {True, False}
    assert set(Counter(a["flags"]["homepage-hero"] for a in answers.values())) == {"photo", "video", "text", False}
    assert set(Counter(a["experiments"]["checkout-redesign"] for a in answers.values())) == {"control", "treatment"}
    return answers


# feature_enabled and get_feature_flag are deprecated in posthog 7 for evaluate_flags, but still what apps call.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_posthog_sdk_answers_as_decide(flagged, server, decided):
    _, key, _ = flagged
    errors = []
    client = posthog.Posthog(key, host=server.url, on_error=lambda e, batch: errors.append(e), max_retries=0,
                             feature_flags_request_timeout_seconds=10)

    def check(chunk):
        mismatches = []
        for i in chunk:
            uid, props, expected = f"user-{i}", attributes(i), decided[i]
            kw = {"person_properties": props, "send_feature_flag_events": False}
            # One request per call: the three kinds for every id, the other two flags for every fifth.
            got = {
                "new-navigation": client.feature_enabled("new-navigation", uid, **kw),
                "gradual-rollout": client.feature_enabled("gradual-rollout", uid, **kw),
                "checkout-redesign": client.get_feature_flag("checkout-redesign", uid, **kw),
            }
            if i % 5 == 0:
                got["homepage-hero"] = client.get_feature_flag("homepage-hero", uid, **kw)
                got["big-accounts"] = client.feature_enabled("big-accounts", uid, **kw)
            want = {**expected["flags"], "checkout-redesign": expected["experiments"].get("checkout-redesign", False)}
            want = {name: want[name] for name in got}
            if got != want:
                mismatches.append((uid, got, want))
        return mismatches

    with ThreadPoolExecutor(4) as pool:
        mismatches = [m for part in pool.map(check, [range(k, IDS, 4) for k in range(4)]) for m in part]
    assert mismatches == [], f"{len(mismatches)} ids differ, e.g. {mismatches[:3]}"
    # An unknown flag is no flag (None), as PostHog answers it; get_all_flags lists what decide lists.
    assert client.feature_enabled("no-such-flag", "user-1", send_feature_flag_events=False) is None
    every = client.get_all_flags("user-7", person_properties=attributes(7))
    assert every == {**decided[7]["flags"], **decided[7]["experiments"]}
    client.shutdown()
    assert errors == []


def test_growthbook_sdk_evaluates_the_payload_as_decide(flagged, server, decided):
    _, key, _ = flagged
    payload = requests.get(f"{server.url}/api/features/{key}", timeout=10).json()
    # The numeric condition cannot be said in GrowthBook's terms with the same meaning: left out, and said so.
    assert "big-accounts" not in payload["features"]
    assert [o["key"] for o in payload["uplift"]["omitted"]] == ["big-accounts"]
    rule = payload["features"]["checkout-redesign"]["rules"][0]

    gb = GrowthBook(api_host=server.url, client_key=key)
    gb.load_features()
    assert set(gb.get_features()) == {"new-navigation", "gradual-rollout", "homepage-hero", "checkout-redesign"}
    experiment = Experiment(key=rule["key"], variations=rule["variations"], weights=rule["weights"],
                            hashAttribute=rule["hashAttribute"], seed=rule["seed"], hashVersion=rule["hashVersion"])
    mismatches = []
    for i in range(IDS):
        expected = decided[i]
        gb.set_attributes({"id": f"user-{i}", **attributes(i)})
        got = {
            "new-navigation": gb.is_on("new-navigation"),
            "gradual-rollout": gb.is_on("gradual-rollout"),
            "homepage-hero": gb.get_feature_value("homepage-hero", False),
            "checkout-redesign": gb.get_feature_value("checkout-redesign", None),
            "run": gb.run(experiment).value,
        }
        variant = expected["experiments"].get("checkout-redesign")
        want = {name: expected["flags"][name] for name in ("new-navigation", "gradual-rollout", "homepage-hero")}
        want.update({"checkout-redesign": variant, "run": variant})
        if got != want:
            mismatches.append((i, got, want))
    gb.destroy()
    assert mismatches == [], f"{len(mismatches)} ids differ, e.g. {mismatches[:3]}"


def test_growthbook_client_key_must_be_a_write_key(flagged, server):
    _, _, read_key = flagged
    for bad in (read_key, "upw_unknown"):
        r = requests.get(f"{server.url}/api/features/{bad}", timeout=10)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert bad not in r.text
    # A GrowthBook SDK given a wrong key evaluates nothing (its defaults), it does not fail the app.
    gb = GrowthBook(api_host=server.url, client_key="upw_unknown", attributes={"id": "user-1"})
    gb.load_features()
    assert gb.get_features() == {} and gb.is_on("new-navigation") is False
    gb.destroy()


def test_answers_and_errors_are_as_documented(flagged, server, decided):
    _, key, read_key = flagged
    body = {"api_key": key, "distinct_id": "user-3", "person_properties": attributes(3)}
    expected = {**decided[3]["flags"], **decided[3]["experiments"]}
    on = {k: v for k, v in expected.items() if v is not False}

    def post(path, payload=body, **kw):
        r = requests.post(server.url + path, json=payload, timeout=10, **kw)
        check_documented(r, path.split("?")[0], "post")
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        return r

    # Each version's shape, with the same values.
    flags = post("/flags/?v=4").json()
    assert {k: f["variant"] or f["enabled"] for k, f in flags["flags"].items()} == expected
    assert "supportedCompression" not in flags  # v=4 without config=true: no remote config
    assert flags["flags"]["checkout-redesign"]["metadata"]["has_experiment"] is True
    assert post("/flags?v=1").json()["featureFlags"] == expected
    assert "supportedCompression" in post("/flags/").json()  # neither v nor config: v2 with the config
    assert post("/decide/?v=3").json()["featureFlags"] == expected
    assert post("/decide/?v=2").json()["featureFlags"] == on
    assert sorted(post("/decide/").json()["featureFlags"]) == sorted(on)
    assert post("/decide/?v=4").json()["flags"].keys() == expected.keys()
    # Only the keys asked for; an unknown key is absent, as PostHog answers it.
    only = post("/flags/?v=2", {**body, "flag_keys_to_evaluate": ["new-navigation", "no-such-flag"]}).json()
    assert list(only["flags"]) == ["new-navigation"]
    # posthog-js: `token`, after identify `$anon_distinct_id` (the stable id), base64 form (compression=base64).
    js = {"token": key, "distinct_id": "user-3-identified", "$anon_distinct_id": "user-3",
          "person_properties": attributes(3)}
    form = "data=" + requests.utils.quote(base64.b64encode(json.dumps(js).encode()).decode(), safe="")
    r = requests.post(server.url + "/flags/?v=2&config=true&compression=base64", data=form, timeout=10,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200, r.text
    assert {k: f["variant"] or f["enabled"] for k, f in r.json()["flags"].items()} == expected
    # Errors: Uplift's, with the documented statuses.
    for payload, status, code in (
        ({"distinct_id": "user-3"}, 401, "unauthorized"),
        ({"api_key": read_key, "distinct_id": "user-3"}, 401, "unauthorized"),
        ({"api_key": key}, 400, "invalid_body"),
        ({"api_key": key, "distinct_id": "u", "person_properties": [1]}, 400, "invalid_body"),
        ([1, 2], 400, "invalid_body"),
    ):
        r = post("/flags/?v=2", payload)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), r.text
        assert read_key not in r.text
    r = requests.post(server.url + "/flags/", data="data=%%%", timeout=10)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_body")
    r = requests.options(server.url + "/flags/", timeout=10)
    check_documented(r, "/flags/", "options")
    # GrowthBook: the payload with its ETag; the same ETag gets 304.
    r = requests.get(f"{server.url}/api/features/{key}", timeout=10)
    check_documented(r, "/api/features/{key}", "get")
    again = requests.get(f"{server.url}/api/features/{key}", headers={"If-None-Match": r.headers["ETag"]}, timeout=10)
    assert again.status_code == 304 and again.headers["ETag"] == r.headers["ETag"]
    check_documented(again, "/api/features/{key}", "get")
    check_documented(requests.get(f"{server.url}/api/features/%zz", timeout=10), "/api/features/{key}", "get")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_posthog_flag_calls_are_stored_as_exposures(uplift, project, tmp_path):
    """posthog's `$feature_flag_called` events (sent with each evaluation by default) reach the store as the
    exposure events an experiment with `exposure: {event: $feature_flag_called}` counts."""
    data, key = project
    path = tmp_path / "experiment.yaml"
    path.write_text(EXPERIMENT)
    for args in (["create", "--definition", str(path)], ["start", "checkout-redesign"]):
        r = run([uplift, "experiment", *args, "--data", str(data), "--project", "demo"])
        assert r.returncode == 0, r.stderr
    srv = Server(uplift, data).start()
    try:
        errors = []
        client = posthog.Posthog(key, host=srv.url, on_error=lambda e, batch: errors.append(e), max_retries=0)
        variants = {f"user-{i}": client.get_feature_flag("checkout-redesign", f"user-{i}") for i in range(20)}
        client.flush()
        client.shutdown()
        assert errors == [] and set(variants.values()) == {"control", "treatment"}
    finally:
        srv.stop_ok()
    called = [r for r in stored_events(data) if r["event"] == "$feature_flag_called"]
    exposures = {r["distinct_id"]: json.loads(r["properties"]) for r in called}
    assert len(called) == len(variants)
    assert {i: (p["$feature_flag"], p["$feature_flag_response"]) for i, p in exposures.items()} == {
        i: ("checkout-redesign", v) for i, v in variants.items()}
