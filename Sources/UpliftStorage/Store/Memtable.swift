package import UpliftModel

/// Events that are in the write-ahead log but not yet in segments, grouped by the batch that
/// appended them so a failed log write can take its batch back out.
package struct Memtable: Sendable {
    package struct Batch: Sendable {
        package var id: UInt64
        package var project: ProjectSlug
        package var events: [Event]

        package func without(_ removing: Set<EventKey>) -> Batch {
            Batch(id: id, project: project, events: events.filter { !removing.contains(EventKey($0)) })
        }
    }

    package private(set) var batches: [Batch] = []
    package private(set) var eventCount = 0
    /// A rough size in memory, for flush decisions.
    package private(set) var approximateBytes = 0

    package init() {}

    package var isEmpty: Bool { batches.isEmpty }

    package mutating func append(_ batch: Batch) {
        batches.append(batch)
        eventCount += batch.events.count
        approximateBytes += batch.events.reduce(0) { $0 + Self.approximateSize($1) }
    }

    /// Removes and returns a batch, if it is still here.
    package mutating func remove(batch id: UInt64) -> Batch? {
        guard let i = batches.firstIndex(where: { $0.id == id }) else { return nil }
        let batch = batches.remove(at: i)
        eventCount -= batch.events.count
        approximateBytes -= batch.events.reduce(0) { $0 + Self.approximateSize($1) }
        return batch
    }

    /// Removes the events of `project` that `removing` names (by id, time and distinct id).
    package mutating func remove(_ removing: Set<EventKey>, project: ProjectSlug) {
        guard !removing.isEmpty else { return }
        let kept = batches.map { $0.project == project ? $0.without(removing) : $0 }
        self = Memtable()
        for batch in kept where !batch.events.isEmpty { append(batch) }
    }

    package mutating func takeAll() -> [Batch] {
        defer { self = Memtable() }
        return batches
    }

    package func events(of project: ProjectSlug) -> [Event] {
        batches.filter { $0.project == project }.flatMap(\.events)
    }

    /// What tells one stored event from another: its id is unique per project and day only.
    package struct EventKey: Hashable, Sendable {
        var id: String
        var timestamp: Int64
        var distinctID: String

        package init(_ e: Event) {
            id = e.eventID
            timestamp = e.timestamp
            distinctID = e.distinctID
        }
    }

    static func approximateSize(_ e: Event) -> Int {
        160 + e.eventID.utf8.count + e.event.utf8.count + e.distinctID.utf8.count + e.properties.utf8.count
            + e.context.utf8.count + (e.userID?.utf8.count ?? 0) + (e.anonymousID?.utf8.count ?? 0)
    }
}
