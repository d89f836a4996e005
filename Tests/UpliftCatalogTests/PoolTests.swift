import Foundation
import Logging
import Synchronization
import TestSupport
import Testing
import UpliftModel

@testable import UpliftCatalog

/// PostgreSQL's pool: calls run side by side, wait a bounded time for a connection, and say
/// `catalogUnavailable` when none comes.
struct PoolTests {
    /// Four statements on the pool run at the same time: each counts itself in on a sequence (which
    /// is not transactional, so all see it at once), then waits inside PostgreSQL until all four have.
    /// One connection (or a pool that serialised them) would never get there; the statements give up
    /// after a minute, so the test fails instead of hanging. No time bound is asserted: a loaded
    /// machine or a sanitizer build only makes it slower.
    @Test func callsRunConcurrently() async throws {
        try await withCatalog(.postgres) { catalog, _ in
            let sequence = "barrier_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
            try await catalog.execute("CREATE SEQUENCE \(sequence)")
            let barrier = """
                DO $$
                DECLARE deadline timestamptz := clock_timestamp() + interval '60 seconds';
                BEGIN
                  PERFORM nextval('\(sequence)');
                  WHILE (SELECT last_value FROM \(sequence)) < 4 LOOP
                    IF clock_timestamp() > deadline THEN
                      RAISE EXCEPTION 'the four statements never ran at the same time';
                    END IF;
                    PERFORM pg_sleep(0.02);
                  END LOOP;
                END $$
                """
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await catalog.execute(barrier) }
                }
                try await group.waitForAll()
            }
            try await catalog.execute("DROP SEQUENCE \(sequence)")
        }
    }

    /// Without its `run()` the pool hands out nothing: a call fails after `connectTimeout` as
    /// unavailable instead of waiting forever. After `run()` has ended, calls fail at once.
    @Test func aPoolThatDoesNotRunIsUnavailableWithinTheTimeout() async throws {
        try await withPlace(.postgres) { place in
            var configuration = place.configuration()
            configuration.connectTimeout = .milliseconds(500)
            // Opening connects once with the same timeout, which a loaded machine (CI's sanitizer pass) can
            // miss: that first connection is not what this test is about, so it gets up to 30 s of tries.
            let opening = ContinuousClock.now + .seconds(30)
            var opened: Catalog?
            while opened == nil {
                do {
                    opened = try await Catalog.open(configuration)
                } catch let error as UpliftError where error.code == .catalogUnavailable {
                    if ContinuousClock.now > opening { throw error }
                }
            }
            let catalog = try #require(opened)
            let start = ContinuousClock.now
            let waited = try #require(await upliftError { _ = try await catalog.projects() })
            let elapsed = ContinuousClock.now - start
            #expect(waited.code == .catalogUnavailable)
            #expect(waited.message.contains("no connection within"))
            // The upper bound only tells "gave up" from "waits forever": under the sanitizer pass, with other
            // suites busy on both cores, the timer that ends the wait has fired 8 s late.
            #expect(elapsed >= .milliseconds(500) && elapsed < .seconds(30), "\(elapsed)")

            // Run it briefly, use it, stop it. Each call waits 500 ms for a connection, and under a sanitizer
            // or a loaded machine the first connection can take longer: try again, for at most 30 s.
            let projects = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await catalog.run() }
                defer { group.cancelAll() }
                let end = ContinuousClock.now + .seconds(30)
                while true {
                    do {
                        return try await catalog.projects()
                    } catch let error as UpliftError where error.code == .catalogUnavailable {
                        if ContinuousClock.now > end { throw error }
                    }
                }
            }
            #expect(projects.isEmpty)
            let closedStart = ContinuousClock.now
            let closed = try #require(await upliftError { _ = try await catalog.projects() })
            #expect(closed.code == .catalogUnavailable)
            // "At once" is not a time bound that holds on a loaded machine (CI's parallel pass has taken 3 s to
            // schedule the call): the bound again only tells "failed" from "waits forever".
            #expect(ContinuousClock.now - closedStart < .seconds(30))
        }
    }

    /// A closed SQLite catalog says so as unavailable (the server answers 503).
    @Test func aClosedSQLiteCatalogIsUnavailable() async throws {
        try await withPlace(.sqlite) { place in
            let catalog = try await place.open()
            await catalog.close()
            let error = try #require(await upliftError { _ = try await catalog.projects() })
            #expect(error.code == .catalogUnavailable)
        }
    }
}

/// The database's own message can quote row data: it reaches the debug log, never an error.
struct CatalogErrorTests {
    @Test func aServerMessageGoesToTheDebugLogOnly() async throws {
        try await withPlace(.postgres) { place in
            let log = CapturedLog()
            let logger = Logger(label: "uplift.catalog.test") { _ in log.handler }
            try await Catalog.withOpen(place.configuration(), logger: logger) { catalog in
                // PostgreSQL: invalid input syntax for type bigint: "row-data-4711".
                let error = try #require(
                    await upliftError { _ = try await catalog.queryInt("SELECT CAST('row-data-4711' AS BIGINT) AS n") })
                #expect(error.code == .io)
                #expect(error.message.contains("SQLSTATE 22P02"), "\(error.message)")
                #expect(!error.description.contains("row-data-4711"), "\(error.description)")
                #expect(log.debugLines.contains { $0.contains("row-data-4711") && $0.contains("22P02") })

                // A unique violation keeps its meaning: an error of the statement, not an outage.
                let duplicate = try #require(
                    await upliftError {
                        try await catalog.execute(
                            "INSERT INTO catalog_meta (name, value) VALUES ('secret_check', 'row-data-4712')")
                    })
                #expect(duplicate.code == .io)
                #expect(duplicate.message.contains("SQLSTATE 23505"), "\(duplicate.message)")
                #expect(!duplicate.description.contains("row-data-4712"))
            }
        }
    }
}

/// A log handler that keeps what it is given, for assertions.
final class CapturedLog: Sendable {
    private let lines = Mutex<[(Logger.Level, String)]>([])

    var handler: Handler { Handler(sink: self) }
    var debugLines: [String] { lines.withLock { $0.filter { $0.0 == .debug }.map(\.1) } }

    struct Handler: LogHandler {
        let sink: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let text =
                "\(event.message) "
                + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            sink.lines.withLock { $0.append((event.level, text)) }
        }
    }
}
