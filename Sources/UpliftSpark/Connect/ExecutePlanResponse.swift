package import UpliftModel

/// `spark.connect.ExecutePlanResponse`, one message of the `ExecutePlan` stream.
///
/// A query's stream is a run of `arrowBatch` messages (with schema, metrics and progress messages
/// in between, which Uplift ignores) ending with `resultComplete`; a command's has a command result
/// (for `CreateDataFrameViewCommand`, none) and then `resultComplete`. A stream that ends without
/// `resultComplete` was cut off and its result must not be used.
package struct ExecutePlanResponse: Sendable, Hashable {
    /// The `response_type` oneof, reduced to what Uplift uses.
    package enum Result: Sendable, Hashable {
        /// No member of the oneof was set (a message with only metrics or a schema).
        case unset
        /// `arrow_batch = 2`.
        case arrowBatch(ArrowBatch)
        /// `sql_command_result = 5`; its relation is not decoded.
        case sqlCommandResult
        /// `result_complete = 14`: the last message of a successful stream.
        case resultComplete
        /// Another member of the oneof (`execution_progress = 18`, streaming and ML results, …), by
        /// field number; Uplift ignores these.
        case other(field: Int)
    }

    /// `ExecutePlanResponse.ArrowBatch`: rows as an Arrow IPC stream (schema message, then record
    /// batches).
    package struct ArrowBatch: Sendable, Hashable {
        /// `row_count = 1`.
        package var rowCount: Int64 = 0
        /// `data = 2`: the Arrow IPC stream.
        package var data: [UInt8] = []
        /// `optional int64 start_offset = 3`: the index of the batch's first row in the whole result.
        package var startOffset: Int64?
        /// `optional int64 chunk_index = 4`, `optional int64 num_chunks_in_batch = 5`: set only when the
        /// request allowed a batch to be split over several messages (Uplift's requests do not).
        package var chunkIndex: Int64?
        package var chunkCount: Int64?

        package init() {}

        mutating func merge(from reader: inout ProtoReader) throws(UpliftError) {
            while let field = try reader.next() {
                switch field.number {
                case 1: rowCount = try field.int64()
                case 2: data = try field.bytes()
                case 3: startOffset = try field.int64()
                case 4: chunkIndex = try field.int64()
                case 5: chunkCount = try field.int64()
                default: break
                }
            }
        }
    }

    /// The field numbers of `response_type`'s other members, in Spark 4.x's base.proto.
    private static let otherResults: Set<Int> = [8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23, 999]

    /// `session_id = 1`.
    package var sessionID = ""
    /// `server_side_session_id = 15`: the server's id for the session; a change between two
    /// responses means the server lost the session (see `SparkSessionContext.serverSideSessionID`).
    package var serverSideSessionID = ""
    /// `operation_id = 12`.
    package var operationID = ""
    /// `response_id = 13`.
    package var responseID = ""
    package var result = Result.unset

    package init() {}

    /// Decodes one message of the stream; `.corrupt` if the bytes are not an `ExecutePlanResponse`.
    package init(decoding bytes: [UInt8]) throws(UpliftError) {
        var reader = ProtoReader(bytes, context: "ExecutePlanResponse")
        try merge(from: &reader)
    }

    /// Protobuf's merge rules: the last value of a field wins, a oneof member repeated is merged
    /// into itself, another member replaces it.
    mutating func merge(from reader: inout ProtoReader) throws(UpliftError) {
        while let field = try reader.next() {
            switch field.number {
            case 1: sessionID = try field.string()
            case 12: operationID = try field.string()
            case 13: responseID = try field.string()
            case 15: serverSideSessionID = try field.string()
            case 2:
                var batch = ArrowBatch()
                if case .arrowBatch(let earlier) = result { batch = earlier }
                var nested = try field.message("arrow_batch")
                try batch.merge(from: &nested)
                result = .arrowBatch(batch)
            case 5:
                try Self.check(field.message("sql_command_result"))
                result = .sqlCommandResult
            case 14:
                try Self.check(field.message("result_complete"))
                result = .resultComplete
            case let number where Self.otherResults.contains(number):
                try Self.check(field.message("response_type"))
                result = .other(field: number)
            default:
                break
            }
        }
    }

    /// Reads a message that is not decoded through to its end, so damage inside it is still refused.
    private static func check(_ reader: ProtoReader) throws(UpliftError) {
        var reader = reader
        while try reader.next() != nil {}
    }
}
