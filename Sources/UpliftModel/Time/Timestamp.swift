#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsing of wire timestamps into microseconds since the Unix epoch (UTC).
package enum Timestamp {
    /// The wall-clock time now, in microseconds since the Unix epoch.
    package static func now() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec / 1000)
    }

    /// A duration in whole microseconds (truncated), the unit of every stored time.
    package static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    /// The one ISO-8601 writer: `YYYY-MM-DDThh:mm:ss.ffffffZ` in UTC, with the microseconds only
    /// when there are some (`fraction: false` truncates to whole seconds: `YYYY-MM-DDThh:mm:ssZ`).
    /// `parse(_:)` reads every form it writes.
    package static func format(_ t: Int64, fraction: Bool = true) -> String {
        let day = UTCDay(microseconds: t)
        let microsOfDay = t - day.startMicroseconds
        let seconds = microsOfDay / 1_000_000
        let micros = microsOfDay % 1_000_000
        func padded(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var text = "\(day)T\(padded(seconds / 3600, 2)):\(padded(seconds / 60 % 60, 2)):\(padded(seconds % 60, 2))"
        if fraction, micros != 0 { text += "." + padded(micros, 6) }
        return text + "Z"
    }

    /// `YYYY-MM-DDThh:mm:ssZ` (UTC, whole seconds, truncated).
    package static func formatSeconds(_ t: Int64) -> String { format(t, fraction: false) }

    /// `YYYY-MM-DDThh:mm:ssZ` of a time in seconds since the epoch (Foundation's
    /// `Date.timeIntervalSince1970`), truncated to whole seconds.
    package static func formatSeconds(epochSeconds: Double) -> String {
        formatSeconds(Int64((epochSeconds * 1_000_000).rounded(.down)))
    }

    /// Accepts RFC 3339 / ISO 8601: `YYYY-MM-DD`, optionally followed by `T` (or `t` or a space)
    /// `hh:mm`, optional `:ss`, an optional fraction of 1–9 digits (truncated to µs), and an
    /// optional `Z`/`z` or `±hh:mm` / `±hhmm` / `±hh` offset (none means UTC). A date alone is
    /// midnight UTC. Returns nil for anything else, including impossible dates such as Feb 30.
    package static func parse(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Epoch seconds or milliseconds, as PostHog accepts: magnitudes of 1e11 or more are taken
    /// as milliseconds (1e11 seconds would be the year 5138), smaller ones as seconds.
    package static func fromEpoch(_ value: Double) -> Int64? {
        guard value.isFinite else { return nil }
        let micros = abs(value) >= 1e11 ? value * 1_000 : value * 1_000_000
        guard abs(micros) <= Double(maxMicros) else { return nil }
        return Int64(micros)  // truncates toward zero
    }

    /// Year 9999's end: nothing later is a plausible event time, and the bound keeps arithmetic
    /// on corrected times far from overflow.
    static let maxMicros: Int64 = 253_402_300_800_000_000

    /// Byte-level form of `parse(_:)`.
    package static func parse(_ s: UnsafeRawBufferPointer) -> Int64? {
        let n = s.count
        guard n >= 10 else { return nil }
        @inline(__always) func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= n else { return nil }
            var v = 0
            for i in at..<at + count {
                let d = s[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard let year = digits(0, 4), s[4] == UInt8(ascii: "-"), let month = digits(5, 2),
            s[7] == UInt8(ascii: "-"), let day = digits(8, 2),
            let date = UTCDay(year: year, month: month, day: day)
        else { return nil }
        var micros = date.startMicroseconds
        if n == 10 { return micros }

        let sep = s[10]
        guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || sep == UInt8(ascii: " "),
            let hour = digits(11, 2), n > 13, s[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
            hour <= 23, minute <= 59
        else { return nil }
        var i = 16
        var second = 0
        if i < n, s[i] == UInt8(ascii: ":") {
            guard let sec = digits(i + 1, 2), sec <= 60 else { return nil }  // 60: leap second
            second = sec
            i += 3
            if i < n, s[i] == UInt8(ascii: ".") || s[i] == UInt8(ascii: ",") {
                i += 1
                var fraction = 0
                var count = 0
                while i < n, s[i] &- UInt8(ascii: "0") < 10 {
                    count += 1
                    guard count <= 9 else { return nil }
                    if count <= 6 { fraction = fraction * 10 + Int(s[i] &- UInt8(ascii: "0")) }
                    i += 1
                }
                guard count > 0 else { return nil }
                for _ in count..<max(count, 6) { fraction *= 10 }
                micros += Int64(fraction)
            }
        }
        micros += Int64(hour * 3600 + minute * 60 + second) * 1_000_000
        guard i < n else { return micros }

        switch s[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            return i + 1 == n ? micros : nil
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign: Int64 = s[i] == UInt8(ascii: "+") ? 1 : -1
            guard let oh = digits(i + 1, 2), oh <= 23 else { return nil }
            var om = 0
            let rest = n - (i + 3)
            if rest == 3, s[i + 3] == UInt8(ascii: ":"), let m = digits(i + 4, 2) {
                om = m
            } else if rest == 2, let m = digits(i + 3, 2) {
                om = m
            } else if rest != 0 {
                return nil
            }
            guard om <= 59 else { return nil }
            // The local time is ahead of UTC by the offset, so subtract it.
            return micros - sign * Int64(oh * 3600 + om * 60) * 1_000_000
        default:
            return nil
        }
    }

}
