"""Writes the Arrow IPC stream fixtures for UpliftSparkTests with pyarrow, plus arrow_fixtures.json.

Run from the repository root with the project's virtualenv (pyarrow 26); the output is deterministic:

    .venv/bin/python Tests/UpliftSparkTests/Fixtures/make_arrow_fixtures.py

Each fixture is a complete IPC stream (`<name>.arrows`) as Spark Connect's ArrowBatch.data carries one.
arrow_fixtures.json holds, per fixture, either the decoded table or the error the reader must throw:

    {"fields": [{"name", "type" (pyarrow's str(type)), "nullable"}], "rowCount",
     "columns": [[value-as-string or null, ...], ...],
     "boundaries": [[byte offset, rows before it], ...]}   # where a cut stream is still a valid stream
    {"error": {"code": "unsupported", "contains": [...]}}

Values are strings so that no JSON number loses precision: integers and dates in decimal, doubles as
Python's repr (round-trips exactly), booleans "true"/"false", binary in hex, timestamps as microseconds
since the epoch (floor division for seconds' finer units), decimals as the unscaled integer.
"""

import datetime as dt
import decimal
import json
import os

import pyarrow as pa

HERE = os.path.dirname(os.path.abspath(__file__))
# Python's default 28 digits would round 38-digit decimals (in scaleb) before they are rendered.
decimal.getcontext().prec = 80
UNIT_MULTIPLIER = {"s": 1_000_000, "ms": 1000, "us": 1, "ns": 1}


def render_column(array: pa.Array) -> list:
    """The expected values of one column, as the Swift test renders the decoded values."""
    t = array.type
    if pa.types.is_null(t):
        return [None] * len(array)
    if pa.types.is_timestamp(t):
        raw = array.cast(pa.int64()).to_pylist()
        out = []
        for v in raw:
            if v is None:
                out.append(None)
            elif t.unit == "ns":
                out.append(str(v // 1000))
            else:
                out.append(str(v * UNIT_MULTIPLIER[t.unit]))
        return out
    if pa.types.is_date32(t):
        return [None if v is None else str(v) for v in array.cast(pa.int32()).to_pylist()]
    if pa.types.is_date64(t):
        return [None if v is None else str(v // 86_400_000) for v in array.cast(pa.int64()).to_pylist()]
    if pa.types.is_decimal(t):
        return [None if v is None else str(int(v.scaleb(t.scale))) for v in array.to_pylist()]
    out = []
    for v in array.to_pylist():
        if v is None:
            out.append(None)
        elif isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, float):
            out.append(repr(v))
        elif isinstance(v, bytes):
            out.append(v.hex())
        else:
            out.append(str(v))
    return out


def write_stream(schema: pa.Schema, batches: list, options: pa.ipc.IpcWriteOptions | None = None):
    """The stream's bytes and the offsets at which a cut leaves a shorter but valid stream."""
    options = options or pa.ipc.IpcWriteOptions()
    eos = 4 if options.use_legacy_format else 8
    empty = pa.BufferOutputStream()
    pa.ipc.new_stream(empty, schema, options=options).close()
    schema_end = empty.getvalue().size - eos  # pyarrow writes the schema lazily, so measure it alone

    sink = pa.BufferOutputStream()
    writer = pa.ipc.new_stream(sink, schema, options=options)
    boundaries = [[schema_end, 0]]
    rows = 0
    for batch in batches:
        writer.write_batch(batch)
        rows += batch.num_rows
        boundaries.append([sink.tell(), rows])
    writer.close()
    data = sink.getvalue().to_pybytes()
    boundaries.append([len(data), rows])
    if not batches:
        boundaries = [[schema_end, 0], [len(data), 0]]
    return data, boundaries


def table_fixture(name: str, schema: pa.Schema, batches: list, options=None) -> dict:
    data, boundaries = write_stream(schema, batches, options)
    with open(os.path.join(HERE, name + ".arrows"), "wb") as f:
        f.write(data)
    # Read back with pyarrow itself so the expectation is what Arrow, not this script, says.
    table = pa.ipc.open_stream(data).read_all()
    assert table.schema.equals(schema)
    columns = [render_column(table.column(i).combine_chunks()) for i in range(table.num_columns)]
    return {
        "fields": [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in schema],
        "rowCount": table.num_rows,
        "columns": columns,
        "boundaries": boundaries,
    }


def error_fixture(name: str, schema: pa.Schema, batches: list, code: str, contains: list, options=None) -> dict:
    data, _ = write_stream(schema, batches, options)
    with open(os.path.join(HERE, name + ".arrows"), "wb") as f:
        f.write(data)
    return {"error": {"code": code, "contains": contains}}


def batch(schema: pa.Schema, columns: list) -> pa.RecordBatch:
    return pa.record_batch([pa.array(c, type=f.type) for c, f in zip(columns, schema)], schema=schema)


def main() -> None:
    fixtures = {}

    integers = pa.schema(
        [
            ("i8", pa.int8()),
            ("i16", pa.int16()),
            ("i32", pa.int32()),
            ("i64", pa.int64()),
            ("u8", pa.uint8()),
            ("u16", pa.uint16()),
            ("u32", pa.uint32()),
            ("u64", pa.uint64()),
            ("f32", pa.float32()),
            ("f64", pa.float64()),
            ("flag", pa.bool_()),
        ]
    )
    fixtures["primitives"] = table_fixture(
        "primitives",
        integers,
        [
            batch(
                integers,
                [
                    [-128, None, 0, 127, 5, 1, None, -1, 2, 3],
                    [-32768, 32767, None, 0, 1, 2, 3, 4, 5, None],
                    [-(2**31), 2**31 - 1, 0, None, 7, 8, 9, 10, 11, 12],
                    [-(2**63), 2**63 - 1, None, 0, -1, 42, None, 1, 2, 3],
                    [0, 255, None, 1, 2, 3, 4, 5, 6, 7],
                    [0, 65535, 1, None, 2, 3, 4, 5, 6, 7],
                    [0, 2**32 - 1, 1, 2, None, 3, 4, 5, 6, 7],
                    [0, 2**64 - 1, 2**63, 1, 2, None, 3, 4, 5, 6],
                    [0.5, -1.25, None, float("inf"), float("-inf"), float("nan")]
                    + [3.4028234663852886e38, 1e-45, -0.0, 1.1],
                    [0.1, None, -2.5e300, float("nan"), 5e-324, float("inf"), -0.0, 1.0, 2.0, 3.0],
                    [True, False, None, True, True, False, None, False, True, True],
                ],
            )
        ],
    )

    texts = pa.schema(
        [
            ("s", pa.string()),
            ("ls", pa.large_string()),
            ("b", pa.binary()),
            ("lb", pa.large_binary()),
        ]
    )
    fixtures["strings"] = table_fixture(
        "strings",
        texts,
        [
            batch(
                texts,
                [
                    ["plain", "", None, "héllo wörld", "日本語テキスト"]
                    + ["emoji 🚀👍🏽", "e\u0301 combining", "tab\tnew\nline"],
                    ["large", None, "", "Ünïcödé", "中文", "🙂", "a" * 50, "z"],
                    [b"\x00\x01\x02", b"", None, b"\xff\xfe", b"abc", b"\x80", None, b"x" * 20],
                    [None, b"", b"\xde\xad\xbe\xef", b"\x00", b"long" * 10, None, b"q", b"\x7f"],
                ],
            )
        ],
    )

    temporal = pa.schema(
        [
            ("ts_s", pa.timestamp("s")),
            ("ts_ms", pa.timestamp("ms")),
            ("ts_us", pa.timestamp("us")),
            ("ts_ns", pa.timestamp("ns")),
            ("ts_us_utc", pa.timestamp("us", tz="UTC")),
            ("ts_ns_paris", pa.timestamp("ns", tz="Europe/Paris")),
            ("ts_s_offset", pa.timestamp("s", tz="+05:30")),
            ("d32", pa.date32()),
            ("d64", pa.date64()),
        ]
    )
    epoch = dt.datetime(1970, 1, 1)
    moments = [
        dt.datetime(2025, 1, 1, 12, 30, 45, 123456),
        epoch,
        None,
        dt.datetime(1969, 12, 31, 23, 59, 59, 999999),
        dt.datetime(1900, 3, 1, 0, 0, 1, 500000),
    ]

    def stamps(unit: str) -> pa.Array:
        # Whole seconds or millis where the unit cannot hold the microseconds.
        values = []
        for m in moments:
            if m is None:
                values.append(None)
                continue
            micros = (m - epoch) // dt.timedelta(microseconds=1)
            if unit == "s":
                values.append(micros // 1_000_000)
            elif unit == "ms":
                values.append(micros // 1000)
            elif unit == "us":
                values.append(micros)
            else:
                values.append(micros * 1000 + 789 if micros >= 0 else micros * 1000 - 1)
        return pa.array(values, type=pa.int64())

    temporal_batch = pa.record_batch(
        [
            stamps("s").cast(pa.timestamp("s")),
            stamps("ms").cast(pa.timestamp("ms")),
            stamps("us").cast(pa.timestamp("us")),
            stamps("ns").cast(pa.timestamp("ns")),
            stamps("us").cast(pa.timestamp("us", tz="UTC")),
            stamps("ns").cast(pa.timestamp("ns", tz="Europe/Paris")),
            stamps("s").cast(pa.timestamp("s", tz="+05:30")),
            pa.array(
                [dt.date(2025, 1, 1), dt.date(1970, 1, 1), None, dt.date(1969, 12, 31), dt.date(1, 1, 1)], pa.date32()
            ),
            pa.array([0, None, 86_400_000 * 20_000, -1, -86_400_000 * 3 + 5], pa.int64()).cast(pa.date64()),
        ],
        schema=temporal,
    )
    fixtures["temporal"] = table_fixture("temporal", temporal, [temporal_batch])

    decimals = pa.schema(
        [
            ("price", pa.decimal128(10, 2)),
            ("big", pa.decimal128(38, 0)),
            ("tiny", pa.decimal128(38, 10)),
            ("hundreds", pa.decimal128(5, -2)),
        ]
    )
    D = decimal.Decimal
    fixtures["decimal"] = table_fixture(
        "decimal",
        decimals,
        [
            batch(
                decimals,
                [
                    [D("12.34"), D("-0.01"), None, D("99999999.99"), D("0.00")],
                    [D("9" * 38), D("-" + "9" * 38), D("0"), None, D("18446744073709551616")],
                    [D("0.0000000001"), None, D("-1234567890.0123456789"), D("1"), D("-0.5")],
                    [D("12300"), D("-100"), None, D("0"), D("9999900")],
                ],
            )
        ],
    )

    misc = pa.schema([("nothing", pa.null()), ("n", pa.int64(), False), ("event", pa.string(), False)])
    fixtures["null_type"] = table_fixture(
        "null_type", misc, [batch(misc, [[None, None, None], [1, 2, 3], ["a", "b", "c"]])]
    )

    # No nulls at all: pyarrow omits the validity bitmaps (zero-length buffers) in every column.
    dense = pa.schema(
        [
            ("id", pa.int64()),
            ("score", pa.float64()),
            ("ok", pa.bool_()),
            ("name", pa.string()),
            ("at", pa.timestamp("us", tz="UTC")),
            ("amount", pa.decimal128(20, 0)),
        ]
    )
    fixtures["no_validity"] = table_fixture(
        "no_validity",
        dense,
        [
            batch(
                dense,
                [
                    list(range(9)),
                    [i / 4 for i in range(9)],
                    [i % 3 == 0 for i in range(9)],
                    [f"user-{i}" for i in range(9)],
                    [dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=i) for i in range(9)],
                    [D(i * 1000) for i in range(9)],
                ],
            )
        ],
    )

    # The shape of a Spark aggregate: a group key, a day, a count (never null), an average.
    result = pa.schema(
        [("event", pa.string()), ("day", pa.date32()), ("users", pa.int64(), False), ("avg", pa.float64())]
    )
    fixtures["multi_batch"] = table_fixture(
        "multi_batch",
        result,
        [
            batch(result, [["signup", None, "checkout ✓"], [20000, 20001, None], [10, 20, 30], [1.5, None, 2.25]]),
            batch(result, [[], [], [], []]),
            batch(result, [["login", "logout"], [None, 19999], [7, 0], [None, 0.0]]),
            batch(result, [["pageview"], [20100], [123456789], [-3.75]]),
        ],
    )

    fixtures["empty"] = table_fixture("empty", result, [])
    fixtures["zero_rows"] = table_fixture("zero_rows", result, [batch(result, [[], [], [], []])])

    legacy = pa.ipc.IpcWriteOptions(use_legacy_format=True)
    fixtures["legacy"] = table_fixture(
        "legacy",
        result,
        [
            batch(result, [["a", None], [1, 2], [3, 4], [0.5, None]]),
            batch(result, [["ü"], [None], [5], [6.0]]),
        ],
        legacy,
    )

    v4 = pa.ipc.IpcWriteOptions(metadata_version=pa.ipc.MetadataVersion.V4)
    fixtures["metadata_v4"] = table_fixture(
        "metadata_v4", result, [batch(result, [["x", None], [1, None], [2, 3], [None, 4.5]])], v4
    )

    for codec in ("lz4", "zstd"):
        fixtures["compressed_" + codec] = error_fixture(
            "compressed_" + codec,
            result,
            [batch(result, [["a" * 40, "b"], [1, 2], [3, 4], [0.5, 1.5]])],
            "unsupported",
            ["compress"],
            pa.ipc.IpcWriteOptions(compression=codec),
        )

    unsupported = {
        "list": (pa.list_(pa.int64()), [[1, 2], None]),
        "struct": (pa.struct([("a", pa.int32())]), [{"a": 1}, None]),
        "map": (pa.map_(pa.string(), pa.int64()), [[("k", 1)], None]),
        "time": (pa.time64("us"), [1, None]),
        "halffloat": (pa.float16(), [None, None]),
        "fixed_size_binary": (pa.binary(3), [b"abc", None]),
        "dictionary": (pa.dictionary(pa.int32(), pa.string()), ["a", None]),
    }
    for label, (arrow_type, values) in unsupported.items():
        schema = pa.schema([("ok", pa.int64()), ("bad_" + label, arrow_type)])
        fixtures["unsupported_" + label] = error_fixture(
            "unsupported_" + label,
            schema,
            [batch(schema, [[1, 2], values])],
            "unsupported",
            ["'bad_" + label + "'", label],
        )

    with open(os.path.join(HERE, "arrow_fixtures.json"), "w") as f:
        json.dump(fixtures, f, indent=1, ensure_ascii=False, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
