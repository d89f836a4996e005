"""Erasure with several nodes (issue 17): three `uplift serve` nodes on one PostgreSQL catalog and one S3
bucket (moto's server). The person's events are in the bucket's segments (imported) and in the other nodes'
write-ahead logs only (acknowledged, not flushed). An erasure asked of node 0:
- leaves every node's answers at once, by exactly the person's contribution (a naive count of the messages);
- is finished by node 0 after a SIGKILL in the middle of its rewriting of the segments;
- stays done on node 1, SIGKILLed before it learnt of the erasure, which replays its log;
- leaves no live segment with any of the person's ids, and no byte of them in either node's data directory
  (its log trimmed) once the nodes have stopped;
- and an event of an erased id received afterwards starts a new person.

Needs UPLIFT_TEST_POSTGRES_URL and UPLIFT_TEST_S3_ENDPOINT (make test starts both)."""
import io
import json
import time
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq
import requests

from conftest import Server, run
from test_privacy import naive_ids, person_ndjson
from test_scale_out import cli, cluster  # noqa: F401 (cluster is a fixture)

PERSON = {"anon-1", "user-1", "user-1-new"}
DAYS = [f"2026-03-0{d}" for d in range(1, 7)]
NO_BACKGROUND = ["--flush-interval", "1h", "--compaction-interval", "1h"]


def person_of(message):
    """The naive person of a message: the erased one's ids are one person, every other id its own."""
    ids = naive_ids(message)
    return "erased" if ids & PERSON else min(ids)


def naive_trend(messages):
    """Tracked events, and distinct persons, per day."""
    events, persons = defaultdict(int), defaultdict(set)
    for m in messages:
        if m["type"] != "track":
            continue
        day = m["timestamp"][:10]
        events[day] += 1
        persons[day].add(person_of(m))
    return {"events": {d: events[d] for d in DAYS}, "persons": {d: len(persons[d]) for d in DAYS}}


def trend(node, key):
    out = {}
    for measure in ("events", "persons"):
        r = requests.post(f"{node.url}/v1/query/trend", json={"measure": measure, "from": DAYS[0], "to": DAYS[-1]},
                          headers={"Authorization": f"Bearer {key}"}, timeout=60)
        assert r.status_code == 200, r.text
        out[measure] = {p["date"]: p["value"] for p in r.json()["series"]}
    return out


def test_an_erasure_asked_of_one_node_holds_on_every_node_and_in_the_bucket(uplift, cluster):  # noqa: F811
    tmp, s3, bucket = cluster["tmp"], cluster["s3"], cluster["bucket"]
    admin = tmp / "admin"
    cli(uplift, "project", "create", "demo", data=admin)
    write_key = json.loads(cli(uplift, "key", "create", "--project", "demo", "--kind", "write", "--json",
                               data=admin))["key"]
    read_key = json.loads(cli(uplift, "key", "create", "--project", "demo", "--kind", "read", "--json",
                              data=admin))["key"]
    imported = person_ndjson(tmp / "in.ndjson")
    cli(uplift, "import", "--project", "demo", str(tmp / "in.ndjson"), data=tmp / "importer")

    nodes = [Server(uplift, tmp / f"node-{n}", extra_args=["--node", f"node-{n}", *NO_BACKGROUND]).start()
             for n in range(3)]
    try:
        # Nodes 1 and 2 take more of the person's events (and another person's) and keep them in their logs.
        late = {n: [{"type": "track", "event": "e1", "userId": uid, "messageId": f"late-{n}-{uid}-{i}",
                     "timestamp": f"2026-03-0{5 + i % 2}T12:00:00Z"} for uid in ("user-1-new", "anon-1", "user-2")
                    for i in range(2)] for n in (1, 2)}
        for n in (1, 2):
            r = requests.post(nodes[n].url + "/v1/batch", json={"batch": late[n]}, auth=(write_key, ""), timeout=30)
            assert r.status_code == 200 and r.json()["accepted"] == len(late[n]), r.text
            assert trend(nodes[n], read_key) == naive_trend(imported + late[n])
        assert trend(nodes[0], read_key) == naive_trend(imported)

        r = requests.delete(nodes[0].url + "/v1/persons/user-1", headers={"Authorization": f"Bearer {read_key}"},
                            timeout=120)
        assert r.status_code == 202 and r.json()["erasure"]["status"] == "running", r.text
        location = r.headers["Location"]

        # Every node's answers lose exactly the person, the events only a node's log held included. Node 0
        # first: once another node has dropped the person's events, its flusher writes the rest of its log out
        # at once, and node 0 then sees them. Node 1 is SIGKILLed before it has asked anything: its log, replayed,
        # still holds the person's events.
        def kept(*messages):
            return [m for m in messages if not naive_ids(m) & PERSON]

        assert trend(nodes[0], read_key) == naive_trend(kept(*imported))
        # Its rewriting of the segments runs in node 0's background, from the moment it answered: SIGKILLed in
        # the middle (most likely), node 0 finishes it when it starts again. The erasure log says when it is done.
        nodes[0].kill()
        nodes[0].start()
        deadline = time.monotonic() + 120
        while (erasure := requests.get(nodes[0].url + location, headers={"Authorization": f"Bearer {read_key}"},
                                       timeout=30).json()["erasure"])["status"] == "running":
            assert time.monotonic() < deadline, erasure
            time.sleep(0.1)
        in_segments = [m for m in imported if naive_ids(m) & PERSON]
        assert erasure["status"] == "completed" and erasure["events_removed"] == len(in_segments), erasure
        assert trend(nodes[0], read_key) == naive_trend(kept(*imported))
        nodes[1].kill()
        nodes[1].start()
        assert trend(nodes[1], read_key) == naive_trend(kept(*imported, *late[1]))
        assert trend(nodes[2], read_key) == naive_trend(kept(*imported, *late[1], *late[2]))
        r = requests.get(nodes[2].url + "/v1/persons/user-1-new/export",
                         headers={"Authorization": f"Bearer {read_key}"}, timeout=60)
        assert r.status_code == 200 and r.text == "", r.text
        everything = kept(*imported, *late[1], *late[2])

        # An erased id sending again afterwards is a new person.
        again = {"type": "track", "event": "e2", "anonymousId": "anon-1", "messageId": "after-erasure",
                 "timestamp": "2026-03-06T13:00:00Z"}
        r = requests.post(nodes[1].url + "/v1/batch", json={"batch": [again]}, auth=(write_key, ""), timeout=30)
        assert r.status_code == 200 and r.json()["accepted"] == 1, r.text
        r = requests.get(nodes[1].url + "/v1/persons/anon-1/export",
                         headers={"Authorization": f"Bearer {read_key}"}, timeout=60)
        assert [json.loads(line)["event_id"] for line in r.text.splitlines()] == ["after-erasure"]
        everything.append(again)
        for node in nodes:
            node.stop_ok()
    finally:
        for node in nodes:
            node.kill()

    # The live segments: every kept message once, none of the person's but the one sent afterwards.
    listed = json.loads(cli(uplift, "segments", "--project", "demo", "--json", data=tmp / "lister"))["segments"]
    live, rows = set(), []
    for segment in listed:
        key = segment["path"][len(f"s3://{bucket}/"):]
        live.add(key)
        table = pq.read_table(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read()))
        rows += table.to_pylist()
    assert sorted(r["event_id"] for r in rows) == sorted(m["messageId"] for m in everything)
    named = [r["event_id"] for r in rows if {r["distinct_id"], r["user_id"], r["anonymous_id"]} & PERSON]
    assert named == ["after-erasure"]
    # The rewritten segments' old objects may still be in the bucket, no longer live: no node reads them, and
    # the compaction loop deletes them after the grace period other nodes' queries get (README, "Privacy").
    for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        if not obj["Key"].endswith(".parquet"):
            continue
        table = pq.read_table(io.BytesIO(s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()))
        if any({r["distinct_id"], r["user_id"], r["anonymous_id"]} & PERSON and r["event_id"] != "after-erasure"
               for r in table.to_pylist()):
            assert obj["Key"] not in live, obj["Key"]
    # Neither node's data directory holds a byte of them: logs trimmed, no copy left but of live segments.
    for n in range(3):
        for path in Path(tmp / f"node-{n}").rglob("*"):
            if path.is_file() and path.suffix != ".parquet":
                content = path.read_bytes()
                for i in PERSON:
                    assert i.encode() not in content, (path, i)
