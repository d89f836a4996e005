import Foundation
import Testing
import UpliftModel
import UpliftSpark

/// The Spark cluster `Tests/spark.sh` starts (make test does).
private let sparkURL = ProcessInfo.processInfo.environment["UPLIFT_TEST_SPARK"].flatMap {
    try? SparkConnectURL(parsing: $0)
}

/// The client against a real Spark cluster.
@Suite(.enabled(if: sparkURL != nil, "no Spark cluster: run under Tests/spark.sh (make test does)"))
struct SparkConnectSessionTests {
    static let url = sparkURL

    @Test func aStatementComesBackAsArrowInAPinnedSession() async throws {
        let url = try #require(Self.url)
        let batches = try await SparkConnectSession.withSession(url, timeout: .seconds(120)) {
            (spark) throws(UpliftError) -> [[UInt8]] in
            try await spark.sql(
                "SELECT current_timezone() AS zone, CAST(id AS BIGINT) AS n, concat('é', id) AS s FROM range(3)")
        }
        var rows: [[ArrowValue]] = []
        for batch in batches { rows += try ArrowStreamReader.read(batch).rows }
        #expect(rows.map { $0[0] } == [.string("UTC"), .string("UTC"), .string("UTC")])
        #expect(rows.map { $0[1] } == [.int(0), .int(1), .int(2)])
        #expect(rows.map { $0[2] } == [.string("é0"), .string("é1"), .string("é2")])
    }

    @Test func aRefusedStatementIsOneLineNamingSparksErrorClass() async throws {
        let url = try #require(Self.url)
        let error = await #expect(throws: UpliftError.self) {
            try await SparkConnectSession.withSession(url, timeout: .seconds(120)) {
                (spark) throws(UpliftError) -> [[UInt8]] in
                try await spark.sql("SELECT * FROM no_such_table")
            }
        }
        #expect(error?.code == .engineFailed)
        #expect(error?.message.hasPrefix("Spark: [TABLE_OR_VIEW_NOT_FOUND]") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("\n") == false)
    }

    @Test func anEngineThatIsNotThereFailsAtOnce() async throws {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused.
        let url = try SparkConnectURL(parsing: "sc://127.0.0.1:9")
        let started = ContinuousClock.now
        let error = await #expect(throws: UpliftError.self) {
            try await SparkConnectSession.withSession(url, timeout: .seconds(120)) {
                (spark) throws(UpliftError) -> [[UInt8]] in try await spark.sql("SELECT 1")
            }
        }
        #expect(error?.code == .engineUnavailable)
        #expect(error?.message.contains("127.0.0.1:9") == true, "\(error?.message ?? "")")
        // Not the call's timeout: a refused connection is not waited out.
        #expect(ContinuousClock.now - started < .seconds(30))
    }
}
