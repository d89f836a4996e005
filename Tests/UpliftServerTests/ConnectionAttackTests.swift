import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftModel
import UpliftServer

/// Issue 21, item 8: thousands of idle connections used up the file descriptors and `/healthz` was
/// refused. With `--max-connections`, a flood of idle connections displaces the longest-idle ones (a
/// stalled request too): the server never holds more than the cap, and health and ingestion answer within
/// the bound throughout.
struct ConnectionAttackTests {
    @Test func aFloodOfIdleConnectionsIsCappedWhileHealthAnswers() async throws {
        let files = FileDescriptorLimit.raiseToHard() ?? 1024
        let cap = 200
        // Both ends of every connection live in this process.
        let attackers = min(2500, files - 2 * cap - 512)
        try #require(attackers >= 1000, "the open-files limit (\(files)) is too low for this test")
        try await ServerFixture.with { fixture in
            var configuration = ServerConfiguration()
            configuration.maxConnections = cap
            let key = fixture.writeKey
            try await fixture.serve(.live, configuration: configuration) { client in
                let port = try #require(client.port)
                // A client that stalls in the middle of its body holds no place against the flood.
                let body = json(["type": "track", "event": "e", "userId": "u", "messageId": "slow"])
                let basic = Data((key + ":").utf8).base64EncodedString()
                let slow = try RawConnection(port: port)
                try slow.send(
                    "POST /v1/track HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic \(basic)\r\n"
                        + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
                        + body.prefix(10))
                let before = try Self.openDescriptors()
                // The flood itself: as fast as one thread can connect.
                let start = ContinuousClock.now
                var idle = try await Self.open(attackers - cap, port: port)
                // A new connection waits behind the flood in the accept queue: its answer says the server
                // has taken in (and displaced) the whole flood, within a stated time.
                let drained = try await RawExchange.send(port: port, "GET", "/healthz", headers: [])
                let elapsed = ContinuousClock.now - start
                #expect(drained.status == 200)
                #expect(elapsed < .seconds(10), "the flood took \(elapsed) to take in")
                // Then, while the flood is held, more keep coming (each displacing an idle one), and health
                // and ingestion are probed.
                let (more, report) = try await LivenessProbe.during(port: port, writeKey: key) {
                    try await Self.open(cap, port: port, every: .milliseconds(5))
                }
                idle += more
                #expect(report.held(), "\(report)")

                // The server's side of the flood: at most the cap stays open (it closes asynchronously).
                let deadline = ContinuousClock.now + .seconds(5)
                var held = try Self.openDescriptors() - before - attackers
                while held > cap, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                    held = try Self.openDescriptors() - before - attackers
                }
                #expect(held <= cap, "the server holds \(held) connections, over the cap of \(cap)")
                // The longest idle went first.
                #expect(idle.prefix(attackers - 2 * cap).allSatisfy { $0.peerClosed() })
                #expect(!idle.suffix(cap / 2).allSatisfy { $0.peerClosed() })

                let metrics = try await RawExchange.send(port: port, "GET", "/metrics", headers: [])
                let displaced = Self.value(of: "uplift_http_connections_displaced_total", in: metrics.text) ?? 0
                #expect(displaced >= Double(attackers - cap), "\(metrics.text.prefix(2000))")

                #expect(slow.peerClosed(), "a stalled body kept its place")
                print(
                    "connection flood: \(attackers - cap) idle connections taken in after \(elapsed), \(cap) more"
                        + " while probed, cap \(cap), server holds \(held), displaced \(Int(displaced));"
                        + " liveness: \(report)")
                withExtendedLifetime(idle) {}
            }
            #expect(try await !fixture.storedEvents().map(\.eventID).contains("slow"))
        }
    }

    /// Opens `count` connections that send nothing, from a thread of its own (connect blocks), one per
    /// `every` when given (an attack's pace, not a wait for anything).
    static func open(_ count: Int, port: Int, every pace: Duration? = nil) async throws -> [RawConnection] {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    var connections: [RawConnection] = []
                    connections.reserveCapacity(count)
                    for _ in 0..<count {
                        connections.append(try RawConnection(port: port))
                        if let pace { Thread.sleep(forTimeInterval: Double(pace.components.attoseconds) / 1e18) }
                    }
                    continuation.resume(returning: connections)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    static func openDescriptors() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }

    /// A sample's value in a Prometheus exposition.
    static func value(of metric: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(metric + " ") {
            return Double(line.dropFirst(metric.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}
