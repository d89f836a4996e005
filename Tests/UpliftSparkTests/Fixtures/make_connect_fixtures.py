"""Spark Connect messages serialized by pyspark's generated protobuf classes, for UpliftSpark's tests.

Writes connect_fixtures.json next to this script (or to the path given as the first argument):
  - "requests": each request exactly as Uplift builds it (the same field values as the Swift tests
    use), serialized; the Swift encoder must give the same bytes.
  - "responses": responses as a Spark server would send them, serialized, with the values the Swift
    decoder must find in them ("expect").
Every field number comes from pyspark's generated descriptors, never from this script, and the
script checks the ones UpliftSpark hard-codes against them ("field_numbers"). Serialization is
deterministic (map entries sorted by key), so the file is the same on every run.

Needs: pip install 'pyspark[connect]==4.*' (pulls protobuf, grpcio-status, googleapis-common-protos).
"""

import json
import sys
import warnings
from importlib.metadata import version
from pathlib import Path

warnings.filterwarnings("ignore")  # pyspark warns about pandas versions it does not need here

from google.protobuf import any_pb2  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from pyspark.sql.connect import proto as pb  # noqa: E402

SESSION_ID = "8d1e7f2a-3c4b-4d5e-9f60-718293a4b5c6"
USER_ID = "uplift"
CLIENT_TYPE = "uplift/0.1 spark-connect-swift"
SERVER_SESSION_ID = "0f4e7d9c-1b2a-4c3d-8e5f-6a7b8c9d0e1f"
OPERATION_ID = "3f0b6a52-5c1e-4b7d-9a8e-2d4c6b8a0f13"


def hexed(message):
    return message.SerializeToString(deterministic=True).hex()


def user_context(req, user_name=""):
    # Uplift always sends user_context, even when both of its fields are empty.
    req.user_context.SetInParent()
    req.user_context.user_id = USER_ID
    if user_name:
        req.user_context.user_name = user_name


def non_reattachable(req):
    option = req.request_options.add()
    option.reattach_options.SetInParent()  # reattachable = false, the proto3 default, is not written


# --- requests ------------------------------------------------------------------------------------


def requests():
    out = {}

    req = pb.ExecutePlanRequest(session_id=SESSION_ID, client_type=CLIENT_TYPE)
    user_context(req)
    req.plan.root.sql.query = "SELECT event, count(*) AS n FROM events GROUP BY event ORDER BY n DESC"
    non_reattachable(req)
    req.operation_id = OPERATION_ID
    req.tags.extend(["uplift", "query-42"])
    out["execute_sql"] = hexed(req)

    req = pb.ExecutePlanRequest(session_id=SESSION_ID, client_type=CLIENT_TYPE)
    user_context(req, user_name="Uplift Analytics")
    view = req.plan.command.create_dataframe_view
    source = view.input.read.data_source
    source.format = "parquet"
    source.paths.extend(["s3a://uplift-events/events/day=2025-01-01", "s3a://uplift-events/events/day=2025-01-02"])
    source.options["basePath"] = "s3a://uplift-events/events"
    source.options["mergeSchema"] = "true"
    view.name = "events"
    view.is_global = False
    view.replace = True
    non_reattachable(req)
    req.client_observed_server_side_session_id = SERVER_SESSION_ID
    out["execute_create_view"] = hexed(req)

    # A query past 127 bytes (a two-byte length), non-ASCII text, reattachable, no tags.
    req = pb.ExecutePlanRequest(session_id=SESSION_ID, client_type=CLIENT_TYPE)
    user_context(req)
    req.plan.root.sql.query = "SELECT 'é€😀' AS greeting, " + ", ".join(f"{i} AS c{i}" for i in range(30))
    option = req.request_options.add()
    option.reattach_options.reattachable = True
    out["execute_sql_long"] = hexed(req)

    req = pb.ConfigRequest(session_id=SESSION_ID, client_type=CLIENT_TYPE)
    user_context(req)
    pairs = req.operation.set.pairs
    pairs.add(key="spark.sql.session.timeZone", value="UTC")
    pairs.add(key="spark.sql.ansi.enabled", value="true")
    out["config_set"] = hexed(req)

    req = pb.ConfigRequest(session_id=SESSION_ID, client_type=CLIENT_TYPE)
    user_context(req)
    req.operation.get.keys.extend(["spark.sql.session.timeZone", "spark.sql.shuffle.partitions"])
    req.client_observed_server_side_session_id = SERVER_SESSION_ID
    out["config_get"] = hexed(req)

    req = pb.ReleaseSessionRequest(session_id=SESSION_ID, client_type=CLIENT_TYPE)
    user_context(req)
    out["release_session"] = hexed(req)

    req = pb.FetchErrorDetailsRequest(
        session_id=SESSION_ID, client_type=CLIENT_TYPE, error_id="5b7e0c3a-2f4d-4e6b-8a1c-9d0e2f4a6b8c"
    )
    user_context(req)
    req.client_observed_server_side_session_id = SERVER_SESSION_ID
    out["fetch_error_details"] = hexed(req)
    return out


# --- responses -----------------------------------------------------------------------------------


def unknown_fields():
    """Fields numbered 1000-1003 of all four wire types, which no Spark message declares."""
    return bytes(
        [0xC0, 0x3E, 0x96, 0x01]  # 1000, varint 150
        + [0xC9, 0x3E] + list(range(8))  # 1001, fixed64
        + [0xD2, 0x3E, 0x03, 0x61, 0x62, 0x63]  # 1002, length-delimited "abc"
        + [0xDD, 0x3E, 0x01, 0x02, 0x03, 0x04]  # 1003, fixed32
    )


def header(resp, response_id):
    resp.session_id = SESSION_ID
    resp.server_side_session_id = SERVER_SESSION_ID
    resp.operation_id = OPERATION_ID
    resp.response_id = response_id
    return {
        "session_id": SESSION_ID,
        "server_side_session_id": SERVER_SESSION_ID,
        "operation_id": OPERATION_ID,
        "response_id": response_id,
    }


def responses():
    out = {}
    arrow = bytes((i * 37 + 11) % 256 for i in range(300))  # stands in for an Arrow IPC stream

    resp = pb.ExecutePlanResponse()
    expect = header(resp, "r-1")
    resp.arrow_batch.row_count = 3
    resp.arrow_batch.data = arrow
    resp.arrow_batch.start_offset = 0
    expect.update(result="arrow_batch", row_count=3, data=arrow.hex(), start_offset=0)
    out["execute_arrow_batch"] = {"hex": hexed(resp), "expect": expect}

    resp = pb.ExecutePlanResponse()
    expect = header(resp, "r-9")
    resp.result_complete.SetInParent()
    expect.update(result="result_complete")
    out["execute_result_complete"] = {"hex": hexed(resp), "expect": expect}

    # Everything Uplift skips around an arrow batch: metrics, observed metrics, a schema, fields
    # unknown to every Spark version.
    resp = pb.ExecutePlanResponse()
    expect = header(resp, "r-2")
    resp.arrow_batch.row_count = 2
    resp.arrow_batch.data = arrow[:40]
    metric = resp.metrics.metrics.add(name="Project", plan_id=7, parent=1)
    metric.execution_metrics["numOutputRows"].name = "number of output rows"
    metric.execution_metrics["numOutputRows"].value = 2
    metric.execution_metrics["numOutputRows"].metric_type = "sum"
    observed = resp.observed_metrics.add(name="checks", plan_id=3)
    observed.values.add().long = 12
    observed.keys.append("rows")
    field = resp.schema.struct.fields.add(name="event", nullable=True)
    field.data_type.string.SetInParent()
    field = resp.schema.struct.fields.add(name="n", nullable=False)
    field.data_type.long.SetInParent()
    raw = resp.SerializeToString(deterministic=True) + unknown_fields()
    check = pb.ExecutePlanResponse()
    check.ParseFromString(raw)  # pyspark reads it too, keeping the unknown fields
    assert check.arrow_batch.row_count == 2 and len(check.schema.struct.fields) == 2
    expect.update(result="arrow_batch", row_count=2, data=arrow[:40].hex(), start_offset=None)
    out["execute_with_extras"] = {"hex": raw.hex(), "expect": expect}

    resp = pb.ExecutePlanResponse()
    expect = header(resp, "r-3")
    resp.execution_progress.num_inflight_tasks = 4
    stage = resp.execution_progress.stages.add(stage_id=1, num_tasks=8, num_completed_tasks=4)
    stage.input_bytes_read = 1 << 40
    expect.update(result="other", other_field=pb.ExecutePlanResponse.DESCRIPTOR.fields_by_name["execution_progress"].number)
    out["execute_progress"] = {"hex": hexed(resp), "expect": expect}

    resp = pb.ExecutePlanResponse()
    expect = header(resp, "r-4")
    resp.sql_command_result.relation.sql.query = "SHOW TABLES"
    expect.update(result="sql_command_result")
    out["execute_sql_command_result"] = {"hex": hexed(resp), "expect": expect}

    resp = pb.ConfigResponse(session_id=SESSION_ID, server_side_session_id=SERVER_SESSION_ID)
    resp.pairs.add(key="spark.sql.session.timeZone", value="UTC")
    resp.pairs.add(key="spark.sql.unset.key")  # a key without a value
    resp.warnings.append("The SQL config 'spark.sql.old' has been deprecated; use 'spark.sql.new' instead.")
    out["config_response"] = {
        "hex": hexed(resp),
        "expect": {
            "session_id": SESSION_ID,
            "server_side_session_id": SERVER_SESSION_ID,
            "pairs": [["spark.sql.session.timeZone", "UTC"], ["spark.sql.unset.key", None]],
            "warnings": list(resp.warnings),
        },
    }

    message = (
        "[TABLE_OR_VIEW_NOT_FOUND] The table or view `events` cannot be found. Verify the spelling and "
        "correctness of the schema and catalog. SQLSTATE: 42P01; line 1 pos 14;\n'Project [*]\n+- "
        "'UnresolvedRelation [events], [], false\n"
    )
    resp = pb.FetchErrorDetailsResponse(session_id=SESSION_ID, server_side_session_id=SERVER_SESSION_ID)
    resp.root_error_idx = 0
    root = resp.errors.add()
    root.error_type_hierarchy.extend(
        ["org.apache.spark.sql.AnalysisException", "java.lang.Exception", "java.lang.Throwable"]
    )
    root.message = message
    root.stack_trace.add(declaring_class="org.apache.spark.sql.Dataset", method_name="ofRows", line_number=91)
    root.cause_idx = 1
    root.spark_throwable.error_class = "TABLE_OR_VIEW_NOT_FOUND"
    root.spark_throwable.message_parameters["relationName"] = "`events`"
    root.spark_throwable.message_parameters["suggestion"] = ""
    context = root.spark_throwable.query_contexts.add(fragment="events", start_index=14, stop_index=19)
    context.summary = "== SQL (line 1, position 15) =="
    root.spark_throwable.sql_state = "42P01"
    cause = resp.errors.add()
    cause.error_type_hierarchy.append("java.lang.IllegalStateException")
    cause.message = "cause of the failure"
    out["fetch_error_details_response"] = {
        "hex": hexed(resp),
        "expect": {
            "session_id": SESSION_ID,
            "server_side_session_id": SERVER_SESSION_ID,
            "root_error_idx": 0,
            "errors": [
                {
                    "error_type_hierarchy": list(root.error_type_hierarchy),
                    "message": message,
                    "cause_idx": 1,
                    "error_class": "TABLE_OR_VIEW_NOT_FOUND",
                    "message_parameters": dict(root.spark_throwable.message_parameters),
                    "sql_state": "42P01",
                },
                {
                    "error_type_hierarchy": list(cause.error_type_hierarchy),
                    "message": cause.message,
                    "cause_idx": None,
                    "error_class": None,
                    "message_parameters": {},
                    "sql_state": None,
                },
            ],
        },
    }

    # The grpc-status-details-bin trailer of a failed call: a DebugInfo first, then the ErrorInfo.
    metadata = {
        "classes": '["org.apache.spark.sql.AnalysisException","org.apache.spark.sql.AnalysisException"]',
        "errorClass": "TABLE_OR_VIEW_NOT_FOUND",
        "sqlState": "42P01",
        "errorId": "5b7e0c3a-2f4d-4e6b-8a1c-9d0e2f4a6b8c",
        "messageParameters": '{"relationName":"`events`"}',
    }
    info = error_details_pb2.ErrorInfo(
        reason="org.apache.spark.sql.AnalysisException", domain="org.apache.spark", metadata=metadata
    )
    status = status_pb2.Status(code=13, message=message[:120])
    status.details.add().Pack(error_details_pb2.DebugInfo(detail="stack trace elided"))
    # Any.Pack serializes its map in hash order; packed by hand, deterministically, the bytes are stable.
    detail = status.details.add(type_url="type.googleapis.com/" + info.DESCRIPTOR.full_name)
    detail.value = info.SerializeToString(deterministic=True)
    assert detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR)
    out["rpc_status"] = {
        "hex": hexed(status),
        "expect": {
            "code": 13,
            "message": message[:120],
            "type_urls": [d.type_url for d in status.details],
            "reason": info.reason,
            "domain": info.domain,
            "metadata": metadata,
        },
    }
    return out


def field_numbers():
    """The field numbers UpliftSpark writes and reads, from pyspark's descriptors."""
    messages = {
        "ExecutePlanRequest": pb.ExecutePlanRequest,
        "ExecutePlanRequest.RequestOption": pb.ExecutePlanRequest.RequestOption,
        "ReattachOptions": pb.ReattachOptions,
        "UserContext": pb.UserContext,
        "Plan": pb.Plan,
        "Relation": pb.Relation,
        "SQL": pb.SQL,
        "Read": pb.Read,
        "Read.DataSource": pb.Read.DataSource,
        "Command": pb.Command,
        "CreateDataFrameViewCommand": pb.CreateDataFrameViewCommand,
        "ConfigRequest": pb.ConfigRequest,
        "ConfigRequest.Operation": pb.ConfigRequest.Operation,
        "ConfigRequest.Set": pb.ConfigRequest.Set,
        "ConfigRequest.Get": pb.ConfigRequest.Get,
        "KeyValue": pb.KeyValue,
        "ReleaseSessionRequest": pb.ReleaseSessionRequest,
        "FetchErrorDetailsRequest": pb.FetchErrorDetailsRequest,
        "ExecutePlanResponse": pb.ExecutePlanResponse,
        "ExecutePlanResponse.ArrowBatch": pb.ExecutePlanResponse.ArrowBatch,
        "ConfigResponse": pb.ConfigResponse,
        "FetchErrorDetailsResponse": pb.FetchErrorDetailsResponse,
        "FetchErrorDetailsResponse.Error": pb.FetchErrorDetailsResponse.Error,
        "FetchErrorDetailsResponse.SparkThrowable": pb.FetchErrorDetailsResponse.SparkThrowable,
        "google.rpc.Status": status_pb2.Status,
        "google.rpc.ErrorInfo": error_details_pb2.ErrorInfo,
        "google.protobuf.Any": any_pb2.Any,
    }
    out = {}
    for name, cls in messages.items():
        out[name] = {f.name: f.number for f in cls.DESCRIPTOR.fields}
    oneof = pb.ExecutePlanResponse.DESCRIPTOR.oneofs_by_name["response_type"]
    out["ExecutePlanResponse.response_type"] = sorted(f.number for f in oneof.fields)
    return out


def service():
    """The gRPC service's methods: name -> [request, response, client streaming, server streaming]."""
    descriptor = pb.base_pb2.DESCRIPTOR.services_by_name["SparkConnectService"]
    methods = {
        m.name: [m.input_type.name, m.output_type.name, m.client_streaming, m.server_streaming]
        for m in descriptor.methods
    }
    return {"name": descriptor.full_name, "methods": methods}


def main():
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("connect_fixtures.json")
    fixture = {
        "generator": "make_connect_fixtures.py",
        "versions": {
            "pyspark": version("pyspark"),
            "protobuf": version("protobuf"),
            "googleapis-common-protos": version("googleapis-common-protos"),
        },
        "requests": requests(),
        "responses": responses(),
        "field_numbers": field_numbers(),
        "service": service(),
    }
    target.write_text(json.dumps(fixture, indent=1, sort_keys=True, ensure_ascii=True) + "\n")


if __name__ == "__main__":
    main()
