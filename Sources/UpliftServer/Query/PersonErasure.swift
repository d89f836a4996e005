import Foundation
package import UpliftCatalog
package import UpliftModel
package import UpliftStorage

/// Erasing persons (`uplift person erase`, `DELETE /v1/persons/{id}`): every event naming one of their ids
/// leaves the log and the segments, their ids and links leave the catalog, and the erasure log keeps keyed
/// hashes of the ids. Erasures a crash interrupted (their ids still pending in the catalog) are finished first.
///
/// From the moment an erasure begins, every node hides the person (`Snapshot.erasing`, from the pending ids
/// its question's context reads: `QueryContextCache`, at most its TTL old) and drops their events from its memory;
/// once it completes, every node reads the rewritten segments (`EventStore.forgetErased`).
package enum PersonErasure {
    /// Begins erasing the persons of `ids` (each id's whole person) in `project`: the erasure log's row, with
    /// every id of theirs pending.
    package static func begin(
        project: ProjectSlug, ids: [String], requestedBy: String, catalog: Catalog
    ) async throws(UpliftError) -> Erasure {
        var person = Set<String>()
        for id in ids { person.formUnion(try await catalog.personIds(project: project, of: id)) }
        return try await catalog.beginErasure(project: project, ids: person.sorted(), requestedBy: requestedBy)
    }

    /// Erases the persons of `ids` in `project` (`begin`, then the rewriting of segments); returns each
    /// erasure done (the interrupted ones, then this one) with the events it removed. Returns `contextTTL`
    /// after it completed, when every node's questions read the rewritten segments.
    package static func run(
        project: ProjectSlug, ids: [String], requestedBy: String, catalog: Catalog, store: EventStore,
        dataDirectory: String, contextTTL: Duration = .seconds(1)
    ) async throws(UpliftError) -> [(erasure: Erasure, removed: Int)] {
        var erasures = try await catalog.erasures(project: project, pendingOnly: true).reversed() as [Erasure]
        erasures.append(try await begin(project: project, ids: ids, requestedBy: requestedBy, catalog: catalog))
        let done = try await finish(
            erasures, project: project, catalog: catalog, store: store, dataDirectory: dataDirectory)
        try? await Task.sleep(for: contextTTL)
        return done
    }

    /// Finishes the erasures of `project` that have begun (`ErasureRunner` in a server: those a request began,
    /// and those a crash interrupted).
    package static func resume(
        project: ProjectSlug, catalog: Catalog, store: EventStore, dataDirectory: String
    ) async throws(UpliftError) -> [(erasure: Erasure, removed: Int)] {
        // Oldest first: the first one finds the events, the later ones of the same person nothing.
        let pending = Array(try await catalog.erasures(project: project, pendingOnly: true).reversed())
        guard !pending.isEmpty else { return [] }
        return try await finish(pending, project: project, catalog: catalog, store: store, dataDirectory: dataDirectory)
    }

    private static func finish(
        _ erasures: [Erasure], project: ProjectSlug, catalog: Catalog, store: EventStore, dataDirectory: String
    ) async throws(UpliftError) -> [(erasure: Erasure, removed: Int)] {
        var done: [(erasure: Erasure, removed: Int)] = []
        for erasure in erasures {
            let ids = erasure.pendingIDs ?? []
            let found = try await store.erase(project: project, ids: Set(ids)) { (found) throws(UpliftError) in
                try await catalog.noteErasureFound(erasure.id, events: Int64(found))
            }
            // A run a crash interrupted found more (its count is in the log); this one finds what is left.
            let removed = max(Int(erasure.eventsRemoved), found)
            try await catalog.erasePersonIDs(project: project, ids: ids)
            // The person map file holds the links; the next question writes it again without them.
            try DurableFile.remove(PersonMapFile.path(root: dataDirectory, project: project))
            try await catalog.completeErasure(erasure.id, eventsRemoved: Int64(removed))
            var completed = erasure
            completed.pendingIDs = nil
            completed.eventsRemoved = Int64(removed)
            completed.completedAt = Date()
            done.append((completed, removed))
        }
        return done
    }
}
