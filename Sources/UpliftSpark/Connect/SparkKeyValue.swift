package import UpliftModel

/// `spark.connect.KeyValue`: one configuration entry; a nil value is a key without a value (a `get`
/// of an unset key answers so).
package struct SparkKeyValue: Sendable, Hashable {
    /// `key = 1`.
    package var key: String
    /// `optional string value = 2`.
    package var value: String?

    package init(key: String, value: String?) {
        self.key = key
        self.value = value
    }

    package func encode(into writer: inout ProtoWriter) {
        if !key.isEmpty { writer.string(1, key) }
        if let value { writer.string(2, value) }
    }

    package init(decoding reader: inout ProtoReader) throws(UpliftError) {
        key = ""
        value = nil
        while let field = try reader.next() {
            switch field.number {
            case 1: key = try field.string()
            case 2: value = try field.string()
            default: break
            }
        }
    }
}
