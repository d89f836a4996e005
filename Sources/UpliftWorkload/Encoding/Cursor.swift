import UpliftModel

/// Writes a line into scratch memory the encoder sized for the longest possible line: the hot
/// path of the generator, so no String, no Array growth checks, no reference counting.
package struct Cursor {
    package var position: UnsafeMutablePointer<UInt8>
    private let arena: UnsafePointer<UInt8>

    package init(_ position: UnsafeMutablePointer<UInt8>, arena: UnsafePointer<UInt8>) {
        self.position = position
        self.arena = arena
    }

    @inline(__always)
    package mutating func byte(_ value: UInt8) {
        position.pointee = value
        position += 1
    }

    /// Copies a piece of the lexicon.
    @inline(__always)
    package mutating func span(_ span: Span) {
        position.update(from: arena + span.start, count: span.count)
        position += span.count
    }

    /// A non-negative integer in decimal.
    @inline(__always)
    package mutating func decimal(_ value: Int) {
        var v = value.magnitude
        var digits = 1
        var probe = v
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        var p = position + digits
        position = p
        repeat {
            p -= 1
            p.pointee = UInt8(truncatingIfNeeded: 48 &+ v % 10)
            v /= 10
        } while v > 0
    }

    /// `count` lowercase hex digits of `value`, most significant first.
    @inline(__always)
    package mutating func hex(_ value: UInt64, digits count: Int) {
        var shift = UInt64((count - 1) * 4)
        for _ in 0..<count {
            let nibble = (value >> shift) & 0xF
            position.pointee =
                nibble < 10 ? UInt8(truncatingIfNeeded: 48 &+ nibble) : UInt8(truncatingIfNeeded: 87 &+ nibble)
            position += 1
            shift &-= 4
        }
    }

    /// `"` + a version-4-layout UUID + `"`. `hi`'s bits 12...15 are overwritten by the version,
    /// so callers keep them in `lo`'s low nibble to stay unique.
    @inline(__always)
    package mutating func uuid(hi: UInt64, lo: UInt64) {
        let h = (hi & ~0xF000) | 0x4000
        let l = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        byte(34)
        hex(h >> 32, digits: 8)
        byte(45)
        hex(h >> 16, digits: 4)
        byte(45)
        hex(h, digits: 4)
        byte(45)
        hex(l >> 48, digits: 4)
        byte(45)
        hex(l, digits: 12)
        byte(34)
    }

    /// Two decimal digits of 0...99.
    @inline(__always)
    package mutating func twoDigits(_ value: Int) {
        position[0] = UInt8(truncatingIfNeeded: 48 + value / 10)
        position[1] = UInt8(truncatingIfNeeded: 48 + value % 10)
        position += 2
    }
}

/// Formats ISO-8601 UTC timestamps with milliseconds, caching the calendar date because the
/// three timestamps of a line (and most consecutive lines) share it.
package struct TimestampFormatter: Sendable {
    private var cachedDay: Int64 = .min
    private var year = 0, month = 0, day = 0

    package init() {}

    /// Writes `"YYYY-MM-DDTHH:MM:SS.mmmZ"` (with the quotes).
    @inline(__always)
    package mutating func write(_ ms: Int64, to c: inout Cursor) {
        var dayNumber = ms / 86_400_000
        var rem = ms - dayNumber * 86_400_000
        if rem < 0 {
            dayNumber -= 1
            rem += 86_400_000
        }
        if dayNumber != cachedDay {
            cachedDay = dayNumber
            let date = UTCDay(daysSinceEpoch: dayNumber).components
            year = min(max(date.year, 0), 9999)
            month = date.month
            day = date.day
        }
        c.byte(34)
        c.twoDigits(year / 100)
        c.twoDigits(year % 100)
        c.byte(45)
        c.twoDigits(month)
        c.byte(45)
        c.twoDigits(day)
        c.byte(84)
        let seconds = Int(rem / 1000)
        let millis = Int(rem % 1000)
        c.twoDigits(seconds / 3600)
        c.byte(58)
        c.twoDigits((seconds / 60) % 60)
        c.byte(58)
        c.twoDigits(seconds % 60)
        c.byte(46)
        c.byte(UInt8(truncatingIfNeeded: 48 + millis / 100))
        c.twoDigits(millis % 100)
        c.byte(90)
        c.byte(34)
    }
}

extension Cursor {
    /// Renders into a fresh array (tests and one-off formatting, not the hot path).
    package static func render(capacity: Int = 256, _ body: (inout Cursor) -> Void) -> [UInt8] {
        let arena: [UInt8] = [0]
        return arena.withUnsafeBufferPointer { arenaBuffer in
            [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                guard let base = buffer.baseAddress, let arenaBase = arenaBuffer.baseAddress else { return }
                var cursor = Cursor(base, arena: arenaBase)
                body(&cursor)
                count = cursor.position - base
            }
        }
    }
}
