/// Read access to a tape together with the bytes it was parsed from.
///
/// A view borrows the bytes: it must not outlive the `withUnsafeBytes` scope that produced them.
/// That is what lets the hot path read member names and ids straight from the input.
package struct JSONView {
    package let bytes: UnsafeRawBufferPointer
    package let tape: JSONTape

    package init(bytes: UnsafeRawBufferPointer, tape: JSONTape) {
        self.bytes = bytes
        self.tape = tape
    }

    @inline(__always)
    package subscript(_ index: Int) -> JSONEntry { tape.entries[index] }

    @inline(__always)
    package func kind(_ index: Int) -> JSONKind { tape.entries[index].kind }

    /// The raw bytes of a value (for strings: between the quotes, escapes undecoded).
    @inline(__always)
    package func raw(_ index: Int) -> UnsafeRawBufferPointer {
        let e = tape.entries[index]
        return UnsafeRawBufferPointer(rebasing: bytes[Int(e.start)..<Int(e.end)])
    }

    /// Visits the members of an object as (key entry, value entry) until `body` returns false.
    @inline(__always)
    package func forEachMember(_ object: Int, _ body: (Int, Int) -> Bool) {
        let e = tape.entries[object]
        guard e.kind == .object else { return }
        var i = object + 1
        let end = Int(e.next)
        while i < end {
            let value = i + 1
            if !body(i, value) { return }
            i = Int(tape.entries[value].next)
        }
    }

    /// Visits the elements of an array in order.
    @inline(__always)
    package func forEachElement(_ array: Int, _ body: (Int) -> Void) {
        let e = tape.entries[array]
        guard e.kind == .array else { return }
        var i = array + 1
        let end = Int(e.next)
        while i < end {
            body(i)
            i = Int(tape.entries[i].next)
        }
    }

    /// Whether a string entry equals `name`, decoding escapes only when the entry has some.
    @inline(__always)
    package func stringEquals(_ index: Int, _ name: StaticString) -> Bool {
        let e = tape.entries[index]
        let n = name.utf8CodeUnitCount
        if e.flag { return string(index) == name.description }
        guard Int(e.end - e.start) == n else { return false }
        let p = name.utf8Start
        for i in 0..<n where bytes[Int(e.start) + i] != p[i] { return false }
        return true
    }

    /// The member of `object` named `name` (the last one when a name repeats, as most parsers do).
    package func member(_ object: Int, _ name: StaticString) -> Int? {
        var found: Int?
        forEachMember(object) { key, value in
            if stringEquals(key, name) { found = value }
            return true
        }
        return found
    }

    /// The decoded text of a string entry, or nil for other kinds.
    package func string(_ index: Int) -> String? {
        let e = tape.entries[index]
        guard e.kind == .string else { return nil }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[Int(e.start)..<Int(e.end)])
        if !e.flag { return String(decoding: slice, as: UTF8.self) }
        return String(decoding: JSONView.unescape(slice), as: UTF8.self)
    }

    /// The length in bytes of a string entry's decoded text.
    package func stringByteCount(_ index: Int) -> Int {
        let e = tape.entries[index]
        if !e.flag { return Int(e.end - e.start) }
        return JSONView.unescape(raw(index)).count
    }

    /// Decodes the escapes of an already validated string body into UTF-8 bytes.
    package static func unescape(_ s: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            let c = s[i]
            guard c == UInt8(ascii: "\\"), i + 1 < s.count else {
                out.append(c)
                i += 1
                continue
            }
            let e = s[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(hex4(s, i))
                i += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF && i + 6 <= s.count {
                    let low = UInt32(hex4(s, i + 2))
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                appendUTF8(scalar, to: &out)
            default: out.append(e)
            }
        }
        return out
    }

    static func hex4(_ s: UnsafeRawBufferPointer, _ at: Int) -> UInt16 {
        var v: UInt16 = 0
        for k in 0..<4 where at + k < s.count {
            v = v << 4 | UInt16(JSONParser.hexValue(s[at + k]) ?? 0)
        }
        return v
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            out.append(UInt8(scalar))
        case ..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// The greatest nesting depth inside a value (a scalar is 0, `{}` is 1).
    package func depth(_ index: Int) -> Int {
        let e = tape.entries[index]
        guard e.kind == .object || e.kind == .array else { return 0 }
        var deepest = 0
        var i = index + 1
        while i < Int(e.next) {
            deepest = max(deepest, depth(i))
            i = Int(tape.entries[i].next)
        }
        return deepest + 1
    }

    /// The value of a number entry as a Double, or nil for other kinds.
    package func double(_ index: Int) -> Double? {
        guard kind(index) == .number else { return nil }
        return Double(String(decoding: raw(index), as: UTF8.self))
    }
}
