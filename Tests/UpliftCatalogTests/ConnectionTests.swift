import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftCatalog

struct ConnectionTests {
    @Test func urlsParse() throws {
        #expect(try CatalogURL(parsing: "sqlite:/tmp/c.sqlite") == .sqlite(path: "/tmp/c.sqlite"))
        #expect(try CatalogURL(parsing: "sqlite:relative.db") == .sqlite(path: "relative.db"))
        #expect(try CatalogURL(parsing: "sqlite:///abs/c.db") == .sqlite(path: "/abs/c.db"))
        let pg = try CatalogURL(
            parsing: "postgresql://me:p%40ss%3Aw@db.example:6543/meta?sslmode=require&schema=uplift")
        #expect(
            pg
                == .postgres(
                    .init(
                        host: "db.example", port: 6543, user: "me", password: "p@ss:w", database: "meta",
                        schema: "uplift", tls: .require)))
        #expect(!pg.description.contains("p@ss"))
        #expect(
            try CatalogURL(parsing: "postgres://me@localhost/meta")
                == .postgres(.init(host: "localhost", user: "me", password: nil, database: "meta")))
        #expect(CatalogURL.defaultURL(dataDirectory: "/d") == .sqlite(path: "/d/catalog.sqlite"))
    }

    @Test(arguments: [
        ("mysql://u:p@h/db", "scheme 'mysql'"),
        ("sqlite:", "names no file"),
        ("postgres://u:p@/db", "host"),
        ("postgres://h/db", "no user"),
        ("postgres://u:p@h", "no database"),
        ("postgres://u:p@h:99999/db", "port"),
        ("postgres://u:p@h/db?sslmode=maybe", "sslmode"),
        ("postgres://u:p@h/db?schema=Bad-Name", "schema"),
        ("postgres://u:p@h/db?colour=blue", "'colour'"),
        ("/just/a/path", "scheme"),
    ])
    func badURLsGiveOneLineNamingTheProblem(_ text: String, _ expected: String) {
        #expect {
            _ = try CatalogURL(parsing: text)
        } throws: { error in
            guard let error = error as? UpliftError else { return false }
            return error.code == .invalidInput && error.message.contains(expected) && !error.message.contains("\n")
                && !error.message.contains(":p@")
        }
    }

    @Test func anUnreachableServerGivesOneLine() async throws {
        // A port nothing listens on: bind one, note it, close it.
        let error = try #require(
            await upliftError {
                _ = try await Catalog.open(
                    CatalogConfiguration(
                        url: try CatalogURL(parsing: "postgres://u:secretpw@127.0.0.1:1/db"), secret: Backend.secret))
            })
        #expect(error.message.contains("cannot reach the PostgreSQL catalog at 127.0.0.1:1"))
        #expect(!error.message.contains("secretpw"))
        #expect(!error.message.contains("\n"))
    }

    @Test func aFileThatIsNotSQLiteIsRefused() async throws {
        try await withPlace(.sqlite) { place in
            guard case .sqlite(let path) = place.url else { return }
            try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: path))
            let error = try #require(await upliftError { _ = try await place.open() })
            #expect(error.message.contains("not a usable SQLite catalog"))
        }
    }

    @Test func wrongCredentialsAndMissingDatabaseGiveOneLine() async throws {
        guard let base = Backend.postgresURL, case .postgres(let location) = try CatalogURL(parsing: base) else {
            try Test.cancel("PostgreSQL case skipped: set UPLIFT_TEST_POSTGRES_URL (make test does)")
        }
        var wrong = location
        wrong.password = "not-the-password"
        let denied = try #require(
            await upliftError {
                _ = try await Catalog.open(CatalogConfiguration(url: .postgres(wrong), secret: Backend.secret))
            })
        #expect(denied.message.contains("rejected the credentials of user '\(location.user)'"))
        #expect(!denied.message.contains("not-the-password"))
        var missing = location
        missing.database = "no_such_database"
        let noDatabase = try #require(
            await upliftError {
                _ = try await Catalog.open(CatalogConfiguration(url: .postgres(missing), secret: Backend.secret))
            })
        #expect(noDatabase.message.contains("no database 'no_such_database'"))
    }
}
