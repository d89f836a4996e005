"""Privacy controls end to end (issue 17): personal data a project's controls remove never reaches the
write-ahead log or a segment, and retention deletes exactly the days older than its setting.

Every byte the data directory holds is searched: the log files and the catalog as they are, and each
segment through pyarrow (so GZIP pages are searched decompressed)."""
import datetime as dt
import json
import re
import uuid
from pathlib import Path

import pyarrow.parquet as pq
import requests

from conftest import Server, run

IPS = ["203.0.113.77", "198.51.100.23", "2001:db8:85a3::8a2e:370:7348"]
EMAILS = ["ann.lee@example.com", "bob+shop@mail.example.org", "carol@example.net"]
CARD = "4111 1111 1111 1111"


def raw_bytes(data):
    """Every file under `data` but the segments, as they are on disk."""
    return {p: p.read_bytes() for p in Path(data).rglob("*") if p.is_file() and p.suffix != ".parquet"}


def segment_text(data):
    """Every value of every segment, decoded by pyarrow, as one text."""
    parts = []
    for path in sorted((Path(data) / "events").rglob("*.parquet")):
        parts.append(json.dumps(pq.read_table(path).to_pylist(), default=str))
    return "\n".join(parts)


def sensitive(text):
    return [s for s in IPS + EMAILS + [CARD, CARD.replace(" ", "")] if s in text]


def test_personal_data_the_controls_remove_is_never_stored(uplift, project):
    data, key = project
    r = run([uplift, "project", "set", "demo", "--ip", "drop", "--redact-emails", "true", "--redact-cards", "true",
             "--hash-property", "email", "--drop-property", "phone", "--data", str(data), "--json"])
    assert r.returncode == 0, r.stderr
    settings = json.loads(r.stdout)["privacy"]
    assert settings["ip"] == "drop" and settings["emails"] and settings["hash"] == ["email"], settings

    srv = Server(uplift, data).start()
    try:
        batch = [{"type": "track", "event": "signed_up", "userId": f"user-{i}", "messageId": str(uuid.uuid4()),
                  "timestamp": "2026-03-02T10:00:00Z",
                  "context": {"ip": IPS[i % 2], "library": {"name": "analytics-python"}},
                  "properties": {"email": EMAILS[i % 3], "phone": "+1 415 555 0100",
                                 "note": f"reach me at {EMAILS[(i + 1) % 3]} please",
                                 "payment": {"card": CARD, "items": [f"cc {CARD.replace(' ', '')}"]}}}
                 for i in range(6)]
        r = requests.post(srv.url + "/v1/batch", json={"batch": batch}, auth=(key, ""), timeout=10)
        assert r.status_code == 200 and r.json()["accepted"] == 6, r.text
        # PostHog puts the address in `$ip`.
        r = requests.post(srv.url + "/capture/", timeout=10, json={
            "api_key": key, "event": "$pageview", "distinct_id": "user-9", "uuid": str(uuid.uuid4()),
            "timestamp": "2026-03-02T11:00:00Z", "properties": {"$ip": IPS[2], "email": EMAILS[0]}})
        assert r.status_code == 200, r.text
        # Acknowledged means in the log: nothing sensitive is there.
        for path, content in raw_bytes(data).items():
            text = content.decode("latin-1")
            assert not sensitive(text), f"{path} holds {sensitive(text)}"
        metrics = requests.get(srv.url + "/metrics", timeout=10).text
        counted = dict(re.findall(r'uplift_ingest_privacy_redactions_total\{kind="(\w+)"\} (\d+)', metrics))
        assert counted == {"ip_dropped": "7", "property_dropped": "6", "property_hashed": "7", "email": "6",
                           "card_number": "12"}, counted
    finally:
        srv.stop_ok()

    text = segment_text(data)
    assert not sensitive(text), sensitive(text)
    for path, content in raw_bytes(data).items():
        assert not sensitive(content.decode("latin-1")), path
    rows = [json.loads(row["properties"]) for path in (Path(data) / "events").rglob("*.parquet")
            for row in pq.read_table(path, columns=["properties"]).to_pylist()]
    assert len(rows) == 7
    # A keyed hash: equal e-mails stay equal (7 events, 3 addresses), and none is readable.
    hashes = {row["email"] for row in rows}
    assert len(hashes) == 3 and all(h.startswith("hmac:") for h in hashes), hashes
    assert all("phone" not in row and "$ip" not in row for row in rows)
    notes = sorted(row["note"] for row in rows if "note" in row)
    assert notes == ["reach me at [email] please"] * 6, notes


def test_import_applies_the_same_controls(uplift, tmp_path):
    data = tmp_path / "data"
    assert run([uplift, "project", "create", "demo", "--data", str(data)]).returncode == 0
    r = run([uplift, "project", "set", "demo", "--ip", "truncate", "--redact-emails", "true", "--data", str(data)])
    assert r.returncode == 0, r.stderr
    lines = [json.dumps({"type": "track", "event": "x", "userId": f"u{i}", "messageId": f"m{i}",
                         "timestamp": "2026-03-02T10:00:00Z", "context": {"ip": IPS[i % 3]},
                         "properties": {"contact": EMAILS[i % 3]}}) for i in range(9)]
    ndjson = tmp_path / "in.ndjson"
    ndjson.write_text("\n".join(lines) + "\n")
    r = run([uplift, "import", "--project", "demo", "--data", str(data), str(ndjson)])
    assert r.returncode == 0, r.stderr
    assert "9 ip_truncated, 9 email" in r.stdout, r.stdout
    text = segment_text(data)
    assert not sensitive(text), sensitive(text)
    contexts = sorted({json.loads(row["context"])["ip"] for path in (Path(data) / "events").rglob("*.parquet")
                       for row in pq.read_table(path, columns=["context"]).to_pylist()})
    assert contexts == ["198.51.100.0", "2001:db8:85a3::", "203.0.113.0"], contexts


def test_retention_deletes_exactly_the_days_older_than_the_setting(uplift, tmp_path):
    data = tmp_path / "data"
    today = dt.datetime.now(dt.timezone.utc).date()
    # Days 12..6 and 2..0 before today: a midnight passing during the test moves the first kept day
    # (today - 4) by one, which changes nothing here.
    offsets = list(range(6, 13)) + [0, 1, 2]
    lines = []
    for offset in offsets:
        day = today - dt.timedelta(days=offset)
        for i in range(3):
            lines.append(json.dumps({"type": "track", "event": "opened", "userId": f"u{i}",
                                     "messageId": f"{day}-{i}", "timestamp": f"{day}T00:{10 + i}:00Z"}))
    ndjson = tmp_path / "in.ndjson"
    ndjson.write_text("\n".join(lines) + "\n")
    r = run([uplift, "import", "--project", "demo", "--data", str(data), str(ndjson)])
    assert r.returncode == 0, r.stderr

    def trend():
        r = run([uplift, "trend", "--project", "demo", "--data", str(data), "--json",
                 "--from", str(today - dt.timedelta(days=20)), "--to", str(today)])
        assert r.returncode == 0, r.stderr
        doc = json.loads(r.stdout)
        return {point["date"]: point["value"] for point in doc["series"] if point["value"]}

    assert len(trend()) == len(offsets)
    r = run([uplift, "project", "set", "demo", "--retention-days", "4", "--data", str(data)])
    assert r.returncode == 0, r.stderr
    kept = {str(today - dt.timedelta(days=o)): 3 for o in (0, 1, 2)}
    # Invisible at once, before any compaction.
    assert trend() == kept
    r = run([uplift, "compact", "--data", str(data)])
    assert r.returncode == 0, r.stderr
    assert "deleted 7 days past retention (7 segments)" in r.stdout, r.stdout
    dates = sorted(p.name[5:] for p in (data / "events" / "project=demo").iterdir())
    assert dates == sorted(kept), dates
    rows = [row for path in (data / "events").rglob("*.parquet")
            for row in pq.read_table(path, columns=["event_id"]).to_pylist()]
    assert sorted(r["event_id"] for r in rows) == sorted(f"{d}-{i}" for d in kept for i in range(3))
    assert trend() == kept


def person_ndjson(path):
    """Three persons: p1 browses anonymously, is identified, then aliased; p2 is identified from the start;
    p3 stays anonymous. Returns the lines as dicts."""
    messages = []
    def track(n, **ids):
        messages.append({"type": "track", "event": f"e{n % 4}", "messageId": f"m{len(messages)}",
                         "timestamp": f"2026-03-0{1 + n % 5}T10:{n % 60:02d}:00Z", "properties": {"n": n}, **ids})
    for n in range(6):
        track(n, anonymousId="anon-1")
    messages.append({"type": "identify", "userId": "user-1", "anonymousId": "anon-1", "messageId": "id-1",
                     "timestamp": "2026-03-03T11:00:00Z", "traits": {"plan": "pro"}})
    for n in range(6, 10):
        track(n, userId="user-1")
    messages.append({"type": "alias", "userId": "user-1-new", "previousId": "user-1", "messageId": "al-1",
                     "timestamp": "2026-03-04T09:00:00Z"})
    track(10, userId="user-1-new")
    for n in range(11, 20):
        track(n, userId="user-2")
        track(n + 100, anonymousId="anon-3")
    path.write_text("".join(json.dumps(m) + "\n" for m in messages))
    return messages


def naive_ids(message):
    return {message.get(k) for k in ("userId", "anonymousId", "previousId")} - {None}


def test_export_is_every_event_of_every_linked_id(uplift, project, tmp_path):
    data, key = project
    messages = person_ndjson(tmp_path / "in.ndjson")
    r = run([uplift, "import", "--project", "demo", "--data", str(data), str(tmp_path / "in.ndjson")])
    assert r.returncode == 0, r.stderr
    person = {"anon-1", "user-1", "user-1-new"}
    expected = sorted(m["messageId"] for m in messages if naive_ids(m) & person)
    for asked in sorted(person):
        r = run([uplift, "person", "export", "--project", "demo", "--data", str(data), asked])
        assert r.returncode == 0, r.stderr
        records = [json.loads(line) for line in r.stdout.splitlines()]
        assert sorted(rec["event_id"] for rec in records) == expected, asked
        assert [rec["timestamp"] for rec in records] == sorted(rec["timestamp"] for rec in records)
        by_id = {rec["event_id"]: rec for rec in records}
        assert by_id["m0"]["properties"] == {"n": 0} and by_id["m0"]["distinct_id"] == "anon-1"
    r = run([uplift, "person", "export", "--project", "demo", "--data", str(data), "nobody"])
    assert r.returncode == 0 and r.stdout == "", r.stdout

    # The server's export also has the events still only in its log (flushed every 30 s at the earliest).
    read_key = json.loads(run([uplift, "key", "create", "--project", "demo", "--kind", "read", "--data", str(data),
                               "--json"]).stdout)["key"]
    srv = Server(uplift, data).start()
    try:
        late = [{"type": "track", "event": "late", "userId": "user-1-new", "messageId": f"late-{i}",
                 "timestamp": "2026-03-06T10:00:00Z"} for i in range(3)]
        r = requests.post(srv.url + "/v1/batch", json={"batch": late}, auth=(key, ""), timeout=10)
        assert r.status_code == 200 and r.json()["accepted"] == 3, r.text
        r = requests.get(srv.url + "/v1/persons/anon-1/export", headers={"Authorization": f"Bearer {read_key}"},
                         timeout=30)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/x-ndjson")
        got = sorted(json.loads(line)["event_id"] for line in r.text.splitlines())
        assert got == sorted(expected + [m["messageId"] for m in late])
        r = requests.get(srv.url + "/v1/persons/anon-1/export?project=other",
                         headers={"Authorization": f"Bearer {read_key}"}, timeout=10)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", r.text
        r = requests.get(srv.url + "/v1/persons/anon-1/export", auth=(key, ""), timeout=10)
        assert r.status_code == 401, r.text
    finally:
        srv.stop_ok()


def test_erasure_removes_every_trace_and_exactly_the_persons_contribution(uplift, project, tmp_path):
    data, key = project
    messages = person_ndjson(tmp_path / "in.ndjson")
    r = run([uplift, "import", "--project", "demo", "--data", str(data), str(tmp_path / "in.ndjson")])
    assert r.returncode == 0, r.stderr
    # Some of the person's events still only in the log when the erasure starts (a server killed before it
    # flushed), and another person's too.
    srv = Server(uplift, data).start()
    late = [{"type": "track", "event": "e1", "userId": uid, "messageId": f"late-{uid}-{i}",
             "timestamp": "2026-03-05T12:00:00Z"} for uid in ("user-1-new", "user-2") for i in range(2)]
    r = requests.post(srv.url + "/v1/batch", json={"batch": late}, auth=(key, ""), timeout=10)
    assert r.status_code == 200 and r.json()["accepted"] == 4, r.text
    srv.kill()
    messages += late
    person = {"anon-1", "user-1", "user-1-new"}

    def answers():
        out = {}
        for measure in ("events", "persons"):
            r = run([uplift, "trend", "--project", "demo", "--data", str(data), "--json", "--measure", measure,
                     "--from", "2026-03-01", "--to", "2026-03-06"])
            assert r.returncode == 0, r.stderr
            out[measure] = {p["date"]: p["value"] for p in json.loads(r.stdout)["series"]}
        return out

    r = run([uplift, "compact", "--data", str(data)])  # replays the log: every event is in segments
    assert r.returncode == 0, r.stderr
    before = answers()
    r = run([uplift, "person", "erase", "--project", "demo", "--data", str(data), "user-1"])
    assert r.returncode == 0, r.stderr
    erased = [m for m in messages if naive_ids(m) & person]
    assert f"erased 3 ids of demo: {len(erased)} events removed (er_" in r.stdout, r.stdout
    after = answers()

    # Exactly the person's contribution: their events per day, and one person on each day they were active
    # (a trend counts tracked events, not identify or alias messages).
    for day, value in before["events"].items():
        mine = sum(1 for m in erased if m["timestamp"].startswith(day) and m["type"] == "track")
        assert after["events"][day] == value - mine, day
        active = any(m["timestamp"].startswith(day) for m in erased if m["type"] == "track")
        assert after["persons"][day] == before["persons"][day] - (1 if active else 0), day

    import duckdb
    files = [str(p) for p in (data / "events").rglob("*.parquet")]
    ids = ", ".join(f"'{i}'" for i in sorted(person))
    left = duckdb.sql(f"SELECT count(*) FROM read_parquet({files}) WHERE distinct_id IN ({ids}) "
                      f"OR user_id IN ({ids}) OR anonymous_id IN ({ids})").fetchall()[0][0]
    assert left == 0
    total = duckdb.sql(f"SELECT count(*) FROM read_parquet({files})").fetchall()[0][0]
    assert total == len(messages) - len(erased)
    # No byte of the data directory names them: log files and catalog as they are, segments decoded.
    for path, content in raw_bytes(data).items():
        for i in person:
            assert i.encode() not in content, (path, i)
    text = segment_text(data)
    for i in person:
        assert i not in text, i
    # The erasure log has hashes, not ids; the person is gone from the links; a later event starts afresh.
    r = run([uplift, "person", "erasures", "--project", "demo", "--data", str(data), "--json"])
    log = json.loads(r.stdout)["erasures"]
    assert len(log) == 1 and log[0]["requested_by"] == "cli" and log[0]["events_removed"] == len(erased), log
    assert all(h.startswith("hmac:") for h in log[0]["id_hashes"]) and len(log[0]["id_hashes"]) == 3
    r = run([uplift, "person", "export", "--project", "demo", "--data", str(data), "anon-1"])
    assert r.returncode == 0 and r.stdout == "", r.stdout


def test_sigkill_during_erasure_then_it_is_finished_and_nothing_comes_back(uplift, tmp_path):
    import random
    import signal
    import subprocess
    import time

    import duckdb

    data = tmp_path / "data"
    source = tmp_path / "events.ndjson"
    with open(source, "w") as out:
        r = subprocess.run([uplift, "generate", "--events", "150000", "--users", "1500", "--days", "20", "--seed", "17",
                            "--dialect", "segment"], stdout=out, stderr=subprocess.PIPE, text=True)
    assert r.returncode == 0, r.stderr
    r = run([uplift, "import", "--project", "crash", "--data", str(data), str(source)])
    assert r.returncode == 0, r.stderr
    glob = str(data / "events" / "**" / "*.parquet")

    def count(where="true"):
        return duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{glob}') WHERE {where}").fetchone()[0]

    def person_of(uid):
        r = run([uplift, "person", "export", "--project", "crash", "--data", str(data), uid])
        assert r.returncode == 0, r.stderr
        records = [json.loads(line) for line in r.stdout.splitlines()]
        return {i for rec in records for i in (rec["distinct_id"], rec["user_id"], rec["anonymous_id"]) if i}, records

    top = duckdb.connect().execute(
        f"SELECT user_id FROM read_parquet('{glob}') WHERE user_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 2"
    ).fetchall()
    victim, second = top[0][0], top[1][0]
    victim_ids, victim_events = person_of(victim)
    second_ids, second_events = person_of(second)
    assert len(victim_events) > 5 and not victim_ids & second_ids
    total = count()
    # Some of the victim's events only in a write-ahead log: a server killed before flushing them.
    key = json.loads(run([uplift, "key", "create", "--project", "crash", "--kind", "write", "--data", str(data),
                          "--json"]).stdout)["key"]
    srv = Server(uplift, data, project="crash").start()
    late = [{"type": "track", "event": "late", "userId": victim, "messageId": f"late-{i}",
             "timestamp": "2026-01-10T12:00:00Z"} for i in range(5)]
    r = requests.post(srv.url + "/v1/batch", json={"batch": late}, auth=(key, ""), timeout=10)
    assert r.status_code == 200 and r.json()["accepted"] == 5, r.text
    srv.kill()

    rng = random.Random(20261207)
    kills = 0
    for attempt in range(6):
        proc = subprocess.Popen([uplift, "person", "erase", "--project", "crash", "--data", str(data), victim],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.6))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        if proc.wait() == 0:
            break
    assert kills > 0, "every erasure finished before its kill: make the data set larger"
    # The next erasure finishes any the kills interrupted; the log never brings an erased event back.
    r = run([uplift, "person", "erase", "--project", "crash", "--data", str(data), second])
    assert r.returncode == 0, r.stderr
    for ids in (victim_ids, second_ids):
        listed = ", ".join(f"'{i}'" for i in sorted(ids))
        assert count(f"distinct_id IN ({listed}) OR user_id IN ({listed}) OR anonymous_id IN ({listed})") == 0
    assert count() == total - len(victim_events) - len(second_events)  # the late ones went too
    log = json.loads(run([uplift, "person", "erasures", "--project", "crash", "--data", str(data), "--json"]).stdout)
    assert log["erasures"] and all(e["completed_at"] for e in log["erasures"]), log
    # The log counts what each person lost from the segments, however many runs it took: the oldest erasure of
    # the victim (every later run finishes it first) found all their segments' events (the late ones, still in
    # the log, were dropped from it by the flush that comes first); the last found the second's.
    assert log["erasures"][-1]["events_removed"] == len(victim_events), log
    assert log["erasures"][0]["events_removed"] == len(second_events), log
    r = run([uplift, "verify", "--data", str(data)])
    assert r.returncode == 0, r.stdout + r.stderr
