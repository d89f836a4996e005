import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftCatalog

/// The databases every catalog test runs against. PostgreSQL needs UPLIFT_TEST_POSTGRES_URL
/// (`make test` starts a throwaway server and sets it); without it the PostgreSQL cases are not
/// generated (the test line says "with 1 test case") and `PostgresGate` is reported as skipped.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// SQLite always; PostgreSQL when a test server is given.
    static var enabled: [Backend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    static var postgresURL: String? {
        let value = ProcessInfo.processInfo.environment["UPLIFT_TEST_POSTGRES_URL"] ?? ""
        return value.isEmpty ? nil : value
    }

    static let secret = try! CatalogSecret(text: String(repeating: "s3cret-pepper-", count: 3))
}

/// A fresh, empty catalog location: a new SQLite file, or a new schema in the test database.
struct CatalogPlace: Sendable {
    let backend: Backend
    let url: CatalogURL
    /// Where the SQLite files live (nil on PostgreSQL).
    let directory: URL?
    /// The PostgreSQL schema (nil on SQLite).
    let schema: String?
    let urlText: String

    /// The production wait for a connection is 5 s; hundreds of tests sharing two cores and one
    /// PostgreSQL server have once needed longer (CI). Tests of the wait itself set their own.
    func configuration(secret: CatalogSecret = Backend.secret) -> CatalogConfiguration {
        var configuration = CatalogConfiguration(url: url, secret: secret)
        configuration.connectTimeout = .seconds(30)
        return configuration
    }

    func open(secret: CatalogSecret = Backend.secret) async throws -> Catalog {
        try await Catalog.open(configuration(secret: secret))
    }

    /// Opens the catalog, runs it (its PostgreSQL pool) while `body` runs, and closes it.
    func withOpen<T>(secret: CatalogSecret = Backend.secret, _ body: (Catalog) async throws -> T) async throws -> T {
        try await Catalog.withOpen(configuration(secret: secret), body)
    }
}

extension CatalogPlace {
    /// Opens `count` catalogs on this place one after another (as nodes start), then runs `body` with all
    /// of them open: their calls may race, their openings do not (on a loaded machine, several openings at
    /// once can wait out SQLite's busy timeout behind each other's migration checks).
    func withNodes<T>(_ count: Int, _ body: ([Catalog]) async throws -> T) async throws -> T {
        func open(_ opened: [Catalog]) async throws -> T {
            if opened.count == count { return try await body(opened) }
            return try await withOpen { catalog in try await open(opened + [catalog]) }
        }
        return try await open([])
    }
}

/// Runs `body` with a fresh catalog place for `backend`, removed afterwards.
func withPlace<T>(_ backend: Backend, _ body: (CatalogPlace) async throws -> T) async throws -> T {
    switch backend {
    case .sqlite:
        return try await withTemporaryDirectory(prefix: "uplift-catalog") { dir in
            let path = dir.appendingPathComponent("catalog.sqlite").path
            return try await body(
                CatalogPlace(
                    backend: .sqlite, url: .sqlite(path: path), directory: dir, schema: nil, urlText: "sqlite:\(path)"))
        }
    case .postgres:
        guard let base = Backend.postgresURL else {
            try Test.cancel("PostgreSQL case skipped: set UPLIFT_TEST_POSTGRES_URL (make test does)")
        }
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let admin = try CatalogURL(parsing: base)
        try await Catalog.execute("CREATE SCHEMA \(schema)", at: admin)
        let text = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        do {
            let result = try await body(
                CatalogPlace(
                    backend: .postgres, url: try CatalogURL(parsing: text), directory: nil, schema: String(schema),
                    urlText: text))
            try? await Catalog.execute("DROP SCHEMA \(schema) CASCADE", at: admin)
            return result
        } catch {
            try? await Catalog.execute("DROP SCHEMA \(schema) CASCADE", at: admin)
            throw error
        }
    }
}

/// Opens a fresh catalog, runs `body` while the catalog runs, closes it.
func withCatalog<T>(_ backend: Backend, _ body: (Catalog, CatalogPlace) async throws -> T) async throws -> T {
    try await withPlace(backend) { place in
        try await place.withOpen { catalog in try await body(catalog, place) }
    }
}

func slug(_ text: String) -> ProjectSlug { try! ProjectSlug(text) }

/// Makes the absence of PostgreSQL visible: skipped (with the reason) when no server is given,
/// and a failure when one is given but cannot be used.
struct PostgresGate {
    @Test(
        .enabled(
            if: Backend.postgresURL != nil, "PostgreSQL cases skipped: set UPLIFT_TEST_POSTGRES_URL (make test does)"))
    func postgresCasesRun() async throws {
        #expect(Backend.enabled.contains(.postgres))
        try await withCatalog(.postgres) { catalog, _ in
            #expect(catalog.dialect == .postgres)
            let version = try await catalog.schemaVersion()
            #expect(version == Catalog.latestSchemaVersion)
        }
    }
}
