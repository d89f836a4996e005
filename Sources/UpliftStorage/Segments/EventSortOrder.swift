package import UpliftModel

/// The row order inside a segment. Sorting by person then time puts each person's events side by
/// side (what funnels and retention scan) and makes the distinct-id column one long dictionary run.
public enum EventSortOrder: String, Sendable, CaseIterable {
    /// `distinct_id, timestamp, event_id`.
    case distinctIDThenTime = "distinct_id,timestamp"
    /// `event, distinct_id, timestamp, event_id`.
    case eventThenDistinctIDThenTime = "event,distinct_id,timestamp"

    package func sort(_ events: inout [Event]) {
        switch self {
        case .distinctIDThenTime:
            events.sort { a, b in
                if a.distinctID != b.distinctID { return a.distinctID < b.distinctID }
                if a.timestamp != b.timestamp { return a.timestamp < b.timestamp }
                return a.eventID < b.eventID
            }
        case .eventThenDistinctIDThenTime:
            events.sort { a, b in
                if a.event != b.event { return a.event < b.event }
                if a.distinctID != b.distinctID { return a.distinctID < b.distinctID }
                if a.timestamp != b.timestamp { return a.timestamp < b.timestamp }
                return a.eventID < b.eventID
            }
        }
    }
}
