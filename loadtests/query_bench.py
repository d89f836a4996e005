#!/usr/bin/env python3
"""Query benchmark: the same questions, Uplift vs DuckDB vs ClickHouse (chDB), cold and warm.

cold  A fresh process per run, reading the Parquet files Uplift wrote: `uplift funnel|adoption|trend
      --json` (wall time of the process: catalog, person links, segments, answer), and for DuckDB and
      chDB a fresh Python worker that loads the person links and answers once (time = links + query;
      the interpreter's start and `import` are not counted). `--cold-runs` processes, the median.
warm  Uplift: `uplift serve` after a first query (dropped), the median of `--runs` more over HTTP.
      DuckDB: an in-memory table, chDB: a MergeTree table ORDER BY (person, timestamp), each built once
      per run from the Parquet files with the person already resolved, by one worker per engine that
      answers every question (the build is reported, not counted): the median of `--runs` queries after
      a first (dropped).
Peak memory: VmHWM of each process (the CLI's, the worker's, the server's; the largest over the cold
runs). Cold runs and Uplift's servers are one process per question; the native-table worker resets its
peak before each question, so a question's peak includes the table it holds.
The engines must agree on every answer (persons per funnel step, the adoption series, the trend
series) in both modes; a disagreement is printed and makes the script exit 1.

Questions (range: --from … --to, UTC, --to exclusive, default 2026-01-01 … 2026-01-31, 30 days):
  funnel3   signed_up → onboarding_completed → purchase_completed, ordered, 7-day window
  funnel5   signed_up → onboarding_completed → experiment_viewed → checkout_started → purchase_completed
  adoption  feature_x_used over any event, 28-day rolling window, one point per day
  pageviews daily $pageview events
  dau       daily unique persons with any event

Persons: coalesce(person_id, distinct_id) through the catalog's person_ids table (every linked id →
its resolved person, identify/alias links merged by the catalog; the same map Uplift applies), loaded
into each SQL engine's memory from one Parquet copy. "Any event" leaves out $identify, $create_alias
and $groupidentify, as Uplift does.

    /tmp/qb-venv/bin/python loadtests/query_bench.py --data /work/bench-10m --shape generate --events-label 10M \
        --bin .build/release/uplift [--runs 5] [--cold-runs 3] [--only funnel3,funnel5] [--engines uplift,duckdb,chdb] \
        [--modes cold,warm] [--json-out FILE]

Setup: python3 -m venv /tmp/qb-venv && /tmp/qb-venv/bin/pip install -r loadtests/requirements.txt
"""
import argparse
import datetime as dt
import http.client
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

DAY_US = 86_400_000_000
WINDOW_US = 7 * DAY_US
ADOPTION_DAYS = 28
BOOKKEEPING = ("$identify", "$create_alias", "$groupidentify")
FUNNELS = {
    "funnel3": ["signed_up", "onboarding_completed", "purchase_completed"],
    "funnel5": ["signed_up", "onboarding_completed", "experiment_viewed", "checkout_started", "purchase_completed"],
}
# DuckDB funnel steps: "join" (hash join on person, range condition, min) or "asof" (ASOF LEFT JOIN):
# both give the same answers; ASOF took 0.75 s on 10M events but 281 s on 100M (1M persons) here.
DUCKDB_FUNNEL = os.environ.get("QB_DUCKDB_FUNNEL", "join")
QUESTIONS = ["funnel3", "funnel5", "adoption", "pageviews", "dau"]
ENGINES = ["uplift", "duckdb", "chdb"]


# ---------------------------------------------------------------- the questions, per engine

def sql_list(names):
    return ", ".join("'" + n.replace("'", "''") + "'" for n in names)


class Range:
    def __init__(self, start, end):
        self.start, self.end = start, end  # 'YYYY-MM-DD', end exclusive
        epoch = dt.date(1970, 1, 1)
        self.from_day = (dt.date.fromisoformat(start) - epoch).days
        self.to_day = (dt.date.fromisoformat(end) - epoch).days
        self.from_us = self.from_day * DAY_US
        self.to_us = self.to_day * DAY_US

    def days(self):
        return [(dt.date(1970, 1, 1) + dt.timedelta(days=d)).isoformat() for d in range(self.from_day, self.to_day)]


def question(q):
    """A question as parameters: ("funnel", steps, window µs), ("adoption", feature, days) or ("trend", event, measure)."""
    if q in FUNNELS:
        return ("funnel", FUNNELS[q], WINDOW_US)
    if q == "adoption":
        return ("adoption", "feature_x_used", ADOPTION_DAYS)
    if q == "pageviews":
        return ("trend", "$pageview", "events")
    if q == "dau":
        return ("trend", None, "persons")
    raise ValueError(q)


class Source:
    """Where a SQL engine reads the events: the Parquet files Uplift wrote, persons joined at query time
    from the `persons` table (the catalog's person_ids); or the engine's own native table `events`
    (person, event, timestamp), persons resolved through the same map when the table was built."""

    def __init__(self, engine, native, glob):
        self.native = native
        if engine == "duckdb":
            self.scan = "events" if native else f"read_parquet('{glob}', hive_partitioning = false)"
        else:
            self.scan = "b.events" if native else f"file('{glob}', Parquet)"


def duckdb_sql(q, source, r):
    """DuckDB: persons through a join with the `persons` table (or the native table's person column);
    an ordered funnel as a chain of joins (each step = the earliest event of the next step at or after
    the previous step's time and within the window of the step-1 event); a person's level = the max
    over their attempts."""
    src = source.scan
    if source.native:
        mapped = lambda where: f"SELECT person, event, epoch_us(timestamp) AS t FROM {src} WHERE {where}"
    else:
        mapped = lambda where: (
            f"SELECT coalesce(p.person_id, e.distinct_id) AS person, e.event, e.t FROM "
            f"(SELECT distinct_id, event, epoch_us(timestamp) AS t FROM {src} WHERE {where}) e "
            f"LEFT JOIN persons p ON p.distinct_id = e.distinct_id")
    kind, a, b = question(q) if isinstance(q, str) else q
    if kind == "funnel":
        steps, window = a, b
        n = len(steps)
        ctes = [f"ev AS MATERIALIZED ({mapped(f'event IN ({sql_list(steps)}) AND epoch_us(timestamp) >= {r.from_us} AND epoch_us(timestamp) < {r.to_us + window}')})",
                f"a1 AS (SELECT person, t AS t1, t AS t_1 FROM ev WHERE event = {sql_list([steps[0]])} AND t < {r.to_us})"]
        for j in range(2, n + 1):
            ctes.append(f"s{j} AS (SELECT person, t FROM ev WHERE event = {sql_list([steps[j - 1]])})")
            prev = ", ".join(f"a.t_{k}" for k in range(2, j))
            keep = f"a.person, a.t1, a.t_1{', ' + prev if prev else ''}"
            if DUCKDB_FUNNEL == "asof":
                ctes.append(
                    f"a{j} AS (SELECT {keep}, CASE WHEN s.t <= a.t1 + {window} THEN s.t END AS t_{j} "
                    f"FROM a{j - 1} a ASOF LEFT JOIN s{j} s ON s.person = a.person AND a.t_{j - 1} <= s.t)")
            else:
                # Attempts with equal (person, t1) are the same attempt: grouping them changes no level.
                ctes.append(
                    f"a{j} AS (SELECT {keep}, min(s.t) AS t_{j} FROM a{j - 1} a LEFT JOIN s{j} s ON s.person = a.person "
                    f"AND s.t >= a.t_{j - 1} AND s.t <= a.t1 + {window} GROUP BY ALL)")
        level = " + ".join(f"(t_{j} IS NOT NULL)::INT" for j in range(2, n + 1))
        ctes.append(f"lv AS (SELECT person, max(1 + {level}) AS level FROM a{n} GROUP BY person)")
        # t_j IS NOT NULL implies t_{j-1} IS NOT NULL (a NULL previous time matches nothing), so the sum is the level.
        cols = ", ".join(f"count(*) FILTER (level >= {j})" for j in range(1, n + 1))
        return f"WITH {', '.join(ctes)} SELECT {cols} FROM lv"
    if kind == "adoption":
        # The fastest formulation we found (2× the plain range join with count(DISTINCT)): person-days,
        # then per person the spans of points each day adds beyond the previous day's window, so spans
        # never overlap and a running sum of +1/−1 at span ends counts distinct persons per point.
        feature, days = a, b
        lo = r.from_us - (days - 1) * DAY_US
        span = f"greatest(day, coalesce(lag(day) OVER (PARTITION BY person ORDER BY day) + {days}, day))"
        id_days = (f"SELECT {'person' if source.native else 'distinct_id'}, epoch_us(timestamp) // {DAY_US} AS day, "
                   f"bool_or(event = {sql_list([feature])}) AS feature FROM {src} WHERE event NOT IN ({sql_list(BOOKKEEPING)}) "
                   f"AND epoch_us(timestamp) >= {lo} AND epoch_us(timestamp) < {r.to_us} GROUP BY ALL")
        pd = id_days if source.native else (
            f"SELECT coalesce(p.person_id, e.distinct_id) AS person, day, bool_or(feature) AS feature FROM "
            f"({id_days}) e LEFT JOIN persons p ON p.distinct_id = e.distinct_id GROUP BY ALL")
        return (f"WITH pd AS ({pd}), "
                f"spans AS (SELECT {span} AS s, day + {days} AS e, 0 AS f FROM pd "
                f"UNION ALL SELECT {span}, day + {days}, 1 FROM pd WHERE feature), "
                f"deltas AS (SELECT s AS d, f, 1 AS n FROM spans WHERE s < e UNION ALL SELECT e, f, -1 FROM spans WHERE s < e "
                f"UNION ALL SELECT range, 0, 0 FROM range({r.from_day}, {r.to_day})), "
                f"cum AS (SELECT d, sum(sum(n) FILTER (f = 1)) OVER (ORDER BY d) AS adopters, "
                f"sum(sum(n) FILTER (f = 0)) OVER (ORDER BY d) AS active FROM deltas GROUP BY d) "
                f"SELECT strftime(DATE '1970-01-01' + CAST(d AS INTEGER), '%Y-%m-%d'), coalesce(adopters, 0), coalesce(active, 0) "
                f"FROM cum WHERE d >= {r.from_day} AND d < {r.to_day} ORDER BY d")
    if kind == "trend" and b == "events":
        return (f"SELECT strftime(DATE '1970-01-01' + CAST(t // {DAY_US} AS INTEGER), '%Y-%m-%d') AS date, count(*) FROM "
                f"(SELECT epoch_us(timestamp) AS t FROM {src} WHERE "
                f"{f'event = {sql_list([a])}' if a else f'event NOT IN ({sql_list(BOOKKEEPING)})'} "
                f"AND epoch_us(timestamp) >= {r.from_us} AND epoch_us(timestamp) < {r.to_us}) GROUP BY ALL ORDER BY 1")
    if kind == "trend" and b == "persons":
        # Distinct (distinct_id, day) first, then the person join: 2× faster than joining every event.
        where = f"event = {sql_list([a])}" if a else f"event NOT IN ({sql_list(BOOKKEEPING)})"
        day = f"strftime(DATE '1970-01-01' + CAST(day AS INTEGER), '%Y-%m-%d') AS date"
        if source.native:
            return (f"SELECT {day}, count(DISTINCT person) FROM (SELECT person, epoch_us(timestamp) // {DAY_US} AS day "
                    f"FROM {src} WHERE {where} AND epoch_us(timestamp) >= {r.from_us} AND epoch_us(timestamp) < {r.to_us}) "
                    f"GROUP BY ALL ORDER BY 1")
        return (f"SELECT {day}, count(DISTINCT coalesce(p.person_id, e.distinct_id)) FROM "
                f"(SELECT DISTINCT distinct_id, epoch_us(timestamp) // {DAY_US} AS day FROM {src} WHERE {where} "
                f"AND epoch_us(timestamp) >= {r.from_us} AND epoch_us(timestamp) < {r.to_us}) e "
                f"LEFT JOIN persons p ON p.distinct_id = e.distinct_id GROUP BY ALL ORDER BY 1")
    raise ValueError(q)


def chdb_sql(q, source, r):
    """ClickHouse: windowFunnel over microsecond timestamps (exact, unlike toDateTime's whole seconds),
    the step-1 condition limited to the range; persons through a join with the `b.persons` table, or
    the MergeTree table's person column."""
    t = "toUInt64(toUnixTimestamp64Micro(timestamp))"
    src = source.scan
    if source.native:
        mapped = lambda where: f"SELECT person, event, {t} AS t FROM {src} WHERE {where}"
    else:
        mapped = lambda where: (
            f"SELECT ifNull(nullIf(p.person_id, ''), e.distinct_id) AS person, e.event AS event, e.t AS t FROM "
            f"(SELECT distinct_id, event, {t} AS t FROM {src} WHERE {where}) AS e "
            f"LEFT JOIN b.persons AS p ON p.distinct_id = e.distinct_id")
    if q in FUNNELS:
        steps = FUNNELS[q]
        n = len(steps)
        conds = [f"event = {sql_list([steps[0]])} AND t < {r.to_us}"] + [f"event = {sql_list([s])}" for s in steps[1:]]
        where = f"event IN ({sql_list(steps)}) AND {t} >= {r.from_us} AND {t} < {r.to_us + WINDOW_US}"
        cols = ", ".join(f"countIf(level >= {j})" for j in range(1, n + 1))
        return (f"SELECT {cols} FROM (SELECT person, windowFunnel({WINDOW_US})(t, {', '.join(conds)}) AS level "
                f"FROM ({mapped(where)}) GROUP BY person)")
    if q == "adoption":
        lo = r.from_us - (ADOPTION_DAYS - 1) * DAY_US
        where = f"event NOT IN ({sql_list(BOOKKEEPING)}) AND {t} >= {lo} AND {t} < {r.to_us}"
        # Each person-day counts for the points d = day … day + 27 that fall in the range.
        return (f"SELECT toString(toDate(d)) AS date, uniqExactIf(person, feature) AS adopters, uniqExact(person) AS active FROM "
                f"(SELECT person, intDiv(t, {DAY_US}) AS day, max(event = 'feature_x_used') AS feature FROM ({mapped(where)}) GROUP BY person, day) "
                f"ARRAY JOIN arrayFilter(x -> x >= {r.from_day} AND x < {r.to_day}, range(day, day + {ADOPTION_DAYS})) AS d "
                f"GROUP BY d ORDER BY d")
    if q == "pageviews":
        return (f"SELECT toString(toDate(intDiv({t}, {DAY_US}))) AS date, count() FROM {src} "
                f"WHERE event = '$pageview' AND {t} >= {r.from_us} AND {t} < {r.to_us} GROUP BY date ORDER BY date")
    if q == "dau":
        # (Distinct (distinct_id, day) before the join, which halves DuckDB's time, doubled chDB's.)
        where = f"event NOT IN ({sql_list(BOOKKEEPING)}) AND {t} >= {r.from_us} AND {t} < {r.to_us}"
        return (f"SELECT toString(toDate(intDiv(t, {DAY_US}))) AS date, uniqExact(person) FROM ({mapped(where)}) "
                f"GROUP BY date ORDER BY date")
    raise ValueError(q)


def uplift_body(q, r):
    # Uplift reads a date `to` as including that day; the bench's end is exclusive: give it as an instant.
    base = {"from": r.start, "to": r.end + "T00:00:00Z"}
    if q in FUNNELS:
        return "funnel", {**base, "steps": FUNNELS[q], "window": "7d"}
    if q == "adoption":
        return "adoption", {**base, "feature": "feature_x_used", "window": f"{ADOPTION_DAYS}d", "interval": "day"}
    if q == "pageviews":
        return "trend", {**base, "event": "$pageview", "measure": "events", "interval": "day"}
    if q == "dau":
        return "trend", {**base, "measure": "persons", "interval": "day"}
    raise ValueError(q)


def normalize(q, rows, r):
    """Every engine's answer as plain lists: persons per funnel step, or [date, values…] for every day of the range."""
    kind = question(q)[0] if isinstance(q, str) else q[0]
    if kind == "funnel":
        return [int(x) for x in rows[0]]
    by_day = {row[0]: [int(x) for x in row[1:]] for row in rows}
    width = 2 if kind == "adoption" else 1
    return [[d] + by_day.get(d, [0] * width) for d in r.days()]


def normalize_uplift(q, doc, r):
    kind = question(q)[0] if isinstance(q, str) else q[0]
    if kind == "funnel":
        return [int(s["persons"]) for s in doc["steps"]]
    if kind == "adoption":
        return normalize(q, [(p["date"], p["adopters"], p["active"]) for p in doc["series"]], r)
    return normalize(q, [(p["date"], p["value"]) for p in doc["series"]], r)


def uplift_cli(q, r):
    """The same question as `uplift funnel|adoption|trend` arguments (a fresh process: the cold path)."""
    kind, body = uplift_body(q, r)
    args = [kind, "--from", body["from"], "--to", body["to"]]
    if kind == "funnel":
        return args + ["--steps", ",".join(body["steps"]), "--window", body["window"]]
    if kind == "adoption":
        return args + ["--feature", body["feature"], "--window", body["window"], "--interval", body["interval"]]
    return args + (["--event", body["event"]] if "event" in body else []) + ["--measure", body["measure"],
                                                                            "--interval", body["interval"]]


# ---------------------------------------------------------------- workers (fresh processes running DuckDB or chDB)

def persons_parquet(data, project, out):
    """The catalog's person_ids of the project (every linked id → its resolved person, the map Uplift
    applies at query time) as a Parquet file both SQL engines load into memory."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    con = sqlite3.connect(f"file:{data}/catalog.sqlite?mode=ro", uri=True)
    rows = con.execute("SELECT distinct_id, person_id FROM person_ids WHERE project = ?", (project,)).fetchall()
    con.close()
    pq.write_table(pa.table({"distinct_id": pa.array([a for a, _ in rows], pa.string()),
                             "person_id": pa.array([b for _, b in rows], pa.string())}), out)
    return len(rows)


def worker(args):
    """One engine in this (fresh) process.

    parquet: one question: load the person links, answer once over the Parquet files; the time reported
             is links + query (Uplift's cold process reads its links from the catalog too).
    native:  every question given: load the links and build the engine's own table once (`build_s`, not
             counted in any query time), then per question answer 1 + runs times (the first answer is
             dropped, the others are the warm times). The peak is reset before each question
             (/proc/self/clear_refs), so it is the process's peak, table included, while answering it."""
    r = Range(args.start, args.end)
    glob = f"{args.data}/events/project={args.project}/*/*.parquet"
    native = args.mode == "native"
    source = Source(args.worker, native, glob)
    t_start = time.perf_counter()
    if args.worker == "duckdb":
        import duckdb
        con = duckdb.connect()
        con.execute(f"CREATE TABLE persons AS SELECT * FROM read_parquet('{args.persons}')")
        links_s = time.perf_counter() - t_start
        if native:
            # Person resolved through the same map, sorted by person and time (DuckDB's zone maps and
            # the funnel's grouping both profit from that order).
            con.execute(f"CREATE TABLE events AS SELECT coalesce(p.person_id, e.distinct_id) AS person, e.event, e.timestamp "
                        f"FROM read_parquet('{glob}', hive_partitioning = false) e "
                        f"LEFT JOIN persons p ON p.distinct_id = e.distinct_id ORDER BY person, timestamp")
        sql_of = lambda q: duckdb_sql(q, source, r)
        run = lambda sql: con.execute(sql).fetchall()
    else:
        from chdb import session
        s = session.Session(args.chdb_path) if args.chdb_path else session.Session()
        s.query("CREATE DATABASE IF NOT EXISTS b")
        s.query(f"CREATE TABLE b.persons ENGINE = Memory AS SELECT * FROM file('{args.persons}', Parquet)")
        links_s = time.perf_counter() - t_start
        if native:
            s.query("CREATE TABLE b.events (person String, event LowCardinality(String), timestamp DateTime64(6, 'UTC')) "
                    "ENGINE = MergeTree ORDER BY (person, timestamp)")
            s.query(f"INSERT INTO b.events SELECT ifNull(nullIf(p.person_id, ''), e.distinct_id), e.event, e.timestamp "
                    f"FROM file('{glob}', Parquet) AS e LEFT JOIN b.persons AS p ON p.distinct_id = e.distinct_id")
            s.query("OPTIMIZE TABLE b.events FINAL")
        sql_of = lambda q: chdb_sql(q, source, r)
        def run(sql):
            out = s.query(sql, "JSONCompactEachRow").bytes().decode()
            return [tuple(json.loads(line)) for line in out.splitlines() if line.strip()]
    build_s = time.perf_counter() - t_start - links_s
    results = {}
    for q in args.question.split(","):
        reset = native and reset_peak()
        times, answers = [], []
        sql = sql_of(q)
        try:
            for _ in range(1 + args.runs if native else 1):
                t0 = time.perf_counter()
                rows = run(sql)
                times.append(time.perf_counter() - t0)
                answers.append(normalize(q, rows, r))
        except Exception as e:  # one question's failure is that question's row, not the whole run's
            results[q] = {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"}
            continue
        if not native:
            times = [links_s + times[0]]
        agree = all(a == answers[0] for a in answers)
        results[q] = {"times": times, "answer": answers[0] if agree else answers, "peak_bytes": vm_hwm(),
                      "peak_reset": bool(reset), "links_s": links_s, "build_s": build_s if native else None, "sql": sql}
    print(json.dumps(results))


def reset_peak():
    """Sets this process's VmHWM back to its current RSS (Linux ≥ 4.0); False where that is refused."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def run_worker(engine, questions, mode, args, persons):
    """A fresh worker process; its results by question."""
    cmd = [sys.executable, __file__, "--worker", engine, "--mode", mode, "--question", ",".join(questions),
           "--data", args.data, "--project", args.project, "--from", args.start, "--to", args.end,
           "--runs", str(args.runs), "--persons", persons]
    tmp = None
    if engine == "chdb" and mode == "native":
        tmp = tempfile.mkdtemp(prefix="qb-chdb-", dir=args.scratch)  # the MergeTree table's files; removed afterwards
        cmd += ["--chdb-path", tmp]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    if p.returncode != 0:
        error = {"error": p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}"}
        return {q: error for q in questions}
    return json.loads(p.stdout.strip().splitlines()[-1])


def run_cold(engine, q, args, persons):
    """`--cold-runs` fresh processes over the Parquet files; every one must give the same answer."""
    runs = [run_uplift_cli(q, args) if engine == "uplift" else run_worker(engine, [q], "parquet", args, persons)[q]
            for _ in range(args.cold_runs)]
    failed = next((x for x in runs if "error" in x), None)
    if failed:
        return failed
    answer = runs[0]["answer"] if all(x["answer"] == runs[0]["answer"] for x in runs) else [x["answer"] for x in runs]
    return {"times": [x["times"][0] for x in runs], "answer": answer,
            "peak_bytes": max(x["peak_bytes"] for x in runs)}


# ---------------------------------------------------------------- Uplift: a fresh CLI process (cold), a server (warm)

def vm_hwm(pid="self"):
    """Peak RSS of a process's current image in bytes (VmHWM), None once it is gone. (ru_maxrss is no
    use for a child: Linux carries the forking parent's peak over the exec, so every child would weigh
    at least as much as this script with pyarrow loaded.)"""
    try:
        m = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    except OSError:
        return None
    return int(m.group(1)) * 1024 if m else None


def run_uplift_cli(q, args):
    """One fresh `uplift funnel|adoption|trend --json` process: wall time, and peak RSS as the last
    VmHWM read before it exits (read every 5 ms by a thread while this one waits)."""
    r = Range(args.start, args.end)
    cmd = [args.bin, *uplift_cli(q, r), "--data", args.data, "--project", args.project, "--json"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        peak, done = [0], threading.Event()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)

        def watch():
            while not done.is_set():
                hwm = vm_hwm(proc.pid)
                if hwm:
                    peak[0] = max(peak[0], hwm)
                done.wait(0.005)
        watcher = threading.Thread(target=watch)
        watcher.start()
        proc.wait()
        elapsed = time.perf_counter() - t0
        done.set()
        watcher.join()
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            lines = err.read().decode(errors="replace").strip().splitlines()
            return {"error": f"uplift {cmd[1]} exit {proc.returncode}: {lines[-1] if lines else ''}"[:300]}
        doc = json.loads(out.read())
    return {"times": [elapsed], "answer": normalize_uplift(q, doc, r), "peak_bytes": peak[0]}


class UpliftServer:
    def __init__(self, binary, data, key, extra=()):
        self.binary, self.data, self.key = binary, data, key
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([binary, "serve", "--data", data, "--port", "0", "--log-level", "warning", *extra],
                                     stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        m = re.search(r"http://([\d.]+):(\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError(f"uplift serve did not start: {line!r}")
        self.url = f"http://{m.group(1)}:{m.group(2)}"

    def query(self, kind, body):
        req = urllib.request.Request(f"{self.url}/v1/query/{kind}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=600) as resp:
            return json.loads(resp.read())

    def peak_bytes(self):
        return vm_hwm(self.proc.pid) or 0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def run_uplift_warm(q, args):
    """A fresh server per question, so its VmHWM is that question's peak (plus the idle server). The
    first answer (decoding into the cache) is dropped; the warm times are the `--runs` after it."""
    r = Range(args.start, args.end)
    kind, body = uplift_body(q, r)
    if not args.key:
        out = subprocess.run([args.bin, "key", "create", "--project", args.project, "--kind", "read", "--data", args.data, "--json"],
                             check=True, capture_output=True, text=True).stdout
        args.key = json.loads(out)["key"]
    server = UpliftServer(args.bin, args.data, args.key, args.serve_arg)
    try:
        times, answers = [], []
        for _ in range(1 + args.runs):
            t0 = time.perf_counter()
            try:
                doc = server.query(kind, body)
            except urllib.error.HTTPError as e:
                detail = e.read().decode(errors="replace")[:200]
                if e.code == 404:
                    return {"error": f"POST /v1/query/{kind} is not served by this binary (404): skipped"}
                return {"error": f"HTTP {e.code}: {detail}"}
            except (urllib.error.URLError, ConnectionError, http.client.HTTPException) as e:
                return {"error": f"uplift serve failed ({e}; exit status {server.proc.poll()})"}
            times.append(time.perf_counter() - t0)
            answers.append(normalize_uplift(q, doc, r))
        agree = all(a == answers[0] for a in answers)
        return {"times": times, "answer": answers[0] if agree else answers, "peak_bytes": server.peak_bytes(),
                "build_s": None}
    finally:
        server.stop()


# ---------------------------------------------------------------- report

def fmt_s(x):
    return "–" if x is None else f"{x:.3f}" if x < 10 else f"{x:.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="Uplift data directory (events/project=P/date=…/*.parquet, catalog.sqlite)")
    ap.add_argument("--project", default="bench")
    ap.add_argument("--events-label", default="", help="label of the data set in the table, e.g. 10M")
    ap.add_argument("--shape", default="", help="label of the data's shape in the table, e.g. generate or segment")
    ap.add_argument("--runs", type=int, default=5, help="warm runs after the first one (dropped); the median is reported")
    ap.add_argument("--cold-runs", type=int, default=3, help="fresh processes per engine and question; the median is reported")
    ap.add_argument("--modes", default="cold,warm", help="cold (fresh processes over the Parquet files), warm (server / native tables)")
    ap.add_argument("--only", default=",".join(QUESTIONS), help="questions: " + ",".join(QUESTIONS))
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--bin", default=str(Path(__file__).resolve().parents[1] / ".build" / "release" / "uplift"))
    ap.add_argument("--serve-arg", action="append", default=[], help="extra argument of uplift serve (repeatable), e.g. --serve-arg=--query-cache-memory=8GiB")
    ap.add_argument("--from", dest="start", default="2026-01-01")
    ap.add_argument("--to", dest="end", default="2026-01-31", help="end of the range, exclusive")
    ap.add_argument("--scratch", help="directory for chDB's MergeTree files (default: $TMPDIR or /tmp; not a tmpfs, "
                    "whose files would take memory the peak does not show)")
    ap.add_argument("--json-out", help="also write every measurement (times, answers, peaks) to this JSON file")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    ap.add_argument("--question", help=argparse.SUPPRESS)
    ap.add_argument("--persons", help=argparse.SUPPRESS)
    ap.add_argument("--chdb-path", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.data = str(Path(args.data).resolve())
    args.key = os.environ.get("UPLIFT_READ_KEY")  # else one read key is created for the whole run
    if args.worker:
        return worker(args)

    questions = [q for q in args.only.split(",") if q]
    engines = [e for e in args.engines.split(",") if e]
    modes = [m for m in args.modes.split(",") if m]
    for q in questions:
        if q not in QUESTIONS:
            sys.exit(f"unknown question {q!r}; choose from {', '.join(QUESTIONS)}")
    for m in modes:
        if m not in ("cold", "warm"):
            sys.exit(f"unknown mode {m!r}; choose from cold, warm")
    with tempfile.TemporaryDirectory() as tmp:
        persons = os.path.join(tmp, "persons.parquet")
        n_links = persons_parquet(args.data, args.project, persons)
        print(f"data {args.data} ({' '.join(x for x in (args.shape, args.events_label) if x) or '?'}), {n_links:,} person ids in "
              f"the catalog, range {args.start} … {args.end} (exclusive), {args.cold_runs} cold runs, "
              f"{args.runs} warm runs", file=sys.stderr)
        results = {}

        def note(q, e, m, res, t0):
            results[(q, e, m)] = res
            status = res.get("error") or f"median {fmt_s(median(res, m))} s"
            extra = f", native table built in {fmt_s(res['build_s'])} s" if res.get("build_s") is not None else ""
            print(f"  {q:10} {e:7} {m:5} {status} ({time.perf_counter() - t0:.0f} s in all{extra})", file=sys.stderr)

        if "cold" in modes:
            for q in questions:
                for e in engines:
                    t0 = time.perf_counter()
                    note(q, e, "cold", run_cold(e, q, args, persons), t0)
        if "warm" in modes:
            for e in engines:
                if e == "uplift":
                    for q in questions:
                        t0 = time.perf_counter()
                        note(q, e, "warm", run_uplift_warm(q, args), t0)
                else:
                    # One worker builds the native table once and answers every question.
                    t0 = time.perf_counter()
                    for q, res in run_worker(e, questions, "native", args, persons).items():
                        note(q, e, "warm", res, t0)
    mismatches = report(args, questions, engines, modes, results)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(
            {"data": args.data, "shape": args.shape, "events": args.events_label, "links": n_links,
             "results": [{"question": q, "engine": e, "mode": m, **res} for (q, e, m), res in results.items()]}, indent=1))
    sys.exit(1 if mismatches else 0)


def times_x(x):
    return f"{x:.2f}×" if x < 10 else f"{x:.1f}×"


def median(res, mode):
    """Cold: the median of the fresh processes. Warm: the median of the runs after the first."""
    times = res["times"][1:] if mode == "warm" else res["times"]
    return statistics.median(times or res["times"])


def report(args, questions, engines, modes, results):
    """The Markdown table the README's Measured section shows, then persons per funnel step and the
    ratios against the targets of issue 14 (the better peer ÷ Uplift)."""
    data = " ".join(x for x in (args.shape, args.events_label) if x) or "?"
    print("\n| question | data | engine | cold s | warm s | warm: first query s | native table build s | peak MiB cold "
          "| peak MiB warm | cold: × Uplift | warm: × Uplift | answers agree |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    mismatches = []
    summary = []
    for q in questions:
        ok = {(e, m): res for e in engines for m in modes if "error" not in (res := results[(q, e, m)])}
        reference = next(iter(ok.values()))["answer"] if ok else None
        up = {m: median(ok[("uplift", m)], m) for m in modes if ("uplift", m) in ok}
        best = {}
        for e in engines:
            cells = {}
            notes = []
            agrees = True
            for m in modes:
                res = results[(q, e, m)]
                if "error" in res:
                    notes.append(f"{m}: {res['error']}")
                    continue
                t = median(res, m)
                cells[m] = (t, res["peak_bytes"], res.get("build_s"))
                if res["answer"] != reference:
                    agrees = False
                    mismatches.append((q, e, m))
                if e != "uplift":
                    best[m] = min(best.get(m, t), t)
            col = lambda m, i: cells[m][i] if m in cells else None
            ratio = lambda m: (times_x(cells[m][0] / up[m]) if e != "uplift" and m in cells and up.get(m) else "")
            peak = lambda m: f"{cells[m][1] / 2**20:,.0f}" if m in cells else "–"
            verdict = ("yes" if agrees else "NO") + ("; " + "; ".join(notes) if notes else "")
            first = results[(q, e, "warm")]["times"][0] if "warm" in cells else None
            print(f"| {q} | {data} | {e} | {fmt_s(col('cold', 0))} | {fmt_s(col('warm', 0))} | {fmt_s(first)} | "
                  f"{fmt_s(col('warm', 2)) if e != 'uplift' else ''} | {peak('cold')} | {peak('warm')} | "
                  f"{ratio('cold')} | {ratio('warm')} | {verdict} |")
        summary.append((q, {m: best[m] / up[m] for m in modes if m in best and up.get(m)}))
    for q in questions:
        answers = {f"{e} {m}": results[(q, e, m)]["answer"] for e in engines for m in modes
                   if "answer" in results[(q, e, m)]}
        if q in FUNNELS and answers:
            distinct = {json.dumps(a) for a in answers.values()}
            shown = next(iter(answers.values())) if len(distinct) == 1 else answers
            print(f"\n{q} persons per step: {shown}")
    print("\nThe better peer's time ÷ Uplift's (above 1: Uplift is faster):")
    for q, ratios in summary:
        print(f"- {q}: " + ", ".join(f"{m} {times_x(x)}" for m, x in ratios.items()))
    for q, e, m in mismatches:
        print(f"\nMISMATCH {q} {e} {m}:", file=sys.stderr)
        for (q2, e2, m2), res in results.items():
            if q2 == q and "answer" in res:
                print(f"  {e2} {m2}: {json.dumps(res['answer'])[:2000]}", file=sys.stderr)
    return mismatches


if __name__ == "__main__":
    main()
