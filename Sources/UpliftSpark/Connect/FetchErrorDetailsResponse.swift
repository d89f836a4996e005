package import UpliftModel

/// `spark.connect.FetchErrorDetailsResponse`: a failed call's exception and its causes, as a flat
/// list in which each entry names its cause by index. Stack traces and query contexts are skipped.
package struct FetchErrorDetailsResponse: Sendable, Hashable {
    /// `FetchErrorDetailsResponse.Error`: one exception of the chain.
    package struct Detail: Sendable, Hashable {
        /// `repeated string error_type_hierarchy = 1`: the exception's class and its superclasses,
        /// most specific first (`org.apache.spark.sql.AnalysisException`, …).
        package var errorTypeHierarchy: [String] = []
        /// `message = 2`.
        package var message = ""
        /// `optional int32 cause_idx = 4`: the index in `errors` of the exception that caused this one.
        package var causeIndex: Int32?
        /// `optional SparkThrowable spark_throwable = 5`: set when the exception is a `SparkThrowable`.
        package var sparkThrowable: SparkThrowable?

        package init() {}

        mutating func merge(from reader: inout ProtoReader) throws(UpliftError) {
            while let field = try reader.next() {
                switch field.number {
                case 1: errorTypeHierarchy.append(try field.string())
                case 2: message = try field.string()
                case 4: causeIndex = try field.int32()
                case 5:
                    var throwable = sparkThrowable ?? SparkThrowable()
                    var nested = try field.message("spark_throwable")
                    try throwable.merge(from: &nested)
                    sparkThrowable = throwable
                default: break
                }
            }
        }
    }

    /// `FetchErrorDetailsResponse.SparkThrowable`: Spark's structured error.
    package struct SparkThrowable: Sendable, Hashable {
        /// `optional string error_class = 1` (`TABLE_OR_VIEW_NOT_FOUND`, …).
        package var errorClass: String?
        /// `map<string, string> message_parameters = 2`: the values the message template was filled with.
        package var messageParameters: [String: String] = [:]
        /// `optional string sql_state = 4` (`42P01`, …).
        package var sqlState: String?

        package init() {}

        mutating func merge(from reader: inout ProtoReader) throws(UpliftError) {
            while let field = try reader.next() {
                switch field.number {
                case 1: errorClass = try field.string()
                case 2:
                    let entry = try field.stringMapEntry("message_parameters")
                    messageParameters[entry.key] = entry.value
                case 4: sqlState = try field.string()
                default: break
                }
            }
        }
    }

    /// `server_side_session_id = 3`.
    package var serverSideSessionID = ""
    /// `session_id = 4`.
    package var sessionID = ""
    /// `optional int32 root_error_idx = 1`: the index in `errors` of the exception the call failed with.
    package var rootErrorIndex: Int32?
    /// `repeated Error errors = 2`.
    package var errors: [Detail] = []

    package init() {}

    package init(decoding bytes: [UInt8]) throws(UpliftError) {
        var reader = ProtoReader(bytes, context: "FetchErrorDetailsResponse")
        while let field = try reader.next() {
            switch field.number {
            case 1: rootErrorIndex = try field.int32()
            case 2:
                var detail = Detail()
                var nested = try field.message("errors")
                try detail.merge(from: &nested)
                errors.append(detail)
            case 3: serverSideSessionID = try field.string()
            case 4: sessionID = try field.string()
            default: break
            }
        }
    }

    /// The exception the call failed with, when `rootErrorIndex` names one that is there.
    package var rootError: Detail? {
        guard let index = rootErrorIndex.map(Int.init), errors.indices.contains(index) else { return nil }
        return errors[index]
    }
}
