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
            configuration.compactionInterval = .milliseconds(100)
            let yesterday = Date(timeIntervalSinceNow: -86_400).formatted(.iso8601)
            try await fixture.serve(.live, configuration: configuration) { client in
                for round in 0..<3 {
                    let body = json(["batch": (0..<5).map { i -> [String: Any] in
                        ["type": "track", "event": "e", "userId": "u\(i)", "messageId": "c-\(round)-\(i)", "timestamp": yesterday]
                    }])
                    let response = try await client.post("/v1/batch", json: body, key: .basic(fixture.writeKey))
                    #expect(response.status == .ok)
                    try await Task.sleep(for: .milliseconds(150))
                }
                // Eventually (a generous bound: the machine may be busy) every segment is compacted.
                var segments: [String] = []
                let deadline = ContinuousClock.now + .seconds(60)
                repeat {
                    try await Task.sleep(for: .milliseconds(100))
                    let paths = (try? FileManager.default.subpathsOfDirectory(atPath: fixture.dataDirectory + "/events")) ?? []
                    segments = paths.filter { $0.hasSuffix(".parquet") }
                } while (segments.isEmpty || !segments.allSatisfy { SegmentLayout.isCompacted($0) }) && ContinuousClock.now < deadline
                #expect(!segments.isEmpty)
                #expect(segments.allSatisfy { SegmentLayout.isCompacted($0) }, "\(segments)")
            }
            let stored = try await fixture.storedEvents()
            #expect(stored.count == 15)
            #expect(Set(stored.map(\.eventID)).count == 15)
        }
    }
}
