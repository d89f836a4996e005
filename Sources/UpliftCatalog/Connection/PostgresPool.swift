import Logging
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization
import UpliftModel

/// PostgresNIO's pooled client (it connects on demand, reconnects with backoff after the server went
/// away, and keeps idle connections alive), seen through SQLKit one leased connection at a time: a
/// call's statements, and so its transaction, stay on one connection. postgres-kit 2.17 has no
/// `SQLDatabase` over `PostgresClient`, and a pool-wide one would scatter a transaction anyway.
///
/// The pool works only while `run()` runs (a service of `uplift serve`, or a task beside a command).
/// A call waits at most `connectTimeout` for its connection: PostgresNIO would queue it for up to
/// 15 s while connecting fails, and a request against a stopped server must be answered, not hang.
/// Once a call has waited in vain, the next ones wait only `briefWait` until a connection is leased
/// again, so that an outage costs each request a moment, not the whole timeout.
final class PostgresPool: Sendable {
    private let client: PostgresClient
    private let server: String
    private let connectTimeout: Duration
    private let logger: Logger
    private let started = Atomic<Bool>(false)
    private let unreachable = Atomic<Bool>(false)
    static let briefWait: Duration = .milliseconds(250)

    init(_ l: CatalogURL.PostgresLocation, connectTimeout: Duration, maximumConnections: Int, logger: Logger) {
        let tls: PostgresClient.Configuration.TLS
        switch l.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: l.host, port: l.port, username: l.user, password: l.password, database: l.database, tls: tls)
        configuration.options.connectTimeout = connectTimeout
        configuration.options.maximumConnections = maximumConnections
        if let schema = l.schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        server = "\(l.host):\(l.port)"
        self.connectTimeout = connectTimeout
        self.logger = logger
    }

    /// Runs the pool until the calling task is cancelled (or, in a `ServiceGroup`, shuts down
    /// gracefully). PostgresNIO allows one run per client: a second call only waits for cancellation,
    /// and statements then fail as unavailable.
    func run() async {
        guard !started.exchange(true, ordering: .relaxed) else {
            logger.warning("the catalog's connection pool ran already; open the catalog again to use it again")
            await waitForCancellation()
            return
        }
        await client.run()
    }

    /// Runs `body` on one leased connection.
    func withDatabase<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await withConnection { connection in try await body(connection.sql(queryLogLevel: .trace)) }
    }

    /// Runs `body` in a transaction on one leased connection.
    func transaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await withConnection { connection in
            let db = connection.sql(queryLogLevel: .trace)
            try await db.raw("BEGIN").run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                do {
                    try await db.raw("ROLLBACK").run()
                } catch {
                    // A connection in an unknown transaction state must not go back to the pool.
                    try? await connection.close()
                }
                throw error
            }
        }
    }

    /// Leases a connection for `body`, waiting at most `connectTimeout` for it; failing to get one is
    /// `catalogUnavailable` (the statements' own errors pass through).
    private func withConnection<R: Sendable>(
        _ body: @Sendable (PostgresConnection) async throws -> R
    ) async throws -> R {
        let leased = LeaseFlag()
        let wait = unreachable.load(ordering: .relaxed) ? min(connectTimeout, Self.briefWait) : connectTimeout
        return try await withoutActuallyEscaping(body) { body in
            try await withThrowingTaskGroup(of: R?.self) { group in
                group.addTask {
                    do {
                        return try await self.client.withConnection { connection in
                            leased.set()
                            self.unreachable.store(false, ordering: .relaxed)
                            return try await body(connection)
                        }
                    } catch  where !leased.isSet {
                        self.unreachable.store(true, ordering: .relaxed)
                        throw self.unavailable(error)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: wait)
                    return nil
                }
                while let next = try await group.next() {
                    if let result = next {
                        group.cancelAll()
                        return result
                    }
                    if !leased.isSet {
                        unreachable.store(true, ordering: .relaxed)
                        group.cancelAll()
                        logger.debug("no catalog connection in time", metadata: ["catalog.server": "\(server)"])
                        throw UpliftError(
                            .catalogUnavailable,
                            "the PostgreSQL catalog at \(server) gave no connection within \(wait); check that it runs, then retry"
                        )
                    }
                }
                // The work task always returns a value or throws, so the loop never ends here.
                throw UpliftError(
                    .catalogUnavailable, "the PostgreSQL catalog at \(server) gave no answer; retry later")
            }
        }
    }

    /// Why no connection could be leased, in one line without the server's words (logged at debug).
    private func unavailable(_ error: any Error) -> UpliftError {
        if let error = error as? UpliftError { return error }
        logger.debug(
            "cannot lease a catalog connection", metadata: ["catalog.server": "\(server)", "error": "\(error)"])
        if let psql = error as? PSQLError, psql.code == .poolClosed {
            return UpliftError(
                .catalogUnavailable, "the catalog's connection pool has stopped (the server is shutting down)")
        }
        if error is CancellationError || (error as? PSQLError)?.code == .queryCancelled {
            return UpliftError(
                .catalogUnavailable, "waiting for a connection to the PostgreSQL catalog at \(server) was cancelled")
        }
        // ConnectionPoolError.connectionCreationCircuitBreakerTripped: connecting has failed for a while.
        return UpliftError(
            .catalogUnavailable,
            "cannot connect to the PostgreSQL catalog at \(server) (connecting keeps failing); check that it runs, then retry"
        )
    }
}

/// Whether the pool has handed the connection over yet.
private final class LeaseFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}

/// Suspends until the calling task is cancelled.
func waitForCancellation() async {
    while !Task.isCancelled {
        try? await Task.sleep(for: .seconds(3600))
    }
}
