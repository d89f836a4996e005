"""PR/FAQ goals and reports end to end: `uplift serve --dashboards dashboards/` over a generated demo
data set (40,000 events, 2,000 persons, 60 days from 2026-01-01, as of 2026-03-02).

- GET /v1/goals: every goal of every shipped PR/FAQ, sane statuses and numbers, and weekly series
  that agree with DuckDB over the stored Parquet segments (events, unique persons, property sums).
- GET /v1/goals/{id}, the read-key rules (Bearer or Basic, 401 with WWW-Authenticate), a bad `now`.
- GET /v1/reports[/{id}]: the security headers, the goal anchors and the index links.
- Hostile text (event names, property values, survey comments) ingested with the write key never
  reaches the report as markup, while the comments are shown as text.
- Chromium renders the three served reports (their real CSP header in force) without console
  errors, CSP violations or requests beyond the page; the PNGs stay in Tests/browser/out/ as
  build artefacts (demo-<id>.png). Without Chromium these skip, unless UPLIFT_REQUIRE_CHROMIUM=1.
"""
import base64
import hashlib
import json
import math
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin

import duckdb
import pytest
import requests
import yaml

from conftest import ROOT, Server, run

sys.path.insert(0, str(ROOT / "Tests" / "browser"))
import screenshot  # noqa: E402
from browser_checks import png_size, require_chromium  # noqa: E402

DASHBOARDS = ROOT / "dashboards"
OUT = ROOT / "Tests" / "browser" / "out"
NOW = "2026-03-02"  # the day after the demo data ends
# The hostile texts arrive on NOW's day, after every generated answer, so they are the report's most recent
# comments as of LATER (and no complete week that other tests compare changes).
LATER = "2026-03-03"
PRFAQS = ("feature-x", "new-checkout", "onboarding-checklist")
STATUSES = {"achieved", "on_track", "at_risk", "off_track", "no_data"}
TIMEOUT = 60  # the debug binary computes a report over the demo data in seconds
CSP_DIRECTIVES = ("default-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'")

# Text that breaks out of an element, an attribute or a URL when a page pastes it in unescaped.
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</title><script>alert(2)</script>",
    "javascript:alert(3)",
    "</blockquote></li></ul><iframe src=//evil.example></iframe>",
)


def front_matter(path):
    """The YAML header of a PR/FAQ file (between the first two `---` lines)."""
    text = path.read_text()
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, f"{path} has no front matter"
    return yaml.safe_load(match.group(1))


def auth(key):
    return {"Authorization": f"Bearer {key}"}


def basic(key):
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


@pytest.fixture(scope="module")
def demo(uplift, tmp_path_factory):
    """(server, data dir, read key, write key) over the imported demo data; stopped with exit 0 at the end."""
    data = tmp_path_factory.mktemp("reports") / "data"
    gen = subprocess.Popen([uplift, "generate", "--events", "40000", "--users", "2000", "--days", "60",
                            "--start", "2026-01-01", "--seed", "42"], stdout=subprocess.PIPE)
    imp = subprocess.run([uplift, "import", "--data", str(data), "--project", "demo", "-"],
                         stdin=gen.stdout, capture_output=True, text=True, timeout=300)
    gen.stdout.close()
    assert gen.wait() == 0 and imp.returncode == 0, imp.stderr
    keys = {}
    for kind in ("read", "write"):
        r = run([uplift, "key", "create", "--data", str(data), "--project", "demo", "--kind", kind, "--json"])
        assert r.returncode == 0, r.stderr
        keys[kind] = json.loads(r.stdout)["key"]
    srv = Server(uplift, data, extra_args=["--dashboards", str(DASHBOARDS)]).start()
    yield srv, data, keys["read"], keys["write"]
    if srv.proc is not None:
        srv.stop_ok()


@pytest.fixture(scope="module")
def goals(demo):
    srv, _, read_key, _ = demo
    r = requests.get(f"{srv.url}/v1/goals", params={"now": NOW}, headers=auth(read_key), timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture(scope="module")
def payloads(demo):
    """The hostile texts ingested with the write key inside the demo range (visible before any flush)."""
    srv, _, _, write_key = demo
    for i, text in enumerate(PAYLOADS):
        when = f"{NOW}T00:{i:02d}:00Z"
        answer = {"userId": f"payload-{i}", "score": i + 4, "scale": 10, "comment": text,
                  "feature": "feature-x", "survey": "feature-x-nps", "timestamp": when}
        r = requests.post(f"{srv.url}/v1/feedback", json=answer, headers=auth(write_key), timeout=TIMEOUT)
        assert r.status_code == 200 and r.json()["accepted"] == 1, r.text
    batch = [{"type": "track", "event": text, "userId": text, "timestamp": f"{NOW}T01:{i:02d}:00Z",
              "properties": {"label": text, "plan": text, "code": text}}
             for i, text in enumerate(PAYLOADS)]
    batch += [{"type": "track", "event": "feature_x_used", "userId": f"payload-{i}",
               "timestamp": f"{NOW}T02:{i:02d}:00Z", "properties": {"duration_ms": 1000, "note": text}}
              for i, text in enumerate(PAYLOADS)]
    r = requests.post(f"{srv.url}/v1/batch", json={"batch": batch}, headers=auth(write_key), timeout=TIMEOUT)
    assert r.status_code == 200 and r.json()["accepted"] == len(batch), r.text
    return PAYLOADS


# --- independent computations over the stored Parquet segments -------------------------------------

def segments(data):
    return f"read_parquet('{Path(data) / 'events'}/**/*.parquet', hive_partitioning = false)"


def weekly(data, select, where):
    """{ISO week's Monday: value} over the segments (timestamps are UTC instants; weeks start Monday)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    rows = con.execute(f"SELECT strftime(date_trunc('week', timestamp), '%Y-%m-%d'), {select} "
                       f"FROM {segments(data)} WHERE {where} GROUP BY 1").fetchall()
    return {week: value for week, value in rows}


def persons_by_id(data):
    """distinct_id → person: the ids an identify or alias message links are one person (union-find)."""
    con = duckdb.connect()
    pairs = con.execute(f"SELECT user_id, anonymous_id FROM {segments(data)} WHERE type IN ('identify', 'alias') "
                        "AND user_id IS NOT NULL AND anonymous_id IS NOT NULL").fetchall()
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    return find


def series_of(goal):
    return {point["date"]: point["value"] for point in goal["series"] if point["value"] is not None}


def goal_by_id(goals, prfaq, goal):
    p = next(p for p in goals["prfaqs"] if p["id"] == prfaq)
    return next(g for g in p["goals"] if g["id"] == goal)


# --- GET /v1/goals ------------------------------------------------------------------------------------

def test_goals_list_every_goal_of_every_prfaq(goals):
    assert goals["invalid"] == []
    by_id = {p["id"]: p for p in goals["prfaqs"]}
    assert set(by_id) == set(PRFAQS)
    for path in sorted(DASHBOARDS.glob("*.md")):
        if path.name == "README.md":
            continue
        header = front_matter(path)
        prfaq = by_id[header["id"]]
        assert prfaq["file"] == path.name and prfaq["title"] == header["title"] and prfaq["owner"] == header["owner"]
        assert [g["id"] for g in prfaq["goals"]] == [g["id"] for g in header["goals"]]
        for declared, goal in zip(header["goals"], prfaq["goals"]):
            assert goal["metric"] == declared["metric"] and goal["target"] == declared["target"]
            assert goal["deadline"] == str(declared["deadline"])
            assert goal["direction"] == declared.get("direction", "increase")
            assert goal["status"] in STATUSES, goal
            assert goal["explanation"]
            numbers = [goal[k] for k in ("target", "baseline", "current", "progress")]
            numbers += [p["value"] for p in goal["series"]]
            if goal["forecast"] is not None:
                f = goal["forecast"]
                numbers += [f["value"], f["low"], f["high"]]
                assert f["low"] <= f["value"] <= f["high"] and f["date"] <= goal["deadline"]
            assert all(math.isfinite(x) for x in numbers if x is not None), goal
            if goal["current"] is not None:
                assert series_of(goal)[goal["current_date"]] == goal["current"]
                assert goal["current_date"] < NOW
            else:
                assert goal["status"] == "no_data"


def test_event_count_goal_matches_duckdb(goals, demo):
    # checkout-errors: error_shown events with code=E500 per week (properties is a JSON text column).
    goal = goal_by_id(goals, "new-checkout", "checkout-errors")
    expected = weekly(demo[1], "count(*)", "event = 'error_shown' AND properties->>'$.code' = 'E500'")
    got = series_of(goal)
    assert goal["current_date"] == "2026-02-23" and goal["current"] == expected[goal["current_date"]]
    assert got == {week: expected.get(week, 0) for week in got}
    assert sum(got.values()) == sum(expected.values()) > 0


def test_property_sum_goal_matches_duckdb(goals, demo):
    goal = goal_by_id(goals, "new-checkout", "weekly-revenue")
    expected = weekly(demo[1], "sum(CAST(properties->>'$.amount' AS DOUBLE))", "event = 'purchase_completed'")
    got = series_of(goal)
    assert got and all(got[w] == pytest.approx(expected.get(w, 0)) for w in got)
    assert goal["current"] == pytest.approx(expected[goal["current_date"]])


def test_unique_persons_goal_matches_duckdb(goals, demo):
    # weekly-completions: distinct persons (linked ids count once) with onboarding_completed per week.
    goal = goal_by_id(goals, "onboarding-checklist", "weekly-completions")
    person = persons_by_id(demo[1])
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    rows = con.execute(f"SELECT strftime(date_trunc('week', timestamp), '%Y-%m-%d'), distinct_id "
                       f"FROM {segments(demo[1])} WHERE event = 'onboarding_completed'").fetchall()
    expected = {}
    for week, distinct_id in rows:
        expected.setdefault(week, set()).add(person(distinct_id))
    got = series_of(goal)
    assert got == {week: len(expected.get(week, ())) for week in got}
    assert goal["current"] == len(expected[goal["current_date"]]) > 0


def test_one_goal_with_its_prfaq_and_report_link(demo):
    srv, _, read_key, _ = demo
    r = requests.get(f"{srv.url}/v1/goals/activation", params={"now": NOW}, headers=auth(read_key), timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    goal = r.json()
    assert goal["id"] == "activation" and goal["metric"] == "funnel_conversion"
    assert goal["prfaq"]["id"] == "onboarding-checklist" and goal["prfaq"]["file"] == "onboarding-checklist.md"
    # The report as of the same `now` (issue 22: without it the link showed the report as of today).
    assert goal["report"] == f"/v1/reports/onboarding-checklist?now={NOW}#goal-activation"
    assert goal["data_until"] == "2026-03-01"
    r = requests.get(f"{srv.url}/v1/goals/no-such-goal", params={"now": NOW}, headers=auth(read_key), timeout=TIMEOUT)
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("application/json")
    assert r.json()["error"]["code"] == "not_found" and "no-such-goal" in r.json()["error"]["message"]


def test_goals_need_the_read_key(demo):
    srv, _, read_key, write_key = demo
    for headers in ({}, auth(write_key), basic(write_key), auth("upr_not-a-key")):
        for path in ("/v1/goals", "/v1/reports/onboarding-checklist"):
            r = requests.get(srv.url + path, params={"now": NOW}, headers=headers, timeout=TIMEOUT)
            assert r.status_code == 401, (path, headers, r.text)
            assert "basic" in r.headers.get("WWW-Authenticate", "").lower()
            assert r.json()["error"]["code"] == "unauthorized"
    r = requests.get(srv.url + "/v1/goals/weekly-completions", params={"now": NOW}, headers=basic(read_key),
                     timeout=TIMEOUT)
    assert r.status_code == 200 and r.json()["id"] == "weekly-completions", r.text


def test_now_moves_the_evaluation_back_in_time(demo, goals):
    srv, _, read_key, _ = demo
    r = requests.get(srv.url + "/v1/goals/weekly-completions", params={"now": "2026-02-01"}, headers=auth(read_key),
                     timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    earlier, later = r.json(), goal_by_id(goals, "onboarding-checklist", "weekly-completions")
    # The week of 2026-01-26 ends on Sunday 2026-02-01, so it is still running on that day.
    assert earlier["current_date"] == "2026-01-19"
    assert earlier["current"] == series_of(later)["2026-01-19"]
    assert max(p["date"] for p in earlier["series"]) == "2026-01-19"


@pytest.mark.parametrize("path", ["/v1/goals", "/v1/goals/activation", "/v1/reports/feature-x"])
def test_bad_now_is_a_400_naming_now(demo, path):
    srv, _, read_key, _ = demo
    r = requests.get(srv.url + path, params={"now": "yesterday-ish"}, headers=auth(read_key), timeout=TIMEOUT)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_query" and re.search(r"\bnow\b", error["message"]), error


# --- GET /v1/reports ----------------------------------------------------------------------------------

class Markup(HTMLParser):
    """Tags with their attributes, ids, in-page links, and the text of each <blockquote>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.quotes, self.styles = [], [], []
        self._quote = self._style = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "blockquote":
            self._quote = ""
        if tag == "style":
            self._style = ""

    def handle_endtag(self, tag):
        if tag == "blockquote" and self._quote is not None:
            self.quotes.append(self._quote)
            self._quote = None
        if tag == "style" and self._style is not None:
            self.styles.append(self._style)
            self._style = None

    def handle_data(self, data):
        if self._quote is not None:
            self._quote += data
        if self._style is not None:
            self._style += data

    def attr(self, name):
        return [a[name] for _, a in self.tags if a.get(name) is not None]


def parse(html):
    m = Markup()
    m.feed(html)
    m.close()
    return m


def get_report(srv, key, prfaq, now=NOW):
    return requests.get(f"{srv.url}/v1/reports/{prfaq}", params={"now": now}, headers=auth(key), timeout=TIMEOUT)


def test_report_headers_anchors_and_summary_links(demo):
    srv, _, read_key, _ = demo
    r = get_report(srv, read_key, "onboarding-checklist")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/html")
    csp = [d.strip() for d in r.headers["Content-Security-Policy"].split(";")]
    for directive in CSP_DIRECTIVES:
        assert directive in csp, csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    page = parse(r.text)
    # The one stylesheet the policy allows is the page's own <style>, by its SHA-256.
    hashes = re.findall(r"style-src ('sha256-[A-Za-z0-9+/=]+')", r.headers["Content-Security-Policy"])
    assert len(page.styles) == 1 and hashes
    assert f"'sha256-{base64.b64encode(hashlib.sha256(page.styles[0].encode()).digest()).decode()}'" == hashes[0]
    ids, links = set(page.attr("id")), set(page.attr("href"))
    for goal in front_matter(DASHBOARDS / "onboarding-checklist.md")["goals"]:
        assert f"goal-{goal['id']}" in ids
        assert f"#goal-{goal['id']}" in links
    summary = [a["href"] for tag, a in page.tags if tag == "a" and a.get("href", "").startswith("#goal-")]
    assert len(summary) >= 3
    assert not [t for t, _ in page.tags if t in ("script", "img", "iframe", "object", "embed", "link")]


def test_report_index_links_every_report_as_of_now(demo):
    srv, _, read_key, _ = demo
    index_url = f"{srv.url}/v1/reports?now={NOW}"
    r = requests.get(index_url, headers=auth(read_key), timeout=TIMEOUT)
    assert r.status_code == 200 and "Content-Security-Policy" in r.headers, r.text
    links = [h for h in parse(r.text).attr("href") if "reports/" in h]
    # Percent-encoded or not, each link names the report and the index's `now`.
    assert sorted(unquote(h) for h in links) == [f"reports/{p}?now={NOW}" for p in PRFAQS]
    # A relative link resolves to the report itself, as of the same day.
    link = next(h for h in links if unquote(h).startswith("reports/new-checkout?"))
    target = urljoin(index_url, link)
    assert target.startswith(f"{srv.url}/v1/reports/new-checkout?now=")
    report = requests.get(target, headers=auth(read_key), timeout=TIMEOUT)
    assert report.status_code == 200 and report.text == get_report(srv, read_key, "new-checkout").text
    unknown = get_report(srv, read_key, "no-such-prfaq")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"


def test_report_index_with_trailing_slash_links_resolve(demo):
    srv, _, read_key, _ = demo
    index_url = f"{srv.url}/v1/reports/?now={NOW}"
    r = requests.get(index_url, headers=auth(read_key), timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    link = next(h for h in parse(r.text).attr("href") if "feature-x" in h)
    assert requests.get(urljoin(index_url, link), headers=auth(read_key), timeout=TIMEOUT).status_code == 200


def test_hostile_text_is_shown_as_text_never_as_markup(demo, payloads):
    srv, _, read_key, _ = demo
    r = get_report(srv, read_key, "feature-x", now=LATER)
    assert r.status_code == 200, r.text
    html = r.text.lower()
    # No payload opens an element; `onerror=` may appear only as escaped text (the parser below
    # proves no element carries an event-handler attribute).
    # (The charts are inline <svg>, so only the payload's own `<svg onload` is hostile.)
    for raw in ("<script", "<img", "<svg onload", "<iframe"):
        assert raw not in html, raw
    for raw in PAYLOADS:
        assert raw.lower() not in html or "<" not in raw, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    page = parse(r.text)
    # Every comment arrives intact as text: escaped, not dropped or mangled.
    assert set(payloads) <= set(page.quotes), page.quotes
    assert not [(t, a) for t, a in page.tags if any(name.startswith("on") for name in a)]
    assert not [u for u in page.attr("href") + page.attr("src") if u.strip().lower().startswith("javascript:")]
    assert not [t for t, _ in page.tags if t in ("script", "img", "iframe", "object", "embed")]


# --- Chromium ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("prfaq", PRFAQS)
def test_served_report_renders_cleanly_in_chromium(demo, payloads, prfaq, capsys):
    require_chromium()
    srv, _, read_key, _ = demo
    OUT.mkdir(parents=True, exist_ok=True)
    url = f"{srv.url}/v1/reports/{prfaq}?now={LATER}"
    # The served URL, not a saved file: the response's CSP header is what the browser enforces.
    problems, height = screenshot.render(url, str(OUT / f"demo-{prfaq}.png"), headers=auth(read_key),
                                         load_timeout=TIMEOUT)
    assert problems == [], problems
    assert png_size(OUT / f"demo-{prfaq}.png") == (1100, height)
    assert 1500 < height < 20000
    (OUT / f"demo-{prfaq}.html").write_text(get_report(srv, read_key, prfaq).text)
    with capsys.disabled():
        print(f"\n  report screenshot: {OUT / f'demo-{prfaq}.png'} (1100x{height})")
