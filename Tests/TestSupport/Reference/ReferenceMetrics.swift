import Foundation
import UpliftAnalysis
import UpliftModel

/// The naive reference for trends, adoption, retention, lifecycle and feedback: plain arrays of
/// events, a links map, and the definitions written out literally (for each point, for each
/// person, scan every event). Slow and obviously correct; shares no algorithm with the engine.
package enum ReferenceMetrics {
    static let bookkeeping: Set<String> = ["$identify", "$create_alias", "$groupidentify"]

    static func person(_ e: Event, _ links: [String: String]) -> String { links[e.distinctID] ?? e.distinctID }

    static func value(_ e: Event, _ ref: PropertyRef) -> PropertyValue {
        PropertyReader(ref).value(in: ref.source == .context ? e.context : e.properties)
    }

    static func text(_ e: Event, _ ref: PropertyRef) -> String? {
        if case .value(let text, _) = value(e, ref) { return text }
        return nil
    }

    static func number(_ e: Event, _ ref: PropertyRef) -> Double? {
        if case .value(_, let number?) = value(e, ref) { return number }
        return nil
    }

    /// Whether an event matches a role: the name (nil: any but bookkeeping), role and global filters.
    static func matches(_ e: Event, _ name: String?, _ filters: [PropertyFilter], _ global: [PropertyFilter]) -> Bool {
        if let name {
            guard e.event == name else { return false }
        } else if bookkeeping.contains(e.event) {
            return false
        }
        return (filters + global).allSatisfy { $0.matches(value(e, $0.property)) }
    }

    /// Period numbers of a range: the period of `from` through the period of `to − 1`.
    static func periods(_ scope: QueryScope, _ interval: Interval) -> [Int64] {
        let first = scope.calendar.periodNumber(of: scope.from, interval)
        let last = scope.calendar.periodNumber(of: scope.to - 1, interval)
        return Array(first...max(first, last))
    }

    /// Whether period `p` is partial, from its neighbours rather than its bounds: it holds the instant
    /// just before `from` (it started earlier), or it is the period of the range's end or of now,
    /// whichever is earlier, or a later one (it has not ended by then).
    static func partial(_ scope: QueryScope, _ interval: Interval, _ p: Int64) -> Bool {
        let cal = scope.calendar
        return p == cal.periodNumber(of: scope.from - 1, interval)
            || p >= cal.periodNumber(of: min(scope.to, scope.now), interval)
    }

    static func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
}
