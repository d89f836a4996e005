#!/usr/bin/env python3
"""Import benchmark: `uplift import` against DuckDB converting the same NDJSON to Parquet, in one run.

    .venv/bin/python loadtests/import_bench.py --events 10000000 --users 100000 --days 30
    .venv/bin/python loadtests/import_bench.py --shape segment --events 10000000 --users 500000 --days 30

Measures, on the same generated file: wall time and peak memory of `uplift import` (log, flush,
compaction included); bytes per event on disk for both sort orders; scan speed of the columns a
funnel reads (Uplift's reader and DuckDB over Uplift's files); and DuckDB's own NDJSON → Parquet
(GZIP) conversion of the same records, sorted the same ways. Prints a Markdown report.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".build" / "release"
OUT = ROOT / "loadtests" / "out"
ORDERS = ["distinct_id,timestamp", "event,distinct_id,timestamp"]


def timed(args, **kw):
    """Runs a command; returns (seconds, peak RSS in MiB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, **kw)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{args[0]} failed with status {status}")
    return seconds, usage.ru_maxrss / 1024, out.decode()


DUCKDB_CONVERT = r"""
import duckdb, sys, time
src, dst, order, codec = sys.argv[1:5]
# "day": one file per UTC day, as Uplift partitions (each person's ids are then in every day's dictionaries).
per_day = sys.argv[5:] == ["day"]
day = ", CAST(CAST(\"timestamp\" AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS DATE) AS day" if per_day else ""
partition = ", PARTITION_BY (day)" if per_day else ""
con = duckdb.connect()
con.execute("SET preserve_insertion_order = false")
start = time.perf_counter()
con.execute(f'''
COPY (
  SELECT coalesce(messageId, uuid) AS event_id,
         coalesce(type, CASE event WHEN '$pageview' THEN 'page' WHEN '$screen' THEN 'screen'
              WHEN '$identify' THEN 'identify' WHEN '$create_alias' THEN 'alias' WHEN '$groupidentify' THEN 'group'
              ELSE 'track' END) AS type,
         CASE type WHEN 'page' THEN '$pageview' WHEN 'screen' THEN '$screen' WHEN 'identify' THEN '$identify'
              WHEN 'alias' THEN '$create_alias' WHEN 'group' THEN '$groupidentify' ELSE event END AS event,
         coalesce(userId, anonymousId, distinct_id) AS distinct_id,
         userId AS user_id, CASE WHEN type = 'alias' THEN previousId ELSE anonymousId END AS anonymous_id,
         CAST("timestamp" AS TIMESTAMPTZ) AS "timestamp",
         CAST(coalesce(sentAt, sent_at) AS TIMESTAMPTZ) AS sent_at,
         CAST(coalesce(receivedAt, sent_at) AS TIMESTAMPTZ) AS received_at,
         CAST(properties AS VARCHAR) AS properties, CAST(coalesce(context, '{{}}') AS VARCHAR) AS context{day}
  FROM read_ndjson('{src}', columns = {{
      messageId: 'VARCHAR', uuid: 'VARCHAR', type: 'VARCHAR', event: 'VARCHAR', userId: 'VARCHAR',
      anonymousId: 'VARCHAR', previousId: 'VARCHAR', distinct_id: 'VARCHAR', "timestamp": 'VARCHAR', sentAt: 'VARCHAR',
      sent_at: 'VARCHAR', receivedAt: 'VARCHAR', properties: 'JSON', context: 'JSON'}})
  ORDER BY {order}
) TO '{dst}' (FORMAT parquet, COMPRESSION {codec}, ROW_GROUP_SIZE 131072{partition})
''')
print(time.perf_counter() - start)
"""

DUCKDB_SCAN = r"""
import duckdb, sys, time
glob = sys.argv[1]
con = duckdb.connect()
best = 1e9
for _ in range(3):
    start = time.perf_counter()
    con.execute(f"SELECT count(*), count(DISTINCT distinct_id), max(timestamp) FROM read_parquet('{glob}') WHERE event IN ('signed_up', 'onboarding_completed', 'purchase_completed')").fetchall()
    best = min(best, time.perf_counter() - start)
print(best)
"""


def uplift_json(*args):
    return json.loads(subprocess.run([str(BIN / "uplift"), *args, "--json"], capture_output=True, text=True, check=True).stdout)


def main():
    global BIN
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=10_000_000)
    p.add_argument("--users", type=int, default=100_000)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--skip-duckdb", action="store_true")
    p.add_argument("--shape", choices=["generate", "segment"], default="generate",
                   help="generate: `uplift generate`; segment: gen_segment_ndjson.py (--users persons, Segment messages only)")
    p.add_argument("--bin-dir", default=str(BIN), help="directory holding uplift and uplift-bench (default: the release build)")
    a = p.parse_args()
    BIN = Path(a.bin_dir)  # noqa: the module's BIN is only the default
    OUT.mkdir(parents=True, exist_ok=True)
    prefix = "events" if a.shape == "generate" else "segment"
    source = OUT / f"{prefix}-{a.events}-{a.users}-{a.days}-{a.seed}.ndjson"
    if not source.exists():
        t0 = time.perf_counter()
        if a.shape == "generate":
            command = [str(BIN / "uplift"), "generate", "--events", str(a.events), "--users", str(a.users)]
        else:
            command = [sys.executable, str(ROOT / "loadtests" / "gen_segment_ndjson.py"), "--events", str(a.events),
                       "--persons", str(a.users)]
        with open(source, "wb") as f:
            subprocess.run(command + ["--days", str(a.days), "--seed", str(a.seed)], stdout=f, check=True)
        print(f"generated {a.events:,} events ({source.stat().st_size / 1e9:.2f} GB) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    size = source.stat().st_size

    data = OUT / "data"
    shutil.rmtree(data, ignore_errors=True)
    seconds, rss, out = timed([str(BIN / "uplift"), "import", "--data", str(data), "--project", "bench", "--json", str(source)],
                              stderr=subprocess.DEVNULL)
    report = json.loads(out)
    assert report["imported"] == a.events, report
    stats = {}
    scans = {}
    for order in ORDERS:
        if order != ORDERS[0]:
            subprocess.run([str(BIN / "uplift"), "compact", "--data", str(data), "--sort", order, "--force"], check=True,
                           stdout=subprocess.DEVNULL)
        stats[order] = uplift_json("stats", "--data", str(data), "--project", "bench")["projects"][0]
        own = subprocess.run([str(BIN / "uplift-bench"), "scan", str(data)], capture_output=True, text=True, check=True).stdout
        duck = subprocess.run([sys.executable, "-c", DUCKDB_SCAN, str(data / "events" / "**" / "*.parquet")],
                              capture_output=True, text=True, check=True).stdout
        scans[order] = (own.strip(), float(duck))

    duck = {}
    if not a.skip_duckdb:
        for order in ORDERS:
            for codec in ["gzip", "zstd"]:
                dst = OUT / f"duckdb-{order.replace(',', '_')}-{codec}.parquet"
                t, rss_d, _ = timed([sys.executable, "-c", DUCKDB_CONVERT, str(source), str(dst), order, codec])
                duck[(order, codec)] = (t, rss_d, dst.stat().st_size / a.events)
                dst.unlink()
        # The same order and codec, one file per day: what the partitioning alone costs.
        dst = OUT / "duckdb-per-day"
        shutil.rmtree(dst, ignore_errors=True)
        t, rss_d, _ = timed([sys.executable, "-c", DUCKDB_CONVERT, str(source), str(dst), ORDERS[0], "gzip", "day"])
        size_d = sum(f.stat().st_size for f in dst.rglob("*.parquet"))
        duck[(ORDERS[0], "gzip, one file per UTC day")] = (t, rss_d, size_d / a.events)
        shutil.rmtree(dst)

    print(f"## Import benchmark ({a.shape}): {a.events:,} events ({size / 1e9:.2f} GB NDJSON, {size / a.events:.0f} B/line), "
          f"{a.users:,} users, {a.days} days, {os.cpu_count()} cores\n")
    print("| tool | wall time | events/s | peak memory | bytes/event on disk |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| `uplift import` (WAL + flush + compaction, GZIP) | {seconds:.1f} s | {a.events / seconds:,.0f} | {rss:,.0f} MiB | {stats[ORDERS[0]]['bytes_per_event']:.1f} |")
    for (order, codec), (t, r, bpe) in duck.items():
        print(f"| DuckDB NDJSON → Parquet, {codec.upper()}, ORDER BY {order} | {t:.1f} s | {a.events / t:,.0f} | {r:,.0f} MiB | {bpe:.1f} |")
    print("\n### Sort order of compacted segments\n")
    print("| sort order | bytes/event | uplift scan (event, distinct_id, timestamp) | DuckDB funnel-ish query over Uplift's files |")
    print("| --- | ---: | --- | ---: |")
    for order in ORDERS:
        own, duck_scan = scans[order]
        print(f"| `{order}` | {stats[order]['bytes_per_event']:.2f} | {own.split(': ', 1)[-1]} | {duck_scan:.3f} s |")
    print("\n### Bytes per event by column (sort `" + ORDERS[0] + "`)\n")
    print("| column | bytes/event |")
    print("| --- | ---: |")
    for c in sorted(stats[ORDERS[0]]["columns"], key=lambda c: -c["bytes"]):
        print(f"| {c['name']} | {c['bytes'] / a.events:.2f} |")


if __name__ == "__main__":
    main()
