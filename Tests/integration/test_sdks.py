"""The official PostHog and Segment Python SDKs deliver to a running `uplift serve`, unchanged.

Each test points an SDK at the server (host=server URL), sends one call of every kind with known ids,
flushes, stops the server with SIGTERM (exit 0), and reads the Parquet segments back with pyarrow:
every event must be there exactly once with the right type, name and ids.
"""
import json
import uuid
from collections import Counter

import posthog
import pytest
from segment.analytics import Client as SegmentClient

from conftest import run, stored_events


def by_id(rows):
    counts = Counter(r["event_id"] for r in rows)
    duplicated = {i: n for i, n in counts.items() if n > 1}
    assert not duplicated, f"events stored more than once: {duplicated}"
    return {r["event_id"]: r for r in rows}


def stats_events(uplift, data):
    r = run([uplift, "stats", "--data", str(data), "--json"])
    assert r.returncode == 0, r.stderr
    return {p["project"]: p["events"] for p in json.loads(r.stdout)["projects"]}


def verify(uplift, data):
    r = run([uplift, "verify", "--data", str(data)])
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip"])
def test_posthog_sdk_delivers_capture_identify_set_and_alias(uplift, project, server, gzip):
    data, key = project
    errors = []
    client = posthog.Posthog(key, host=server.url, gzip=gzip, on_error=lambda e, batch: errors.append(e),
                             max_retries=0, flush_at=3)
    ids = {name: str(uuid.uuid4()) for name in ("signup", "click", "identify", "set", "alias")}
    # The SDK returns the uuid it sent; a mismatch would mean it replaced ours.
    sent = [
        client.capture("signed up", distinct_id="anon-ph-1", properties={"plan": "pro", "seats": 3},
                       uuid=ids["signup"]),
        client.capture("clicked", distinct_id="anon-ph-1", properties={"button": "buy"}, uuid=ids["click"]),
        # posthog-python 7 has no identify(); it is the `$identify` event, as posthog-js sends it.
        client.capture("$identify", distinct_id="user-ph-1", properties={"$anon_distinct_id": "anon-ph-1"},
                       uuid=ids["identify"]),
        client.set(distinct_id="user-ph-1", properties={"email": "ph@example.com"}, uuid=ids["set"]),
        client.alias(previous_id="user-ph-1", distinct_id="user-ph-1-alt", uuid=ids["alias"]),
    ]
    assert sent == list(ids.values())
    client.flush()
    client.shutdown()
    assert errors == []
    server.stop_ok()

    rows = by_id(stored_events(data))
    assert set(rows) == set(ids.values())
    got = {name: (rows[i]["type"], rows[i]["event"], rows[i]["distinct_id"]) for name, i in ids.items()}
    assert got == {
        "signup": ("track", "signed up", "anon-ph-1"),
        "click": ("track", "clicked", "anon-ph-1"),
        "identify": ("identify", "$identify", "user-ph-1"),
        "set": ("track", "$set", "user-ph-1"),
        "alias": ("alias", "$create_alias", "user-ph-1"),
    }
    assert json.loads(rows[ids["signup"]]["properties"])["plan"] == "pro"
    assert json.loads(rows[ids["signup"]]["properties"])["seats"] == 3
    identify = rows[ids["identify"]]
    assert (identify["user_id"], identify["anonymous_id"]) == ("user-ph-1", "anon-ph-1")
    alias = rows[ids["alias"]]
    # Which side of a PostHog alias is "user" is a convention; the two ids must be the linked pair.
    assert {alias["user_id"], alias["anonymous_id"]} == {"user-ph-1", "user-ph-1-alt"}
    assert stats_events(uplift, data) == {"demo": len(ids)}
    verify(uplift, data)


@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip"])
def test_segment_sdk_delivers_every_call_type(uplift, project, server, gzip):
    data, key = project
    errors = []
    client = SegmentClient(key, host=server.url, gzip=gzip, on_error=lambda e, batch: errors.append(e),
                           max_retries=0, upload_size=4)
    ids = {name: f"seg-{name}-{uuid.uuid4()}" for name in
           ("track", "track_anon", "identify", "page", "screen", "group", "alias")}
    client.track(anonymous_id="anon-seg-1", event="Viewed Pricing", properties={"tier": "team"},
                 message_id=ids["track_anon"])
    client.identify("user-seg-1", {"email": "seg@example.com"}, anonymous_id="anon-seg-1",
                    message_id=ids["identify"])
    client.track("user-seg-1", "Signed Up", {"plan": "pro"}, message_id=ids["track"])
    client.page("user-seg-1", "Docs", "Intro", {"path": "/docs/intro"}, message_id=ids["page"])
    client.screen("user-seg-1", "App", "Home", message_id=ids["screen"])
    client.group("user-seg-1", "acme", {"name": "Acme Inc"}, message_id=ids["group"])
    client.alias("anon-seg-2", "user-seg-1", message_id=ids["alias"])
    client.flush()
    client.shutdown()
    assert errors == []
    server.stop_ok()

    rows = by_id(stored_events(data))
    assert set(rows) == set(ids.values())
    got = {name: (rows[i]["type"], rows[i]["event"], rows[i]["distinct_id"], rows[i]["user_id"],
                  rows[i]["anonymous_id"]) for name, i in ids.items()}
    assert got == {
        "track_anon": ("track", "Viewed Pricing", "anon-seg-1", None, "anon-seg-1"),
        "identify": ("identify", "$identify", "user-seg-1", "user-seg-1", "anon-seg-1"),
        "track": ("track", "Signed Up", "user-seg-1", "user-seg-1", None),
        "page": ("page", "$pageview", "user-seg-1", "user-seg-1", None),
        "screen": ("screen", "$screen", "user-seg-1", "user-seg-1", None),
        "group": ("group", "$groupidentify", "user-seg-1", "user-seg-1", None),
        "alias": ("alias", "$create_alias", "user-seg-1", "user-seg-1", "anon-seg-2"),
    }
    assert json.loads(rows[ids["track"]]["properties"]) == {"plan": "pro"}
    assert json.loads(rows[ids["page"]]["properties"])["path"] == "/docs/intro"
    assert stats_events(uplift, data) == {"demo": len(ids)}
    verify(uplift, data)
