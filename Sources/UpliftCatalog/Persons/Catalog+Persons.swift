public import Foundation
import SQLKit
public import UpliftModel

/// Two distinct ids that belong to the same person (identify: anonymous id + user id; alias:
/// new id + previous id).
public struct PersonLink: Sendable, Hashable {
    public var distinctId: String
    public var otherId: String

    public init(_ distinctId: String, _ otherId: String) {
        self.distinctId = distinctId
        self.otherId = otherId
    }
}

extension Catalog {
    /// Links ids, merging their persons. Each id's resolved person is stored, merged with
    /// union by size (the smaller person's ids move), so that lookups stay one indexed query.
    /// Returns the number of links that merged two persons or added an id.
    @discardableResult
    public func link(project: ProjectSlug, _ links: [PersonLink], now: Date = Date()) async throws(UpliftError) -> Int {
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
                    try await db.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "uplift.persons." + project.value)))").run()
                }
                guard try await db.raw("SELECT slug FROM projects WHERE slug = \(bind: project.value)").first() != nil else {
                    throw UpliftError(.notFound, "project '\(project)' does not exist; create it with `uplift project create \(project)`")
                }
                var changed = 0
                for link in chunk {
                    if try await Self.merge(link, project: project.value, at: at, db: db) { changed += 1 }
                }
                return changed
            }
        }
        return changed
    }

    /// The person of each id: ids never linked are their own person. One indexed query per
    /// 500 ids.
    public func persons(project: ProjectSlug, distinctIds: [String]) async throws(UpliftError) -> [String: String] {
        var result = [String: String](minimumCapacity: distinctIds.count)
        let unique = Array(Set(distinctIds))
        var start = 0
        while start < unique.count {
            let chunk = Array(unique[start..<min(start + 500, unique.count)])
            start += chunk.count
            let rows = try await run("looking up persons in \(project)") { db in
                try await db.raw("SELECT distinct_id, person_id FROM person_ids WHERE project = \(bind: project.value) AND distinct_id IN (\(binds: chunk))").all()
            }
            for row in rows {
                do {
                    result[try row.decode(column: "distinct_id", as: String.self)] = try row.decode(column: "person_id", as: String.self)
                } catch {
                    throw UpliftError(.corrupt, "the catalog holds a person row that cannot be read: \(error)")
                }
            }
        }
        for id in unique where result[id] == nil { result[id] = id }
        return result
    }

    /// Every id linked to `distinctId`'s person (itself alone when never linked).
    public func personIds(project: ProjectSlug, of distinctId: String) async throws(UpliftError) -> [String] {
        let person = try await persons(project: project, distinctIds: [distinctId])[distinctId] ?? distinctId
        let rows = try await run("listing a person's ids in \(project)") { db in
            try await db.raw("SELECT distinct_id FROM person_ids WHERE project = \(bind: project.value) AND person_id = \(bind: person) ORDER BY distinct_id").all()
        }
        let ids = rows.compactMap { try? $0.decode(column: "distinct_id", as: String.self) }
        return ids.isEmpty ? [distinctId] : ids
    }

    /// One union step inside the caller's transaction; true when something changed.
    private static func merge(_ link: PersonLink, project: String, at: Int64, db: any SQLDatabase) async throws -> Bool {
        let a = link.distinctId, b = link.otherId
        guard a != b else { return false }
        try await db.raw("""
            INSERT INTO person_links (project, distinct_id, other_id, created_at) VALUES (\(bind: project), \(bind: a), \(bind: b), \(bind: at))
            ON CONFLICT (project, distinct_id, other_id) DO NOTHING
            """).run()
        let rows = try await db.raw("SELECT distinct_id, person_id FROM person_ids WHERE project = \(bind: project) AND distinct_id IN (\(bind: a), \(bind: b))").all()
        var person: [String: String] = [:]
        for row in rows { person[try row.decode(column: "distinct_id", as: String.self)] = try row.decode(column: "person_id", as: String.self) }
        switch (person[a], person[b]) {
        case (nil, nil):
            try await db.raw("INSERT INTO persons (project, person_id, size) VALUES (\(bind: project), \(bind: a), 2)").run()
            try await db.raw("INSERT INTO person_ids (project, distinct_id, person_id) VALUES (\(bind: project), \(bind: a), \(bind: a)), (\(bind: project), \(bind: b), \(bind: a))").run()
        case (let pa?, nil):
            try await addId(b, to: pa, project: project, db: db)
        case (nil, let pb?):
            try await addId(a, to: pb, project: project, db: db)
        case (let pa?, let pb?):
            guard pa != pb else { return false }
            let sizes = try await db.raw("SELECT person_id, size FROM persons WHERE project = \(bind: project) AND person_id IN (\(bind: pa), \(bind: pb))").all()
            var size: [String: Int64] = [:]
            for row in sizes { size[try row.decode(column: "person_id", as: String.self)] = try row.decode(column: "size", as: Int64.self) }
            let (sa, sb) = (size[pa] ?? 1, size[pb] ?? 1)
            // Ties go to the first id's person, so anonymous → user links keep a stable id.
            let (keep, drop, moved) = sa >= sb ? (pa, pb, sb) : (pb, pa, sa)
            try await db.raw("UPDATE person_ids SET person_id = \(bind: keep) WHERE project = \(bind: project) AND person_id = \(bind: drop)").run()
            try await db.raw("UPDATE persons SET size = size + \(bind: moved) WHERE project = \(bind: project) AND person_id = \(bind: keep)").run()
            try await db.raw("DELETE FROM persons WHERE project = \(bind: project) AND person_id = \(bind: drop)").run()
        }
        return true
    }

    private static func addId(_ id: String, to person: String, project: String, db: any SQLDatabase) async throws {
        try await db.raw("INSERT INTO person_ids (project, distinct_id, person_id) VALUES (\(bind: project), \(bind: id), \(bind: person))").run()
        try await db.raw("UPDATE persons SET size = size + 1 WHERE project = \(bind: project) AND person_id = \(bind: person)").run()
    }

    static func validDistinctId(_ id: String) throws(UpliftError) {
        guard !id.isEmpty, id.utf8.count <= 1024 else {
            throw UpliftError(.invalidInput, "a distinct id must be 1 to 1024 bytes long, got \(id.utf8.count)")
        }
    }
}
