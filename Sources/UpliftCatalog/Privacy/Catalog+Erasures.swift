import Crypto
package import Foundation
import SQLKit
package import UpliftModel

/// One erasure of a person (`uplift person erase`): the log keeps when, who asked and how many events went,
/// and keyed hashes of the ids, never the ids (those only while it runs, so that it can resume).
package struct Erasure: Sendable, Equatable {
    package var id: String
    package var project: ProjectSlug
    package var requestedAt: Date
    /// The read key's prefix, or `cli`.
    package var requestedBy: String
    /// `hmac:` + 32 hex digits per erased id (`Catalog.erasureHash`), sorted.
    package var idHashes: [String]
    /// The ids, while the erasure has not completed; nil once it has.
    package var pendingIDs: [String]?
    package var eventsRemoved: Int64
    package var completedAt: Date?
}

extension Catalog {
    /// The keyed hash an erasure log keeps of an id: it proves which ids were erased to whoever holds the id
    /// and the catalog secret, and tells nobody else anything.
    package func erasureHash(project: ProjectSlug, id: String) -> String {
        erasureHasher(project: project)(id)
    }

    /// `erasureHash` of the project's ids, with the key derived once (for hashing many ids).
    package func erasureHasher(project: ProjectSlug) -> @Sendable (String) -> String {
        let keyBytes = privacyHashKey(project: project) + Array("erasure".utf8)
        return { id in
            let mac = HMAC<SHA256>.authenticationCode(for: Array(id.utf8), using: SymmetricKey(data: keyBytes))
            return "hmac:" + mac.prefix(16).map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
        }
    }

    /// Starts an erasure of `ids` (all of one person's ids): the log row, with the ids kept until `completeErasure`.
    package func beginErasure(
        project: ProjectSlug, ids: [String], requestedBy: String, now: Date = Date()
    ) async throws(UpliftError) -> Erasure {
        var random = SystemRandomNumberGenerator()
        let token = APIKeyToken.base62((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }, width: 22)
        let erasure = Erasure(
            id: "er_" + token, project: project, requestedAt: Self.date(Self.microseconds(now)),
            requestedBy: requestedBy, idHashes: ids.map { erasureHash(project: project, id: $0) }.sorted(),
            pendingIDs: ids.sorted(), eventsRemoved: 0, completedAt: nil)
        let hashes = JSONValue.array(erasure.idHashes.map(JSONValue.string)).compactText
        let pending = JSONValue.array(ids.sorted().map(JSONValue.string)).compactText
        let dialect = self.dialect
        try await transaction("recording an erasure in \(project)") { db in
            try await Self.lockErasures(of: [project], dialect: dialect, db: db)
            try await db.raw(
                """
                INSERT INTO erasures (id, project, requested_at, requested_by, id_hashes, pending_ids)
                VALUES (\(bind: erasure.id), \(bind: project.value), \(bind: Self.microseconds(now)),
                    \(bind: requestedBy), \(bind: hashes), \(bind: pending))
                """
            ).run()
        }
        return erasure
    }

    /// Deletes every trace of `ids` from the project's persons (their ids, links and person rows), and marks
    /// the project's links as erased at the new version so that every reader reads them all again.
    package func erasePersonIDs(project: ProjectSlug, ids: [String]) async throws(UpliftError) {
        guard !ids.isEmpty else { return }
        let dialect = self.dialect
        try await transaction("erasing person ids in \(project)") { db in
            if dialect == .postgres {
                try await db.raw(
                    "SELECT pg_advisory_xact_lock(hashtext(\(bind: "uplift.persons." + project.value)))"
                ).run()
            }
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                try await db.delete(from: "person_ids").where("project", .equal, project.value)
                    .where("distinct_id", .in, chunk).run()
                try await db.delete(from: "person_links").where("project", .equal, project.value)
                    .where(group: { $0.where("distinct_id", .in, chunk).orWhere("other_id", .in, chunk) }).run()
                try await db.delete(from: "persons").where("project", .equal, project.value)
                    .where("person_id", .in, chunk).run()
            }
            try await Self.bumpPersonLinksVersion(project: project.value, db: db)
            try await db.raw(
                """
                UPDATE projects SET person_links_erased_version = person_links_version
                WHERE slug = \(bind: project.value)
                """
            ).run()
        }
        if dialect == .sqlite {
            // The log file holds the old pages until a checkpoint copies the new ones over them.
            _ = try? await run("checkpointing the catalog") { db in
                try await db.raw("PRAGMA wal_checkpoint(TRUNCATE)").all()
            }
        }
    }

    /// Ends an erasure: how many events it removed; the ids are forgotten.
    /// `eventsRemoved`: how many events the erasure found, when more than already noted (`noteErasureFound`).
    package func completeErasure(_ id: String, eventsRemoved: Int64, now: Date = Date()) async throws(UpliftError) {
        try await transaction("completing erasure \(id)") { db in
            try await db.raw(
                """
                UPDATE erasures SET pending_ids = NULL,
                    events_removed = CASE WHEN events_removed < \(bind: eventsRemoved) THEN \(bind: eventsRemoved)
                        ELSE events_removed END,
                    completed_at = \(bind: Self.microseconds(now))
                WHERE id = \(bind: id)
                """
            ).run()
        }
    }

    /// Notes how many events a running erasure found before it removes any: a run a crash interrupts then
    /// leaves the count in the log, and the run that finishes it (which finds only what is left) keeps it.
    package func noteErasureFound(_ id: String, events: Int64) async throws(UpliftError) {
        try await run("noting erasure \(id)") { db in
            try await db.raw(
                """
                UPDATE erasures SET events_removed = \(bind: events)
                WHERE id = \(bind: id) AND completed_at IS NULL AND events_removed < \(bind: events)
                """
            ).run()
        }
    }

    /// How many erasures each of `projects` has begun (a project with none is missing).
    package func erasuresBegun(projects: Set<ProjectSlug>) async throws(UpliftError) -> [ProjectSlug: Int] {
        guard !projects.isEmpty else { return [:] }
        return try await run("counting erasures") { db in try await Self.erasuresBegun(projects: projects, db: db) }
    }

    /// How many erasures `project` has begun and how many of them have completed: what a node's question
    /// compares with what its store has seen (`EventStore.forgetErased`).
    package func erasureCounts(project: ProjectSlug) async throws(UpliftError) -> (begun: Int, completed: Int) {
        try await run("counting erasures") { db in
            let row = try await db.raw(
                """
                SELECT count(*) AS n, count(completed_at) AS done FROM erasures WHERE project = \(bind: project.value)
                """
            ).first()
            return (
                Int(try row?.decode(column: "n", as: Int64.self) ?? 0),
                Int(try row?.decode(column: "done", as: Int64.self) ?? 0)
            )
        }
    }

    static func erasuresBegun(projects: Set<ProjectSlug>, db: any SQLDatabase) async throws -> [ProjectSlug: Int] {
        let rows = try await db.raw(
            """
            SELECT project, count(*) AS n FROM erasures WHERE project IN (\(binds: projects.map(\.value).sorted()))
            GROUP BY project
            """
        ).all()
        var begun: [ProjectSlug: Int] = [:]
        for row in rows {
            begun[try ProjectSlug(try row.decode(column: "project", as: String.self))] = Int(
                try row.decode(column: "n", as: Int64.self))
        }
        return begun
    }

    /// Holds, until the transaction ends, the locks that make beginning an erasure of a project and adding
    /// a flush's segments of it exclude each other (PostgreSQL: transaction advisory locks, taken in one
    /// order; SQLite has one writer at a time anyway).
    static func lockErasures(of projects: Set<ProjectSlug>, dialect: CatalogDialect, db: any SQLDatabase) async throws {
        guard dialect == .postgres else { return }
        for project in projects.map(\.value).sorted() {
            try await db.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "uplift.erasures." + project)))").run()
        }
    }

    /// Keyed hash of each id the project's erasures name → the newest request time of one naming it (µs).
    package func erasedIDHashes(project: ProjectSlug) async throws(UpliftError) -> [String: Int64] {
        var times: [String: Int64] = [:]
        for erasure in try await erasures(project: project) {
            let at = Self.microseconds(erasure.requestedAt)
            for hash in erasure.idHashes { times[hash] = max(times[hash] ?? .min, at) }
        }
        return times
    }

    /// The project's erasures, newest first; `pendingOnly`: those not completed (to resume them).
    package func erasures(project: ProjectSlug, pendingOnly: Bool = false) async throws(UpliftError) -> [Erasure] {
        let rows = try await run("listing the erasures of \(project)") { db in
            try await db.raw(
                """
                SELECT id, requested_at, requested_by, id_hashes, pending_ids, events_removed, completed_at
                FROM erasures WHERE project = \(bind: project.value) ORDER BY requested_at DESC, id
                """
            ).all()
        }
        var erasures: [Erasure] = []
        for row in rows {
            do {
                func strings(_ text: String?) throws -> [String]? {
                    guard let text else { return nil }
                    guard case .array(let items) = try JSONValue(parsing: Array(text.utf8)) else { return [] }
                    return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
                }
                let erasure = Erasure(
                    id: try row.decode(column: "id", as: String.self), project: project,
                    requestedAt: Self.date(try row.decode(column: "requested_at", as: Int64.self)),
                    requestedBy: try row.decode(column: "requested_by", as: String.self),
                    idHashes: try strings(try row.decode(column: "id_hashes", as: String.self)) ?? [],
                    pendingIDs: try strings(try row.decode(column: "pending_ids", as: String?.self)),
                    eventsRemoved: try row.decode(column: "events_removed", as: Int64.self),
                    completedAt: try row.decode(column: "completed_at", as: Int64?.self).map(Self.date))
                if !pendingOnly || erasure.completedAt == nil { erasures.append(erasure) }
            } catch {
                throw UpliftError(.corrupt, "the catalog holds an erasure row that cannot be read: \(error)")
            }
        }
        return erasures
    }
}
