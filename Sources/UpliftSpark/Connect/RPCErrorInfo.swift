package import UpliftModel

/// `google.rpc.ErrorInfo`, the detail in which Spark Connect describes a failure: `reason` is the
/// exception's class, `metadata` holds `errorClass`, `sqlState`, `errorId` (for `FetchErrorDetails`),
/// `classes` (a JSON array of the class hierarchy), `messageParameters` (a JSON object) and, when the
/// server is configured to, `stackTrace`.
package struct RPCErrorInfo: Sendable, Hashable {
    /// The `type_url` of an `Any` that holds an `ErrorInfo`.
    package static let typeURL = "type.googleapis.com/google.rpc.ErrorInfo"

    /// `reason = 1`.
    package var reason = ""
    /// `domain = 2` (`org.apache.spark`).
    package var domain = ""
    /// `map<string, string> metadata = 3`.
    package var metadata: [String: String] = [:]

    package init(reason: String = "", domain: String = "", metadata: [String: String] = [:]) {
        self.reason = reason
        self.domain = domain
        self.metadata = metadata
    }

    package init(decoding bytes: [UInt8]) throws(UpliftError) {
        var reader = ProtoReader(bytes, context: "google.rpc.ErrorInfo")
        while let field = try reader.next() {
            switch field.number {
            case 1: reason = try field.string()
            case 2: domain = try field.string()
            case 3:
                let entry = try field.stringMapEntry("metadata")
                metadata[entry.key] = entry.value
            default: break
            }
        }
    }

    /// Spark's error class (`TABLE_OR_VIEW_NOT_FOUND`), when the exception was a `SparkThrowable`.
    package var errorClass: String? { metadata["errorClass"] }
    package var sqlState: String? { metadata["sqlState"] }
    /// The id under which `FetchErrorDetails` returns the whole error.
    package var errorID: String? { metadata["errorId"] }
}
