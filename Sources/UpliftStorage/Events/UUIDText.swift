/// The text form of UUID event ids: which ids a segment stores in 16 bytes, and their text again.
///
/// Only the lower-case canonical form (8-4-4-4-12 hex digits, as RFC 9562 prints it and as DuckDB,
/// Python and Java print a UUID) is stored as 16 bytes: it is the one text every engine rebuilds from
/// the bytes, so the id reads back byte for byte. Upper-case or braced ids stay text.
package enum UUIDText {
    /// The 16 bytes of `text` when it is a lower-case canonical UUID, written to `out`; false otherwise.
    @inline(__always)
    package static func parse(_ text: UnsafeRawBufferPointer, into out: inout [UInt8]) -> Bool {
        guard text.count == 36, text[8] == dash, text[13] == dash, text[18] == dash, text[23] == dash else {
            return false
        }
        var bytes: (UInt64, UInt64) = (0, 0)
        var nibbles = 0
        for i in 0..<36 where i != 8 && i != 13 && i != 18 && i != 23 {
            let c = text[i]
            let v: UInt8
            switch c {
            case 0x30...0x39: v = c &- 0x30
            case 0x61...0x66: v = c &- 0x61 &+ 10
            default: return false
            }
            if nibbles < 16 {
                bytes.0 = bytes.0 << 4 | UInt64(v)
            } else {
                bytes.1 = bytes.1 << 4 | UInt64(v)
            }
            nibbles += 1
        }
        withUnsafeBytes(of: bytes.0.bigEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: bytes.1.bigEndian) { out.append(contentsOf: $0) }
        return true
    }

    /// Appends the lower-case canonical text of the 16 `bytes`.
    @inline(__always)
    package static func format(_ bytes: some Collection<UInt8>, into out: inout [UInt8]) {
        var i = 0
        for byte in bytes {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(dash) }
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0f)])
            i += 1
        }
    }

    private static let dash = UInt8(ascii: "-")
    private static let hex = Array("0123456789abcdef".utf8)
}
