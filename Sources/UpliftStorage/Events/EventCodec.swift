package import UpliftModel

/// The binary form of a batch of events inside one write-ahead-log record.
///
/// Layout (all integers LEB128 varints, signed ones zigzag-encoded):
/// `version(1) · project · count · count × event`, where an event is its columns in `order`:
/// `type(u8) · event_id · event · distinct_id · user_id? · anonymous_id? · timestamp · sent_at? ·
/// received_at · properties · context`; a string is `length · UTF-8 bytes`, an optional string is
/// `length + 1 · bytes` with `0` for absent, a time is a signed varint, an optional time is
/// `flag(u8) · value`, and the event type is a one-byte code.
/// The log's CRC32C guards the bytes; decoding still checks every length so that a bug or a
/// corrupt record can never read out of bounds.
package enum EventCodec {
    package static let version: UInt8 = 1

    /// The columns of `EventColumn.all` in the order an event's fields follow each other in a
    /// record: the segment order but with the type first, as version 1 wrote them (logs replay).
    package static let order: [EventColumn] = [
        .type, .eventID, .event, .distinctID, .userID, .anonymousID, .timestamp, .sentAt, .receivedAt, .properties,
        .context,
    ]

    package static func encode(project: String, events: [Event]) -> [UInt8] {
        var out = ByteWriter(capacity: 64 + events.count * 320)
        out.byte(version)
        out.string(project)
        out.varint(UInt64(events.count))
        for e in events {
            for column in order {
                switch column.value {
                case .eventType(let path): out.byte(typeCode(e[keyPath: path]))
                case .string(let path): out.string(e[keyPath: path])
                case .optionalString(let path): out.optionalString(e[keyPath: path])
                case .micros(let path): out.signed(e[keyPath: path])
                case .optionalMicros(let path):
                    if let time = e[keyPath: path] {
                        out.byte(1)
                        out.signed(time)
                    } else {
                        out.byte(0)
                    }
                }
            }
        }
        return out.bytes
    }

    package static func decode(_ bytes: [UInt8]) throws(UpliftError) -> (project: String, events: [Event]) {
        var r = ByteReader(bytes)
        let v = try r.byte()
        guard v == version else {
            throw UpliftError(.corrupt, "log record has event codec version \(v); this build reads version \(version)")
        }
        let project = try r.string()
        let count = try r.varint()
        // Each event needs at least 12 bytes, so a count beyond that is corruption, not a reason to allocate.
        guard count <= UInt64(bytes.count / 12) else {
            throw UpliftError(.corrupt, "log record claims \(count) events in \(bytes.count) bytes")
        }
        var events: [Event] = []
        events.reserveCapacity(Int(count))
        for _ in 0..<count {
            // Every field is overwritten below: `order` holds every column.
            var e = Event(eventID: "", type: .track, event: "", distinctID: "", timestamp: 0, receivedAt: 0)
            for column in order {
                switch column.value {
                case .eventType(let path): e[keyPath: path] = try eventType(try r.byte())
                case .string(let path): e[keyPath: path] = try r.string()
                case .optionalString(let path): e[keyPath: path] = try r.optionalString()
                case .micros(let path): e[keyPath: path] = try r.signed()
                case .optionalMicros(let path): e[keyPath: path] = try r.byte() == 0 ? nil : try r.signed()
                }
            }
            events.append(e)
        }
        guard r.isAtEnd else { throw UpliftError(.corrupt, "log record has \(r.remaining) trailing bytes") }
        return (project, events)
    }

    private static func typeCode(_ t: EventType) -> UInt8 {
        switch t {
        case .track: 0
        case .identify: 1
        case .page: 2
        case .screen: 3
        case .group: 4
        case .alias: 5
        }
    }

    private static func eventType(_ code: UInt8) throws(UpliftError) -> EventType {
        switch code {
        case 0: .track
        case 1: .identify
        case 2: .page
        case 3: .screen
        case 4: .group
        case 5: .alias
        default: throw UpliftError(.corrupt, "log record has unknown event type code \(code)")
        }
    }
}

/// Appends varints and strings to a growing byte buffer.
package struct ByteWriter {
    package private(set) var bytes: [UInt8]

    package init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    package mutating func byte(_ b: UInt8) { bytes.append(b) }

    package mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    package mutating func signed(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    package mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    package mutating func optionalString(_ s: String?) {
        guard let s else { return varint(0) }
        var copy = s
        copy.withUTF8 { utf8 in
            varint(UInt64(utf8.count) + 1)
            bytes.append(contentsOf: utf8)
        }
    }
}

/// Reads what `ByteWriter` wrote, checking every length against the bytes that remain.
package struct ByteReader {
    private let bytes: [UInt8]
    private var position = 0

    package init(_ bytes: [UInt8]) { self.bytes = bytes }

    package var isAtEnd: Bool { position == bytes.count }
    package var remaining: Int { bytes.count - position }

    package mutating func byte() throws(UpliftError) -> UInt8 {
        guard position < bytes.count else { throw UpliftError(.corrupt, "log record ends early at byte \(position)") }
        defer { position += 1 }
        return bytes[position]
    }

    package mutating func varint() throws(UpliftError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else {
                throw UpliftError(.corrupt, "log record has an overlong varint at byte \(position)")
            }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    package mutating func signed() throws(UpliftError) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    package mutating func string() throws(UpliftError) -> String {
        let n = try varint()
        return try utf8(count: n)
    }

    package mutating func optionalString() throws(UpliftError) -> String? {
        let n = try varint()
        return n == 0 ? nil : try utf8(count: n - 1)
    }

    private mutating func utf8(count n: UInt64) throws(UpliftError) -> String {
        guard n <= UInt64(remaining) else {
            throw UpliftError(.corrupt, "log record string of \(n) bytes overruns the record at byte \(position)")
        }
        let end = position + Int(n)
        defer { position = end }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }
}
