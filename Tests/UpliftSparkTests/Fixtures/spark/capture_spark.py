"""Captures what a real Spark Connect server sends, for the codec tests: run it on the test cluster,

    Tests/spark.sh run sh -c '"$UPLIFT_TEST_SPARK_PYTHON" Tests/UpliftSparkTests/Fixtures/spark/capture_spark.py'

It writes, beside itself:
- spark_types.arrows: the Arrow IPC stream of the one ArrowBatch that answers QUERY (one partition), the bytes
  exactly as Spark sent them (ExecutePlanResponse.arrow_batch.data);
- spark_types.json: the query, the session settings, the Arrow schema, the rows (as pyspark's Connect client
  reads them) and the physical values (as pyarrow reads the stream), and each response's kind;
- spark_types.responses.bin: every ExecutePlanResponse of that call in gRPC's framing (a 0 byte: not compressed,
  a 4-byte big-endian length, the protobuf message as received), and spark_types.request.bin, the
  ExecutePlanRequest sent (protobuf, unframed);
- spark_types_2batches.*: the same query over range(5) with two partitions, which Spark answers with two
  ArrowBatch messages, each an IPC stream of its own (.arrows holds them one after the other);
- spark_error.json: a query that fails (a missing table): the gRPC status code, the details, the trailers
  (grpc-status-details-bin in hex and decoded: google.rpc.Status with its ErrorInfo), and the error class.

The calls go through a plain gRPC channel whose responses are left undecoded (bytes), in the pyspark client's
session, so that the session settings apply and the bytes are the ones on the wire (after gRPC's framing).
"""

import datetime
import decimal
import json
import os
import struct
import sys
import uuid

import grpc
import pyarrow as pa
from google.protobuf import json_format
from google.rpc import error_details_pb2, status_pb2
from pyspark.sql import SparkSession
from pyspark.sql.connect.proto import base_pb2

HERE = os.path.dirname(os.path.abspath(__file__))
URL = os.environ["UPLIFT_TEST_SPARK"]

# Session settings: Arrow batches uncompressed, Utf8/Binary (not LargeUtf8/LargeBinary), timestamps in UTC.
SETTINGS = {
    "spark.sql.execution.arrow.compression.codec": "none",
    "spark.sql.execution.arrow.useLargeVarTypes": "false",
    "spark.sql.session.timeZone": "UTC",
}


def query(source):
    return (
        "SELECT CAST(id AS BIGINT) a, CAST(id AS INT) b, id / 3.0D c, id % 2 = 0 d, "
        "IF(id % 3 = 0, NULL, concat('é', id)) e, "
        "TIMESTAMP'2026-01-01 00:00:00' + make_interval(0, 0, 0, 0, 0, 0, id) f, "
        "DATE'2026-01-01' + CAST(id AS INT) g, CAST(id AS DECIMAL(20, 2)) h, "
        "IF(id = 2, NULL, id * 1000) i, IF(id = 4, NULL, TIMESTAMP'2026-01-01 12:30:00.123456') j "
        f"FROM {source}"
    )


spark = SparkSession.builder.remote(URL).getOrCreate()
for key, value in SETTINGS.items():
    spark.conf.set(key, value)
client = spark.client
metadata = client._builder.metadata()
channel = grpc.insecure_channel(URL.removeprefix("sc://").split("/")[0])
execute_plan = channel.unary_stream(
    "/spark.connect.SparkConnectService/ExecutePlan",
    request_serializer=lambda message: message.SerializeToString(),
    response_deserializer=lambda data: data,  # the bytes as received
)


def request_for(sql):
    request = base_pb2.ExecutePlanRequest(
        session_id=client._session_id, client_type="uplift-capture", operation_id=str(uuid.uuid4())
    )
    request.user_context.user_id = client._user_id or ""
    # The plan a client sends for a SQL query: a SQL relation (pyspark's spark.sql runs a SqlCommand first).
    request.plan.root.sql.query = sql
    return request


def plain(value):
    """A value of a pyspark Row as JSON."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:  # pyspark gives naive datetimes in the session time zone (UTC here)
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return repr(value)


def physical(array):
    """The values as stored: timestamps as integers of their unit, dates as days, decimals unscaled."""
    t = array.type
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return array.cast(pa.int64() if pa.types.is_timestamp(t) else pa.int32()).to_pylist()
    if pa.types.is_decimal(t):
        return [None if v is None else str(int(v.scaleb(t.scale))) for v in array.to_pylist()]
    return [plain(v) for v in array.to_pylist()]


def kinds(response):
    ids = {"session_id", "server_side_session_id", "operation_id", "response_id"}
    return [field.name for field, _ in response.ListFields() if field.name not in ids]


def capture(name, sql):
    request = request_for(sql)
    raw = list(execute_plan(request, metadata=metadata))
    responses = [base_pb2.ExecutePlanResponse.FromString(data) for data in raw]
    batches = [r.arrow_batch for r in responses if r.HasField("arrow_batch")]
    with open(os.path.join(HERE, f"{name}.request.bin"), "wb") as f:
        f.write(request.SerializeToString())
    with open(os.path.join(HERE, f"{name}.responses.bin"), "wb") as f:
        for data in raw:
            f.write(b"\x00" + struct.pack(">I", len(data)) + data)
    with open(os.path.join(HERE, f"{name}.arrows"), "wb") as f:
        for batch in batches:
            f.write(batch.data)
    tables = [pa.ipc.open_stream(batch.data).read_all() for batch in batches]
    table = pa.concat_tables(tables)
    rows = [row.asDict() for row in spark.sql(sql).collect()]
    fixture = {
        "query": sql,
        "settings": SETTINGS,
        "spark_version": spark.version,
        # Each response's fields besides the ids that every one has (session, server-side session, operation,
        # response), and its size as received.
        "responses": [{"fields": kinds(r), "bytes": len(data)} for r, data in zip(responses, raw)],
        "schema_response": next((json_format.MessageToDict(r.schema) for r in responses if r.HasField("schema")), None),
        "arrow_batches": [
            {"row_count": b.row_count, "bytes": len(b.data),
             "start_offset": b.start_offset if b.HasField("start_offset") else None,
             "ends_with_eos": b.data.endswith(b"\xff\xff\xff\xff\x00\x00\x00\x00")}
            for b in batches
        ],
        "schema": [
            {"name": f.name, "type": str(f.type), "nullable": f.nullable,
             "metadata": {k.decode(): v.decode() for k, v in (f.metadata or {}).items()}}
            for f in table.schema
        ],
        "schema_metadata": {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()},
        "rows": [{k: plain(v) for k, v in row.items()} for row in rows],
        "physical": {f.name: physical(table.column(f.name).combine_chunks()) for f in table.schema},
    }
    with open(os.path.join(HERE, f"{name}.json"), "w") as f:
        json.dump(fixture, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{name}: {len(raw)} responses, {len(batches)} Arrow batches, {table.num_rows} rows", file=sys.stderr)


def capture_error(name, sql):
    before = []
    try:
        for data in execute_plan(request_for(sql), metadata=metadata):
            before.append(kinds(base_pb2.ExecutePlanResponse.FromString(data)))
    except grpc.RpcError as error:
        trailers = error.trailing_metadata() or ()
        details_bin = next((v for k, v in trailers if k == "grpc-status-details-bin"), b"")
        status = status_pb2.Status.FromString(details_bin)
        infos = []
        for detail in status.details:
            info = error_details_pb2.ErrorInfo()
            if detail.Unpack(info):
                infos.append(info)
        record = {
            "query": sql,
            # The responses that came before the error (their fields besides the ids).
            "responses_before_error": before,
            "grpc_status_code": error.code().value[0],
            "grpc_status_name": error.code().name,
            "grpc_message": error.details(),
            "initial_metadata": [[k, v.hex() if isinstance(v, bytes) else v] for k, v in error.initial_metadata() or ()],
            # As grpcio gives them: without grpc-status and grpc-message (above as the code and the message).
            "trailers": [[k, v.hex() if isinstance(v, bytes) else v] for k, v in trailers],
            "grpc_status_details_bin_hex": details_bin.hex(),
            "status": json_format.MessageToDict(status),
            "error_info": [
                {"type_url": d.type_url, "reason": i.reason, "domain": i.domain, "metadata": dict(i.metadata)}
                for d, i in zip(status.details, infos)
            ],
        }
        error_class = next((json.loads(i.metadata["errorClass"]) if i.metadata["errorClass"].startswith('"')
                            else i.metadata["errorClass"] for i in infos if "errorClass" in i.metadata), None)
        record["error_class"] = error_class
        record["sql_state"] = next((i.metadata["sqlState"] for i in infos if "sqlState" in i.metadata), None)
        error_id = next((i.metadata["errorId"] for i in infos if "errorId" in i.metadata), None)
        if error_id:
            # What the client asks next for the whole error (FetchErrorDetails), as pyspark does.
            fetch = base_pb2.FetchErrorDetailsRequest(session_id=client._session_id, error_id=error_id)
            fetch.user_context.user_id = client._user_id or ""
            reply = client._stub.FetchErrorDetails(fetch, metadata=metadata)
            record["fetch_error_details"] = json_format.MessageToDict(reply)
        # What pyspark makes of it.
        try:
            spark.sql(sql).collect()
        except Exception as e:
            record["pyspark_exception"] = {"type": type(e).__name__, "errorClass": getattr(e, "getCondition", lambda: None)(),
                                           "message": str(e).splitlines()[0]}
        with open(os.path.join(HERE, f"{name}.json"), "w") as f:
            json.dump(record, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"{name}: {record['grpc_status_name']}, {error_class}", file=sys.stderr)
        return
    sys.exit(f"{name}: the query did not fail")


capture("spark_types", query("range(0, 5, 1, 1)"))
capture("spark_types_2batches", query("range(0, 5, 1, 2)"))
capture_error("spark_error", "SELECT * FROM no_such_table")
spark.stop()
