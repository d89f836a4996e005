import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit
import SQLiteNIO
import UpliftModel

/// One open connection to SQLite or PostgreSQL, seen through SQLKit, with the lock that keeps
/// transactions whole.
final class CatalogConnection: Sendable {
    let dialect: CatalogDialect
    let sql: any SQLDatabase
    private let gate = SerialGate()
    private let closer: @Sendable () async throws -> Void

    private init(dialect: CatalogDialect, sql: any SQLDatabase, closer: @escaping @Sendable () async throws -> Void) {
        self.dialect = dialect
        self.sql = sql
        self.closer = closer
    }

    static func open(_ url: CatalogURL, logger: Logger) async throws(UpliftError) -> CatalogConnection {
        switch url {
        case .sqlite(let path): return try await openSQLite(path: path, logger: logger)
        case .postgres(let location): return try await openPostgres(location, logger: logger)
        }
    }

    func close() async {
        try? await closer()
    }

    /// Runs `body` alone on the connection (no other caller's statements in between).
    func exclusive<R: Sendable>(_ body: (any SQLDatabase) async throws -> R) async throws -> R {
        await gate.acquire()
        do {
            let result = try await body(sql)
            await gate.release()
            return result
        } catch {
            await gate.release()
            throw error
        }
    }

    /// Runs `body` in a transaction that holds the write lock from its first statement
    /// (SQLite: BEGIN IMMEDIATE, so two writers never deadlock upgrading a read lock).
    func transaction<R: Sendable>(_ body: (any SQLDatabase) async throws -> R) async throws -> R {
        try await exclusive { db in
            try await db.raw(dialect == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN").run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    // MARK: SQLite

    private static func openSQLite(path: String, logger: Logger) async throws(UpliftError) -> CatalogConnection {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw UpliftError(.io, "cannot create the directory \(directory) for the SQLite catalog; check permissions", cause: error)
            }
        }
        // A thread of its own: SQLite's busy handler sleeps on the calling thread while it waits
        // for a lock, and on the shared pool (two threads on two cores) two waiters would starve
        // the very connection that holds the lock and must commit.
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: pool, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
        } catch {
            try? await pool.shutdownGracefully()
            throw UpliftError(.io, "cannot open the SQLite catalog \(path): \(error); check the path and its permissions")
        }
        let sql = connection.sql(queryLogLevel: .trace)
        do {
            // The busy timeout makes a second process wait for the write lock instead of failing
            // at once. WAL lets a reader (a query) run beside a writer (an import); switching to it
            // takes an exclusive lock that the busy handler does not wait for, hence the retries.
            _ = try await sql.raw("PRAGMA busy_timeout = 10000").all()
            var attempt = 0
            while true {
                do {
                    _ = try await sql.raw("PRAGMA journal_mode = WAL").all()
                    break
                } catch where "\(error)".contains("locked") && attempt < 200 {
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            _ = try await sql.raw("PRAGMA foreign_keys = ON").all()
            _ = try await sql.raw("SELECT count(*) FROM sqlite_master").all()
        } catch {
            try? await connection.close().get()
            try? await pool.shutdownGracefully()
            throw UpliftError(.corrupt, "\(path) is not a usable SQLite catalog (\(error)); point --catalog at another file")
        }
        // The future-based close runs even when the calling task is cancelled (the async one
        // would not, and SQLiteNIO asserts that every connection is closed).
        return CatalogConnection(dialect: .sqlite, sql: sql) {
            try await connection.close().get()
            try await pool.shutdownGracefully()
        }
    }

    // MARK: PostgreSQL

    private static func openPostgres(_ l: CatalogURL.PostgresLocation, logger: Logger) async throws(UpliftError) -> CatalogConnection {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch l.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw UpliftError(.io, "cannot set up TLS for the PostgreSQL catalog: \(error)")
        }
        var configuration = PostgresConnection.Configuration(
            host: l.host, port: l.port, username: l.user, password: l.password, database: l.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        if let schema = l.schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw PostgresErrors.describe(error, location: l)
        }
        let sql = connection.sql(queryLogLevel: .trace)
        return CatalogConnection(dialect: .postgres, sql: sql) { try await connection.close().get() }
    }
}
