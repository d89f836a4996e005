import SQLKit
package import UpliftModel

/// The segment manifest: which segments of a storage are live. See migration 5.
extension Catalog {
    /// The live segments of `storage` (of one project, and one day, when given), by project, day and key.
    package func liveSegments(
        storage: String, project: ProjectSlug? = nil, day: UTCDay? = nil
    ) async throws(UpliftError) -> [SegmentRecord] {
        let rows = try await run("reading the segment manifest") { db in
            var query = SQLQueryString(
                "SELECT * FROM segments WHERE storage = \(bind: storage) AND replaced_at IS NULL")
            if let project {
                query.appendInterpolation(unsafeRaw: " AND project = ")
                query.appendInterpolation(bind: project.value)
            }
            if let day {
                query.appendInterpolation(unsafeRaw: " AND day = ")
                query.appendInterpolation(bind: day.description)
            }
            query.appendInterpolation(unsafeRaw: " ORDER BY project, day, key")
            return try await db.raw(query).all()
        }
        return try rows.map(Self.segmentRecord)
    }

    /// Whether the manifest holds `storage`'s segments (it was adopted, or created with the manifest).
    package func isSegmentStorageAdopted(_ storage: String) async throws(UpliftError) -> Bool {
        try await run("reading the segment manifest") { db in
            try await db.raw("SELECT storage FROM segment_storages WHERE storage = \(bind: storage)").first() != nil
        }
    }

    /// Records `records` as the live segments of a storage not adopted yet, and marks it adopted, in one
    /// transaction. False (nothing changed) when another process adopted it first.
    package func adoptSegmentStorage(
        _ storage: String, records: [SegmentRecord], at: Int64
    ) async throws(UpliftError) -> Bool {
        try await transaction("adopting the segments of \(storage)") { db in
            guard
                try await db.raw("SELECT storage FROM segment_storages WHERE storage = \(bind: storage)").first() == nil
            else { return false }
            try await db.raw(
                "INSERT INTO segment_storages (storage, adopted_at) VALUES (\(bind: storage), \(bind: at))"
            )
            .run()
            try await Self.insert(records, storage: storage, at: at, db: db)
            return true
        }
    }

    /// Adds segments written and made durable (a flush's), live from now on.
    /// Unless `erasuresBegun` is given and a project of theirs has begun more erasures than it says (false
    /// then, nothing added): the check holds the projects' erasure locks (`lockErasures`), which beginning an
    /// erasure takes too, so the segments are either there before the erasure begins (it reads them) or
    /// refused (the flush drops the erased events and writes again).
    @discardableResult
    package func addSegments(
        _ records: [SegmentRecord], storage: String, at: Int64, erasuresBegun: [ProjectSlug: Int]? = nil
    ) async throws(UpliftError) -> Bool {
        guard !records.isEmpty else { return true }
        let dialect = self.dialect
        return try await transaction("recording new segments") { db in
            if let erasuresBegun {
                let projects = Set(records.map(\.project))
                try await Self.lockErasures(of: projects, dialect: dialect, db: db)
                let now = try await Self.erasuresBegun(projects: projects, db: db)
                guard projects.allSatisfy({ now[$0, default: 0] <= erasuresBegun[$0, default: 0] }) else {
                    return false
                }
            }
            try await Self.insert(records, storage: storage, at: at, db: db)
            return true
        }
    }

    /// Replaces live segments by others in one transaction (a compaction): the sources stop being live
    /// (kept as replaced, for deletion after a grace period) and the outputs start. False, and nothing
    /// changed, when a source is no longer live (another compaction replaced it first).
    package func replaceSegments(
        _ sources: [String], with outputs: [SegmentRecord], storage: String, at: Int64
    ) async throws(UpliftError) -> Bool {
        do {
            return try await transaction("replacing compacted segments") { db in
                for part in stride(from: 0, to: sources.count, by: 500).map({
                    Array(sources[$0..<min($0 + 500, sources.count)])
                }) {
                    // Only rows still live are marked: a concurrent replacement that committed first (PostgreSQL
                    // re-reads the rows it waited for) leaves fewer, and this one then undoes itself.
                    let marked = try await db.raw(
                        """
                        UPDATE segments SET replaced_at = \(bind: at)
                        WHERE storage = \(bind: storage) AND replaced_at IS NULL AND key IN (\(binds: part))
                        RETURNING key
                        """
                    ).all()
                    guard marked.count == part.count else {
                        throw UpliftError(.alreadyExists, "the segments were replaced meanwhile", cause: NoLongerLive())
                    }
                }
                try await Self.insert(outputs, storage: storage, at: at, db: db)
                return true
            }
        } catch let error where error.cause is NoLongerLive {
            return false
        }
    }

    /// Rolls back a replacement whose sources are no longer all live.
    private struct NoLongerLive: Error {}

    /// Segments replaced at or before `before`: their files may be deleted, then `forgetSegments`.
    package func replacedSegments(storage: String, before: Int64) async throws(UpliftError) -> [SegmentRecord] {
        let rows = try await run("reading the segment manifest") { db in
            try await db.raw(
                """
                SELECT * FROM segments WHERE storage = \(bind: storage) AND replaced_at IS NOT NULL
                AND replaced_at <= \(bind: before) ORDER BY key
                """
            ).all()
        }
        return try rows.map(Self.segmentRecord)
    }

    /// Removes replaced segments' rows once their files are gone.
    package func forgetSegments(_ keys: [String], storage: String) async throws(UpliftError) {
        try await transaction("forgetting deleted segments") { db in
            for part in stride(from: 0, to: keys.count, by: 500).map({ Array(keys[$0..<min($0 + 500, keys.count)]) }) {
                try await db.raw(
                    """
                    DELETE FROM segments WHERE storage = \(bind: storage) AND replaced_at IS NOT NULL
                    AND key IN (\(binds: part))
                    """
                ).run()
            }
        }
    }

    /// Takes the lease to compact `day` of `project` in `storage` for `holder` until `until` (µs): true when
    /// no one held it, its holder's time ran out (`now`), or `holder` held it already (renewed). See migration 6.
    package func takeCompactionLease(
        storage: String, project: ProjectSlug, day: UTCDay, holder: String, now: Int64, until: Int64
    ) async throws(UpliftError) -> Bool {
        try await run("taking a compaction lease") { db in
            try await db.raw(
                """
                INSERT INTO compaction_leases (storage, project, day, holder, expires_at)
                VALUES (\(bind: storage), \(bind: project.value), \(bind: day.description), \(bind: holder), \(bind: until))
                ON CONFLICT (storage, project, day) DO UPDATE
                SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE compaction_leases.expires_at < \(bind: now) OR compaction_leases.holder = excluded.holder
                RETURNING holder
                """
            ).first() != nil
        }
    }

    /// Gives the lease back (when `holder` still holds it).
    package func releaseCompactionLease(
        storage: String, project: ProjectSlug, day: UTCDay, holder: String
    ) async throws(UpliftError) {
        try await run("releasing a compaction lease") { db in
            try await db.raw(
                """
                DELETE FROM compaction_leases WHERE storage = \(bind: storage) AND project = \(bind: project.value)
                AND day = \(bind: day.description) AND holder = \(bind: holder)
                """
            ).run()
        }
    }

    /// Every key the manifest names for `storage`, live or replaced: a file outside it is an orphan.
    package func segmentKeys(storage: String) async throws(UpliftError) -> Set<String> {
        let rows = try await run("reading the segment manifest") { db in
            try await db.raw("SELECT key FROM segments WHERE storage = \(bind: storage)").all()
        }
        var keys = Set<String>()
        for row in rows {
            do { keys.insert(try row.decode(column: "key", as: String.self)) } catch {
                throw UpliftError(.corrupt, "the catalog holds a segment row that cannot be read: \(error)")
            }
        }
        return keys
    }

    private static func insert(_ records: [SegmentRecord], storage: String, at: Int64, db: any SQLDatabase) async throws
    {
        for part in stride(from: 0, to: records.count, by: 200).map({
            Array(records[$0..<min($0 + 200, records.count)])
        }) {
            let insert = db.insert(into: "segments").columns(
                "storage", "key", "project", "day", "node", "row_count", "byte_count", "min_time", "max_time",
                "checksum",
                "created_at")
            for r in part {
                insert.values(
                    [
                        storage, r.key, r.project.value, r.day.description, r.node, r.rows, r.bytes, r.minTime,
                        r.maxTime,
                        r.checksum, at,
                    ] as [any Encodable & Sendable])
            }
            try await insert.run()
        }
    }

    private static func segmentRecord(_ row: any SQLRow) throws(UpliftError) -> SegmentRecord {
        do {
            let project = try ProjectSlug(try row.decode(column: "project", as: String.self))
            guard let day = UTCDay(try row.decode(column: "day", as: String.self)) else {
                throw UpliftError(.corrupt, "the catalog holds a segment row with a bad day")
            }
            return SegmentRecord(
                project: project, day: day, key: try row.decode(column: "key", as: String.self),
                node: try row.decode(column: "node", as: String.self),
                rows: try row.decode(column: "row_count", as: Int64.self),
                bytes: try row.decode(column: "byte_count", as: Int64.self),
                minTime: try row.decode(column: "min_time", as: Int64.self),
                maxTime: try row.decode(column: "max_time", as: Int64.self),
                checksum: try row.decode(column: "checksum", as: String.self))
        } catch let error as UpliftError {
            throw error
        } catch {
            throw UpliftError(.corrupt, "the catalog holds a segment row that cannot be read: \(error)")
        }
    }
}
