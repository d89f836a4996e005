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
import Synchronization
import UpliftModel

/// One open connection, seen through SQLKit, with the lock that keeps a caller's statements (and so a
/// transaction) together: the SQLite file, or a direct PostgreSQL connection for migrations and tools.
final class SingleConnection: Sendable {
    let sql: any SQLDatabase
    private let gate = SerialGate()
    private let closed = Atomic<Bool>(false)
    private let closer: @Sendable () async throws -> Void

    private init(sql: any SQLDatabase, closer: @escaping @Sendable () async throws -> Void) {
        self.sql = sql
        self.closer = closer
    }

    /// Closes the connection; later calls fail as `catalogUnavailable`.
    func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try? await closer()
    }

    /// Runs `body` alone on the connection (no other caller's statements in between).
    func exclusive<R: Sendable>(_ body: (any SQLDatabase) async throws -> R) async throws -> R {
        await gate.acquire()
        do {
            guard !closed.load(ordering: .acquiring) else {
                throw UpliftError(.catalogUnavailable, "the catalog has been closed; restart the command or server")
            }
            let result = try await body(sql)
            await gate.release()
            return result
        } catch {
            await gate.release()
            throw error
        }
    }

    // MARK: SQLite

    static func openSQLite(path: String, logger: Logger) async throws(UpliftError) -> SingleConnection {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw UpliftError(
                    .io, "cannot create the directory \(directory) for the SQLite catalog; check permissions",
                    cause: error)
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
                storage: .file(path: path), threadPool: pool, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any())
        } catch {
            try? await pool.shutdownGracefully()
            throw UpliftError(
                .io, "cannot open the SQLite catalog \(path): \(error); check the path and its permissions")
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
                } catch  where "\(error)".contains("locked") && attempt < 200 {
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            _ = try await sql.raw("PRAGMA foreign_keys = ON").all()
            // A deleted row is overwritten, not left in a free page: an erased person's ids leave the file.
            _ = try await sql.raw("PRAGMA secure_delete = ON").all()
            _ = try await sql.raw("SELECT count(*) FROM sqlite_master").all()
        } catch {
            try? await connection.close().get()
            try? await pool.shutdownGracefully()
            throw UpliftError(
                .corrupt, "\(path) is not a usable SQLite catalog (\(error)); point --catalog at another file")
        }
        // The future-based close runs even when the calling task is cancelled (the async one
        // would not, and SQLiteNIO asserts that every connection is closed).
        return SingleConnection(sql: sql) {
            try await connection.close().get()
            try await pool.shutdownGracefully()
        }
    }

    // MARK: PostgreSQL

    /// A connection of its own, outside the pool: opening migrates under a session lock, and a bad
    /// password or a missing database is named exactly here (a pool would only keep retrying).
    static func connectPostgres(
        _ l: CatalogURL.PostgresLocation, connectTimeout: Duration, logger: Logger
    ) async throws(UpliftError) -> SingleConnection {
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
        configuration.options.connectTimeout = TimeAmount.nanoseconds(
            connectTimeout.components.seconds * 1_000_000_000 + connectTimeout.components.attoseconds / 1_000_000_000)
        if let schema = l.schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw PostgresErrors.describe(error, location: l, logger: logger)
        }
        let sql = connection.sql(queryLogLevel: .trace)
        return SingleConnection(sql: sql) { try await connection.close().get() }
    }
}
