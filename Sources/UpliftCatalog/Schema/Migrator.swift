import Foundation
import Logging
import SQLKit
import UpliftModel

/// What a migration run did.
package struct MigrationReport: Sendable, Equatable {
    package let fromVersion: Int
    package let toVersion: Int
    package var applied: Int { toVersion - fromVersion }
}

/// Applies the missing migrations. On PostgreSQL the run holds a session advisory lock, so two
/// nodes starting together migrate once and the second sees the result; on SQLite the run is
/// one BEGIN IMMEDIATE transaction, which serialises writers on the file.
enum Migrator {
    /// Uplift's migration lock among the database's advisory locks: this constant with the hash of the
    /// catalog's schema, so that catalogs in different schemas of one database never wait for each other's
    /// migrations (a wait that once deadlocked the test suite: a test process holding the lock could not
    /// run the task that would release it while waiting for a child process that wanted it).
    static let advisoryLockClass: Int32 = 0x5570_6C69

    static func run(
        on connection: CatalogConnection, migrations: [Migration] = Migrations.all, logger: Logger
    ) async throws -> MigrationReport {
        let latest = migrations.last?.version ?? 0
        return try await connection.withDatabase { db in
            if connection.dialect == .postgres {
                try await db.raw(
                    "SELECT pg_advisory_lock(\(bind: advisoryLockClass), hashtext(current_schema()))"
                ).run()
            }
            do {
                let report = try await apply(
                    migrations, latest: latest, db: db, dialect: connection.dialect, logger: logger)
                if connection.dialect == .postgres {
                    try await db.raw(
                        "SELECT pg_advisory_unlock(\(bind: advisoryLockClass), hashtext(current_schema()))"
                    ).run()
                }
                return report
            } catch {
                if connection.dialect == .postgres {
                    try? await db.raw(
                        "SELECT pg_advisory_unlock(\(bind: advisoryLockClass), hashtext(current_schema()))"
                    ).run()
                }
                throw error
            }
        }
    }

    /// One transaction for the whole run: both databases have transactional DDL, so a failed
    /// step leaves the schema as it was. On SQLite, BEGIN IMMEDIATE takes the write lock first
    /// (waiting through the busy timeout), so the version read inside is the final word.
    private static func apply(
        _ migrations: [Migration], latest: Int, db: any SQLDatabase, dialect: CatalogDialect, logger: Logger
    ) async throws -> MigrationReport {
        try await db.raw(dialect == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN").run()
        var step = "creating schema_migrations"
        do {
            try await db.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            ).run()
            let start = try await currentVersion(db)
            if start > latest { throw newerSchema(start, latest) }
            var version = start
            for migration in migrations where migration.version > start {
                step = "applying catalog migration \(migration.version) (\(migration.name))"
                for statement in migration.statements(dialect) {
                    try await db.raw("\(unsafeRaw: statement)").run()
                }
                let applied = Int64(Date().timeIntervalSince1970 * 1_000_000)
                try await db.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: applied))"
                ).run()
                version = migration.version
            }
            try await db.raw("COMMIT").run()
            return MigrationReport(fromVersion: start, toVersion: version)
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw CatalogErrors.wrap(error, step, logger: logger)
        }
    }

    static func currentVersion(_ db: any SQLDatabase) async throws -> Int {
        let row = try await db.raw("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations").first()
        return Int(try row?.decode(column: "version", as: Int64.self) ?? 0)
    }

    static func newerSchema(_ found: Int, _ latest: Int) -> UpliftError {
        UpliftError(
            .unsupported,
            "the catalog schema is at version \(found) but this uplift knows only up to \(latest); upgrade uplift (a newer node has migrated this catalog)"
        )
    }
}
