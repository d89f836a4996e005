"""Reads a Parquet file written by Uplift with pyarrow (page checksums verified) and DuckDB and prints
JSON of its schema and content, for Tests/UpliftParquetTests/InteropTests.swift to compare.

Every value is printed as a string (ints exactly, floats with repr, booleans as true/false) or null,
and timestamps as their int64 microseconds, so the Swift side compares without precision loss.
"""
import datetime
import json
import sys

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
    return str(value)


def arrow_column(column):
    if pa.types.is_timestamp(column.type):
        column = column.cast(pa.int64())
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


if __name__ == "__main__":
    main(sys.argv[1])
