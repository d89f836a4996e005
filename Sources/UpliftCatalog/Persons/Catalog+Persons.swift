package import Foundation
import SQLKit
package import UpliftModel

/// Two distinct ids that belong to the same person (identify: anonymous id + user id; alias:
/// new id + previous id).
package struct PersonLink: Sendable, Hashable {
    package var distinctId: String
    package var otherId: String

    package init(_ distinctId: String, _ otherId: String) {
        self.distinctId = distinctId
        self.otherId = otherId
    }
}

extension Catalog {
    /// Links ids, merging their persons. Each id's resolved person is stored, merged with
    /// union by size (the smaller person's ids move), so that lookups stay one indexed query.
    /// Returns the number of links that merged two persons or added an id.
    @discardableResult
    package func link(project: ProjectSlug, _ links: [PersonLink], now: Date = Date()) async throws(UpliftError) -> Int
    {
        for link in links {
            try Self.validDistinctId(link.distinctId)
            try Self.validDistinctId(link.otherId)
        }
        let at = Self.microseconds(now)
        let dialect = self.dialect
        var changed = 0
        // Bounded transactions: a huge import does not hold the write lock for minutes.
        var start = links.startIndex
        while start < links.endIndex {
            let chunk = Array(links[start..<min(start + 1000, links.endIndex)])
            start += chunk.count
            changed += try await transaction("linking persons in \(project)") { db in
                if dialect == .postgres {
                    // Two nodes linking in one project take turns (the merge reads, then writes).
                    try await db.raw(
                        "SELECT pg_advisory_xact_lock(hashtext(\(bind: "uplift.persons." + project.value)))"
                    ).run()
                }
                guard try await db.raw("SELECT slug FROM projects WHERE slug = \(bind: project.value)").first() != nil
                else {
                    throw UpliftError(
                        .notFound,
                        "project '\(project)' does not exist; create it with `uplift project create \(project)`")
                }
                let changed = try await Self.merge(chunk, project: project.value, at: at, db: db)
                if changed > 0 { try await Self.bumpPersonLinksVersion(project: project.value, db: db) }
                return changed
            }
        }
        return changed
    }

    /// The person of each id: ids never linked are their own person. One indexed query per
    /// 500 ids.
    package func persons(project: ProjectSlug, distinctIds: [String]) async throws(UpliftError) -> [String: String] {
        var result = [String: String](minimumCapacity: distinctIds.count)
        let unique = Array(Set(distinctIds))
        var start = 0
        while start < unique.count {
            let chunk = Array(unique[start..<min(start + 500, unique.count)])
            start += chunk.count
            let rows = try await run("looking up persons in \(project)") { db in
                try await db.raw(
                    "SELECT distinct_id, person_id FROM person_ids WHERE project = \(bind: project.value) AND distinct_id IN (\(binds: chunk))"
                ).all()
            }
            for row in rows {
                do {
                    result[try row.decode(column: "distinct_id", as: String.self)] = try row.decode(
                        column: "person_id", as: String.self)
                } catch {
                    throw UpliftError(.corrupt, "the catalog holds a person row that cannot be read: \(error)")
                }
            }
        }
        for id in unique where result[id] == nil { result[id] = id }
        return result
    }

    /// Every linked distinct id of the project and its person's id (`personLinkTable` as a map): what
    /// the query engine applies at query time (ids absent from the map are their own person). Ids that
    /// are their own person's id are left out; they resolve to themselves anyway.
    package func personLinks(project: ProjectSlug) async throws(UpliftError) -> [String: String] {
        try await personLinkTable(project: project).links.dictionary
    }

    /// The version of a project's person links: it changes in the same transaction as every change
    /// to the links a query applies (`personLinks`), so a reader may keep the links it loaded while
    /// the version is unchanged. One indexed row; 0 for a project without links or that does not exist.
    package func personLinksVersion(project: ProjectSlug) async throws(UpliftError) -> Int64 {
        let row = try await run("reading the person links version of \(project)") { db in
            try await db.raw("SELECT person_links_version AS n FROM projects WHERE slug = \(bind: project.value)")
                .first()
        }
        guard let row else { return 0 }
        do {
            return try row.decode(column: "n", as: Int64.self)
        } catch {
            throw UpliftError(
                .corrupt, "the catalog holds a project row whose person links version cannot be read: \(error)")
        }
    }

    /// Marks the project's person links as changed. Every write that changes `person_ids` (linking,
    /// and erasing) calls it inside its own transaction.
    static func bumpPersonLinksVersion(project: String, db: any SQLDatabase) async throws {
        try await db.raw(
            "UPDATE projects SET person_links_version = person_links_version + 1 WHERE slug = \(bind: project)"
        ).run()
    }

    /// Every id linked to `distinctId`'s person (itself alone when never linked).
    package func personIds(project: ProjectSlug, of distinctId: String) async throws(UpliftError) -> [String] {
        let person = try await persons(project: project, distinctIds: [distinctId])[distinctId] ?? distinctId
        let rows = try await run("listing a person's ids in \(project)") { db in
            try await db.raw(
                "SELECT distinct_id FROM person_ids WHERE project = \(bind: project.value) AND person_id = \(bind: person) ORDER BY distinct_id"
            ).all()
        }
        let ids = rows.compactMap { try? $0.decode(column: "distinct_id", as: String.self) }
        return ids.isEmpty ? [distinctId] : ids
    }

    /// The union steps of a chunk of links inside the caller's transaction, with a handful of
    /// statements for the whole chunk: the persons the chunk touches are read once, united in
    /// memory by size exactly as one-link-at-a-time would (ties keep the first id's person), and
    /// only what changed is written back. Returns how many links merged two persons or added an id.
    private static func merge(
        _ chunk: [PersonLink], project: String, at: Int64, db: any SQLDatabase
    ) async throws -> Int {
        let links = chunk.filter { $0.distinctId != $0.otherId }
        guard !links.isEmpty else { return 0 }
        let record = db.insert(into: "person_links").columns("project", "distinct_id", "other_id", "created_at")
            .ignoringConflicts(with: ["project", "distinct_id", "other_id"])
        for link in links { record.values([project, link.distinctId, link.otherId, at] as [any Encodable & Sendable]) }
        try await record.run()

        // Current persons of the chunk's ids, and their sizes.
        let ids = Array(Set(links.flatMap { [$0.distinctId, $0.otherId] }))
        var personOf: [String: String] = [:]
        for part in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for row in try await db.raw(
                "SELECT distinct_id, person_id FROM person_ids WHERE project = \(bind: project) AND distinct_id IN (\(binds: part))"
            ).all() {
                personOf[try row.decode(column: "distinct_id", as: String.self)] = try row.decode(
                    column: "person_id", as: String.self)
            }
        }
        let existing = Array(Set(personOf.values))
        var size: [String: Int64] = [:]
        for part in stride(from: 0, to: existing.count, by: 500).map({
            Array(existing[$0..<min($0 + 500, existing.count)])
        }) {
            for row in try await db.raw(
                "SELECT person_id, size FROM persons WHERE project = \(bind: project) AND person_id IN (\(binds: part))"
            ).all() {
                size[try row.decode(column: "person_id", as: String.self)] = try row.decode(
                    column: "size", as: Int64.self)
            }
        }
        for person in existing where size[person] == nil { size[person] = 1 }

        // Union-find over persons; an id without a person is its own node of size 1. (Person ids
        // are ids that have a row, so they never collide with a new id.)
        var newIds = Set<String>()
        var parent: [String: String] = [:]
        func node(_ id: String) -> String {
            if let person = personOf[id] { return person }
            if size[id] == nil {
                size[id] = 1
                newIds.insert(id)
            }
            return id
        }
        func find(_ x: String) -> String {
            var root = x
            while let up = parent[root] { root = up }
            var y = x
            while let up = parent[y], up != root {
                parent[y] = root
                y = up
            }
            return root
        }
        var changed = 0
        for link in links {
            let ra = find(node(link.distinctId))
            let rb = find(node(link.otherId))
            guard ra != rb else { continue }
            changed += 1
            let (keep, drop) = size[ra]! >= size[rb]! ? (ra, rb) : (rb, ra)
            parent[drop] = keep
            size[keep]! += size[drop]!
        }

        // Write back: ids of absorbed persons move, new ids join, sizes follow. Every row written is
        // at the version this transaction's bump gives (`personLinkChanges` reads rows by it).
        guard changed > 0 else { return 0 }
        let version =
            try await db.raw("SELECT person_links_version AS n FROM projects WHERE slug = \(bind: project)")
            .first()?.decode(column: "n", as: Int64.self) ?? 0
        let next = version + 1
        for person in existing where find(person) != person {
            let root = find(person)
            try await db.raw(
                "UPDATE person_ids SET person_id = \(bind: root), version = \(bind: next) WHERE project = \(bind: project) AND person_id = \(bind: person)"
            ).run()
            try await db.raw("DELETE FROM persons WHERE project = \(bind: project) AND person_id = \(bind: person)")
                .run()
        }
        let joining = newIds.sorted()
        for part in stride(from: 0, to: joining.count, by: 500).map({
            Array(joining[$0..<min($0 + 500, joining.count)])
        }) {
            let insert = db.insert(into: "person_ids").columns("project", "distinct_id", "person_id", "version")
            for id in part { insert.values([project, id, find(id), next] as [any Encodable & Sendable]) }
            try await insert.run()
        }
        let roots = Set(existing.map(find) + joining.map(find))
        for root in roots.sorted() {
            if newIds.contains(root) {
                try await db.raw(
                    "INSERT INTO persons (project, person_id, size) VALUES (\(bind: project), \(bind: root), \(bind: size[root]!))"
                ).run()
            } else {
                try await db.raw(
                    "UPDATE persons SET size = \(bind: size[root]!) WHERE project = \(bind: project) AND person_id = \(bind: root)"
                ).run()
            }
        }
        return changed
    }

    static func validDistinctId(_ id: String) throws(UpliftError) {
        guard !id.isEmpty, id.utf8.count <= 1024 else {
            throw UpliftError(.invalidInput, "a distinct id must be 1 to 1024 bytes long, got \(id.utf8.count)")
        }
    }
}
