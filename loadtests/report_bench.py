#!/usr/bin/env python3
"""Report benchmark: the HTML report of a PR/FAQ with five goals (loadtests/report/five-goals.md:
funnel conversion, unique persons, day-7 retention, a property sum and an adoption rate, plus a
funnel, an experiment and feedback section) over a generated data set.

Two ways, each timed separately:
  cli     `uplift report --prfaq … --out …`, a fresh process per run: opens the catalog, loads the
          person links, decodes the columns and renders (cold every time);
  server  `GET /v1/reports/five-goals` against one `uplift serve --dashboards loadtests/report`:
          the first request decodes the columns into the engine's cache (cold), the next ones are warm;
          also `GET /v1/goals?prfaq=five-goals` (the goals without the report's other sections).

    python3 loadtests/report_bench.py --data /work/bench-10m --project bench \\
        --bin .build/release/uplift [--runs 5] [--now 2026-01-31]

The data set: `uplift generate --events 10000000 --users 100000 --days 30 | uplift import --data DIR --project bench -`.
Needs only the Python standard library. Prints a table; exits 1 if a report lacks a goal section.
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "loadtests" / "report"
PRFAQ = FOLDER / "five-goals.md"
GOALS = ["activation", "weekly-completions", "day-7-retention", "weekly-revenue", "adoption"]


def timed(args):
    """Wall seconds and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))} failed: {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def check_report(html, where):
    missing = [g for g in GOALS if f'id="goal-{g}"' not in html]
    if missing:
        sys.exit(f"{where}: the report has no section for {missing}")


def bench_cli(args, out_dir):
    out = Path(out_dir) / "cli.html"
    runs = []
    for _ in range(args.runs):
        runs.append(timed([args.bin, "report", "--data", args.data, "--project", args.project,
                           "--prfaq", str(PRFAQ), "--out", str(out), "--now", args.now]))
    check_report(out.read_text(), "uplift report")
    return runs


def read_key(args):
    r = subprocess.run([args.bin, "key", "create", "--data", args.data, "--project", args.project,
                        "--kind", "read", "--json"], capture_output=True, text=True, check=True)
    return json.loads(r.stdout)["key"]


def vm_hwm(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_server(args):
    key = read_key(args)
    proc = subprocess.Popen([args.bin, "serve", "--data", args.data, "--port", "0", "--dashboards", str(FOLDER)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        match = re.search(r"listening on (http://\S+?:\d+)", line)
        if not match:
            sys.exit(f"uplift serve did not start: {line!r}")
        base = match.group(1)

        def get(path):
            request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {key}"})
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=600) as response:
                body = response.read().decode()
            return time.perf_counter() - start, body

        report = f"/v1/reports/five-goals?now={args.now}"
        cold, html = get(report)
        check_report(html, "GET /v1/reports")
        warm = [get(report)[0] for _ in range(args.runs)]
        goals = [get(f"/v1/goals?prfaq=five-goals&now={args.now}")[0] for _ in range(args.runs)]
        return cold, warm, goals, vm_hwm(proc.pid), len(html)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--project", default="bench")
    p.add_argument("--bin", default=str(ROOT / ".build" / "release" / "uplift"))
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--now", default="2026-01-31", help="report as of this date (the day after the data ends)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as out_dir:
        cli = bench_cli(args, out_dir)
    cold, warm, goals, rss, size = bench_server(args)
    cli_times = [t for t, _ in cli]
    print(f"report of {PRFAQ.relative_to(ROOT)} (5 goals + funnel, experiment, feedback) over {args.data}, as of {args.now}")
    print(f"{'way':<44} {'median':>9} {'min':>9} {'max':>9} {'peak RSS':>10}")
    print(f"{'uplift report (fresh process, cold)':<44} {statistics.median(cli_times):>8.2f}s {min(cli_times):>8.2f}s "
          f"{max(cli_times):>8.2f}s {max(m for _, m in cli):>7.0f} MiB")
    print(f"{'GET /v1/reports/five-goals, first (cold)':<44} {cold:>8.2f}s {'':>9} {'':>9} {'':>10}")
    print(f"{'GET /v1/reports/five-goals, warm':<44} {statistics.median(warm):>8.3f}s {min(warm):>8.3f}s "
          f"{max(warm):>8.3f}s {rss:>7.0f} MiB")
    print(f"{'GET /v1/goals?prfaq=five-goals, warm':<44} {statistics.median(goals):>8.3f}s {min(goals):>8.3f}s "
          f"{max(goals):>8.3f}s")
    print(f"report size: {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
