/// Appends JSON fragments straight into a byte buffer: the hot path of the generator, so no
/// String, no interpolation, no Foundation.
package struct ByteWriter {
    /// The day whose "YYYY-MM-DDT" prefix is cached: three timestamps per line share it.
    private var cachedDay: Int64 = .min
    private var datePrefix: [UInt8] = []

    package init() {}

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `"` + an ISO-8601 UTC time with milliseconds + `"`.
    @inline(__always)
    package mutating func appendTimestamp(_ ms: Int64, to out: inout [UInt8]) {
        var day = ms / 86_400_000
        var rem = ms - day * 86_400_000
        if rem < 0 { day -= 1; rem += 86_400_000 }
        if day != cachedDay { cacheDay(day) }
        out.append(34)
        out.append(contentsOf: datePrefix)
        let seconds = Int(rem / 1000)
        let millis = Int(rem % 1000)
        let hour = seconds / 3600
        let minute = (seconds / 60) % 60
        let second = seconds % 60
        out.append(UInt8(48 + hour / 10)); out.append(UInt8(48 + hour % 10)); out.append(58)
        out.append(UInt8(48 + minute / 10)); out.append(UInt8(48 + minute % 10)); out.append(58)
        out.append(UInt8(48 + second / 10)); out.append(UInt8(48 + second % 10)); out.append(46)
        out.append(UInt8(48 + millis / 100)); out.append(UInt8(48 + (millis / 10) % 10))
        out.append(UInt8(48 + millis % 10)); out.append(90); out.append(34)
    }

    private mutating func cacheDay(_ day: Int64) {
        cachedDay = day
        let (y, m, d) = CivilDate.civil(fromDays: day)
        let year = min(max(y, 0), 9999)
        datePrefix = [
            UInt8(48 + year / 1000), UInt8(48 + (year / 100) % 10), UInt8(48 + (year / 10) % 10),
            UInt8(48 + year % 10), 45, UInt8(48 + m / 10), UInt8(48 + m % 10), 45,
            UInt8(48 + d / 10), UInt8(48 + d % 10), 84,
        ]
    }

    /// Appends a non-negative integer in decimal.
    @inline(__always)
    package static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 10 { out.append(UInt8(48 + value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while v > 0 {
                raw[19 - count] = UInt8(48 + v % 10)
                v /= 10
                count += 1
            }
            out.append(contentsOf: raw[(20 - count)...])
        }
    }

    /// Appends `count` lowercase hex digits of `value`, most significant first.
    @inline(__always)
    package static func appendHex(_ value: UInt64, digits count: Int, to out: inout [UInt8]) {
        var shift = (count - 1) * 4
        while shift >= 0 {
            out.append(hex[Int((value >> UInt64(shift)) & 0xF)])
            shift -= 4
        }
    }

    /// Appends `"` + a version-4-layout UUID + `"`. `hi`'s bits 12...15 are overwritten by the
    /// version, so callers keep them in `lo`'s low nibble to stay unique (see `EventIDs`).
    @inline(__always)
    package static func appendUUID(hi: UInt64, lo: UInt64, to out: inout [UInt8]) {
        let h = (hi & ~0xF000) | 0x4000
        let l = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        out.append(34)
        appendHex(h >> 32, digits: 8, to: &out); out.append(45)
        appendHex(h >> 16, digits: 4, to: &out); out.append(45)
        appendHex(h, digits: 4, to: &out); out.append(45)
        appendHex(l >> 48, digits: 4, to: &out); out.append(45)
        appendHex(l, digits: 12, to: &out)
        out.append(34)
    }
}
