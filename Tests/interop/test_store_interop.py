"""The store's segments, read by independent engines (pyarrow and DuckDB), hold exactly the imported events."""
import datetime as dt
import gzip
import json
import shutil
import uuid

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from conftest import duckdb_rebuild, generate, import_file, run

N = 30_000

# The one line of SQL (DuckDB) that gives every row its event id and absolute times back (schemas/STORAGE.md).
REBUILD = """coalesce(event_id, CAST(CAST(hex(event_uuid) AS UUID) AS VARCHAR)) AS event_id,
    "timestamp" + to_microseconds(sent_at_offset) AS sent_at, received_at"""

NAMES = {"page": "$pageview", "screen": "$screen", "identify": "$identify", "group": "$groupidentify", "alias": "$create_alias"}


def parse_time(value):
    if isinstance(value, (int, float)):
        return int(value * 1_000_000)
    t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return int(t.timestamp()) * 1_000_000 + t.microsecond


def expected_times(path):
    """Event id -> (sent_at µs or None, received_at µs or None when the import's clock set it)."""
    times = {}
    with open(path) as f:
        for line in f:
            m = json.loads(line)
            if "type" in m:
                eid, sent, received = m["messageId"], m.get("sentAt"), m.get("receivedAt")
            else:
                eid = m.get("uuid") or m.get("properties", {}).get("$insert_id")
                sent, received = m.get("sent_at"), None
            times[eid] = (parse_time(sent) if sent else None, parse_time(received) if received else None)
    return times


def expected_rows(path):
    """A naive decoding of the generated NDJSON: event id -> (event, distinct_id, timestamp µs)."""
    rows = {}
    with open(path) as f:
        for line in f:
            m = json.loads(line)
            if "type" in m:  # Segment
                eid = m["messageId"]
                name = m["event"] if m["type"] == "track" else NAMES[m["type"]]
                distinct = m.get("userId") or m.get("anonymousId")
                ts = parse_time(m["timestamp"])
                if "receivedAt" in m and "sentAt" in m:  # an import corrects against the recorded receive time
                    ts -= parse_time(m["sentAt"]) - parse_time(m["receivedAt"])
                rows[eid] = (name, distinct, ts)
                continue
            else:  # PostHog
                props = m.get("properties", {})
                eid = m.get("uuid") or props.get("$insert_id")
                name = m["event"]
                distinct = m.get("distinct_id") or props.get("distinct_id")
            rows[eid] = (name, distinct, parse_time(m["timestamp"]))
    return rows


@pytest.fixture(scope="module")
def imported(uplift, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("interop")
    source = generate(uplift, tmp / "events.ndjson", N)
    data = tmp / "data"
    report = import_file(uplift, data, source)
    return source, data, report


def segment_files(data):
    return sorted((data / "events").rglob("*.parquet"))


def test_import_report(imported):
    source, data, report = imported
    assert report == {"imported": N, "duplicates": 0, "rejected": 0}


def test_pyarrow_reads_every_segment_with_checksums(imported):
    _, data, _ = imported
    files = segment_files(data)
    assert files
    total = 0
    uncompressed_ids = 0
    for f in files:
        meta = pq.ParquetFile(f).metadata
        assert meta.created_by.startswith("uplift")
        for g in range(meta.num_row_groups):
            for c in range(meta.num_columns):
                col = meta.row_group(g).column(c)
                # GZIP, except chunks it would barely shrink (random event UUIDs), which are stored as they are.
                assert col.compression in ("GZIP", "UNCOMPRESSED")
                if col.num_values > 1000 and col.path_in_schema == "event_uuid" and col.statistics.null_count == 0:
                    assert col.compression == "UNCOMPRESSED"
                    uncompressed_ids += 1
                if col.num_values > 1000 and col.path_in_schema in ("event", "distinct_id", "context"):
                    assert col.compression == "GZIP"
                all_null = col.statistics is not None and col.statistics.null_count == col.num_values
                assert col.statistics is not None and (col.statistics.has_min_max or all_null)
        table = pq.read_table(f, page_checksum_verification=True)
        assert table.schema.field("timestamp").type == pa.timestamp("us", tz="UTC")
        assert table.schema.field("event_id").type == pa.string()
        assert table.schema.field("event_uuid").type == pa.binary(16)
        assert table.schema.field("sent_at_offset").type == pa.int64()
        assert table.schema.field("received_at").type == pa.timestamp("us", tz="UTC")
        # Exactly one of the two id columns per row.
        ids = table.column("event_id").to_pylist()
        uuids = table.column("event_uuid").to_pylist()
        assert all((i is None) != (u is None) for i, u in zip(ids, uuids))
        total += table.num_rows
    assert total == N
    assert uncompressed_ids > 0, "no chunk of random event UUIDs large enough to check its codec"


def test_footer_lists_the_keys_of_properties_and_context(imported):
    """Each segment's footer lists the top-level keys of its rows' properties and context (sorted JSON arrays),
    exactly the keys pyarrow reads from the rows themselves."""
    _, data, _ = imported
    for f in segment_files(data):
        footer = pq.read_metadata(f).metadata
        table = pq.read_table(f)
        for column, key in (("properties", b"uplift.property_keys"), ("context", b"uplift.context_keys")):
            listed = json.loads(footer[key])
            assert listed == sorted(listed), f
            texts = naive_properties(table) if column == "properties" else table.column(column).to_pylist()
            keys = {k for text in texts for k in json.loads(text)}
            if footer.get(key + b"_truncated") != b"true":
                assert set(listed) == {k for k in keys if len(k.encode()) <= 128}, (f, column)
            assert set(listed) <= keys


def prop_columns(schema):
    return [name for name in schema.names if name.startswith("prop_")]


def naive_properties(table):
    """Each row's properties text with the members of the typed prop_<key> columns put back (after the others)."""
    texts = table.column("properties").to_pylist()
    typed = [(name[len("prop_"):], table.column(name).to_pylist()) for name in prop_columns(table.schema)]
    out = []
    for r, text in enumerate(texts):
        moved = [(key, values[r]) for key, values in typed if values[r] is not None]
        if moved:
            added = ",".join(json.dumps(k, ensure_ascii=False) + ":" + json.dumps(v, ensure_ascii=False,
                                                                                 separators=(",", ":"))
                             for k, v in moved)
            text = "{" + added + "}" if text == "{}" else text[:-1] + "," + added + "}"
        out.append(text)
    return out


@pytest.fixture(scope="module")
def unshredded(uplift, imported, tmp_path_factory):
    """The same events imported without compaction: flushed segments keep every property in the text."""
    source, _, _ = imported
    data = tmp_path_factory.mktemp("flat") / "data"
    assert import_file(uplift, data, source, extra=("--no-compact",))["imported"] == N
    table = ds.dataset(data / "events", format="parquet", partitioning="hive").to_table()
    assert not prop_columns(table.schema)
    ids = [i if i is not None else str(uuid.UUID(bytes=u)) for i, u in zip(
        table.column("event_id").to_pylist(), table.column("event_uuid").to_pylist())]
    return dict(zip(ids, table.column("properties").to_pylist()))


def test_shredded_properties_read_back_exactly(imported, unshredded):
    """Compaction moved frequent properties to typed columns; pyarrow (naively) and DuckDB (the documented
    expression) rebuild every event's properties object exactly as ingest stored it."""
    _, data, _ = imported
    files = segment_files(data)
    shredded = [f for f in files if prop_columns(pq.read_schema(f))]
    assert shredded, "the generator's data has frequent, type-stable properties"
    types = {pa.string(): "VARCHAR", pa.int64(): "BIGINT", pa.float64(): "DOUBLE", pa.bool_(): "BOOLEAN"}
    for f in shredded:
        table = pq.read_table(f)
        for name in prop_columns(table.schema):
            assert table.schema.field(name).type in types and table.schema.field(name).nullable
            # A typed value is set exactly when its member left the text.
            key = name[len("prop_"):]
            for text, value in zip(table.column("properties").to_pylist(), table.column(name).to_pylist()):
                if value is not None:
                    assert key not in json.loads(text), (f, key)
        ids = [i if i is not None else str(uuid.UUID(bytes=u)) for i, u in zip(
            table.column("event_id").to_pylist(), table.column("event_uuid").to_pylist())]
        for eid, text in zip(ids, naive_properties(table)):
            assert json.loads(text) == json.loads(unshredded[eid]), eid
    glob = str(data / "events" / "**" / "*.parquet")
    con = duckdb.connect()
    expression, names = duckdb_rebuild(con, glob)
    assert names
    described = {r[0]: r[1] for r in con.execute(
        f"DESCRIBE SELECT * FROM read_parquet('{glob}', union_by_name = true)").fetchall()}
    assert all(described[n] in types.values() for n in names)
    rows = con.execute(
        f"""SELECT coalesce(event_id, CAST(CAST(hex(event_uuid) AS UUID) AS VARCHAR)), CAST({expression} AS VARCHAR)
            FROM read_parquet('{glob}', hive_partitioning = true, union_by_name = true)""").fetchall()
    assert len(rows) == N
    for eid, text in rows:
        assert json.loads(text) == json.loads(unshredded[eid]), eid


def test_pyarrow_dataset_sees_exactly_the_imported_events(imported):
    source, data, _ = imported
    table = ds.dataset(data / "events", format="parquet", partitioning="hive").to_table()
    assert table.num_rows == N
    expected = expected_rows(source)
    got = {}
    # event_uuid is fixed_size_binary[16]: the UUID's 16 bytes.
    ids = [i if i is not None else str(uuid.UUID(bytes=u)) for i, u in zip(
        table.column("event_id").to_pylist(), table.column("event_uuid").to_pylist())]
    for eid, name, distinct, ts, project, date in zip(
        ids, table.column("event").to_pylist(),
        table.column("distinct_id").to_pylist(), table.column("timestamp").cast(pa.int64()).to_pylist(),
        table.column("project").to_pylist(), table.column("date").to_pylist(),
    ):
        assert project == "demo"
        assert str(date) == dt.datetime.fromtimestamp(ts / 1e6, dt.timezone.utc).date().isoformat()
        got[eid] = (name, distinct, ts)
    assert got == expected


def test_duckdb_agrees(imported):
    source, data, _ = imported
    glob = str(data / "events" / "**" / "*.parquet")
    con = duckdb.connect()
    n, distinct_ids, bad_days = con.execute(
        f"""SELECT count(*), count(DISTINCT coalesce(event_id, CAST(CAST(hex(event_uuid) AS UUID) AS VARCHAR))),
                   count(*) FILTER (WHERE CAST(date AS DATE) <> CAST(timezone('UTC', "timestamp") AS DATE))
            FROM read_parquet('{glob}', hive_partitioning = true)"""
    ).fetchone()
    assert (n, distinct_ids, bad_days) == (N, N, 0)
    by_event = dict(con.execute(f"SELECT event, count(*) FROM read_parquet('{glob}') GROUP BY 1").fetchall())
    expected = {}
    for name, _, _ in expected_rows(source).values():
        expected[name] = expected.get(name, 0) + 1
    assert by_event == expected
    # The typed columns are what an analyst expects.
    types = {row[0]: row[1] for row in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{glob}')").fetchall()}
    assert types["timestamp"] == "TIMESTAMP WITH TIME ZONE"
    assert types["properties"] == "VARCHAR"
    assert types["event_uuid"] == "BLOB"
    assert types["sent_at_offset"] == "BIGINT"
    # The documented SQL gives back exactly the imported ids and times.
    rebuilt = con.execute(
        f"SELECT event_id, epoch_us(sent_at), epoch_us(received_at) FROM (SELECT {REBUILD} FROM read_parquet('{glob}'))"
    ).fetchall()
    times = expected_times(source)
    assert {r[0] for r in rebuilt} == set(times)
    for eid, sent, received in rebuilt:
        want_sent, want_received = times[eid]
        assert sent == want_sent, eid
        if want_received is not None:
            assert received == want_received, eid


def test_reimport_adds_nothing_and_gzip_is_read(uplift, imported, tmp_path):
    source, data, _ = imported
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    packed = tmp_path / "events.ndjson.gz"
    with open(source, "rb") as f, gzip.open(packed, "wb") as g:
        shutil.copyfileobj(f, g)
    assert import_file(uplift, copy, packed) == {"imported": 0, "duplicates": N, "rejected": 0}
    assert import_file(uplift, copy, source) == {"imported": 0, "duplicates": N, "rejected": 0}
    r = run([uplift, "verify", "--data", str(copy)])
    assert r.returncode == 0, r.stdout + r.stderr
