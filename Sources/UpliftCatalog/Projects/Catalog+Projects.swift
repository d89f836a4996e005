package import Foundation
import SQLKit
package import UpliftModel

/// A project just created, with its first keys (shown once).
package struct CreatedProject: Sendable {
    package let project: Project
    package let writeKey: NewAPIKey
    package let readKey: NewAPIKey
}

extension Catalog {
    /// Creates a project with one write key and one read key, all or nothing.
    package func createProject(
        _ slug: ProjectSlug, name: String? = nil, settings: ProjectSettings = ProjectSettings(), now: Date = Date()
    ) async throws(UpliftError) -> CreatedProject {
        let name = try Self.validName(name ?? slug.value)
        try settings.validate()
        let project = Project(slug: slug, name: name, createdAt: Self.date(Self.microseconds(now)), settings: settings)
        let secret = self.secret
        let created: (NewAPIKey, NewAPIKey)? = try await transaction("creating project \(slug)") { db in
            guard try await Self.insertProject(project, db: db) else { return nil }
            let write = try await Self.insertKey(
                project: slug, kind: .write, now: project.createdAt, secret: secret, db: db)
            let read = try await Self.insertKey(
                project: slug, kind: .read, now: project.createdAt, secret: secret, db: db)
            return (write, read)
        }
        guard let (write, read) = created else {
            throw UpliftError(
                .invalidInput,
                "project '\(slug)' already exists; pick another slug, or make more keys with `uplift key create --project \(slug)`"
            )
        }
        return CreatedProject(project: project, writeKey: write, readKey: read)
    }

    /// Creates the project (without keys) when it does not exist; true when it was created.
    /// For local bulk loads, which need no ceremony.
    package func ensureProject(_ slug: ProjectSlug, now: Date = Date()) async throws(UpliftError) -> Bool {
        let project = Project(slug: slug, name: slug.value, createdAt: Self.date(Self.microseconds(now)))
        return try await transaction("creating project \(slug)") { db in try await Self.insertProject(project, db: db) }
    }

    package func project(_ slug: ProjectSlug) async throws(UpliftError) -> Project? {
        let rows = try await run("reading project \(slug)") { db in
            try await db.raw(
                "SELECT slug, name, created_at, retention_days, time_zone, privacy FROM projects WHERE slug = \(bind: slug.value)"
            ).all()
        }
        return try rows.first.map(Self.project(from:))
    }

    package func projects() async throws(UpliftError) -> [Project] {
        let rows = try await run("listing projects") { db in
            try await db.raw(
                "SELECT slug, name, created_at, retention_days, time_zone, privacy FROM projects ORDER BY slug"
            )
            .all()
        }
        return try rows.map(Self.project(from:))
    }

    /// Replaces a project's settings; the project must exist.
    package func setProjectSettings(_ slug: ProjectSlug, _ settings: ProjectSettings) async throws(UpliftError) {
        try settings.validate()
        let updated = try await transaction("changing the settings of project \(slug)") { db in
            try await db.raw(
                """
                UPDATE projects SET retention_days = \(bind: settings.retentionDays),
                    time_zone = \(bind: settings.timeZone), privacy = \(bind: settings.privacy.json.compactText)
                WHERE slug = \(bind: slug.value) RETURNING slug
                """
            ).all()
        }
        guard !updated.isEmpty else {
            throw UpliftError(
                .notFound, "project '\(slug)' does not exist; create it with `uplift project create \(slug)`")
        }
    }

    /// Inserts unless the slug exists; true when inserted.
    private static func insertProject(_ p: Project, db: any SQLDatabase) async throws -> Bool {
        let inserted = try await db.raw(
            """
            INSERT INTO projects (slug, name, created_at, retention_days, time_zone, privacy)
            VALUES (\(bind: p.slug.value), \(bind: p.name), \(bind: microseconds(p.createdAt)), \(bind: p.settings.retentionDays), \(bind: p.settings.timeZone), \(bind: p.settings.privacy.json.compactText))
            ON CONFLICT (slug) DO NOTHING RETURNING slug
            """
        ).all()
        return !inserted.isEmpty
    }

    private static func project(from row: any SQLRow) throws(UpliftError) -> Project {
        do {
            let slug = try ProjectSlug(try row.decode(column: "slug", as: String.self))
            return Project(
                slug: slug, name: try row.decode(column: "name", as: String.self),
                createdAt: date(try row.decode(column: "created_at", as: Int64.self)),
                settings: ProjectSettings(
                    retentionDays: Int(try row.decode(column: "retention_days", as: Int64.self)),
                    timeZone: try row.decode(column: "time_zone", as: String.self),
                    privacy: try PrivacySettings(json: try row.decode(column: "privacy", as: String.self))))
        } catch let error as UpliftError {
            throw UpliftError(.corrupt, "the catalog holds a bad project row: \(error.message)")
        } catch {
            throw UpliftError(.corrupt, "the catalog holds a project row that cannot be read: \(error)")
        }
    }

    static func validName(_ name: String) throws(UpliftError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200, !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 })
        else {
            throw UpliftError(.invalidInput, "project name must be 1 to 200 characters without control characters")
        }
        return trimmed
    }
}
