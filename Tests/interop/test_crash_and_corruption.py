"""Crash safety and corruption detection, end to end through the uplift binary."""
import json
import random
import shutil
import signal
import subprocess
import time

import duckdb

from conftest import generate, import_file, run


def stored(data):
    glob = str(data / "events" / "**" / "*.parquet")
    return duckdb.connect().execute(f"SELECT count(*), count(DISTINCT coalesce(event_id, CAST(CAST(hex(event_uuid) AS UUID) AS VARCHAR))) FROM read_parquet('{glob}')").fetchone()


def test_sigkill_during_import_loses_and_duplicates_nothing(uplift, tmp_path):
    n = 120_000
    source = generate(uplift, tmp_path / "events.ndjson", n, users=2_000, days=20, seed=11)
    data = tmp_path / "data"
    rng = random.Random(20261124)
    kills = 0
    for attempt in range(4):
        # Small flushes so that kills land in log appends, flushes and compactions alike.
        proc = subprocess.Popen(
            [uplift, "import", "--data", str(data), "--project", "crash", "--flush-events", "20000", "--json", str(source)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 4.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    report = import_file(uplift, data, source, project="crash")
    assert report["rejected"] == 0
    assert stored(data) == (n, n)
    r = run([uplift, "verify", "--data", str(data)])
    assert r.returncode == 0, r.stdout + r.stderr
    assert kills > 0, "every import finished before its kill: make the data set larger"


def test_verify_detects_every_bit_flip_and_truncation_of_a_segment(uplift, tmp_path):
    source = generate(uplift, tmp_path / "events.ndjson", 3_000, users=100, days=1, seed=3)
    clean = tmp_path / "clean"
    import_file(uplift, clean, source, project="p")
    assert run([uplift, "verify", "--data", str(clean)]).returncode == 0
    segment = max((clean / "events").rglob("*.parquet"), key=lambda p: p.stat().st_size)
    size = segment.stat().st_size
    rng = random.Random(5)
    cases = [("flip", rng.randrange(size), 1 << rng.randrange(8)) for _ in range(25)]
    cases += [("truncate", rng.randrange(size), 0) for _ in range(5)]
    for kind, offset, bit in cases:
        data = tmp_path / f"{kind}-{offset}-{bit}"
        shutil.copytree(clean, data)
        victim = data / segment.relative_to(clean)
        raw = bytearray(victim.read_bytes())
        if kind == "flip":
            raw[offset] ^= bit
        else:
            del raw[offset:]
        victim.write_bytes(bytes(raw))
        r = run([uplift, "verify", "--data", str(data), "--json"])
        assert r.returncode == 1, f"{kind} at {offset} went unnoticed"
        problems = json.loads(r.stdout)["problems"]
        assert any(p["path"] == str(victim) for p in problems), problems
        # And reading it back refuses rather than returning wrong events (a forced compaction reads every column).
        r = run([uplift, "compact", "--data", str(data), "--project", "p", "--force"])
        assert r.returncode != 0 and "segment" in r.stderr, r.stderr
        assert victim.read_bytes() == bytes(raw), "a failed compaction must leave the segment as it was"
        shutil.rmtree(data)
