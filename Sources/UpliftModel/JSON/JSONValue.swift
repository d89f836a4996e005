/// A parsed JSON value, materialised. The ingest hot path never builds these (it reads the tape);
/// they serve tools, tests and code that needs to walk arbitrary JSON.
package enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number exactly as written, so that no precision is lost; see `doubleValue`.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order (duplicate names kept).
    case object([(String, JSONValue)])

    /// Parses one strict RFC 8259 text (see `JSONParser`). Throws `.invalidUTF8` for bytes that are not
    /// UTF-8 and `.invalidJSON` for anything else (nesting too deep included), the codes the API answers.
    package init(parsing bytes: [UInt8], maxDepth: Int = 32) throws(UpliftError) {
        do {
            let tape = try JSONParser.parse(bytes, maxDepth: maxDepth)
            self = bytes.withUnsafeBytes { JSONValue(JSONView(bytes: $0, tape: tape), 0) }
        } catch {
            // Too deep is one way of being invalid JSON for callers of a whole value.
            throw UpliftError(
                error.code == .invalidUTF8 ? .invalidUTF8 : .invalidJSON, "\(error.code): \(error.message)")
        }
    }

    init(_ view: JSONView, _ index: Int) {
        switch view.kind(index) {
        case .null: self = .null
        case .true: self = .bool(true)
        case .false: self = .bool(false)
        case .number: self = .number(String(decoding: view.raw(index), as: UTF8.self))
        case .string: self = .string(view.string(index) ?? "")
        case .array:
            var items: [JSONValue] = []
            view.forEachElement(index) { items.append(JSONValue(view, $0)) }
            self = .array(items)
        case .object:
            var members: [(String, JSONValue)] = []
            view.forEachMember(index) { key, value in
                members.append((view.string(key) ?? "", JSONValue(view, value)))
                return true
            }
            self = .object(members)
        }
    }

    /// The number as a Double (nil when this is not a number).
    package var doubleValue: Double? {
        if case .number(let text) = self { return Double(text) }
        return nil
    }

    /// The value of the last member named `key` (nil when absent or not an object).
    package subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last(where: { $0.0 == key })?.1
    }

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b || (Double(a) != nil && Double(a) == Double(b))
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            // Objects compare as maps (last duplicate wins), as JSON objects are unordered.
            return Dictionary(a, uniquingKeysWith: { $1 }) == Dictionary(b, uniquingKeysWith: { $1 })
        default: return false
        }
    }

    package func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .number(let n): hasher.combine(Double(n) ?? 0)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let members):
            // Order-independent, to agree with ==.
            hasher.combine(Dictionary(members, uniquingKeysWith: { $1 }))
        }
    }

    /// Compact JSON text (strings re-escaped minimally).
    package var compactText: String {
        var writer = JSONWriter()
        writer.write(self)
        return writer.text
    }
}

extension JSONValue {
    package static func int(_ n: Int) -> JSONValue { .number(String(n)) }

    /// A finite double as its shortest round-trip text, integral values without a fraction
    /// (`2`, not `2.0`); NaN and infinities (never expected) as null.
    package static func double(_ x: Double) -> JSONValue {
        guard x.isFinite else { return .null }
        if x == x.rounded(), abs(x) < 1e15 { return .number(String(Int64(x))) }
        return .number(String(x))
    }

    package static func double(_ x: Double?) -> JSONValue { x.map { double($0) } ?? .null }
    package static func string(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }

    /// A time as an ISO-8601 string (`Timestamp.format`).
    package static func timestamp(_ micros: Int64) -> JSONValue { .string(Timestamp.format(micros)) }
}

extension JSONWriter {
    package mutating func write(_ value: JSONValue) {
        switch value {
        case .null: bytes.append(contentsOf: Array("null".utf8))
        case .bool(let b): bytes.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .number(let n): bytes.append(contentsOf: Array(n.utf8))
        case .string(let s): write(string: s)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(string: member.0)
                bytes.append(UInt8(ascii: ":"))
                write(member.1)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}
