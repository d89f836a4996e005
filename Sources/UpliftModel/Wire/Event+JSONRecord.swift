extension Event {
    /// The stored record as one compact JSON object, as described by `schemas/event-record.schema.json`
    /// (snake_case names, times in µs, `properties` and `context` embedded as objects).
    /// Used for exports, debugging and schema checks.
    package var jsonRecord: String {
        var w = JSONWriter(capacity: 128 + properties.utf8.count + context.utf8.count)
        func key(_ name: String, first: Bool = false) {
            if !first { w.bytes.append(UInt8(ascii: ",")) }
            w.write(string: name)
            w.bytes.append(UInt8(ascii: ":"))
        }
        func optional(_ s: String?) {
            if let s { w.write(string: s) } else { w.bytes.append(contentsOf: Array("null".utf8)) }
        }
        w.bytes.append(UInt8(ascii: "{"))
        key("event_id", first: true)
        w.write(string: eventID)
        key("type")
        w.write(string: type.rawValue)
        key("event")
        w.write(string: event)
        key("distinct_id")
        w.write(string: distinctID)
        key("user_id")
        optional(userID)
        key("anonymous_id")
        optional(anonymousID)
        key("timestamp")
        w.bytes.append(contentsOf: Array(String(timestamp).utf8))
        key("sent_at")
        w.bytes.append(contentsOf: Array((sentAt.map { String($0) } ?? "null").utf8))
        key("received_at")
        w.bytes.append(contentsOf: Array(String(receivedAt).utf8))
        key("properties")
        w.bytes.append(contentsOf: Array(properties.utf8))
        key("context")
        w.bytes.append(contentsOf: Array(context.utf8))
        w.bytes.append(UInt8(ascii: "}"))
        return w.text
    }
}
