package import UpliftModel

/// The row order inside a segment. Sorting by person then time puts each person's events side by
/// side (what funnels and retention scan) and makes the distinct-id column one long dictionary run.
package enum EventSortOrder: String, Sendable, CaseIterable {
    /// `distinct_id, timestamp, event_id`.
    case distinctIDThenTime = "distinct_id,timestamp"
    /// `event, distinct_id, timestamp, event_id`.
    case eventThenDistinctIDThenTime = "event,distinct_id,timestamp"

    /// Sorts events the way segments store them: strings compare by their UTF-8 bytes (not by
    /// Swift's Unicode ordering), so this agrees with `EventTable.permutation` for any input; the
    /// sort is stable. The reference for tests; flush and compaction sort columns instead.
    package func sort(_ events: inout [Event]) {
        switch self {
        case .distinctIDThenTime:
            events.sort { a, b in
                let d = Self.compare(a.distinctID, b.distinctID)
                if d != 0 { return d < 0 }
                if a.timestamp != b.timestamp { return a.timestamp < b.timestamp }
                return Self.compare(a.eventID, b.eventID) < 0
            }
        case .eventThenDistinctIDThenTime:
            events.sort { a, b in
                let e = Self.compare(a.event, b.event)
                if e != 0 { return e < 0 }
                let d = Self.compare(a.distinctID, b.distinctID)
                if d != 0 { return d < 0 }
                if a.timestamp != b.timestamp { return a.timestamp < b.timestamp }
                return Self.compare(a.eventID, b.eventID) < 0
            }
        }
    }

    /// Byte-wise three-way comparison of the UTF-8 of two strings.
    package static func compare(_ a: String, _ b: String) -> Int {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in compareBytes(x.baseAddress, x.count, y.baseAddress, y.count) }
        }
    }
}
