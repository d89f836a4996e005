import Foundation
import SQLKit
package import UpliftModel

extension Catalog {
    /// Every linked distinct id of the project, grouped by person, with the version they are at
    /// (`personLinksVersion`), read so that the two agree (on PostgreSQL in one repeatable-read
    /// transaction; on SQLite optimistically, checked against the version). Ids that are their own
    /// person's id are left out; they resolve to themselves anyway.
    ///
    /// The database packs each chunk of persons into one length-prefixed byte string
    /// (`PackedPersonLinks`), so a million links cost a handful of rows instead of a million
    /// decoded ones: row-by-row decoding was most of the time a cold query spent on links.
    package func personLinkTable(
        project: ProjectSlug, chunk: Int = personLinksChunk
    ) async throws(UpliftError) -> (version: Int64, links: PersonLinks) {
        let dialect = self.dialect
        let doing = "reading the person links of \(project)"
        if dialect == .postgres {
            return try await transaction(doing) { db in
                // Every chunk sees the same snapshot, as one statement would.
                try await db.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").run()
                return try await Self.readLinks(db, dialect, project: project, chunk: chunk)
            }
        }
        // SQLite's transactions here take the write lock, which would hold off another process's
        // writes for the whole read: read without one, and again if the version moved meanwhile
        // (every change bumps it in its own transaction, so an unchanged version means no change).
        for _ in 0..<3 {
            let read = try await run(doing) { db in
                try await Self.readLinks(db, dialect, project: project, chunk: chunk)
            }
            if try await personLinksVersion(project: project) == read.version { return read }
        }
        return try await transaction(doing) { db in
            try await Self.readLinks(db, dialect, project: project, chunk: chunk)
        }
    }

    /// The links that changed after `version` (each changed id with its person now), with the version
    /// they are at, read as consistently as `personLinkTable`; nil when more than `limit` ids changed (reading
    /// every link is then faster) or ids were erased after `version`. Applied over the links of any version from `version` on,
    /// they give the links of the returned version: an id not among them has kept its person since.
    package func personLinkChanges(
        project: ProjectSlug, since version: Int64, limit: Int
    ) async throws(UpliftError) -> (version: Int64, links: PersonLinks)? {
        let doing = "reading the person link changes of \(project)"
        let read: @Sendable (any SQLDatabase) async throws -> (version: Int64, links: PersonLinks)? = { db in
            let row = try await db.raw(
                """
                SELECT person_links_version AS n, person_links_erased_version AS erased FROM projects
                WHERE slug = \(bind: project.value)
                """
            ).first()
            let current = try row?.decode(column: "n", as: Int64.self) ?? 0
            // Ids erased after `version` are not among the changes: read every link.
            guard try row?.decode(column: "erased", as: Int64.self) ?? 0 <= version else { return nil }
            guard current != version else { return (current, PersonLinks()) }
            let rows = try await db.raw(
                """
                SELECT distinct_id, person_id FROM person_ids
                WHERE project = \(bind: project.value) AND version > \(bind: version) AND distinct_id <> person_id
                LIMIT \(bind: limit + 1)
                """
            ).all()
            guard rows.count <= limit else { return nil }
            var links = PersonLinks()
            for row in rows {
                links.append(
                    person: try row.decode(column: "person_id", as: String.self),
                    ids: [try row.decode(column: "distinct_id", as: String.self)])
            }
            return (current, links)
        }
        if dialect == .postgres {
            return try await transaction(doing) { db in
                try await db.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").run()
                return try await read(db)
            }
        }
        for _ in 0..<3 {
            guard let changes = try await run(doing, read) else { return nil }
            if try await personLinksVersion(project: project) == changes.version { return changes }
        }
        return try await transaction(doing, read)
    }

    private static func readLinks(
        _ db: any SQLDatabase, _ dialect: CatalogDialect, project: ProjectSlug, chunk: Int
    ) async throws -> (version: Int64, links: PersonLinks) {
        let version =
            try await db.raw("SELECT person_links_version AS n FROM projects WHERE slug = \(bind: project.value)")
            .first()?.decode(column: "n", as: Int64.self) ?? 0
        var links = PersonLinks()
        var after = ""
        while true {
            guard
                let row = try await db.raw(packedLinksQuery(dialect, project: project, after: after, limit: chunk))
                    .first(),
                try row.decode(column: "persons", as: Int64.self) > 0,
                let packed = try row.decode(column: "links", as: Data?.self)
            else { break }
            let persons = try PackedPersonLinks.unpack(packed, into: &links)
            guard persons == chunk, let last = try row.decode(column: "last", as: String?.self) else { break }
            after = last
        }
        return (version, links)
    }

    /// Persons per packed chunk: bounded so that one chunk stays far below SQLite's and PostgreSQL's
    /// limits on a value's size (1 GB) even with many long ids per person.
    static var personLinksChunk: Int { 50_000 }

    /// One chunk: the persons after `after` (in the index's order, `person_ids_by_person`), each as
    /// `<bytes>:<person id><count>:` followed by `<bytes>:<id>` for each of its linked ids.
    private static func packedLinksQuery(
        _ dialect: CatalogDialect, project: ProjectSlug, after: String, limit: Int
    ) -> SQLQueryString {
        switch dialect {
        case .sqlite:
            // Lengths in bytes of the UTF-8 text (a BLOB's length), exact whatever the id holds.
            """
            SELECT CAST(group_concat(entry, '') AS BLOB) AS links, count(*) AS persons, max(person_id) AS last
            FROM (
                SELECT person_id,
                    length(CAST(person_id AS BLOB)) || ':' || person_id || count(*) || ':'
                        || group_concat(length(CAST(distinct_id AS BLOB)) || ':' || distinct_id, '') AS entry
                FROM person_ids
                WHERE project = \(bind: project.value) AND person_id > \(bind: after) AND distinct_id <> person_id
                GROUP BY person_id ORDER BY person_id LIMIT \(bind: limit)
            )
            """
        case .postgres:
            """
            SELECT convert_to(string_agg(entry, ''), 'UTF8') AS links, count(*) AS persons, max(person_id) AS last
            FROM (
                SELECT person_id,
                    octet_length(convert_to(person_id, 'UTF8')) || ':' || person_id || count(*) || ':'
                        || string_agg(octet_length(convert_to(distinct_id, 'UTF8')) || ':' || distinct_id, '')
                        AS entry
                FROM person_ids
                WHERE project = \(bind: project.value) AND person_id > \(bind: after) AND distinct_id <> person_id
                GROUP BY person_id ORDER BY person_id LIMIT \(bind: limit)
            ) AS chunk
            """
        }
    }
}

/// The byte string `Catalog.personLinkTable` has the database pack: per person,
/// `<bytes>:<person id><count>:` then `<bytes>:<id>` for each of its `count` linked ids, lengths in
/// decimal bytes of UTF-8. Lengths make it exact whatever bytes an id holds (no separator to escape).
enum PackedPersonLinks {
    /// Appends the persons of `packed` to `links`; returns how many persons it held.
    static func unpack(_ packed: Data, into links: inout PersonLinks) throws(UpliftError) -> Int {
        let result: Result<Int, UpliftError> = packed.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var at = 0
            var persons = 0
            func number() -> Int? {
                var value = 0
                let start = at
                while at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39, at - start < 12 {
                    value = value * 10 + Int(bytes[at] - 0x30)
                    at += 1
                }
                guard at > start, at < bytes.count, bytes[at] == 0x3A else { return nil }
                at += 1
                return value
            }
            func text() -> String? {
                guard let length = number(), length <= bytes.count - at else { return nil }
                let string = String(decoding: UnsafeBufferPointer(rebasing: bytes[at..<at + length]), as: UTF8.self)
                at += length
                return string
            }
            var ids: [String] = []
            while at < bytes.count {
                guard let person = text(), let count = number(), count <= bytes.count - at else {
                    return .failure(UpliftError(.corrupt, "the catalog's person links could not be read"))
                }
                ids.removeAll(keepingCapacity: true)
                for _ in 0..<count {
                    guard let id = text() else {
                        return .failure(UpliftError(.corrupt, "the catalog's person links could not be read"))
                    }
                    ids.append(id)
                }
                links.append(person: person, ids: ids)
                persons += 1
            }
            return .success(persons)
        }
        return try result.get()
    }
}
