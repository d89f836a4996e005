import Foundation
package import UpliftCatalog
package import UpliftModel
package import UpliftStorage

/// Erasing persons (`uplift person erase`, `DELETE /v1/persons/{id}`): every event naming one of their ids
/// leaves the log and the segments, their ids and links leave the catalog, and the erasure log keeps keyed
/// hashes of the ids. Erasures a crash interrupted (their ids still pending in the catalog) are finished first.
package enum PersonErasure {
    /// Erases the persons of `ids` (each id's whole person) in `project`; returns each erasure done (the
    /// interrupted ones, then this one) with the events it removed.
    ///
    /// Other nodes drop the person's events they hold in memory at their next question, once their cached
    /// context (`QueryContextCache`, at most `contextTTL` old) shows the erasure begun; so this returns no
    /// earlier than `contextTTL` after it began (an erasure takes longer anyway but on tiny stores).
    package static func run(
        project: ProjectSlug, ids: [String], requestedBy: String, catalog: Catalog, store: EventStore,
        dataDirectory: String, contextTTL: Duration = .seconds(1)
    ) async throws(UpliftError) -> [(erasure: Erasure, removed: Int)] {
        var person = Set<String>()
        for id in ids { person.formUnion(try await catalog.personIds(project: project, of: id)) }
        var erasures = try await catalog.erasures(project: project, pendingOnly: true)
        let clock = ContinuousClock()
        let began = clock.now
        erasures.append(
            try await catalog.beginErasure(project: project, ids: person.sorted(), requestedBy: requestedBy))
        let done = try await finish(
            erasures, project: project, catalog: catalog, store: store, dataDirectory: dataDirectory)
        try? await clock.sleep(until: began + contextTTL)
        return done
    }

    /// Finishes the erasures of `project` a crash interrupted (a server does this when it starts).
    package static func resume(
        project: ProjectSlug, catalog: Catalog, store: EventStore, dataDirectory: String
    ) async throws(UpliftError) -> [(erasure: Erasure, removed: Int)] {
        let pending = try await catalog.erasures(project: project, pendingOnly: true)
        guard !pending.isEmpty else { return [] }
        return try await finish(pending, project: project, catalog: catalog, store: store, dataDirectory: dataDirectory)
    }

    private static func finish(
        _ erasures: [Erasure], project: ProjectSlug, catalog: Catalog, store: EventStore, dataDirectory: String
    ) async throws(UpliftError) -> [(erasure: Erasure, removed: Int)] {
        var done: [(erasure: Erasure, removed: Int)] = []
        for erasure in erasures {
            let ids = erasure.pendingIDs ?? []
            let removed = try await store.erase(project: project, ids: Set(ids))
            try await catalog.erasePersonIDs(project: project, ids: ids)
            // The person map file holds the links; the next question writes it again without them.
            try DurableFile.remove(PersonMapFile.path(root: dataDirectory, project: project))
            try await catalog.completeErasure(erasure.id, eventsRemoved: Int64(removed))
            var completed = erasure
            completed.pendingIDs = nil
            completed.eventsRemoved += Int64(removed)
            completed.completedAt = Date()
            done.append((completed, removed))
        }
        return done
    }
}
