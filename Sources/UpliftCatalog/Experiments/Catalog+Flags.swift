package import Foundation
import SQLKit
package import UpliftModel

extension Catalog {
    /// Saves a flag's definition (JSON object text), as `saveExperiment` does.
    package func saveFlag(
        project: ProjectSlug, key: String, enabled: Bool, definition: String, replace: Bool = false, now: Date = Date()
    ) async throws(UpliftError) -> SaveOutcome {
        try DefinitionText.validKey(key, "a flag")
        _ = try DefinitionText.parse(definition, "the flag")
        let at = Self.microseconds(now)
        let on = enabled ? 1 : 0
        return try await transaction("saving flag \(key) of \(project)") { db in
            try await Self.requireProject(project, db: db)
            let exists =
                try await db.raw("SELECT key FROM flags WHERE project = \(bind: project.value) AND key = \(bind: key)")
                .first() != nil
            if exists && !replace { return .exists }
            if exists {
                try await db.raw(
                    """
                    UPDATE flags SET enabled = \(bind: on), definition = \(bind: definition), updated_at = \(bind: at)
                    WHERE project = \(bind: project.value) AND key = \(bind: key)
                    """
                ).run()
                return .replaced
            }
            let inserted = try await db.raw(
                """
                INSERT INTO flags (project, key, enabled, definition, created_at, updated_at)
                VALUES (\(bind: project.value), \(bind: key), \(bind: on), \(bind: definition), \(bind: at), \(bind: at))
                ON CONFLICT (project, key) DO NOTHING RETURNING key
                """
            ).all()
            return inserted.isEmpty ? .exists : .created
        }
    }

    package func flag(project: ProjectSlug, key: String) async throws(UpliftError) -> StoredFlag? {
        let rows = try await run("reading flag \(key) of \(project)") { db in
            try await db.raw(
                "SELECT project, key, enabled, definition, created_at, updated_at FROM flags WHERE project = \(bind: project.value) AND key = \(bind: key)"
            ).all()
        }
        return try rows.first.map(Self.flag(from:))
    }

    /// The project's flags by key; only the enabled ones with `enabledOnly`.
    package func flags(project: ProjectSlug, enabledOnly: Bool = false) async throws(UpliftError) -> [StoredFlag] {
        let rows = try await run("listing the flags of \(project)") { db -> [any SQLRow] in
            if enabledOnly {
                return try await db.raw(
                    "SELECT project, key, enabled, definition, created_at, updated_at FROM flags WHERE project = \(bind: project.value) AND enabled = 1 ORDER BY key"
                ).all()
            }
            return try await db.raw(
                "SELECT project, key, enabled, definition, created_at, updated_at FROM flags WHERE project = \(bind: project.value) ORDER BY key"
            ).all()
        }
        return try rows.map(Self.flag(from:))
    }

    /// Turns a flag on or off, recording it in the definition's `enabled` too. Nil when unknown.
    package func setFlagEnabled(
        project: ProjectSlug, key: String, _ enabled: Bool, now: Date = Date()
    ) async throws(UpliftError) -> StoredFlag? {
        let at = Self.microseconds(now)
        return try await transaction("switching flag \(key) of \(project)") { db in
            guard
                let row = try await db.raw(
                    "SELECT project, key, enabled, definition, created_at, updated_at FROM flags WHERE project = \(bind: project.value) AND key = \(bind: key)"
                ).first()
            else {
                return nil
            }
            var flag = try Self.flag(from: row)
            flag.definition = try DefinitionText.setting(
                [("enabled", .bool(enabled))], in: flag.definition, "the stored flag")
            flag.enabled = enabled
            flag.updatedAt = Self.date(at)
            try await db.raw(
                """
                UPDATE flags SET enabled = \(bind: enabled ? 1 : 0), definition = \(bind: flag.definition), updated_at = \(bind: at)
                WHERE project = \(bind: project.value) AND key = \(bind: key)
                """
            ).run()
            return flag
        }
    }

    private static func flag(from row: any SQLRow) throws(UpliftError) -> StoredFlag {
        do {
            return StoredFlag(
                project: try ProjectSlug(try row.decode(column: "project", as: String.self)),
                key: try row.decode(column: "key", as: String.self),
                enabled: try row.decode(column: "enabled", as: Int64.self) != 0,
                definition: try row.decode(column: "definition", as: String.self),
                createdAt: date(try row.decode(column: "created_at", as: Int64.self)),
                updatedAt: date(try row.decode(column: "updated_at", as: Int64.self)))
        } catch let error as UpliftError {
            throw UpliftError(.corrupt, "the catalog holds a bad flag row: \(error.message)")
        } catch {
            throw UpliftError(.corrupt, "the catalog holds a flag row that cannot be read: \(error)")
        }
    }
}
