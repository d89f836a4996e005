"""`uplift experiment analyze` against DuckDB SQL and scipy over the very Parquet files Uplift wrote.

The generated workload runs the checkout experiment (`experiment_viewed` with `experiment_id` and
`variation_id`, then `purchase_completed` with an `amount`). DuckDB computes, per variant, the exposed
persons (persons through the catalog's links; persons who saw both variants left out), the share who
purchased after their first exposure, and the mean and standard deviation of what they spent after it;
scipy computes the sample-ratio-mismatch test. Uplift's answer must be the same numbers.
"""
import json
import re
import sqlite3

import duckdb
import pytest
from scipy import stats

from conftest import duckdb_rebuild, generate, import_file, run

START, END = "2026-01-01", "2026-01-15"
DEFINITION = """\
key: checkout-redesign
hypothesis: The redesigned checkout raises purchases.
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
  - id: revenue
    kind: mean
    event: purchase_completed
    property: amount
method: frequentist
"""


@pytest.fixture(scope="module")
def workload(uplift, tmp_path_factory):
    if not re.search(r"^\s+experiment\s", run([uplift, "--help"]).stdout, re.M):
        pytest.skip("this uplift binary has no experiment command yet")
    tmp = tmp_path_factory.mktemp("experiment")
    data = tmp / "data"
    path = generate(uplift, tmp / "events.ndjson", 60_000, users=1_500, days=14, seed=5)
    assert import_file(uplift, data, path)["imported"] == 60_000
    definition = tmp / "checkout.yaml"
    definition.write_text(DEFINITION)
    con = duckdb.connect()
    links = sqlite3.connect(data / "catalog.sqlite").execute(
        "SELECT distinct_id, person_id FROM person_ids WHERE project = 'demo'").fetchall()
    con.execute("CREATE TABLE persons (distinct_id VARCHAR, person_id VARCHAR)")
    con.executemany("INSERT INTO persons VALUES (?, ?)", links)
    return data, definition, con


def duckdb_variants(con, glob):
    """Per variant: persons, purchasers after first exposure, Σ amount and Σ amount² per person."""
    # Compaction moves frequent properties to typed columns: the documented expression puts them back.
    properties, _ = duckdb_rebuild(con, glob)
    src = f"(SELECT *, {properties} AS props FROM read_parquet('{glob}', hive_partitioning = false, union_by_name = true))"
    lo, hi = f"epoch_us(TIMESTAMP '{START}')", f"epoch_us(TIMESTAMP '{END}')"
    return con.execute(f"""
        WITH ev AS (
            SELECT coalesce(p.person_id, e.distinct_id) AS person, e.event, epoch_us(e.timestamp) AS t,
                   json_extract_string(e.props, '$.experiment_id') AS experiment,
                   json_extract_string(e.props, '$.variation_id') AS variant,
                   try_cast(json_extract_string(e.props, '$.amount') AS DOUBLE) AS amount
            FROM {src} e LEFT JOIN persons p ON p.distinct_id = e.distinct_id
            WHERE epoch_us(e.timestamp) >= {lo} AND epoch_us(e.timestamp) < {hi}),
        exposed AS (
            SELECT person, min(t) AS first, min(variant) AS variant
            FROM ev WHERE event = 'experiment_viewed' AND experiment = 'checkout-redesign'
              AND variant IN ('control', 'treatment')
            GROUP BY person HAVING count(DISTINCT variant) = 1),
        per_person AS (
            SELECT x.person, x.variant,
                   count(ev.t) > 0 AS purchased,
                   coalesce(sum(coalesce(ev.amount, 0)), 0) AS spent
            FROM exposed x LEFT JOIN ev ON ev.person = x.person AND ev.event = 'purchase_completed' AND ev.t >= x.first
            GROUP BY x.person, x.variant)
        SELECT variant, count(*), sum(purchased::INT), sum(spent), sum(spent * spent)
        FROM per_person GROUP BY variant ORDER BY variant""").fetchall()


def test_per_variant_numbers_and_srm_agree(uplift, workload):
    data, definition, con = workload
    p = run([uplift, "experiment", "analyze", "checkout-redesign", "--definition", str(definition),
             "--data", str(data), "--project", "demo", "--from", START, "--to", END + "T00:00:00Z", "--json"])
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    rows = {r[0]: r[1:] for r in duckdb_variants(con, f"{data}/events/project=demo/*/*.parquet")}
    assert set(rows) == {"control", "treatment"}
    assert all(n > 50 for n, *_ in rows.values()), "the experiment must not be vacuous"

    metrics = {m["id"]: {v["key"]: v for v in m["variants"]} for m in result["metrics"]}
    for key, (n, buyers, spent, spent2) in rows.items():
        conversion, revenue = metrics["conversion"][key], metrics["revenue"][key]
        assert conversion["n"] == n and revenue["n"] == n
        assert conversion["mean"] == pytest.approx(buyers / n, rel=1e-12)
        mean = spent / n
        assert revenue["mean"] == pytest.approx(mean, rel=1e-9)
        assert revenue["stddev"] == pytest.approx(((spent2 - n * mean * mean) / (n - 1)) ** 0.5, rel=1e-9)

    counts = [rows["control"][0], rows["treatment"][0]]
    expected_p = stats.chisquare(counts, [sum(counts) / 2] * 2).pvalue
    assert result["srm"]["p_value"] == pytest.approx(expected_p, rel=1e-6, abs=1e-12)
    assert result["srm"]["flag"] == (expected_p < 0.001)
    # The planted effect (30% → 40% purchase rate among the activated) shows in the conversion lift.
    treatment = metrics["conversion"]["treatment"]
    assert treatment["relative_lift"] > 0
    lo, hi = treatment["ci"]
    assert lo < treatment["relative_lift"] < hi
    assert 0 <= treatment["p_value"] <= 1
    assert result["decision"]["recommendation"] in {"ship", "keep_running", "stop", "investigate"}
