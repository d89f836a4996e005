/// Typed reads of message members, each failing with the rejection that names the field.
extension WireDecoder {
    /// An object member or nil when absent or null; anything else is refused.
    func objectOrNil(_ view: JSONView, _ index: Int?, field: String) throws(Rejection) -> Int? {
        guard let index else { return nil }
        switch view.kind(index) {
        case .object: return index
        case .null: return nil
        default:
            throw Rejection(
                "invalid_\(field == "$set" || field == "$set_once" ? "properties" : field)",
                "`\(field)` must be a JSON object")
        }
    }

    /// An id member or nil when absent, null or empty. Numbers are accepted (as their text) only
    /// where `numbers` says so: some SDKs send numeric user ids, but event ids are always strings.
    func id(
        _ view: JSONView, _ index: Int?, field: String, invalid: String, tooLong: String, numbers: Bool = true
    ) throws(Rejection) -> String? {
        guard let index else { return nil }
        let value: String
        switch view.kind(index) {
        case .null: return nil
        case .string:
            guard view.stringByteCount(index) <= limits.maxIDBytes else {
                throw Rejection(tooLong, "`\(field)` is longer than \(limits.maxIDBytes) bytes; send a shorter id")
            }
            value = view.string(index) ?? ""
        case .number where numbers:
            // Some SDKs send numeric user ids; keep their text.
            value = String(decoding: view.raw(index), as: UTF8.self)
            guard value.utf8.count <= limits.maxIDBytes else {
                throw Rejection(tooLong, "`\(field)` is longer than \(limits.maxIDBytes) bytes; send a shorter id")
            }
        default:
            throw Rejection(invalid, "`\(field)` must be a string")
        }
        return value.isEmpty ? nil : value
    }

    /// The event name, required and bounded.
    func eventName(_ view: JSONView, _ index: Int?) throws(Rejection) -> String {
        guard let index, view.kind(index) == .string, view[index].end > view[index].start else {
            throw Rejection("missing_event_name", "`event` is missing or not a non-empty string; name the event")
        }
        guard view.stringByteCount(index) <= limits.maxEventNameBytes else {
            throw Rejection(
                "event_name_too_long", "`event` is longer than \(limits.maxEventNameBytes) bytes; use a shorter name")
        }
        return view.string(index) ?? ""
    }

    /// A time member: an RFC 3339 string or epoch seconds/milliseconds; nil when absent or null.
    func time(_ view: JSONView, _ index: Int?, field: String) throws(Rejection) -> Int64? {
        guard let index else { return nil }
        let parsed: Int64?
        switch view.kind(index) {
        case .null: return nil
        case .string:
            if view[index].flag {
                parsed = Timestamp.parse(view.string(index) ?? "")
            } else {
                parsed = Timestamp.parse(view.raw(index))
            }
        case .number:
            parsed = view.double(index).flatMap(Timestamp.fromEpoch)
        default:
            parsed = nil
        }
        guard let parsed, abs(parsed) <= Timestamp.maxMicros else {
            throw Rejection(
                "invalid_timestamp",
                "`\(field)` is not a valid time; send RFC 3339 (2024-05-01T12:00:00.123Z) or epoch milliseconds")
        }
        // No product event predates the Unix epoch; partitions and readers assume it does not.
        guard parsed >= 0 else {
            throw Rejection("invalid_timestamp", "`\(field)` is before 1970; send the time the event happened")
        }
        return parsed
    }

    /// A JSON object as compact text, from merged sources (see `JSONWriter.writeMerged`), without the
    /// credentials SDKs put into events (see `Credentials`).
    func objectText(
        _ view: JSONView, _ objects: [Int?], extras: [(key: String, value: JSONWriter.Value)] = []
    ) -> String {
        let entries = extras.compactMap { extra -> Int? in
            if case .entry(let index) = extra.value { return index }
            return nil
        }
        if Credentials.appear(view, in: objects.compactMap { $0 } + entries) {
            var writer = JSONWriter(capacity: 256)
            writer.redaction = Credentials.redaction
            writer.writeMerged(view, objects: objects, extras: extras)
            return writer.text
        }
        if extras.isEmpty {
            let present = objects.compactMap { $0 }
            if present.isEmpty { return "{}" }
            if present.count == 1, view[present[0]].flag {
                return String(decoding: view.raw(present[0]), as: UTF8.self)
            }
        }
        var writer = JSONWriter(capacity: 256)
        writer.writeMerged(view, objects: objects, extras: extras)
        return writer.text
    }

    /// The deterministic id of a message without one (see the type's documentation).
    func hashedID(_ view: JSONView, _ message: Int) -> String {
        StableHash.eventID(for: view.raw(message))
    }
}
