package import UpliftModel

/// The persons a project has erased, as every node's store needs them to drop their events from what it
/// holds in memory and its log (events another node's erasure could not reach): each erased id's keyed hash
/// (`Catalog.erasureHash`; the catalog keeps no erased id) with when its erasure was requested. An event is
/// erased when one of its ids has such a hash and it was received no later than that request: an event
/// received after it starts a new person.
package struct ErasedPersons: Sendable {
    /// How many erasures the project has begun (the erasure log's length) when this was read.
    package var begun: Int
    /// Keyed hash of an erased id → the newest request time of an erasure naming it (µs since the epoch).
    package var requestedAt: [String: Int64]
    /// The keyed hash of an id, as the erasure log keeps it.
    package var hash: @Sendable (String) -> String

    package init(begun: Int, requestedAt: [String: Int64], hash: @escaping @Sendable (String) -> String) {
        self.begun = begun
        self.requestedAt = requestedAt
        self.hash = hash
    }

    /// The events of `events` an erasure removes. Each distinct id is hashed once.
    package func erased(_ events: [Event]) -> [Event] {
        guard !requestedAt.isEmpty else { return [] }
        var erasedUntil: [String: Int64] = [:]
        func until(_ id: String?) -> Int64 {
            guard let id, !id.isEmpty else { return .min }
            if let known = erasedUntil[id] { return known }
            let found = requestedAt[hash(id)] ?? .min
            erasedUntil[id] = found
            return found
        }
        return events.filter { e in
            e.receivedAt <= max(until(e.distinctID), until(e.userID), until(e.anonymousID))
        }
    }
}
