package import UpliftModel

/// The events of one person: every row whose `distinct_id`, `user_id` or `anonymous_id` is one of the person's
/// ids (`uplift person export`, `GET /v1/persons/{id}/export`).
package enum PersonEvents {
    /// The events of `snapshot` (its segments' rows, the rows a query would skip left out, then the events still
    /// only in the log) that name one of `ids`, by time, then event id. Those of a person being erased are not.
    /// Blocking: run it on a thread that may block.
    package static func events(of ids: Set<String>, in snapshot: Snapshot) throws(UpliftError) -> [Event] {
        try snapshot.requireLocal(snapshot.segments)
        var found: [Event] = []
        for path in snapshot.segments {
            let table = try SegmentReader.table(paths: [path])
            let hidden = Set(snapshot.hidden[path] ?? [])
            for row in PersonRows.rows(naming: ids, in: table) where !hidden.contains(Int32(row)) {
                let event = table.event(at: row)
                if !snapshot.erasing.contains(event.distinctID) { found.append(event) }
            }
        }
        found += snapshot.pending.filter { event in
            !snapshot.erasing.contains(event.distinctID)
                && (ids.contains(event.distinctID) || event.userID.map(ids.contains) == true
                    || event.anonymousID.map(ids.contains) == true)
        }
        return found.sorted { ($0.timestamp, $0.eventID) < ($1.timestamp, $1.eventID) }
    }
}

/// Finding a person's rows in segments.
package enum PersonRows {
    /// The rows of `table` whose `distinct_id`, `user_id` or `anonymous_id` is one of `ids`, in order.
    package static func rows(naming ids: Set<String>, in table: EventTable) -> [Int] {
        guard !ids.isEmpty else { return [] }
        let idBytes = Set(ids.map { Array($0.utf8) })
        let lengths = Set(idBytes.map(\.count))
        let columns = [EventColumn.distinctID, .userID, .anonymousID].map { table[bytes: $0] }
        return (0..<table.count).filter { row in
            columns.contains { column in
                let range = column.offsets[row]..<column.offsets[row + 1]
                return lengths.contains(range.count) && idBytes.contains(Array(column.bytes[range]))
            }
        }
    }
}
