/// A failed Spark Connect call, summarized: Spark's error class, SQL state and message, from the
/// call's `google.rpc.Status` and, when fetched, the error's full details.
///
/// `summary` is one line naming the error class, for a log line or a CLI error. The message is
/// Spark's own and may quote the SQL Uplift sent (table and column names); it never holds the
/// connection's token.
package struct SparkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The gRPC status code of the call.
    package var grpcCode: Int32
    /// Spark's error class (`TABLE_OR_VIEW_NOT_FOUND`), nil when the exception was not a `SparkThrowable`.
    package var errorClass: String?
    /// The SQL state (`42P01`), when Spark gave one.
    package var sqlState: String?
    /// Spark's message: the root error's from the details when there are some (the status's may be
    /// truncated), else the status's.
    package var message: String
    /// The id for `FetchErrorDetailsRequest`, when the server kept the error.
    package var errorID: String?
    /// The exception's JVM class (`org.apache.spark.sql.AnalysisException`), when known.
    package var exceptionClass: String?
    /// The values Spark filled the error class's message template with.
    package var messageParameters: [String: String]

    /// The longest summary, in Unicode scalars; Spark's messages can carry whole plans.
    package static let summaryLimit = 500

    /// From a failed call's status (its `grpc-status-details-bin` trailer) and, when the status's
    /// `ErrorInfo` had an `errorId` and `FetchErrorDetails` answered, the details. An `ErrorInfo` that
    /// does not decode is ignored: the status's code and message still describe the failure.
    package init(status: RPCStatus, details: FetchErrorDetailsResponse? = nil) {
        let info = try? status.errorInfo()
        grpcCode = status.code
        errorClass = info?.errorClass
        sqlState = info?.sqlState
        message = status.message
        errorID = info?.errorID
        exceptionClass = info.flatMap { $0.reason.isEmpty ? nil : $0.reason }
        messageParameters = [:]
        if let root = details?.rootError {
            if !root.message.isEmpty { message = root.message }
            exceptionClass = exceptionClass ?? root.errorTypeHierarchy.first
            if let throwable = root.sparkThrowable {
                errorClass = errorClass ?? throwable.errorClass
                sqlState = sqlState ?? throwable.sqlState
                messageParameters = throwable.messageParameters
            }
        }
    }

    /// A failure with only a gRPC status (no trailer): a transport or server problem, not a query's.
    package init(grpcCode: Int32, message: String) {
        self.grpcCode = grpcCode
        self.message = message
        messageParameters = [:]
    }

    /// One line: `[ERROR_CLASS] first line of Spark's message SQLSTATE: …`, without line breaks or
    /// control characters, at most `summaryLimit` scalars.
    package var summary: String {
        let firstLine = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        var line = Self.trimmed(firstLine)
        if let errorClass, !line.hasPrefix("[\(errorClass)]") {
            line = line.isEmpty ? "[\(errorClass)]" : "[\(errorClass)] \(line)"
        }
        if let sqlState, !line.contains("SQLSTATE") {
            line += " SQLSTATE: \(sqlState)"
        }
        if line.isEmpty {
            line = "the call failed with gRPC status \(Self.grpcCodeName(grpcCode)) and no message"
        }
        var out = ""
        var count = 0
        for scalar in line.unicodeScalars {
            guard count < Self.summaryLimit else {
                out += "…"
                break
            }
            count += 1
            out.unicodeScalars.append(scalar.properties.generalCategory == .control ? " " : scalar)
        }
        return out
    }

    package var description: String { "Spark error: \(summary)" }

    /// The name of a gRPC status code (`UNAVAILABLE`), or its number when it has none.
    package static func grpcCodeName(_ code: Int32) -> String {
        let names = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
            "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
        ]
        return names.indices.contains(Int(code)) ? names[Int(code)] : "\(code)"
    }

    private static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
