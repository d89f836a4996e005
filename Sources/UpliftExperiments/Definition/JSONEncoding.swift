import UpliftAnalysis
import UpliftModel

/// Small builders for the `json` documents of definitions, so that every type writes its wire form
/// the same way (snake_case keys, absent optionals left out).
enum JSONEncoding {
    static func number(_ d: Double) -> JSONValue {
        if d == d.rounded(), abs(d) < 1e15 { return .number(String(Int64(d))) }
        return .number("\(d)")
    }

    static func number(_ n: Int) -> JSONValue { .number(String(n)) }

    /// A filter in the object form `{"property","op","value"}` that `FieldReader.filters` reads back.
    static func filter(_ f: PropertyFilter) -> JSONValue {
        var members: [(String, JSONValue)] = [("property", .string(f.property.description)), ("op", .string(f.op.rawValue))]
        switch f.values.count {
        case 0: break
        case 1: members.append(("value", .string(f.values[0])))
        default: members.append(("value", .array(f.values.map(JSONValue.string))))
        }
        return .object(members)
    }

    static func filters(_ list: [PropertyFilter]) -> JSONValue { .array(list.map(filter)) }

    /// `2026-03-01T09:00:00Z`, with microseconds only when there are some.
    static func timestamp(_ micros: Int64) -> JSONValue {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (y, m, d) = civil(fromDays: Int(days))
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        var text = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if fraction != 0 { text += "." + pad(Int(fraction), 6) }
        return .string(text + "Z")
    }

    /// Howard Hinnant's civil_from_days: the proleptic Gregorian date of a day count since 1970-01-01.
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
