package import Foundation
import SQLKit
package import UpliftModel

extension Catalog {
    /// Saves an experiment's definition (JSON object text). Without `replace`, an existing key is
    /// left alone and `.exists` is returned; with it, the definition and status are replaced and
    /// `created_at` is kept. The project must exist.
    package func saveExperiment(
        project: ProjectSlug, key: String, status: StoredExperiment.Status, definition: String,
        replace: Bool = false, now: Date = Date()
    ) async throws(UpliftError) -> SaveOutcome {
        try DefinitionText.validKey(key, "an experiment")
        _ = try DefinitionText.parse(definition, "the experiment")
        let at = Self.microseconds(now)
        return try await transaction("saving experiment \(key) of \(project)") { db in
            try await Self.requireProject(project, db: db)
            let exists =
                try await db.raw(
                    "SELECT key FROM experiments WHERE project = \(bind: project.value) AND key = \(bind: key)"
                ).first() != nil
            if exists && !replace { return .exists }
            if exists {
                try await db.raw(
                    """
                    UPDATE experiments SET status = \(bind: status.rawValue), definition = \(bind: definition), updated_at = \(bind: at)
                    WHERE project = \(bind: project.value) AND key = \(bind: key)
                    """
                ).run()
                return .replaced
            }
            // Two creators racing: the loser's insert does nothing and it answers `.exists`.
            let inserted = try await db.raw(
                """
                INSERT INTO experiments (project, key, status, definition, created_at, updated_at)
                VALUES (\(bind: project.value), \(bind: key), \(bind: status.rawValue), \(bind: definition), \(bind: at), \(bind: at))
                ON CONFLICT (project, key) DO NOTHING RETURNING key
                """
            ).all()
            return inserted.isEmpty ? .exists : .created
        }
    }

    package func experiment(project: ProjectSlug, key: String) async throws(UpliftError) -> StoredExperiment? {
        let rows = try await run("reading experiment \(key) of \(project)") { db in
            try await db.raw(
                "SELECT project, key, status, definition, created_at, updated_at FROM experiments WHERE project = \(bind: project.value) AND key = \(bind: key)"
            ).all()
        }
        return try rows.first.map(Self.experiment(from:))
    }

    /// The project's experiments by key, only those with one of `statuses` when given.
    package func experiments(
        project: ProjectSlug, statuses: [StoredExperiment.Status]? = nil
    ) async throws(UpliftError) -> [StoredExperiment] {
        let rows = try await run("listing the experiments of \(project)") { db -> [any SQLRow] in
            if let statuses {
                guard !statuses.isEmpty else { return [] }
                return try await db.raw(
                    "SELECT project, key, status, definition, created_at, updated_at FROM experiments WHERE project = \(bind: project.value) AND status IN (\(binds: statuses.map(\.rawValue))) ORDER BY key"
                ).all()
            }
            return try await db.raw(
                "SELECT project, key, status, definition, created_at, updated_at FROM experiments WHERE project = \(bind: project.value) ORDER BY key"
            ).all()
        }
        return try rows.map(Self.experiment(from:))
    }

    /// Changes an experiment's status, recording it in the definition too (`status`, and
    /// `shipped_variant` when a variant is shipped; any other status removes it). Returns the updated
    /// experiment, nil when unknown.
    package func setExperimentStatus(
        project: ProjectSlug, key: String, status: StoredExperiment.Status, shippedVariant: String? = nil,
        now: Date = Date()
    ) async throws(UpliftError) -> StoredExperiment? {
        if shippedVariant != nil, status != .shipped {
            throw UpliftError(.invalidInput, "a shipped variant goes with the status shipped, not \(status.rawValue)")
        }
        let at = Self.microseconds(now)
        return try await transaction("changing the status of experiment \(key) of \(project)") { db in
            guard
                let row = try await db.raw(
                    "SELECT project, key, status, definition, created_at, updated_at FROM experiments WHERE project = \(bind: project.value) AND key = \(bind: key)"
                ).first()
            else {
                return nil
            }
            var experiment = try Self.experiment(from: row)
            // A variant is shipped only while the status says so (a shipped experiment restarted is not).
            var updates: [(String, JSONValue)] = [("status", .string(status.rawValue))]
            if let shippedVariant { updates.append((StoredExperiment.shippedVariantMember, .string(shippedVariant))) }
            experiment.definition = try DefinitionText.setting(
                updates, removing: shippedVariant == nil ? [StoredExperiment.shippedVariantMember] : [],
                in: experiment.definition, "the stored experiment")
            experiment.status = status
            experiment.updatedAt = Self.date(at)
            try await db.raw(
                """
                UPDATE experiments SET status = \(bind: status.rawValue), definition = \(bind: experiment.definition), updated_at = \(bind: at)
                WHERE project = \(bind: project.value) AND key = \(bind: key)
                """
            ).run()
            return experiment
        }
    }

    static func requireProject(_ project: ProjectSlug, db: any SQLDatabase) async throws {
        guard try await db.raw("SELECT slug FROM projects WHERE slug = \(bind: project.value)").first() != nil else {
            throw UpliftError(
                .notFound, "project '\(project)' does not exist; create it with `uplift project create \(project)`")
        }
    }

    private static func experiment(from row: any SQLRow) throws(UpliftError) -> StoredExperiment {
        do {
            let statusText = try row.decode(column: "status", as: String.self)
            guard let status = StoredExperiment.Status(rawValue: statusText) else {
                throw UpliftError(
                    .corrupt, "the catalog holds an experiment with the unknown status '\(statusText.prefix(20))'")
            }
            return StoredExperiment(
                project: try ProjectSlug(try row.decode(column: "project", as: String.self)),
                key: try row.decode(column: "key", as: String.self), status: status,
                definition: try row.decode(column: "definition", as: String.self),
                createdAt: date(try row.decode(column: "created_at", as: Int64.self)),
                updatedAt: date(try row.decode(column: "updated_at", as: Int64.self)))
        } catch let error as UpliftError {
            throw UpliftError(.corrupt, "the catalog holds a bad experiment row: \(error.message)")
        } catch {
            throw UpliftError(.corrupt, "the catalog holds an experiment row that cannot be read: \(error)")
        }
    }
}
