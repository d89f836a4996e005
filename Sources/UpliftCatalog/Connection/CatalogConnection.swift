import Logging
import SQLKit
import UpliftModel

/// Where the catalog's statements run: one connection behind a FIFO lock (the SQLite file, or a
/// direct PostgreSQL connection for migrations and tools), or PostgresNIO's pool (an opened
/// PostgreSQL catalog, whose `run()` must be running).
final class CatalogConnection: Sendable {
    enum Backend: Sendable {
        case single(SingleConnection)
        case pool(PostgresPool)
    }

    let dialect: CatalogDialect
    let backend: Backend

    init(dialect: CatalogDialect, backend: Backend) {
        self.dialect = dialect
        self.backend = backend
    }

    /// One connection to `url`, outside any pool.
    static func single(
        _ url: CatalogURL, connectTimeout: Duration, logger: Logger
    ) async throws(UpliftError) -> CatalogConnection {
        switch url {
        case .sqlite(let path):
            let connection = try await SingleConnection.openSQLite(path: path, logger: logger)
            return CatalogConnection(dialect: .sqlite, backend: .single(connection))
        case .postgres(let location):
            let connection = try await SingleConnection.connectPostgres(
                location, connectTimeout: connectTimeout, logger: logger)
            return CatalogConnection(dialect: .postgres, backend: .single(connection))
        }
    }

    /// The pool's background work, until the calling task is cancelled; a single connection has
    /// none and just waits.
    func run() async {
        switch backend {
        case .single: await waitForCancellation()
        case .pool(let pool): await pool.run()
        }
    }

    /// Closes a single connection. A pool closes when its `run()` ends.
    func close() async {
        if case .single(let connection) = backend { await connection.close() }
    }

    /// Runs `body` on one connection: its statements run in order, with no other caller's in between.
    func withDatabase<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        switch backend {
        case .single(let connection): return try await connection.exclusive(body)
        case .pool(let pool): return try await pool.withDatabase(body)
        }
    }

    /// Runs `body` in a transaction that holds the write lock from its first statement
    /// (SQLite: BEGIN IMMEDIATE, so two writers never deadlock upgrading a read lock).
    func transaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        switch backend {
        case .pool(let pool):
            return try await pool.transaction(body)
        case .single(let connection):
            let begin = dialect == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
            return try await connection.exclusive { db in
                try await db.raw("\(unsafeRaw: begin)").run()
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
    }
}
