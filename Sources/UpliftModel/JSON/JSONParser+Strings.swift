extension JSONParser {
    /// Scans a string starting at its opening quote, validating escapes and UTF-8.
    ///
    /// Plain ASCII is skipped eight bytes at a time: a word is only looked at byte by byte when it
    /// holds a quote, a backslash, a control character or a non-ASCII byte.
    mutating func parseString() throws(UpliftError) {
        pos += 1
        let start = pos
        var escaped = false
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = ones &* 0x22
        let backslashes = ones &* 0x5C
        let spaces = ones &* 0x20
        let raw = UnsafeRawPointer(base)
        while true {
            while pos &+ 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: pos, as: UInt64.self)
                let q = word ^ quotes
                let b = word ^ backslashes
                let special = ((q &- ones) & ~q) | ((b &- ones) & ~b) | (word &- spaces) | word
                if special & highs != 0 { break }
                pos &+= 8
            }
            guard pos < count else { throw error("unterminated string; a closing '\"' is missing") }
            let c = base[pos]
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") {
                escaped = true
                try scanEscape()
            } else if c < 0x20 {
                throw error("control character 0x\(hex(c)) inside a string; escape it as \\u00XX")
            } else if c < 0x80 {
                pos &+= 1
            } else {
                try scanUTF8Sequence(lead: c)
            }
        }
        entries.append(
            JSONEntry(
                kind: .string, flag: escaped, start: UInt32(start), end: UInt32(pos),
                next: UInt32(entries.count + 1), count: 0))
        pos += 1
    }

    mutating func scanEscape() throws(UpliftError) {
        guard pos + 1 < count else { throw error("unterminated escape sequence") }
        switch base[pos + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            pos += 2
        case UInt8(ascii: "u"):
            let unit = try hex4(at: pos + 2)
            pos += 6
            if unit >= 0xDC00 && unit <= 0xDFFF {
                pos -= 6
                throw error("unpaired low surrogate \\u\(hex16(unit)) in a string")
            }
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard pos + 1 < count, base[pos] == UInt8(ascii: "\\"), base[pos + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired high surrogate \\u\(hex16(unit)); it must be followed by a low surrogate")
                }
                let low = try hex4(at: pos + 2)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw error("high surrogate \\u\(hex16(unit)) followed by \\u\(hex16(low)), not a low surrogate")
                }
                pos += 6
            }
        default:
            pos += 1
            throw error("invalid escape sequence; allowed are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
        }
    }

    func hex4(at offset: Int) throws(UpliftError) -> UInt16 {
        guard offset + 4 <= count else { throw error("truncated \\u escape; it needs four hex digits") }
        var value: UInt16 = 0
        for i in 0..<4 {
            guard let digit = JSONParser.hexValue(base[offset + i]) else {
                throw error("invalid \\u escape; it needs four hex digits")
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Validates one multi-byte UTF-8 sequence (Unicode table 3-7) and steps over it.
    mutating func scanUTF8Sequence(lead: UInt8) throws(UpliftError) {
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default:
            throw error("invalid UTF-8: byte 0x\(hex(lead)) cannot start a character; send UTF-8 text", .invalidUTF8)
        }
        guard pos + length <= count else {
            throw error("invalid UTF-8: a multi-byte character is truncated", .invalidUTF8)
        }
        let second = base[pos + 1]
        guard second >= low && second <= high else {
            throw error("invalid UTF-8: bad continuation byte 0x\(hex(second)); send UTF-8 text", .invalidUTF8)
        }
        for i in 2..<length where base[pos + i] & 0xC0 != 0x80 {
            throw error("invalid UTF-8: bad continuation byte 0x\(hex(base[pos + i])); send UTF-8 text", .invalidUTF8)
        }
        pos += length
    }

    func hex(_ c: UInt8) -> String {
        let s = String(c, radix: 16, uppercase: true)
        return s.count == 1 ? "0" + s : s
    }

    func hex16(_ v: UInt16) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - s.count) + s
    }
}
