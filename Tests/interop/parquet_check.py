"""Reads a Parquet file written by Uplift with pyarrow (page checksums verified) and DuckDB and prints
JSON of its schema and content, for Tests/UpliftParquetTests/InteropTests.swift to compare.

Every value is printed as a string (ints exactly, floats with repr, booleans as true/false) or null,
and timestamps as their int64 microseconds, so the Swift side compares without precision loss.
"""
import datetime
import json
import sys
import uuid

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq


def text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.datetime):
        epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return str((value - epoch) // datetime.timedelta(microseconds=1))
    if isinstance(value, bytes):
        return "bytes:" + value.hex()
    if isinstance(value, uuid.UUID):  # DuckDB's UUID, pyarrow's arrow.uuid extension
        return "bytes:" + value.hex
    return str(value)


def arrow_column(column):
    if pa.types.is_timestamp(column.type):
        column = column.cast(pa.int64())
    if isinstance(column.type, pa.ExtensionType):  # arrow.uuid: its 16 bytes
        column = column.cast(column.type.storage_type)
    return [text(v) for v in column.to_pylist()]


def main(path):
    pf = pq.ParquetFile(path, page_checksum_verification=True)
    table = pf.read()
    meta = pf.metadata
    stats = []
    for g in range(meta.num_row_groups):
        group = []
        for c in range(meta.num_columns):
            s = meta.row_group(g).column(c).statistics
            cm = meta.row_group(g).column(c)
            group.append({
                "has_min_max": bool(s is not None and s.has_min_max),
                "min": text(s.min) if s is not None and s.has_min_max else None,
                "max": text(s.max) if s is not None and s.has_min_max else None,
                "null_count": s.null_count if s is not None else None,
                "compression": cm.compression,
                "encodings": list(cm.encodings),
            })
        stats.append(group)
    arrow = {
        "schema": [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in table.schema],
        "columns": {name: arrow_column(table.column(name)) for name in table.column_names},
        "num_rows": meta.num_rows,
        "num_row_groups": meta.num_row_groups,
        "created_by": meta.created_by,
        "metadata": {k.decode(): v.decode() for k, v in (meta.metadata or {}).items()},
        "stats": stats,
    }

    con = duckdb.connect()
    described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
    types = {row[0]: row[1] for row in described}
    selects = []
    for name, kind in types.items():
        quoted = '"' + name.replace('"', '""') + '"'
        selects.append(f"epoch_us({quoted})" if kind.startswith("TIMESTAMP") else quoted)
    rows = con.execute(f"SELECT {', '.join(selects)} FROM read_parquet(?)", [path]).fetchall()
    names = list(types)
    duck = {
        "types": types,
        "columns": {name: [text(row[i]) for row in rows] for i, name in enumerate(names)},
    }
    json.dump({"pyarrow": arrow, "duckdb": duck}, sys.stdout)


def delta_values(n):
    """The columns write_delta puts in its file; InteropTests.swift computes the same ones."""
    ts = [None if i % 7 == 3 else 1_767_225_600_000_000 + i * i * 1_000 - (i % 5) * 777 for i in range(n)]
    wide = [[-(2**63), 2**63 - 1, 0, -1][i % 4] + (i % 9) - 4 for i in range(n)]
    wide = [((v + 2**63) % 2**64) - 2**63 for v in wide]
    small = [None if i % 11 == 0 else (i * 37) % 201 - 100 for i in range(n)]
    return ts, wide, small


def write_delta(path, n=1000):
    """Writes DELTA_BINARY_PACKED columns with pyarrow (data page v1, GZIP) for Uplift's reader to read."""
    ts, wide, small = delta_values(n)
    table = pa.table({
        "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
        "wide": pa.array(wide, pa.int64()),
        "small": pa.array(small, pa.int32()),
    })
    table = table.replace_schema_metadata(None)
    pq.write_table(table, path, compression="gzip", use_dictionary=False, data_page_version="1.0",
                   column_encoding={"ts": "DELTA_BINARY_PACKED", "wide": "DELTA_BINARY_PACKED", "small": "DELTA_BINARY_PACKED"},
                   data_page_size=2048, store_schema=False, write_page_index=False)


if __name__ == "__main__":
    if sys.argv[1] == "--write-delta":
        write_delta(sys.argv[2])
    else:
        main(sys.argv[1])
