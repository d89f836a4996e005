import Foundation
import Testing
import UpliftModel
import UpliftSpark

/// Fixtures/connect_fixtures.json, written by Fixtures/make_connect_fixtures.py with pyspark's
/// generated classes: requests as Uplift builds them, responses as Spark sends them.
enum ConnectFixture {
    /// Read once, never changed.
    nonisolated(unsafe) static let json: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent("connect_fixtures.json")
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    static func request(_ name: String) -> [UInt8] {
        bytes(hex: (json["requests"] as? [String: String])?[name] ?? "")
    }

    static func response(_ name: String) -> [UInt8] {
        bytes(hex: (responseEntry(name)["hex"] as? String) ?? "")
    }

    static func expected(_ name: String) -> [String: Any] {
        responseEntry(name)["expect"] as? [String: Any] ?? [:]
    }

    static var responseNames: [String] {
        ((json["responses"] as? [String: Any]) ?? [:]).keys.sorted()
    }

    static func fieldNumbers(_ message: String) -> [String: Int] {
        ((json["field_numbers"] as? [String: Any])?[message] as? [String: Int]) ?? [:]
    }

    private static func responseEntry(_ name: String) -> [String: Any] {
        ((json["responses"] as? [String: Any])?[name] as? [String: Any]) ?? [:]
    }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var high: UInt8?
        for scalar in hex.unicodeScalars {
            guard let nibble = UInt8(String(scalar), radix: 16) else { continue }
            if let h = high {
                out.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// The decoder of each response fixture, reading everything Uplift reads from it.
    static func decode(_ name: String, _ bytes: [UInt8]) throws(UpliftError) {
        switch name {
        case "config_response": _ = try ConfigResponse(decoding: bytes)
        case "fetch_error_details_response": _ = try FetchErrorDetailsResponse(decoding: bytes)
        case "rpc_status": _ = try RPCStatus(decoding: bytes).errorInfo()
        default: _ = try ExecutePlanResponse(decoding: bytes)
        }
    }

    // The values the script builds its requests from.
    static let sessionID = "8d1e7f2a-3c4b-4d5e-9f60-718293a4b5c6"
    static let serverSessionID = "0f4e7d9c-1b2a-4c3d-8e5f-6a7b8c9d0e1f"
    static let operationID = "3f0b6a52-5c1e-4b7d-9a8e-2d4c6b8a0f13"
    static let errorID = "5b7e0c3a-2f4d-4e6b-8a1c-9d0e2f4a6b8c"

    static func session(userName: String = "", observed: Bool = false) -> SparkSessionContext {
        SparkSessionContext(
            sessionID: sessionID, userContext: SparkUserContext(userID: "uplift", userName: userName),
            clientType: "uplift/0.1 spark-connect-swift", serverSideSessionID: observed ? serverSessionID : nil)
    }
}

/// Every request Uplift sends, byte for byte against pyspark's serialization of the same message.
@Suite struct ConnectFixtureTests {
    static let requests: [(String, [UInt8])] = {
        let session = ConnectFixture.session()
        let sqlQuery = "SELECT event, count(*) AS n FROM events GROUP BY event ORDER BY n DESC"
        let longQuery = "SELECT 'é€😀' AS greeting, " + (0..<30).map { "\($0) AS c\($0)" }.joined(separator: ", ")
        let events = SparkDataSource.parquet(
            paths: ["s3a://uplift-events/events/day=2025-01-01", "s3a://uplift-events/events/day=2025-01-02"],
            basePath: "s3a://uplift-events/events", mergeSchema: true)
        return [
            (
                "execute_sql",
                ExecutePlanRequest(
                    session: session, plan: .root(.sql(sqlQuery)), operationID: ConnectFixture.operationID,
                    tags: ["uplift", "query-42"]
                ).encoded()
            ),
            (
                "execute_create_view",
                ExecutePlanRequest(
                    session: ConnectFixture.session(userName: "Uplift Analytics", observed: true),
                    plan: .command(.createDataFrameView(input: .read(events), name: "events"))
                ).encoded()
            ),
            (
                "execute_sql_long",
                ExecutePlanRequest(session: session, plan: .root(.sql(longQuery)), reattachable: true).encoded()
            ),
            (
                "config_set",
                ConfigRequest.set(
                    ["spark.sql.session.timeZone": "UTC", "spark.sql.ansi.enabled": "true"], session: session
                ).encoded()
            ),
            (
                "config_get",
                ConfigRequest(
                    session: ConnectFixture.session(observed: true),
                    operation: .get(["spark.sql.session.timeZone", "spark.sql.shuffle.partitions"])
                ).encoded()
            ),
            ("release_session", ReleaseSessionRequest(session: session).encoded()),
            (
                "fetch_error_details",
                FetchErrorDetailsRequest(
                    session: ConnectFixture.session(observed: true), errorID: ConnectFixture.errorID
                )
                .encoded()
            ),
        ]
    }()

    @Test(arguments: requests.map(\.0))
    func requestMatchesPyspark(_ name: String) throws {
        let expected = ConnectFixture.request(name)
        try #require(!expected.isEmpty, "the fixture has no request \(name)")
        let actual = try #require(Self.requests.first { $0.0 == name }).1
        #expect(ConnectFixture.hex(actual) == ConnectFixture.hex(expected))
    }

    @Test func everyFixtureRequestIsBuilt() {
        let names = ((ConnectFixture.json["requests"] as? [String: String]) ?? [:]).keys.sorted()
        #expect(names == Self.requests.map(\.0).sorted())
    }

    @Test func fixtureRecordsPysparkVersion() throws {
        let versions = try #require(ConnectFixture.json["versions"] as? [String: String])
        let pyspark = try #require(versions["pyspark"])
        #expect(pyspark.hasPrefix("4."))
    }

    /// Method paths and streaming, against the service descriptor.
    @Test(arguments: SparkConnectService.Method.allCases)
    func serviceMethod(_ method: SparkConnectService.Method) throws {
        let service = try #require(ConnectFixture.json["service"] as? [String: Any])
        #expect(service["name"] as? String == SparkConnectService.name)
        let methods = try #require(service["methods"] as? [String: [Any]])
        let described = try #require(methods[method.name], "no method \(method.name)")
        #expect(described[0] as? String == "\(method.name)Request")
        #expect(described[1] as? String == "\(method.name)Response")
        #expect(described[2] as? Bool == false)
        #expect(described[3] as? Bool == method.isServerStreaming)
        #expect(method.path == "/spark.connect.SparkConnectService/\(method.name)")
    }

    /// The oneof members that `ExecutePlanResponse` reports as `.other` are exactly the ones the
    /// descriptors list besides the three Uplift decodes.
    @Test func responseTypeMembersMatchDescriptors() throws {
        let numbers = try #require(
            (ConnectFixture.json["field_numbers"] as? [String: Any])?[
                "ExecutePlanResponse.response_type"] as? [Int])
        for number in numbers where ![2, 5, 14].contains(number) {
            var writer = ProtoWriter()
            writer.message(number) { _ in }
            let response = try ExecutePlanResponse(decoding: writer.bytes)
            #expect(response.result == .other(field: number), "field \(number)")
        }
        var writer = ProtoWriter()
        writer.message(7) { _ in }  // schema: not a member of the oneof
        #expect(try ExecutePlanResponse(decoding: writer.bytes).result == ExecutePlanResponse.Result.unset)
    }

    /// The numbers the decoders read, against the descriptors (the encoders are checked byte for byte).
    @Test(arguments: [
        (
            "ExecutePlanResponse",
            [
                "session_id": 1, "arrow_batch": 2, "sql_command_result": 5, "operation_id": 12,
                "response_id": 13, "result_complete": 14, "server_side_session_id": 15,
            ]
        ),
        (
            "ExecutePlanResponse.ArrowBatch",
            [
                "row_count": 1, "data": 2, "start_offset": 3, "chunk_index": 4,
                "num_chunks_in_batch": 5,
            ]
        ),
        ("ConfigResponse", ["session_id": 1, "pairs": 2, "warnings": 3, "server_side_session_id": 4]),
        ("KeyValue", ["key": 1, "value": 2]),
        (
            "FetchErrorDetailsResponse",
            [
                "root_error_idx": 1, "errors": 2, "server_side_session_id": 3,
                "session_id": 4,
            ]
        ),
        (
            "FetchErrorDetailsResponse.Error",
            [
                "error_type_hierarchy": 1, "message": 2, "cause_idx": 4,
                "spark_throwable": 5,
            ]
        ),
        ("FetchErrorDetailsResponse.SparkThrowable", ["error_class": 1, "message_parameters": 2, "sql_state": 4]),
        ("google.rpc.Status", ["code": 1, "message": 2, "details": 3]),
        ("google.rpc.ErrorInfo", ["reason": 1, "domain": 2, "metadata": 3]),
        ("google.protobuf.Any", ["type_url": 1, "value": 2]),
    ])
    func decodedFieldNumbers(_ message: String, _ numbers: [String: Int]) {
        let descriptor = ConnectFixture.fieldNumbers(message)
        for (name, number) in numbers {
            #expect(descriptor[name] == number, "\(message).\(name)")
        }
    }
}
