/// The one JSON writer: compact JSON (no whitespace) straight into bytes, from tape values, Swift
/// strings and numbers, `JSONValue`s, or nested `object`/`array`/`member` calls (no intermediate
/// dictionaries: responses are on the hot path of every ingestion request).
///
/// Strings and numbers from a tape are copied as they were sent (escapes included): the parser has
/// already validated them, so the copy is valid JSON that decodes to the same values.
package struct JSONWriter {
    package var bytes: [UInt8] = []
    /// What to leave out of tape values written from here on (credentials that must not be stored).
    package var redaction: JSONRedaction?
    /// Per open `object`/`array`: whether the next member or element needs a comma before it.
    private var needsComma: [Bool] = []

    package init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// A value to write as an extra object member.
    package enum Value {
        case entry(Int)
        case string(String)
    }

    /// Writes one tape value compactly. A container parsed without inner whitespace is one copy.
    package mutating func write(_ view: JSONView, _ index: Int) {
        let e = view[index]
        switch e.kind {
        case .string:
            if let redaction, redaction.isSecret(view, index) {
                write(string: redaction.placeholder)
                return
            }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: view.raw(index))
            bytes.append(UInt8(ascii: "\""))
        case .null, .true, .false, .number:
            bytes.append(contentsOf: view.raw(index))
        case .array, .object:
            if e.flag, redaction == nil {
                bytes.append(contentsOf: view.raw(index))
                return
            }
            let isObject = e.kind == .object
            bytes.append(isObject ? UInt8(ascii: "{") : UInt8(ascii: "["))
            var i = index + 1
            var first = true
            while i < Int(e.next) {
                if isObject, let redaction, redaction.drops(view, i) {
                    i = Int(view[i + 1].next)
                    continue
                }
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                if isObject {
                    write(view, i)
                    bytes.append(UInt8(ascii: ":"))
                    i += 1
                }
                write(view, i)
                i = Int(view[i].next)
            }
            bytes.append(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }
    }

    /// Writes a Swift string as a JSON string, escaping what RFC 8259 requires.
    package mutating func write(string: String) {
        bytes.append(UInt8(ascii: "\""))
        Self.appendEscaped(string.utf8, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A string's bytes escaped as every JSON string Uplift writes escapes them, without the quotes.
    package static func appendEscaped(_ string: some Sequence<UInt8>, to out: inout [UInt8]) {
        for c in string {
            switch c {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case ..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
            default: out.append(c)
            }
        }
    }

    /// Writes one object made of several sources, later ones winning on equal member names:
    /// the members of each object in `objects` (nil entries skipped), then `extras`.
    package mutating func writeMerged(
        _ view: JSONView, objects: [Int?], extras: [(key: String, value: Value)] = []
    ) {
        let sources = objects.compactMap { $0 }
        if extras.isEmpty, sources.count <= 1 {
            if let only = sources.first { write(view, only) } else { bytes.append(contentsOf: [0x7B, 0x7D]) }
            return
        }
        // Names that a later source overrides; only decoded when there is something to merge.
        var laterNames: [Set<String>] = Array(repeating: [], count: sources.count)
        var seen = Set(extras.map(\.key))
        for (n, object) in sources.enumerated().reversed() {
            laterNames[n] = seen
            view.forEachMember(object) { key, _ in
                seen.insert(view.string(key) ?? "")
                return true
            }
        }
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for (n, object) in sources.enumerated() {
            view.forEachMember(object) { key, value in
                if !laterNames[n].isEmpty, laterNames[n].contains(view.string(key) ?? "") { return true }
                if let redaction, redaction.drops(view, key) { return true }
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                write(view, key)
                bytes.append(UInt8(ascii: ":"))
                write(view, value)
                return true
            }
        }
        for extra in extras {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            write(string: extra.key)
            bytes.append(UInt8(ascii: ":"))
            switch extra.value {
            case .entry(let index): write(view, index)
            case .string(let s): write(string: s)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// The written text as a String (the bytes are valid UTF-8 by construction).
    package var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// What a writer leaves out of the tape values it copies: object members by name, and string values
/// that `isSecret` picks, which become `placeholder`.
package struct JSONRedaction {
    package var memberNames: Set<String>
    package var placeholder: String
    package var isSecret: (JSONView, Int) -> Bool

    package init(memberNames: Set<String>, placeholder: String, isSecret: @escaping (JSONView, Int) -> Bool) {
        self.memberNames = memberNames
        self.placeholder = placeholder
        self.isSecret = isSecret
    }

    /// Whether the member whose name is the string entry `key` is left out.
    func drops(_ view: JSONView, _ key: Int) -> Bool { memberNames.contains(view.string(key) ?? "") }
}

// Building a document member by member.
extension JSONWriter {
    package mutating func object(_ body: (inout JSONWriter) -> Void) {
        container(open: "{", close: "}", body)
    }

    package mutating func array(_ body: (inout JSONWriter) -> Void) {
        container(open: "[", close: "]", body)
    }

    package mutating func member(_ key: String, _ value: String) {
        writeKey(key)
        write(string: value)
    }

    package mutating func member(_ key: String, _ value: Int) {
        writeKey(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A finite double as its shortest round-trip text; NaN and infinities as null.
    package mutating func member(_ key: String, _ value: Double) {
        writeKey(key)
        bytes.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
    }

    package mutating func member(_ key: String, _ value: Bool) {
        writeKey(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    package mutating func member(_ key: String, _ value: (inout JSONWriter) -> Void) {
        writeKey(key)
        needsComma.append(false)
        value(&self)
        needsComma.removeLast()
    }

    package mutating func element(_ value: (inout JSONWriter) -> Void) {
        comma()
        needsComma.append(false)
        value(&self)
        needsComma.removeLast()
    }

    private mutating func container(open: Unicode.Scalar, close: Unicode.Scalar, _ body: (inout JSONWriter) -> Void) {
        bytes.append(UInt8(ascii: open))
        needsComma.append(false)
        body(&self)
        needsComma.removeLast()
        bytes.append(UInt8(ascii: close))
    }

    private mutating func writeKey(_ key: String) {
        comma()
        write(string: key)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func comma() {
        guard let last = needsComma.indices.last else { return }
        if needsComma[last] { bytes.append(UInt8(ascii: ",")) }
        needsComma[last] = true
    }
}
