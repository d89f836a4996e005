"""The questions that run on Spark, through the embedded engine and through a Spark cluster, on one data set.

    Tests/spark.sh run sh -c '.venv/bin/python loadtests/spark_bench.py --data DATA --project bench \\
        --from 2026-01-01 --to 2026-01-30 --engine "$UPLIFT_TEST_SPARK" --runs 3'

Each question is one fresh `uplift <question> --json` process, without and with `--engine` (a Spark session
per question: views over the live segment files, the statement, the Arrow result). Both answers must be the
same document (numbers within 1e-9 relative) or the run fails. Prints a Markdown table of median wall seconds.
Build the binary first (UPLIFT_BIN, default .build/release/uplift); the data directory is an imported project
(loadtests/query_bench.sh makes one).
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

QUESTIONS = {
    "daily unique persons": ["trend", "--measure", "persons"],
    "events by day, broken down by a property": ["trend", "--breakdown", "plan"],
    "adoption, 28 d rolling, daily": ["adoption", "--feature", "feature_x_used", "--window", "28d"],
    "retention, daily, 7 periods": ["retention", "--cohort-event", "signed_up", "--periods", "7"],
    "lifecycle, weekly": ["lifecycle", "--interval", "week"],
    "3-step ordered funnel, 7 d window": ["funnel", "--steps", "signed_up,onboarding_completed,purchase_completed",
                                          "--window", "7d"],
    "3-step strict funnel, 7 d window": ["funnel", "--order", "strict",
                                         "--steps", "signed_up,onboarding_completed,purchase_completed", "--window", "7d"],
    "experiment analysis (2 metrics, 1 guardrail)": [
        "experiment", "analyze", "checkout-redesign",
        "--definition", str(Path(__file__).parent.parent / "dashboards/experiments/checkout-redesign.yaml")],
}


def same(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd[:3])} failed: {p.stderr.strip()[-300:]}")
    return elapsed, json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--project", default="bench")
    ap.add_argument("--from", dest="start", required=True)
    ap.add_argument("--to", dest="end", required=True)
    ap.add_argument("--engine", default=os.environ.get("UPLIFT_TEST_SPARK"))
    ap.add_argument("--bin", default=os.environ.get("UPLIFT_BIN", str(Path(__file__).parent.parent / ".build/release/uplift")))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--label", default="")
    ap.add_argument("--only", default="", help="only the questions whose name contains this text")
    args = ap.parse_args()
    if not args.engine:
        sys.exit("--engine sc://… (or run under Tests/spark.sh, which sets UPLIFT_TEST_SPARK)")
    print(f"| question{' (' + args.label + ')' if args.label else ''} | embedded engine, s | Spark (2 workers × 1 core), s | Spark ÷ embedded |")
    print("| --- | ---: | ---: | ---: |")
    for name, question in QUESTIONS.items():
        if args.only not in name:
            continue
        base = [args.bin, *question, "--data", args.data, "--project", args.project,
                "--from", args.start, "--to", args.end, "--json"]
        if question[0] != "experiment":
            base += ["--time-zone", "UTC"]
        local, spark = [], []
        for _ in range(args.runs):
            t, embedded = timed(base)
            local.append(t)
            t, remote = timed(base + ["--engine", args.engine])
            spark.append(t)
            embedded.pop("warnings", None)
            remote.pop("warnings", None)
            if not same(embedded, remote):
                sys.exit(f"{name}: Spark's answer differs from the embedded engine's")
        a, b = statistics.median(local), statistics.median(spark)
        print(f"| {name} | {a:.2f} | {b:.2f} | {b / a:.1f}× |", flush=True)


if __name__ == "__main__":
    main()
