package import UpliftModel

/// Events that are in the write-ahead log but not yet in segments, grouped by the batch that
/// appended them so a failed log write can take its batch back out.
package struct Memtable: Sendable {
    package struct Batch: Sendable {
        package var id: UInt64
        package var project: ProjectSlug
        package var events: [Event]
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

    package mutating func takeAll() -> [Batch] {
        defer { self = Memtable() }
        return batches
    }

    package func events(of project: ProjectSlug) -> [Event] {
        batches.filter { $0.project == project }.flatMap(\.events)
    }

    static func approximateSize(_ e: Event) -> Int {
        160 + e.eventID.utf8.count + e.event.utf8.count + e.distinctID.utf8.count + e.properties.utf8.count
            + e.context.utf8.count + (e.userID?.utf8.count ?? 0) + (e.anonymousID?.utf8.count ?? 0)
    }
}
