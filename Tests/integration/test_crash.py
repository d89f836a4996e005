"""Acknowledged means durable: SIGKILL the server mid-ingestion, restart it, and nothing acked is lost or doubled.

Several client threads post /v1/batch requests of 100 events with unique messageIds and record which
batches got a 200. At a random moment the server is killed with SIGKILL, then restarted on the same
data directory. The clients then retry what was in flight (as a real SDK would) and resend some
acknowledged batches, which must come back 200 as duplicates. After SIGTERM, DuckDB reads every
segment: each acknowledged id is there exactly once, no id is there twice, nothing unknown is there,
and `uplift verify` passes. Three rounds on the same data directory, so later rounds also recover
on top of earlier segments.
"""
import random
import threading
import time
from datetime import datetime, timezone

import duckdb
import requests

from conftest import Server, run

THREADS = 4
BATCH = 100
ROUNDS = 3


class Batches:
    """Every batch sent, by key, and which of them the server acknowledged with a 200."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = {}
        self.acked = set()
        self.errors = []

    def add(self, key, ids, acked):
        with self.lock:
            self.sent[key] = ids
            if acked:
                self.acked.add(key)

    def acked_ids(self):
        with self.lock:
            return {i for key in self.acked for i in self.sent[key]}

    def unacked(self):
        with self.lock:
            return [key for key in self.sent if key not in self.acked]


def batch_body(ids):
    now = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"batch": [{"type": "track", "event": "Crash Test", "userId": f"user-{n % 97}", "messageId": i,
                       "timestamp": now, "properties": {"n": n}} for n, i in enumerate(ids)],
            "sentAt": now}


def post(session, url, key, ids, timeout=30):
    return session.post(url + "/v1/batch", json=batch_body(ids), auth=(key, ""), timeout=timeout)


def client(url, key, batches, name, stop):
    """Post batches until stopped or the server goes away; a batch counts as acked only on a full 200."""
    try:
        post_until_stopped(url, key, batches, name, stop)
    except Exception as e:  # an exception would die with the thread; the test checks batches.errors instead
        with batches.lock:
            batches.errors.append(f"{name}: {e!r}")


def post_until_stopped(url, key, batches, name, stop):
    session = requests.Session()
    seq = 0
    while not stop.is_set():
        key_ = f"{name}-{seq}"
        ids = [f"{key_}-{n}" for n in range(BATCH)]
        seq += 1
        try:
            r = post(session, url, key, ids)
        except requests.RequestException:
            batches.add(key_, ids, acked=False)
            return
        ok = r.status_code == 200 and r.json()["accepted"] + r.json()["duplicates"] == BATCH
        batches.add(key_, ids, acked=ok)
        if not ok:
            with batches.lock:
                batches.errors.append(f"{key_}: {r.status_code} {r.text[:300]}")
            return


def stored_counts(data):
    glob = str(data / "events" / "**" / "*.parquet")
    rows = duckdb.connect().execute(
        f"SELECT coalesce(event_id, CAST(CAST(hex(event_uuid) AS UUID) AS VARCHAR)) AS id, count(*) FROM read_parquet('{glob}') GROUP BY id"
    ).fetchall()
    return dict(rows)


def test_sigkill_loses_no_acknowledged_event_and_duplicates_none(uplift, project):
    data, key = project
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    batches = Batches()
    server = Server(uplift, data)
    kills = []
    for round_ in range(ROUNDS):
        server.start()
        acked_start = len(batches.acked)
        stop = threading.Event()
        threads = [threading.Thread(target=client, args=(server.url, key, batches, f"r{round_}t{t}", stop))
                   for t in range(THREADS)]
        for t in threads:
            t.start()
        delay = rng.uniform(1.0, 2.0)
        time.sleep(delay)
        acked_before_kill = len(batches.acked) - acked_start
        server.kill()
        stop.set()
        for t in threads:
            t.join(timeout=60)
            assert not t.is_alive(), "a client thread hung after the kill"
        assert batches.errors == []
        kills.append((round(delay, 2), acked_before_kill))
        acked_at_kill = batches.acked_ids()

        server.start()
        session = requests.Session()
        # Retry what was in flight at the kill: stored or not, it must now be acked, and stored once.
        for b in batches.unacked():
            r = post(session, server.url, key, batches.sent[b])
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["accepted"] + body["duplicates"] == BATCH and body["rejected"] == [], body
            batches.add(b, batches.sent[b], acked=True)
        # Resending acknowledged batches is harmless: 200, every event a duplicate.
        with batches.lock:
            acked_keys = sorted(batches.acked)
        for b in rng.sample(acked_keys, min(5, len(acked_keys))):
            r = post(session, server.url, key, batches.sent[b])
            assert r.status_code == 200, r.text
            assert (r.json()["accepted"], r.json()["duplicates"]) == (0, BATCH), r.json()
        server.stop_ok()

        counts = stored_counts(data)
        doubled = {i: n for i, n in counts.items() if n != 1}
        assert not doubled, f"round {round_} (seed {seed}): ids stored more than once: {list(doubled.items())[:10]}"
        missing = acked_at_kill - counts.keys()
        assert not missing, f"round {round_} (seed {seed}): {len(missing)} acked ids lost, e.g. {sorted(missing)[:5]}"
        all_sent = {i for ids in batches.sent.values() for i in ids}
        assert counts.keys() == all_sent, f"round {round_} (seed {seed}): stored ids differ from the ids sent"
        r = run([uplift, "verify", "--data", str(data)])
        assert r.returncode == 0, r.stdout + r.stderr

    # A round where nothing was acked before the kill would not test anything.
    assert all(acked > 0 for _, acked in kills), f"kills (delay s, acked batches): {kills}"
    print(f"seed {seed}; kills (delay s, acked batches before): {kills}; events stored: {len(counts)}")
