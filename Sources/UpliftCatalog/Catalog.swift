import Foundation
public import Logging
import SQLKit
public import UpliftModel

/// How to open the catalog: where, and the pepper of the key hashes.
public struct CatalogConfiguration: Sendable {
    public var url: CatalogURL
    public var secret: CatalogSecret

    public init(url: CatalogURL, secret: CatalogSecret) {
        self.url = url
        self.secret = secret
    }
}

/// Uplift's metadata: projects, API keys and persons, on SQLite or PostgreSQL through one SQLKit
/// code path. Opening it applies the missing migrations. Calls are serialised on one connection.
public final class Catalog: Sendable {
    let connection: CatalogConnection
    let secret: CatalogSecret
    /// What opening did to the schema.
    public let migration: MigrationReport
    public var dialect: CatalogDialect { connection.dialect }

    private init(connection: CatalogConnection, secret: CatalogSecret, migration: MigrationReport) {
        self.connection = connection
        self.secret = secret
        self.migration = migration
    }

    /// Connects, migrates, and checks that the secret is the one the catalog's keys were made with.
    public static func open(_ configuration: CatalogConfiguration, logger: Logger = Logger(label: "uplift.catalog")) async throws(UpliftError) -> Catalog {
        let connection = try await CatalogConnection.open(configuration.url, logger: logger)
        do {
            let report = try await Migrator.run(on: connection)
            let catalog = Catalog(connection: connection, secret: configuration.secret, migration: report)
            try await catalog.checkSecret()
            return catalog
        } catch {
            await connection.close()
            throw CatalogErrors.wrap(error, "opening the catalog")
        }
    }

    public func close() async {
        await connection.close()
    }

    /// The schema version the database is at.
    public func schemaVersion() async throws(UpliftError) -> Int {
        try await run("reading the schema version") { db in try await Migrator.currentVersion(db) }
    }

    /// The newest schema version this binary knows.
    public static var latestSchemaVersion: Int { Migrations.latestVersion }

    /// A keyed hash of a fixed text, stored once: a node with another secret would make keys
    /// that no other node accepts, so it is refused at start instead.
    private func checkSecret() async throws {
        let check = APIKeyToken.hash("uplift catalog secret check v1", secret: secret)
        let stored: String = try await connection.exclusive { db in
            try await db.raw("INSERT INTO catalog_meta (name, value) VALUES ('secret_check', \(bind: check)) ON CONFLICT (name) DO NOTHING").run()
            let row = try await db.raw("SELECT value FROM catalog_meta WHERE name = 'secret_check'").first()
            return try row?.decode(column: "value", as: String.self) ?? check
        }
        guard APIKeyToken.constantTimeEqual(stored, check) else {
            throw UpliftError(.invalidInput, "the catalog secret differs from the one this catalog's keys were made with; use the same catalog.secret or UPLIFT_CATALOG_SECRET on every node")
        }
    }

    /// Runs statements alone on the connection, with errors made into one line.
    func run<R: Sendable>(_ doing: String, _ body: (any SQLDatabase) async throws -> R) async throws(UpliftError) -> R {
        do { return try await connection.exclusive(body) } catch { throw CatalogErrors.wrap(error, doing) }
    }

    /// Runs statements in one transaction, with errors made into one line.
    func transaction<R: Sendable>(_ doing: String, _ body: (any SQLDatabase) async throws -> R) async throws(UpliftError) -> R {
        do { return try await connection.transaction(body) } catch { throw CatalogErrors.wrap(error, doing) }
    }

    /// For tests and tools: one raw statement.
    package func execute(_ statement: String) async throws(UpliftError) {
        try await run("running a statement") { db in try await db.raw("\(unsafeRaw: statement)").run() }
    }

    /// For tests and tools: one integer from a raw query (its first column named `n`).
    package func queryInt(_ statement: String) async throws(UpliftError) -> Int64? {
        try await run("running a query") { db in try await db.raw("\(unsafeRaw: statement)").first()?.decode(column: "n", as: Int64.self) }
    }

    /// For tests and tools: one raw statement on a database, without migrating it.
    package static func execute(_ statement: String, at url: CatalogURL) async throws(UpliftError) {
        let connection = try await CatalogConnection.open(url, logger: Logger(label: "uplift.catalog"))
        do {
            try await connection.exclusive { db in try await db.raw("\(unsafeRaw: statement)").run() }
            await connection.close()
        } catch {
            await connection.close()
            throw CatalogErrors.wrap(error, "running a statement")
        }
    }

    static func microseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
    static func date(_ microseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }
}
