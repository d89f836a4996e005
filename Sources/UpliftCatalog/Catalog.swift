import Foundation
package import Logging
import SQLKit
package import UpliftModel

/// How to open the catalog: where, the pepper of the key hashes, and (PostgreSQL) the pool's limits.
package struct CatalogConfiguration: Sendable {
    package var url: CatalogURL
    package var secret: CatalogSecret
    /// How long a call waits for a PostgreSQL connection (a TCP connect, or a free pooled connection)
    /// before it fails as `catalogUnavailable`: a stopped server is answered, never waited for.
    package var connectTimeout: Duration = .seconds(5)
    /// Connections one process keeps to PostgreSQL at most (PostgreSQL allows 100 by default, shared
    /// by every node).
    package var maximumConnections = 10

    package init(url: CatalogURL, secret: CatalogSecret) {
        self.url = url
        self.secret = secret
    }
}

/// Uplift's metadata: projects, API keys and persons, on SQLite or PostgreSQL through one SQLKit
/// code path. Opening it applies the missing migrations.
///
/// SQLite is one connection, its calls taken in turn. PostgreSQL is PostgresNIO's connection pool,
/// which works only while `run()` runs: `uplift serve` runs it as a service of its `ServiceGroup`,
/// and `withOpen` runs it beside a command. Calls that find PostgreSQL unreachable fail within
/// `connectTimeout` as `catalogUnavailable`, and work again once it is back (the pool reconnects).
package final class Catalog: Sendable {
    let connection: CatalogConnection
    let secret: CatalogSecret
    let logger: Logger
    /// What opening did to the schema.
    package let migration: MigrationReport
    package var dialect: CatalogDialect { connection.dialect }

    private init(connection: CatalogConnection, secret: CatalogSecret, logger: Logger, migration: MigrationReport) {
        self.connection = connection
        self.secret = secret
        self.logger = logger
        self.migration = migration
    }

    /// Connects, migrates, and checks that the secret is the one the catalog's keys were made with.
    /// On PostgreSQL this happens on a connection of its own, and the returned catalog's statements
    /// wait for `run()`.
    package static func open(
        _ configuration: CatalogConfiguration, pooled: Bool = true, logger: Logger = Logger(label: "uplift.catalog")
    ) async throws(UpliftError) -> Catalog {
        let first = try await CatalogConnection.single(
            configuration.url, connectTimeout: configuration.connectTimeout, logger: logger)
        let report: MigrationReport
        do {
            report = try await Migrator.run(on: first, logger: logger)
            try await checkSecret(configuration.secret, on: first)
            try await nameCatalog(on: first)
        } catch {
            await first.close()
            throw CatalogErrors.wrap(error, "opening the catalog", logger: logger)
        }
        guard case .postgres(let location) = configuration.url, pooled else {
            return Catalog(connection: first, secret: configuration.secret, logger: logger, migration: report)
        }
        await first.close()
        let pool = PostgresPool(
            location, connectTimeout: configuration.connectTimeout,
            maximumConnections: configuration.maximumConnections,
            logger: logger)
        return Catalog(
            connection: CatalogConnection(dialect: .postgres, backend: .pool(pool)), secret: configuration.secret,
            logger: logger,
            migration: report)
    }

    /// Opens the catalog, runs it while `body` runs, and closes it: what a command that uses the
    /// catalog briefly needs. `pooled: false` keeps PostgreSQL on the one connection that opened it.
    package static func withOpen<R>(
        _ configuration: CatalogConfiguration, pooled: Bool = true, logger: Logger = Logger(label: "uplift.catalog"),
        _ body: (Catalog) async throws -> R
    ) async throws -> R {
        let catalog = try await open(configuration, pooled: pooled, logger: logger)
        do {
            let result = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await catalog.run() }
                do {
                    let result = try await body(catalog)
                    group.cancelAll()
                    return result
                } catch {
                    group.cancelAll()
                    throw error
                }
            }
            await catalog.close()
            return result
        } catch {
            await catalog.close()
            throw error
        }
    }

    /// The catalog's background work until the calling task is cancelled (or, in a `ServiceGroup`,
    /// shuts down gracefully): on PostgreSQL the connection pool (connecting, reconnecting, keeping
    /// idle connections alive), which runs once per opened catalog; on SQLite nothing, it just waits.
    package func run() async {
        await connection.run()
    }

    /// Closes the SQLite connection; later calls fail as `catalogUnavailable`. A PostgreSQL
    /// catalog closes when its `run()` ends.
    package func close() async {
        await connection.close()
    }

    /// The schema version the database is at.
    package func schemaVersion() async throws(UpliftError) -> Int {
        try await run("reading the schema version") { db in try await Migrator.currentVersion(db) }
    }

    /// This catalog's random name, made when it was first opened: a file derived from the catalog
    /// (`PersonMapFile`) carries it, so that a data directory later used with another catalog
    /// does not apply the first one's links.
    package func catalogID() async throws(UpliftError) -> String {
        let row = try await run("reading the catalog id") { db in
            try await db.raw("SELECT value FROM catalog_meta WHERE name = 'catalog_id'").first()
        }
        guard let id = try? row?.decode(column: "value", as: String.self) else {
            throw UpliftError(.corrupt, "the catalog has no catalog_id; open it with this version of uplift once")
        }
        return id
    }

    private static func nameCatalog(on connection: CatalogConnection) async throws {
        let id = (0..<2).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 16) }.joined(separator: "-")
        try await connection.withDatabase { db in
            try await db.raw(
                "INSERT INTO catalog_meta (name, value) VALUES ('catalog_id', \(bind: id)) ON CONFLICT (name) DO NOTHING"
            ).run()
        }
    }

    /// The newest schema version this binary knows.
    package static var latestSchemaVersion: Int { Migrations.latestVersion }

    /// A keyed hash of a fixed text, stored once: a node with another secret would make keys
    /// that no other node accepts, so it is refused at start instead.
    private static func checkSecret(_ secret: CatalogSecret, on connection: CatalogConnection) async throws {
        let check = APIKeyToken.hash("uplift catalog secret check v1", secret: secret)
        let stored: String = try await connection.withDatabase { db in
            try await db.raw(
                "INSERT INTO catalog_meta (name, value) VALUES ('secret_check', \(bind: check)) ON CONFLICT (name) DO NOTHING"
            ).run()
            let row = try await db.raw("SELECT value FROM catalog_meta WHERE name = 'secret_check'").first()
            return try row?.decode(column: "value", as: String.self) ?? check
        }
        guard APIKeyToken.constantTimeEqual(stored, check) else {
            throw UpliftError(
                .invalidInput,
                "the catalog secret differs from the one this catalog's keys were made with; use the same catalog.secret or UPLIFT_CATALOG_SECRET on every node"
            )
        }
    }

    /// Runs statements alone on the connection, with errors made into one line.
    func run<R: Sendable>(
        _ doing: String, _ body: @Sendable (any SQLDatabase) async throws -> R
    ) async throws(UpliftError) -> R {
        do { return try await connection.withDatabase(body) } catch {
            throw CatalogErrors.wrap(error, doing, logger: logger)
        }
    }

    /// Runs statements in one transaction, with errors made into one line.
    func transaction<R: Sendable>(
        _ doing: String, _ body: @Sendable (any SQLDatabase) async throws -> R
    ) async throws(UpliftError) -> R {
        do { return try await connection.transaction(body) } catch {
            throw CatalogErrors.wrap(error, doing, logger: logger)
        }
    }

    /// For tests and tools: one raw statement.
    package func execute(_ statement: String) async throws(UpliftError) {
        try await run("running a statement") { db in try await db.raw("\(unsafeRaw: statement)").run() }
    }

    /// For tests and tools: one integer from a raw query (its first column named `n`).
    package func queryInt(_ statement: String) async throws(UpliftError) -> Int64? {
        try await run("running a query") { db in
            try await db.raw("\(unsafeRaw: statement)").first()?.decode(column: "n", as: Int64.self)
        }
    }

    /// For tests and tools: one raw statement on a database, without migrating it.
    package static func execute(_ statement: String, at url: CatalogURL) async throws(UpliftError) {
        let logger = Logger(label: "uplift.catalog")
        let connection = try await CatalogConnection.single(url, connectTimeout: .seconds(10), logger: logger)
        do {
            try await connection.withDatabase { db in try await db.raw("\(unsafeRaw: statement)").run() }
            await connection.close()
        } catch {
            await connection.close()
            throw CatalogErrors.wrap(error, "running a statement", logger: logger)
        }
    }

    static func microseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
    static func date(_ microseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }
}
