package import UpliftModel

/// `spark.connect.ConfigResponse`, the answer of `Config`.
package struct ConfigResponse: Sendable, Hashable {
    /// `session_id = 1`.
    package var sessionID = ""
    /// `server_side_session_id = 4`.
    package var serverSideSessionID = ""
    /// `repeated KeyValue pairs = 2`: for a `get`, one per key asked, in order.
    package var pairs: [SparkKeyValue] = []
    /// `repeated string warnings = 3`: for a `set`, deprecated or ignored keys, in Spark's words.
    package var warnings: [String] = []

    package init() {}

    package init(decoding bytes: [UInt8]) throws(UpliftError) {
        var reader = ProtoReader(bytes, context: "ConfigResponse")
        while let field = try reader.next() {
            switch field.number {
            case 1: sessionID = try field.string()
            case 2:
                var nested = try field.message("pairs")
                pairs.append(try SparkKeyValue(decoding: &nested))
            case 3: warnings.append(try field.string())
            case 4: serverSideSessionID = try field.string()
            default: break
            }
        }
    }
}
