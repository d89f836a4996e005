"""Questions compiled to SQL (`uplift trend --sql duckdb`), run by DuckDB over the very files Uplift reads, give
the embedded engine's answers: the independent check of the SQL compiler's semantics that the Spark dialect
shares (persons through the person map, the bookkeeping events left out, local periods in a time zone across a
daylight-saving change, property filters with their comparison rules, typed property columns, breakdowns).

The workload is the generator's (anonymous visitors identified later) plus hand-written events whose
properties hit the edge cases: numbers in strings, decimals, booleans, JSON null, nested objects, a key that
is shredded on some days and not others.
"""
import json
import os
import math

import duckdb
import pytest

from conftest import generate, import_file, run

START, END = "2026-03-05", "2026-03-11"


def edge_events():
    """Events whose properties exercise PropertyFilter's comparison rules (one per hour over the range)."""
    values = [12, "12", "12.0", 2.5, "2.50", True, "true", None, {"a": 1}, "abc", "ABC", -3, 1e20, "", "x'y"]
    lines = []
    for i in range(24 * 6):
        v = values[i % len(values)]
        # `shape`: as `amount`, but with numbers only in their shortest form (DuckDB and Spark print a JSON number
        # such as 1e+20 in a form of their own, so a breakdown label of one differs: schemas/SQL.md).
        shape = "big" if v == 1e20 else v
        props = {"amount": v, "shape": shape, "tier": ["gold", "silver", None][i % 3], "it's": i % 2,
                 "$weird key": "w"}
        if i % 7 == 0:
            props.pop("amount")
        lines.append(json.dumps({
            "type": "track", "event": "edge_case", "userId": f"edge-{i % 5}",
            "messageId": f"edge-{i}", "timestamp": f"2026-03-{5 + i // 24:02d}T{i % 24:02d}:30:00Z",
            "properties": props, "context": {"locale": ["en-US", "de-DE"][i % 2], "n": i},
        }))
    # Exposures that are not simple: edge-0 sees both variants, edge-1 one the definition does not name, edge-2 one
    # without a variant (each also sees control, which decides).
    for i, (user, variant) in enumerate([("edge-0", "control"), ("edge-0", "treatment"), ("edge-1", "holdout"),
                                         ("edge-1", "control"), ("edge-2", None), ("edge-2", "treatment")]):
        props = {"experiment_id": "checkout-redesign"}
        if variant:
            props["variation_id"] = variant
        lines.append(json.dumps({
            "type": "track", "event": "experiment_viewed", "userId": user, "messageId": f"x-{i}",
            "timestamp": f"2026-03-05T0{i}:10:00Z", "properties": props}))
    # A property compaction types by day (schemas/STORAGE.md, "Shredded properties"): integers on the 9th,
    # decimals on the 10th, enough rows for a typed column on each day.
    for day, prices in (("09", [5, 12, 40]), ("10", [5.5, 12.25, 40.0])):
        for i in range(1200):
            lines.append(json.dumps({
                "type": "track", "event": "purchase_made", "userId": f"buyer-{i % 97}", "messageId": f"p-{day}-{i}",
                "timestamp": f"2026-03-{day}T{i % 24:02d}:{i % 60:02d}:00Z",
                "properties": {"price": prices[i % 3]},
            }))
    # Feedback answers that hit FeedbackEngine's rules: scores as numbers and strings, not whole, out of range, both
    # scales, survey responses that are scores and that are comments, a numeric survey id, and answers of one person
    # at one instant (the higher score is the latest).
    answers = [
        ("$feedback", {"score": 9, "scale": 10, "feature": "search", "comment": "love it"}),
        ("$feedback", {"score": "3", "scale": "10", "feature": "search"}),
        ("$feedback", {"score": 7.5, "scale": 10, "feature": "search", "comment": "it's ok"}),
        ("$feedback", {"score": 4, "scale": 5, "feature": "export", "survey": "s-1"}),
        ("$feedback", {"score": 6, "scale": 5, "feature": "export", "comment": ""}),
        ("$feedback", {"score": 11, "scale": 10, "comment": "off the scale"}),
        ("survey sent", {"$survey_id": "s-1", "$survey_response": 8}),
        ("survey sent", {"$survey_id": "s-1", "$survey_response": "10"}),
        ("survey sent", {"$survey_id": "s-1", "$survey_response": "too slow"}),
        ("survey sent", {"$survey_id": 42, "$survey_response": 2}),
    ]
    for i in range(70):
        event, props = answers[i % len(answers)]
        minute = i - 1 if i % 9 == 8 else i  # every ninth answer shares the previous one's instant
        lines.append(json.dumps({
            "type": "track", "event": event, "userId": f"fb-{i % 6}", "messageId": f"fb-{i}",
            "timestamp": f"2026-03-{5 + minute % 6:02d}T12:{minute % 60:02d}:00Z", "properties": props}))
    # Heavy identity merging: 40 persons, each first seen as 5 anonymous ids on different days, linked later by
    # identify (3 of them) and alias (2), so that every question's persons go through the person map.
    for k in range(40):
        for j in range(5):
            # Not on 2026-03-08, as the ties below.
            anon, day = f"anon-{k}-{j}", "2026-03-" + ["05", "06", "07", "09", "10"][(k + j) % 5]
            for n, event in enumerate(("$pageview", "button_clicked", "search", "item_viewed")[:2 + (k + j) % 3]):
                lines.append(json.dumps({
                    "type": "track", "event": event, "anonymousId": anon, "messageId": f"m-{k}-{j}-{n}",
                    "timestamp": f"{day}T{8 + j:02d}:{10 * n:02d}:00Z",
                    "properties": {"country": ["DE", "FR", "US"][k % 3]}}))
            link = ({"type": "identify", "userId": f"merged-{k}", "anonymousId": anon} if j < 3 else
                    {"type": "alias", "userId": f"merged-{k}", "previousId": anon})
            lines.append(json.dumps({**link, "messageId": f"link-{k}-{j}", "timestamp": "2026-03-10T20:00:00Z"}))
    # Funnel steps at one instant (the strict and any-order rules for ties: SequenceFunnel, AnyOrderFunnel): a page
    # view and a click at once, then a search; a click that is also an edge case's step in another funnel.
    for i in range(4):
        # Not on 2026-03-08: hourly labels on a daylight-saving day differ between the engines (see schemas/SQL.md).
        user, day = f"tie-{i}", ["2026-03-05", "2026-03-06", "2026-03-09", "2026-03-10"][i]
        for event, at in (("$pageview", "10:00:00"), ("button_clicked", "10:00:00"), ("search", "10:00:05"),
                          ("button_clicked", "10:00:09"), ("search", "10:00:09")):
            lines.append(json.dumps({
                "type": "track", "event": event, "userId": user, "messageId": f"tie-{i}-{event}-{at}",
                "timestamp": f"{day}T{at}Z", "properties": {"country": ["DE", "FR"][i % 2]}}))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def data(uplift, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sql")
    data = tmp / "data"
    path = generate(uplift, tmp / "events.ndjson", 40_000, users=400, days=6, seed=5)
    # The generator starts on 2026-01-01 by default: move it over the US daylight-saving change (2026-03-08).
    shifted = tmp / "shifted.ndjson"
    shifted.write_text(path.read_text().replace('"2026-01-0', '"2026-03-0').replace("2026-01-1", "2026-03-1"))
    assert import_file(uplift, data, shifted)["imported"] == 40_000
    edges = tmp / "edges.ndjson"
    edges.write_text(edge_events())
    assert import_file(uplift, data, edges)["imported"] == edges.read_text().count("\n")  # every edge event
    # The case the grouping by typed columns is for: one key, two types, on two days.
    types = dict(duckdb.connect().execute(
        f"SELECT regexp_extract(file_name, 'date=([0-9-]+)', 1), type FROM parquet_schema('{data}/events/**/*.parquet') "
        "WHERE name = 'prop_price'").fetchall())
    assert types == {"2026-03-09": "INT64", "2026-03-10": "DOUBLE"}, types
    return data


def scope(data, zone):
    return ["--data", str(data), "--project", "demo", "--from", START, "--to", END, "--time-zone", zone]


def embedded(uplift, data, zone, args):
    p = run([uplift, "trend", *scope(data, zone), *args, "--json"])
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    series = {None: ({pt["date"]: pt["value"] for pt in doc["series"]}, doc["total"])}
    for i, s in enumerate(doc["breakdown"]):
        label = None if s["other"] else s["value"]
        series[i] = ({pt["date"]: pt["value"] for pt in s["series"]}, s["total"], label, s["other"])
    return series


def compiled(uplift, data, zone, args):
    p = run([uplift, "trend", *scope(data, zone), *args, "--sql", "duckdb"])
    assert p.returncode == 0, p.stderr
    rows = duckdb.connect().execute(p.stdout).fetchall()
    series = {}
    for n, label, is_other, period, value in rows:
        points = series.setdefault(n, [{}, 0.0, label, is_other])
        if period is None:
            points[1] = value
        else:
            points[0][period] = value
    return series


def same(a, b):
    return a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


TRENDS = {
    "events": ["--measure", "events"],
    "persons": ["--measure", "persons"],
    "one event, hourly": ["--event", "search", "--interval", "hour"],
    "persons weekly": ["--measure", "persons", "--interval", "week"],
    "persons monthly": ["--measure", "persons", "--interval", "month"],
    "sum of a shredded integer": ["--event", "search", "--measure", "sum", "--property", "results"],
    "average of a shredded integer": ["--event", "search", "--measure", "average", "--property", "results"],
    "sum of mixed values": ["--event", "edge_case", "--measure", "sum", "--property", "amount"],
    "average of mixed values": ["--event", "edge_case", "--measure", "average", "--property", "amount"],
    "breakdown by a shredded string": ["--measure", "persons", "--breakdown", "country"],
    "breakdown with no values and others": ["--breakdown", "path"],
    "breakdown of mixed values": ["--event", "edge_case", "--breakdown", "shape"],
    "breakdown by context": ["--event", "edge_case", "--measure", "persons", "--breakdown", "context.locale"],
    "sum of a property typed by day": ["--event", "purchase_made", "--measure", "sum", "--property", "price"],
    "breakdown by a property typed by day": ["--event", "purchase_made", "--breakdown", "price"],
    "eq on a property typed by day": ["--event", "purchase_made", "--where", "price=40"],
    "eq text": ["--where", "country=US|DE"],
    "neq": ["--event", "edge_case", "--where", "amount!=12"],
    "eq number matches numeric strings": ["--event", "edge_case", "--where", "amount=12"],
    "eq non-number text": ["--event", "edge_case", "--where", "amount=true"],
    "contains": ["--where", "path~pri"],
    "greater than": ["--event", "search", "--where", "results>5"],
    "at most, on mixed values": ["--event", "edge_case", "--where", "amount<=2.5"],
    "is set": ["--event", "edge_case", "--where", "amount?"],
    "is not set": ["--event", "edge_case", "--where", "amount!?"],
    "a key with a quote": ["--event", "edge_case", "--where", "it's=1"],
    "a key with a space and a dollar": ["--event", "edge_case", "--where", "$weird key=w"],
    "context filter": ["--where", "context.locale=en-US"],
    "empty contains matches nothing": ["--event", "edge_case", "--where", "tier~"],
}


VACUOUS = {"empty contains matches nothing"}


# Local periods matter to the measures and intervals; filters are the same in every zone.
ZONED = ["events", "persons", "one event, hourly", "persons weekly", "persons monthly", "average of mixed values",
         "breakdown by a shredded string"]
CASES = [(name, zone) for name in TRENDS for zone in (["UTC", "America/New_York", "Asia/Kolkata"]
                                                      if name in ZONED else ["Europe/Berlin"])]


@pytest.mark.parametrize("name,zone", CASES)
def test_compiled_trend_equals_the_engine(uplift, data, zone, name):
    args = TRENDS[name]
    want = embedded(uplift, data, zone, args)
    got = compiled(uplift, data, zone, args)
    assert set(got) == set(want), f"series: {sorted(got, key=str)} against {sorted(want, key=str)}"
    for key, (points, total, *rest) in want.items():
        g_points, g_total, g_label, g_other = got[key]
        # The SQL has no row for a period without events; the engine says 0.
        for date, value in points.items():
            assert same(g_points.get(date, 0.0), value), f"series {key}, {date}: {g_points.get(date)} != {value}"
        assert set(g_points) <= set(points), f"periods outside the range: {set(g_points) - set(points)}"
        assert same(g_total, total), f"series {key} total: {g_total} != {total}"
        if rest:
            label, other = rest
            assert (g_label, bool(g_other)) == (label, other)
    if name not in VACUOUS:
        assert any(v > 0 for v in want[None][0].values()), "the question must not be vacuous"


def test_sql_names_an_unknown_dialect(uplift, data):
    p = run([uplift, "trend", *scope(data, "UTC"), "--sql", "postgres"])
    assert p.returncode != 0
    assert "--sql: 'postgres' is not a SQL engine" in p.stderr and "duckdb or spark" in p.stderr


# --- Adoption --------------------------------------------------------------------------------------------------------

ADOPTIONS = {
    "28 days rolling, daily": ["--feature", "search", "--window", "28d"],
    "3 days rolling, daily": ["--feature", "feature_x_used", "--window", "3d"],
    "7 days rolling, weekly points": ["--feature", "search", "--window", "7d", "--interval", "week"],
    "7 days rolling, monthly points": ["--feature", "search", "--window", "7d", "--interval", "month"],
    "calendar weeks": ["--feature", "search", "--window", "week"],
    "calendar months": ["--feature", "item_viewed", "--window", "month"],
    "an active event": ["--feature", "search", "--active", "$pageview", "--window", "3d"],
    "a feature that is a bookkeeping event": ["--feature", "$identify", "--window", "3d"],
    "filtered": ["--feature", "search", "--window", "3d", "--where", "country=US"],
}
ADOPTION_CASES = [(name, zone) for name in ADOPTIONS for zone in
                  (["UTC", "America/New_York", "Asia/Kolkata"] if "calendar" in name or "3 days" in name else ["UTC"])]


def sql_rows(uplift, data, zone, command, args, dialect="duckdb"):
    p = run([uplift, command, *scope(data, zone), *args, "--sql", dialect])
    assert p.returncode == 0, p.stderr
    cursor = duckdb.connect().execute(p.stdout)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


@pytest.mark.parametrize("name,zone", ADOPTION_CASES)
def test_compiled_adoption_equals_the_engine(uplift, data, name, zone):
    args = ADOPTIONS[name]
    p = run([uplift, "adoption", *scope(data, zone), *args, "--json"])
    assert p.returncode == 0, p.stderr
    want = {pt["date"]: (pt["adopters"], pt["active"]) for pt in json.loads(p.stdout)["series"]}
    got = {r["date"]: (r["adopters"], r["active"]) for r in sql_rows(uplift, data, zone, "adoption", args)}
    assert set(got) <= set(want), f"points outside the range: {set(got) - set(want)}"
    assert {d: got.get(d, (0, 0)) for d in want} == want
    assert any(a > 0 for a, _ in want.values()), "the question must not be vacuous"


# --- Retention -------------------------------------------------------------------------------------------------------

RETENTIONS = {
    "daily": ["--cohort-event", "$pageview", "--periods", "5"],
    "daily, a return event": ["--cohort-event", "search", "--return-event", "item_viewed", "--periods", "4"],
    "weekly": ["--cohort-event", "button_clicked", "--interval", "week", "--periods", "2"],
    "monthly": ["--cohort-event", "edge_case", "--interval", "month", "--periods", "1"],
    "filtered": ["--cohort-event", "edge_case", "--where", "tier=gold", "--periods", "3"],
}
RETENTION_CASES = [(name, zone) for name in RETENTIONS for zone in
                   (["UTC", "America/New_York", "Asia/Kolkata"] if name in ("daily", "weekly") else ["UTC"])]


def retention_cohorts(rows):
    """Each cohort's [size, back after 1 period, …] in period order, from the statement's rows."""
    cohorts = {}
    for r in rows:
        cohorts.setdefault(r["cohort"], {})[r["k"]] = r["persons"]
    return [[c.get(k, 0) for k in range(max(c) + 1)] for _, c in sorted(cohorts.items())]


@pytest.mark.parametrize("name,zone", RETENTION_CASES)
def test_compiled_retention_equals_the_engine(uplift, data, name, zone):
    args = RETENTIONS[name]
    p = run([uplift, "retention", *scope(data, zone), *args, "--json"])
    assert p.returncode == 0, p.stderr
    want = [c["retained"] for c in json.loads(p.stdout)["cohorts"]]
    got = retention_cohorts(sql_rows(uplift, data, zone, "retention", args))
    assert len(got) == len(want)
    # A cohort reports the periods that began before `to`; the SQL has no rows after that.
    assert [g[:len(w)] + [0] * (len(w) - len(g)) for g, w in zip(got, want)] == want
    assert any(w[0] > 0 for w in want), "the question must not be vacuous"


# --- Lifecycle -------------------------------------------------------------------------------------------------------

LIFECYCLES = {
    "daily": ["--interval", "day"],
    "daily, dormant after 1": ["--interval", "day", "--dormant-after", "1"],
    "weekly": ["--interval", "week"],
    "an event, daily": ["--event", "search", "--interval", "day", "--dormant-after", "2"],
    "filtered": ["--interval", "day", "--where", "platform=web"],
}
LIFECYCLE_CASES = [(name, zone) for name in LIFECYCLES for zone in
                   (["UTC", "America/New_York", "Asia/Kolkata"] if name.startswith("daily") else ["UTC"])]
LIFECYCLE_COUNTS = ["new", "retained", "reactivated", "resurrected", "dormant", "active"]


@pytest.mark.parametrize("name,zone", LIFECYCLE_CASES)
def test_compiled_lifecycle_equals_the_engine(uplift, data, name, zone):
    args = LIFECYCLES[name]
    p = run([uplift, "lifecycle", *scope(data, zone), *args, "--json"])
    assert p.returncode == 0, p.stderr
    periods = json.loads(p.stdout)["periods"]
    want = [[period[c] for c in LIFECYCLE_COUNTS] for period in periods]
    got = [[0] * len(LIFECYCLE_COUNTS) for _ in periods]
    for r in sql_rows(uplift, data, zone, "lifecycle", args):
        if 0 <= r["k"] < len(got):
            got[r["k"]] = [g + r[c] for g, c in zip(got[r["k"]], LIFECYCLE_COUNTS)]
    assert got == want
    assert any(sum(w[:4]) > 0 for w in want), "the question must not be vacuous"


# --- Ordered funnels -------------------------------------------------------------------------------------------------

FUNNELS = {
    "3 steps, 7 days": ["--steps", "$pageview,button_clicked,search", "--window", "7d"],
    "a short window": ["--steps", "$pageview,button_clicked,item_viewed", "--window", "30m"],
    "a step twice": ["--steps", "button_clicked,button_clicked,search", "--window", "1d"],
    "breakdown": ["--steps", "$pageview,button_clicked", "--window", "2h", "--breakdown", "country"],
    "breakdown by mixed values": ["--steps", "edge_case,edge_case", "--window", "3h", "--breakdown", "shape"],
    "step filters and weekly conversion": ["--steps", "edge_case,purchase_made", "--window", "5d",
                                            "--where", "context.locale!=de-DE", "--conversion-interval", "week"],
    "an exclusion": ["--steps", "$pageview,button_clicked,search", "--window", "1d", "--exclude", "item_viewed"],
    "two exclusions, breakdown": ["--steps", "$pageview,search", "--window", "3d", "--exclude", "button_clicked",
                                "--exclude", "edge_case", "--breakdown", "country"],
    "strict": ["--order", "strict", "--steps", "$pageview,button_clicked,search", "--window", "1h"],
    "strict, a step twice, breakdown": ["--order", "strict", "--steps", "button_clicked,button_clicked,search",
                                        "--window", "1d", "--breakdown", "country"],
    "strict, filtered, an exclusion": ["--order", "strict", "--steps", "$pageview,button_clicked", "--window", "2h",
                                       "--where", "country!=DE", "--exclude", "item_viewed"],
    "any order": ["--order", "any", "--steps", "search,button_clicked,$pageview", "--window", "1h"],
    "any order, a step twice, breakdown": ["--order", "any", "--steps", "button_clicked,search,button_clicked",
                                           "--window", "1d", "--breakdown", "country"],
    "any order, an exclusion": ["--order", "any", "--steps", "$pageview,search", "--window", "6h",
                                "--exclude", "item_viewed"],
}
FUNNEL_CASES = [(name, zone) for name in FUNNELS for zone in
                (["UTC", "America/New_York"] if name in ("3 steps, 7 days", "step filters and weekly conversion")
                 else ["UTC"])]


def funnel_document(uplift, data, zone, args, dialect_rows=None):
    p = run([uplift, "funnel", *scope(data, zone), *args, "--json"])
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


@pytest.mark.parametrize("name,zone", FUNNEL_CASES)
def test_compiled_funnel_gives_the_engines_persons_and_times(uplift, data, name, zone):
    """DuckDB's rows (each person's level and reported attempt) give the embedded engine's per-step persons and
    times: the per-person outcomes are what the SQL decides, the statistics are Uplift's own code over them.
    Strict and any-order persons whose attempts are not plain sequences (ties) come back as their events, which
    Uplift evaluates: here they can only bound the counts (the Spark tests compare whole documents)."""
    args = FUNNELS[name]
    doc = funnel_document(uplift, data, zone, args)
    everything = sql_rows(uplift, data, zone, "funnel", args)
    rows = [r for r in everything if r["level"] is not None]
    tied = {r["person"] for r in everything if r["level"] is None}
    steps = len(doc["steps"])
    persons = [sum(1 for r in rows if r["level"] > j) for j in range(steps)]
    # Ties matter to strict funnels (two step events at one instant) and to any-order ones with an event serving
    # two steps; an any-order funnel of distinct steps is a plain sequence even at one instant.
    assert bool(tied) == ("strict" in args or name == "any order, a step twice, breakdown"), tied
    if tied:
        assert all(p <= s["persons"] <= p + len(tied) for p, s in zip(persons, doc["steps"])), (persons, doc["steps"])
        assert doc["steps"][-1]["persons"] > 0, "the question must not be vacuous"
        return
    assert persons == [s["persons"] for s in doc["steps"]]
    for j in range(1, steps):
        durations = sorted(r[f"t{j + 1}"] - r[f"t{j}"] for r in rows if r["level"] > j)
        if durations:
            mean = sum(durations) / len(durations) / 1e6
            assert same(doc["steps"][j]["mean_seconds_to_convert"], mean)
    if "--breakdown" in args:
        by_value = {}
        for r in rows:
            by_value[r["b"]] = by_value.get(r["b"], 0) + 1
        groups = {(g["value"] if not g["other"] else "<other>"): g["steps"][0]["persons"] for g in doc["breakdown"]}
        assert all(groups.get(v) == c for v, c in by_value.items() if v is not None and len(by_value) <= 25), \
            (groups, by_value)
    assert persons[0] > 0, "the question must not be vacuous"
    if "--exclude" in args:
        plain = [a for i, a in enumerate(args) if a != "--exclude" and (i == 0 or args[i - 1] != "--exclude")]
        without = funnel_document(uplift, data, zone, plain)
        assert [s["persons"] for s in without["steps"]] != persons, "the exclusions must void some attempts"


# --- Feedback -------------------------------------------------------------------------------------------------------

FEEDBACKS = {
    "weekly": [],
    "daily, 3 comments": ["--interval", "day", "--comments", "3"],
    "a feature": ["--feature", "search", "--interval", "day"],
    "a survey, both sources": ["--survey", "s-1"],
    "no comments, monthly": ["--comments", "0", "--interval", "month"],
}
FEEDBACK_CASES = [(name, zone) for name in FEEDBACKS for zone in
                  (["UTC", "America/New_York"] if name in ("weekly", "daily, 3 comments") else ["UTC"])]


@pytest.mark.parametrize("name,zone", FEEDBACK_CASES)
def test_compiled_feedback_gives_the_engines_answers(uplift, data, name, zone):
    """DuckDB's rows (each person's answers per group and period, each group's latest comments) give the embedded
    engine's whole feedback document: which answer is a person's latest, which response is a score or a comment,
    are decided by the SQL."""
    args = FEEDBACKS[name]
    p = run([uplift, "feedback", *scope(data, zone), *args, "--json"])
    assert p.returncode == 0, p.stderr
    want = json.loads(p.stdout)
    sql = run([uplift, "feedback", *scope(data, zone), *args, "--sql", "duckdb"])
    assert sql.returncode == 0, sql.stderr
    cursor = duckdb.connect().execute(sql.stdout)
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, r)) for r in cursor.fetchall()]
    answers = [r for r in rows if r["kind"] == "a"]
    assert sum(r["n"] for r in answers) == want["total"]["responses"]
    assert len({r["person"] for r in answers}) == want["total"]["respondents"]
    latest = {}
    for r in answers:
        if r["l10"] is not None:
            latest[r["person"]] = max(latest.get(r["person"], r["l10"]), r["l10"])
    scores = [0] * 11
    for key in latest.values():
        scores[key % 16] += 1
    assert scores == want["total"]["nps_scores"]
    comments = {(g["feature"], g["survey"]): [c["comment"] for c in g["comments"]] for g in want["groups"]}
    listed = {}
    for r in sorted((r for r in rows if r["kind"] == "c"), key=lambda r: (-r["t"], r["person"], r["comment"])):
        listed.setdefault((r["feature"], r["survey"]), []).append(r["comment"])
    assert {k: v for k, v in listed.items() if k in comments} == {k: v for k, v in comments.items() if v}
    assert want["total"]["responses"] > 0 and (want["total"]["promoters"] + want["total"]["detractors"]) > 0, \
        "the question must not be vacuous"


# --- Experiments ---------------------------------------------------------------------------------------------------

EXPERIMENT = """
key: checkout-redesign
variants:
  - key: control
    weight: 0.5
  - key: treatment
    weight: 0.5
exposure:
  event: experiment_viewed
metrics:
  - id: conversion
    kind: proportion
    event: purchase_completed
    window: 3d
  - id: revenue
    kind: mean
    event: purchase_completed
    property: amount
  - id: searches-per-view
    kind: ratio
    event: search
    denominator:
      event: $pageview
  - id: click-then-search
    kind: funnel
    steps: [button_clicked, search, button_clicked]
    window: 1d
guardrails:
  - id: typed-prices
    kind: mean
    event: purchase_made
    property: price
    direction: decrease
cuped:
  enabled: %s
  pre_exposure_window: 2d
multiple_exposures: %s
method: frequentist
"""
EXPERIMENTS = {"plain": ("false", "exclude"), "cuped, first exposure kept": ("true", "first")}


def experiment_args(data, tmp_path, name):
    cuped, multiple = EXPERIMENTS[name]
    path = tmp_path / "experiment.yaml"
    path.write_text(EXPERIMENT % (cuped, multiple))
    return ["experiment", "analyze", "checkout-redesign", "--data", str(data), "--project", "demo",
            "--definition", str(path), "--from", "2026-03-01", "--to", END]


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_compiled_experiment_sums_give_the_engines_counts_and_means(uplift, data, tmp_path, name):
    args = experiment_args(data, tmp_path, name)
    p = run([uplift, *args, "--json"])
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    s = run([uplift, *args, "--sql", "duckdb"])
    assert s.returncode == 0, s.stderr
    cursor = duckdb.connect().execute(s.stdout)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r)) for r in cursor.fetchall()]
    variants = {r["variant"]: r for r in rows if r["kind"] == "variant"}
    exposures = doc["exposures"]
    assert [variants.get(i, {}).get("n", 0) for i in range(2)] == [v["persons"] for v in exposures["variants"]]
    assert sum(r["n"] for r in rows if r["kind"] == "multiple") == exposures["multiple_exposures"]
    assert sum(r["n"] for r in rows if r["kind"] == "unknown") == exposures["unknown_variant"]
    assert sum(r["n"] for r in rows if r["kind"] == "day") == sum(v["persons"] for v in exposures["variants"])
    for j, metric in enumerate(doc["metrics"]):
        for i, line in enumerate(metric["variants"]):
            row = variants.get(i)
            # A ratio's mean is Σ numerator ÷ Σ denominator; the others' Σ first component ÷ persons.
            if metric["kind"] == "ratio":
                mean = row[f"s{j}_0"] / row[f"s{j}_1"] if row and row[f"s{j}_1"] else 0
            else:
                mean = row[f"s{j}_0"] / row["n"] if row and row["n"] else 0
            assert same(line["mean"], mean), (metric["id"], line["key"], line["mean"], mean)
    assert exposures["multiple_exposures"] >= 1 and exposures["unknown_variant"] >= 2
    assert all(v["persons"] > 0 for v in exposures["variants"]), "the question must not be vacuous"
    funnel = next(m for m in doc["metrics"] if m["kind"] == "funnel")
    assert all(0 < line["mean"] < 1 for line in funnel["variants"]), funnel


# --- The same questions on Apache Spark (`--engine sc://…`), on the cluster Tests/spark.sh starts -----------------

SPARK = os.environ.get("UPLIFT_TEST_SPARK")
needs_spark = pytest.mark.skipif(
    not SPARK and os.environ.get("UPLIFT_REQUIRE_SPARK") != "1",
    reason="no Spark cluster: run under Tests/spark.sh run (make test does)")

# Each Spark question takes seconds: the cases that exercise what differs between the dialects (local periods,
# JSON paths, typed columns, breakdown ranking, filters' casts).
SPARK_CASES = [
    ("persons", "America/New_York"), ("one event, hourly", "Asia/Kolkata"), ("persons monthly", "UTC"),
    ("average of mixed values", "Europe/Berlin"), ("breakdown by a shredded string", "UTC"),
    ("breakdown of mixed values", "America/New_York"), ("breakdown by context", "UTC"),
    ("eq number matches numeric strings", "UTC"), ("at most, on mixed values", "UTC"),
    ("a key with a space and a dollar", "UTC"), ("contains", "UTC"), ("neq", "UTC"),
    ("sum of a property typed by day", "UTC"), ("breakdown by a property typed by day", "UTC"),
]
SPARK_RETENTIONS = [("daily", "America/New_York"), ("weekly", "UTC"), ("daily, a return event", "UTC")]
SPARK_LIFECYCLES = [("daily", "America/New_York"), ("weekly", "UTC")]
SPARK_FUNNELS = [("3 steps, 7 days", "America/New_York"), ("a step twice", "UTC"), ("breakdown", "UTC"),
                 ("step filters and weekly conversion", "UTC"), ("an exclusion", "UTC"), ("strict", "UTC"),
                 ("strict, a step twice, breakdown", "UTC"), ("strict, filtered, an exclusion", "UTC"),
                 ("any order", "UTC"), ("any order, a step twice, breakdown", "UTC"),
                 ("any order, an exclusion", "UTC")]
SPARK_ADOPTIONS = [("3 days rolling, daily", "America/New_York"), ("calendar weeks", "Asia/Kolkata"),
                   ("7 days rolling, weekly points", "UTC"), ("an active event", "UTC")]


def same_document(a, b, path="$"):
    """Equal JSON documents, numbers within 1e-9 relative (sums and averages add in another order)."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), f"{path}: members {sorted(a)} != {sorted(b)}"
        for k in a:
            same_document(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            same_document(x, y, f"{path}[{i}]")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        assert same(a, b), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


SPARK_FEEDBACKS = [("daily, 3 comments", "America/New_York"), ("a survey, both sources", "America/New_York")]
# Every Spark question: (command, the cases' arguments, the cases run on Spark).
SPARK_QUESTIONS = [("trend", TRENDS, SPARK_CASES), ("adoption", ADOPTIONS, SPARK_ADOPTIONS),
                   ("retention", RETENTIONS, SPARK_RETENTIONS), ("lifecycle", LIFECYCLES, SPARK_LIFECYCLES),
                   ("funnel", FUNNELS, SPARK_FUNNELS), ("feedback", FEEDBACKS, SPARK_FEEDBACKS)]


@needs_spark
@pytest.mark.parametrize("command,name,zone", [(command, name, zone) for command, _, cases in SPARK_QUESTIONS
                                               for name, zone in cases])
def test_spark_answers_as_the_engine(uplift, data, command, name, zone):
    """The whole document of `uplift <command> --engine sc://…` is the embedded engine's."""
    assert SPARK, "UPLIFT_REQUIRE_SPARK=1 but no cluster (UPLIFT_TEST_SPARK)"
    args = dict((c, a) for c, a, _ in SPARK_QUESTIONS)[command][name]
    p = run([uplift, command, *scope(data, zone), *args, "--json"])
    assert p.returncode == 0, p.stderr
    s = run([uplift, command, *scope(data, zone), *args, "--engine", SPARK, "--json"])
    assert s.returncode == 0, s.stderr
    same_document(json.loads(s.stdout), json.loads(p.stdout))


@needs_spark
@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_spark_experiment_analysis_is_the_engines(uplift, data, tmp_path, name):
    args = experiment_args(data, tmp_path, name)
    p = run([uplift, *args, "--json"])
    assert p.returncode == 0, p.stderr
    embedded = json.loads(p.stdout)
    s = run([uplift, *args, "--engine", SPARK, "--json"])
    assert s.returncode == 0, s.stderr
    same_document(json.loads(s.stdout), embedded)


@needs_spark
def test_spark_answers_carry_the_same_data_warnings(uplift, data):
    """A misspelt event: the warning comes from the segments' metadata, whichever engine answers."""
    args = ["trend", *scope(data, "UTC"), "--event", "purchase_mad", "--json"]
    p = run([uplift, *args])
    assert p.returncode == 0, p.stderr
    s = run([uplift, *args, "--engine", SPARK])
    assert s.returncode == 0, s.stderr
    embedded = json.loads(p.stdout)
    assert "purchase_made" in json.dumps(embedded["warnings"])
    same_document(json.loads(s.stdout), embedded)
    assert s.stderr == p.stderr


@needs_spark
def test_spark_refuses_a_key_its_json_path_cannot_address(uplift, data):
    s = run([uplift, "trend", *scope(data, "UTC"), *TRENDS["a key with a quote"], "--engine", SPARK or ""])
    assert s.returncode != 0
    assert "property 'it\\'s'" in s.stderr and "Spark SQL cannot address" in s.stderr, s.stderr


def test_an_engine_that_is_not_there_is_one_line_at_once(uplift, data):
    """Nothing listens on port 9: one line naming the question and the engine, not a wait for the timeout.
    (Spark's own refusals, one line with the error class: Tests/UpliftSparkTests/SparkConnectSessionTests.)"""
    closed = run([uplift, "trend", *scope(data, "UTC"), "--engine", "sc://127.0.0.1:9"], timeout=30)
    assert closed.returncode != 0
    lines = closed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the trend on 127.0.0.1:9: Spark Connect is unavailable"), \
        closed.stderr
