import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftModel
import UpliftServer

@testable import UpliftStorage

/// The server compacts closed days in the background: their flushed segments become sorted,
/// compacted ones while it runs, with every event still there once.
struct CompactionServiceTests {
    @Test func closedDaysAreCompactedWhileServing() async throws {
        try await ServerFixture.with { fixture in
            var configuration = ServerConfiguration()
            let clock = WatchedClock()
            configuration.clock = clock
            let interval = Duration.seconds(60)
            configuration.compactionInterval = interval
            // One keep-alive connection serves every round: on a loaded machine under the thread sanitizer
            // a round has taken over a minute, and the idle timeout must not close it meanwhile.
            configuration.idleTimeout = .seconds(3600)
            let yesterday = Date(timeIntervalSinceNow: -86_400).formatted(.iso8601)
            try await fixture.serve(.live, configuration: configuration) { client in
                // The compactor sleeps between rounds: each time it sleeps again, its round is over.
                var rounds = clock.sleeps.makeAsyncIterator()
                await rounds.next()
                for round in 0..<3 {
                    let body = json([
                        "batch": (0..<5).map { i -> [String: Any] in
                            [
                                "type": "track", "event": "e", "userId": "u\(i)", "messageId": "c-\(round)-\(i)",
                                "timestamp": yesterday,
                            ]
                        }
                    ])
                    let response = try await client.post("/v1/batch", json: body, key: .basic(fixture.writeKey))
                    #expect(response.status == .ok)
                    await clock.advance(by: interval + .milliseconds(1))
                    await rounds.next()
                    // Yesterday's events (still in the log) were flushed and compacted with the earlier ones.
                    let paths =
                        (try? FileManager.default.subpathsOfDirectory(atPath: fixture.dataDirectory + "/events")) ?? []
                    let segments = paths.filter { $0.hasSuffix(".parquet") }
                    #expect(!segments.isEmpty)
                    #expect(segments.allSatisfy { SegmentLayout.isCompacted($0) }, "\(segments)")
                }
            }
            let stored = try await fixture.storedEvents()
            #expect(stored.count == 15)
            #expect(Set(stored.map(\.eventID)).count == 15)
        }
    }
}
