/// A strict RFC 8259 parser producing a `JSONTape`.
///
/// Strict means: exactly one value with only whitespace around it, no leading zeros, no NaN or
/// Infinity, no unescaped control characters, only the eight short escapes and `\uXXXX` with paired
/// surrogates, and well-formed UTF-8 (no overlongs, no encoded surrogates, nothing past U+10FFFF).
/// Nesting deeper than `maxDepth` is refused before it can cost stack or memory.
package struct JSONParser {
    let base: UnsafePointer<UInt8>
    let count: Int
    let maxDepth: Int
    var pos = 0
    /// Whitespace bytes skipped so far: a container is compact when this does not change inside it.
    var whitespace = 0
    var deepest = 0
    var entries: [JSONEntry] = []

    /// Parses `bytes` as one JSON text.
    package static func parse(
        _ bytes: UnsafeRawBufferPointer, maxDepth: Int = 32
    ) throws(UpliftError) -> JSONTape {
        guard let raw = bytes.baseAddress, bytes.count > 0 else {
            throw UpliftError(.invalidJSON, "the input is empty; send one JSON value")
        }
        guard bytes.count < Int(UInt32.max) else {
            throw UpliftError(.invalidJSON, "the input is larger than 4 GiB")
        }
        var parser = JSONParser(
            base: raw.assumingMemoryBound(to: UInt8.self), count: bytes.count, maxDepth: maxDepth)
        parser.entries.reserveCapacity(bytes.count / 12 + 4)
        try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.pos != parser.count {
            throw parser.error("trailing characters after the JSON value; send exactly one value per text")
        }
        return JSONTape(entries: parser.entries, deepest: parser.deepest)
    }

    /// Parses the bytes of an array (convenience for tests and tools).
    package static func parse(_ bytes: [UInt8], maxDepth: Int = 32) throws(UpliftError) -> JSONTape {
        do {
            return try bytes.withUnsafeBytes { try parse($0, maxDepth: maxDepth) }
        } catch let error as UpliftError {
            throw error
        } catch {
            throw UpliftError(.invalidJSON, "unexpected failure")
        }
    }

    /// A refusal at the current byte: `.invalidJSON`, `.invalidUTF8` or `.nestingTooDeep`.
    func error(_ message: String, _ code: UpliftError.Code = .invalidJSON) -> UpliftError {
        UpliftError(code, "\(message) (at byte \(pos))")
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < count {
            let c = base[pos]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            pos += 1
            whitespace += 1
        }
    }

    mutating func parseValue(depth: Int) throws(UpliftError) {
        skipWhitespace()
        guard pos < count else { throw error("unexpected end of input; a value is missing") }
        switch base[pos] {
        case UInt8(ascii: "{"): try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"): try parseLiteral("true", .true)
        case UInt8(ascii: "f"): try parseLiteral("false", .false)
        case UInt8(ascii: "n"): try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        case let c:
            if c >= 0x80 {
                throw error("unexpected non-ASCII byte outside a string")
            }
            throw error("unexpected character '\(Unicode.Scalar(c))' where a value should start")
        }
    }

    mutating func beginContainer(_ kind: JSONKind, depth: Int) throws(UpliftError) -> (Int, Int) {
        if depth > maxDepth {
            throw error("nesting deeper than \(maxDepth) levels; flatten the data", .nestingTooDeep)
        }
        if depth > deepest { deepest = depth }
        let index = entries.count
        entries.append(JSONEntry(kind: kind, flag: false, start: UInt32(pos), end: 0, next: 0, count: 0))
        pos += 1
        return (index, whitespace)
    }

    mutating func endContainer(_ index: Int, whitespaceBefore: Int, count members: UInt32) {
        entries[index].end = UInt32(pos)
        entries[index].next = UInt32(entries.count)
        entries[index].count = members
        entries[index].flag = whitespace == whitespaceBefore
    }

    mutating func parseObject(depth: Int) throws(UpliftError) {
        let (index, ws) = try beginContainer(.object, depth: depth)
        var members: UInt32 = 0
        skipWhitespace()
        if pos < count, base[pos] == UInt8(ascii: "}") {
            pos += 1
            endContainer(index, whitespaceBefore: ws, count: 0)
            return
        }
        while true {
            skipWhitespace()
            guard pos < count, base[pos] == UInt8(ascii: "\"") else {
                throw error("expected a double-quoted member name in an object")
            }
            try parseString()
            skipWhitespace()
            guard pos < count, base[pos] == UInt8(ascii: ":") else {
                throw error("expected ':' after a member name")
            }
            pos += 1
            try parseValue(depth: depth)
            members += 1
            skipWhitespace()
            guard pos < count else { throw error("unexpected end of input inside an object") }
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "}") { break }
            pos -= 1
            throw error("expected ',' or '}' after an object member")
        }
        endContainer(index, whitespaceBefore: ws, count: members)
    }

    mutating func parseArray(depth: Int) throws(UpliftError) {
        let (index, ws) = try beginContainer(.array, depth: depth)
        var elements: UInt32 = 0
        skipWhitespace()
        if pos < count, base[pos] == UInt8(ascii: "]") {
            pos += 1
            endContainer(index, whitespaceBefore: ws, count: 0)
            return
        }
        while true {
            try parseValue(depth: depth)
            elements += 1
            skipWhitespace()
            guard pos < count else { throw error("unexpected end of input inside an array") }
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "]") { break }
            pos -= 1
            throw error("expected ',' or ']' after an array element")
        }
        endContainer(index, whitespaceBefore: ws, count: elements)
    }

    mutating func parseLiteral(_ word: StaticString, _ kind: JSONKind) throws(UpliftError) {
        let n = word.utf8CodeUnitCount
        let start = pos
        guard count - pos >= n else { throw error("unexpected end of input in a literal") }
        let w = word.utf8Start
        for i in 0..<n where base[pos + i] != w[i] {
            throw error("invalid literal; only true, false and null are allowed")
        }
        pos += n
        entries.append(
            JSONEntry(
                kind: kind, flag: false, start: UInt32(start), end: UInt32(pos),
                next: UInt32(entries.count + 1), count: 0))
    }

    mutating func parseNumber() throws(UpliftError) {
        let start = pos
        if base[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < count else { throw error("a number ends after '-'") }
        if base[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < count, isDigit(base[pos]) { throw error("numbers must not have leading zeros") }
        } else if isDigit(base[pos]) {
            while pos < count, isDigit(base[pos]) { pos += 1 }
        } else {
            throw error("a number must have digits after '-'")
        }
        if pos < count, base[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < count, isDigit(base[pos]) else { throw error("a number needs digits after '.'") }
            while pos < count, isDigit(base[pos]) { pos += 1 }
        }
        if pos < count, base[pos] | 0x20 == UInt8(ascii: "e") {
            pos += 1
            if pos < count, base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < count, isDigit(base[pos]) else { throw error("a number needs digits in its exponent") }
            while pos < count, isDigit(base[pos]) { pos += 1 }
        }
        entries.append(
            JSONEntry(
                kind: .number, flag: false, start: UInt32(start), end: UInt32(pos),
                next: UInt32(entries.count + 1), count: 0))
    }

    @inline(__always)
    func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }
}
