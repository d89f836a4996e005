import Testing
import UpliftModel
import UpliftSpark

/// Responses serialized by pyspark's classes, decoded, against the values the script put in them.
@Suite struct ConnectResponseTests {
    static let executeResponses = [
        "execute_arrow_batch", "execute_result_complete", "execute_with_extras", "execute_progress",
        "execute_sql_command_result",
    ]

    @Test(arguments: executeResponses)
    func executePlanResponse(_ name: String) throws {
        let expect = ConnectFixture.expected(name)
        let response = try ExecutePlanResponse(decoding: ConnectFixture.response(name))
        #expect(response.sessionID == expect["session_id"] as? String)
        #expect(response.serverSideSessionID == expect["server_side_session_id"] as? String)
        #expect(response.operationID == expect["operation_id"] as? String)
        #expect(response.responseID == expect["response_id"] as? String)
        switch (expect["result"] as? String, response.result) {
        case ("arrow_batch", .arrowBatch(let batch)):
            #expect(batch.rowCount == Int64(try #require(expect["row_count"] as? Int)))
            #expect(ConnectFixture.hex(batch.data) == expect["data"] as? String)
            #expect(batch.startOffset == (expect["start_offset"] as? Int).map(Int64.init))
            #expect(batch.chunkIndex == nil && batch.chunkCount == nil)
        case ("result_complete", .resultComplete), ("sql_command_result", .sqlCommandResult):
            break
        case ("other", .other(let field)):
            #expect(field == expect["other_field"] as? Int)
        case (let wanted, let got):
            Issue.record("expected \(wanted ?? "?"), decoded \(got)")
        }
    }

    @Test func configResponse() throws {
        let expect = ConnectFixture.expected("config_response")
        let response = try ConfigResponse(decoding: ConnectFixture.response("config_response"))
        #expect(response.sessionID == expect["session_id"] as? String)
        #expect(response.serverSideSessionID == expect["server_side_session_id"] as? String)
        #expect(
            response.pairs == [
                SparkKeyValue(key: "spark.sql.session.timeZone", value: "UTC"),
                SparkKeyValue(key: "spark.sql.unset.key", value: nil),
            ])
        #expect(response.pairs.count == (expect["pairs"] as? [Any])?.count)
        #expect(response.warnings == expect["warnings"] as? [String])
    }

    @Test func fetchErrorDetailsResponse() throws {
        let expect = ConnectFixture.expected("fetch_error_details_response")
        let response = try FetchErrorDetailsResponse(decoding: ConnectFixture.response("fetch_error_details_response"))
        #expect(response.sessionID == expect["session_id"] as? String)
        #expect(response.serverSideSessionID == expect["server_side_session_id"] as? String)
        #expect(response.rootErrorIndex == 0)
        let errors = try #require(expect["errors"] as? [[String: Any]])
        try #require(response.errors.count == errors.count)
        for (detail, wanted) in zip(response.errors, errors) {
            #expect(detail.errorTypeHierarchy == wanted["error_type_hierarchy"] as? [String])
            #expect(detail.message == wanted["message"] as? String)
            #expect(detail.causeIndex == (wanted["cause_idx"] as? Int).map(Int32.init))
            #expect(detail.sparkThrowable?.errorClass == wanted["error_class"] as? String)
            #expect(detail.sparkThrowable?.sqlState == wanted["sql_state"] as? String)
            #expect(
                (detail.sparkThrowable?.messageParameters ?? [:]) == wanted["message_parameters"] as? [String: String])
        }
        #expect(response.rootError?.sparkThrowable?.errorClass == "TABLE_OR_VIEW_NOT_FOUND")
    }

    @Test func rpcStatusWithErrorInfo() throws {
        let expect = ConnectFixture.expected("rpc_status")
        let status = try RPCStatus(decoding: ConnectFixture.response("rpc_status"))
        #expect(status.code == 13)
        #expect(status.message == expect["message"] as? String)
        #expect(status.details.map(\.typeURL) == expect["type_urls"] as? [String])
        let info = try #require(try status.errorInfo())
        #expect(info.reason == expect["reason"] as? String)
        #expect(info.domain == expect["domain"] as? String)
        #expect(info.metadata == expect["metadata"] as? [String: String])
        #expect(info.errorClass == "TABLE_OR_VIEW_NOT_FOUND")
        #expect(info.sqlState == "42P01")
        #expect(info.errorID == ConnectFixture.errorID)
    }

    @Test func sparkErrorFromStatusAlone() throws {
        let status = try RPCStatus(decoding: ConnectFixture.response("rpc_status"))
        let error = SparkError(status: status)
        #expect(error.errorClass == "TABLE_OR_VIEW_NOT_FOUND")
        #expect(error.sqlState == "42P01")
        #expect(error.errorID == ConnectFixture.errorID)
        #expect(error.exceptionClass == "org.apache.spark.sql.AnalysisException")
        #expect(error.grpcCode == 13)
        // The status's message is cut at 120 characters, before its SQLSTATE: the summary adds it.
        #expect(error.summary.hasPrefix("[TABLE_OR_VIEW_NOT_FOUND] The table or view `events` cannot be found."))
        #expect(error.summary.hasSuffix(" SQLSTATE: 42P01"))
        #expect(!error.summary.contains("\n"))
    }

    @Test func sparkErrorWithDetails() throws {
        let status = try RPCStatus(decoding: ConnectFixture.response("rpc_status"))
        let details = try FetchErrorDetailsResponse(decoding: ConnectFixture.response("fetch_error_details_response"))
        let error = SparkError(status: status, details: details)
        #expect(error.message == details.errors[0].message)
        #expect(error.messageParameters == ["relationName": "`events`", "suggestion": ""])
        #expect(
            error.summary
                == "[TABLE_OR_VIEW_NOT_FOUND] The table or view `events` cannot be found. Verify the spelling and "
                + "correctness of the schema and catalog. SQLSTATE: 42P01; line 1 pos 14;")
        #expect(error.description == "Spark error: \(error.summary)")
    }

    @Test func sparkErrorWithoutErrorInfo() {
        var status = RPCStatus()
        status.code = 14
        #expect(SparkError(status: status).summary == "the call failed with gRPC status UNAVAILABLE and no message")
        status.message = "  connection refused\r\nretrying\u{7}"
        #expect(SparkError(status: status).summary == "connection refused")
        let plain = SparkError(grpcCode: 99, message: "")
        #expect(plain.summary == "the call failed with gRPC status 99 and no message")
    }

    @Test func sparkErrorAddsClassAndBoundsLength() {
        var status = RPCStatus()
        status.code = 13
        status.message = String(repeating: "x", count: 2000)
        var info = ProtoWriter()
        info.string(1, "org.apache.spark.SparkException")
        info.mapEntry(3, key: "errorClass", value: "INTERNAL_ERROR")
        status.details = [RPCStatus.AnyMessage(typeURL: RPCErrorInfo.typeURL, value: info.bytes)]
        let summary = SparkError(status: status).summary
        #expect(summary.hasPrefix("[INTERNAL_ERROR] xxx"))
        #expect(summary.unicodeScalars.count == SparkError.summaryLimit + 1)
        #expect(summary.hasSuffix("…"))
    }

    @Test func undecodableErrorInfoIsIgnored() {
        var status = RPCStatus()
        status.code = 2
        status.message = "boom"
        status.details = [RPCStatus.AnyMessage(typeURL: RPCErrorInfo.typeURL, value: [0x0A, 0x05, 0x61])]
        #expect(throws: UpliftError.self) { try status.errorInfo() }
        let error = SparkError(status: status)
        #expect(error.errorClass == nil)
        #expect(error.summary == "boom")
    }

    /// Protobuf's merge rules: a repeated singular message is merged, another oneof member replaces.
    @Test func oneofMergeRules() throws {
        var writer = ProtoWriter()
        writer.message(2) { $0.int64(1, 5) }
        writer.message(2) { $0.bytes(2, [1, 2, 3]) }
        guard case .arrowBatch(let batch) = try ExecutePlanResponse(decoding: writer.bytes).result else {
            Issue.record("no arrow batch")
            return
        }
        #expect(batch.rowCount == 5 && batch.data == [1, 2, 3])
        writer.message(14) { _ in }
        #expect(try ExecutePlanResponse(decoding: writer.bytes).result == .resultComplete)
        writer.message(2) { $0.int64(1, 9) }
        guard case .arrowBatch(let fresh) = try ExecutePlanResponse(decoding: writer.bytes).result else {
            Issue.record("no arrow batch")
            return
        }
        #expect(fresh.rowCount == 9 && fresh.data.isEmpty)
    }

    @Test func emptyMessagesDecodeToDefaults() throws {
        #expect(try ExecutePlanResponse(decoding: []) == ExecutePlanResponse())
        #expect(try ConfigResponse(decoding: []) == ConfigResponse())
        #expect(try FetchErrorDetailsResponse(decoding: []).rootError == nil)
        #expect(try RPCStatus(decoding: []).errorInfo() == nil)
    }

    @Test func knownFieldWithWrongWireTypeIsCorrupt() {
        var writer = ProtoWriter()
        writer.uint64(2, 7)  // arrow_batch as a varint
        let error = #expect(throws: UpliftError.self) { try ExecutePlanResponse(decoding: writer.bytes) }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains("field 2 has wire type varint where length-delimited is expected") == true)
    }
}
