import Foundation
import Synchronization

/// What every attack test checks besides the attack itself: while it runs, `GET /healthz` and a
/// `POST /v1/track` keep being answered, each within `bound`. The probe runs on a thread of its own
/// (never on the cooperative pool the server's handlers need) with a fresh connection per request,
/// one round every 20 ms, until `stop()` (at least one whole round).
///
/// Attack tests are the suites named `…AttackTests`: `make test` runs them in a pass of their own, one
/// at a time, so that the 100 ms bound measures the attack and not the rest of the suite running
/// beside it. `UPLIFT_LIVENESS_MS` overrides the bound (a sanitizer build is several times slower).
final class LivenessProbe: Sendable {
    struct Report: Sendable, CustomStringConvertible {
        var health = Samples()
        var track = Samples()

        struct Samples: Sendable {
            var count = 0
            var worst: Duration = .zero
            var failures: [String] = []
        }

        var description: String {
            "healthz: \(health.count) answered, worst \(health.worst), failures \(health.failures.prefix(3)); "
                + "track: \(track.count) answered, worst \(track.worst), failures \(track.failures.prefix(3))"
        }

        /// Both kinds were asked at least once, none failed, none took longer than `bound`.
        func held(within bound: Duration = LivenessProbe.bound) -> Bool {
            health.count > 0 && track.count > 0 && health.failures.isEmpty && track.failures.isEmpty
                && health.worst < bound && track.worst < bound
        }
    }

    static let bound: Duration = .milliseconds(
        ProcessInfo.processInfo.environment["UPLIFT_LIVENESS_MS"].flatMap { Int($0) } ?? 100)

    private let port: Int
    private let writeKey: String
    private let report = Mutex(Report())
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts probing `localhost:port` at once.
    init(port: Int, writeKey: String) {
        self.port = port
        self.writeKey = writeKey
        Thread.detachNewThread { [self] in
            // At least one whole round, however short the attack.
            while true {
                probe(health: true)
                probe(health: false)
                if stopped.load(ordering: .relaxed) { break }
                usleep(20_000)  // pacing, so the probe itself does not load the two cores
            }
            finished.signal()
        }
    }

    /// Runs `body` with a probe against the live server `port`; returns its result and what the probe saw.
    static func during<T>(port: Int, writeKey: String, _ body: () async throws -> T) async throws -> (T, Report) {
        let probe = LivenessProbe(port: port, writeKey: writeKey)
        let result: T
        do {
            result = try await body()
        } catch {
            _ = await probe.stop()
            throw error
        }
        return (result, await probe.stop())
    }

    /// What the probe has seen so far.
    func snapshot() async -> Report { report.withLock { $0 } }

    /// Ends the probe after its current round and returns what it saw.
    func stop() async -> Report {
        stopped.store(true, ordering: .relaxed)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { [self] in
                finished.wait()
                continuation.resume()
            }
        }
        return report.withLock { $0 }
    }

    private func probe(health: Bool) {
        let request: String
        if health {
            request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        } else {
            let body = #"{"type":"track","event":"liveness probe","userId":"probe","messageId":"\#(UUID())"}"#
            let basic = Data((writeKey + ":").utf8).base64EncodedString()
            request =
                "POST /v1/track HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Basic \(basic)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        let start = ContinuousClock.now
        var failure: String?
        do {
            let connection = try RawConnection(port: port)
            try connection.send(request)
            let answer = connection.readResponseBlocking()
            if !answer.hasPrefix("HTTP/1.1 200") { failure = String(answer.prefix(120)) }
        } catch {
            failure = "\(error)"
        }
        let elapsed = ContinuousClock.now - start
        report.withLock { report in
            func record(_ samples: inout Report.Samples) {
                samples.count += 1
                samples.worst = max(samples.worst, elapsed)
                if let failure { samples.failures.append(failure) }
            }
            if health { record(&report.health) } else { record(&report.track) }
        }
    }
}
