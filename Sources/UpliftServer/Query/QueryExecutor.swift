import Dispatch

/// Runs queries away from the event loops: an aggregation takes from milliseconds to seconds of
/// CPU, and an event-loop thread blocked that long would stall every connection it serves. At most
/// `concurrency` queries compute at once (each already uses every core); the others wait their
/// turn on a dispatch thread, never on an event loop.
final class QueryExecutor: Sendable {
    private let queue = DispatchQueue(label: "uplift.query", attributes: .concurrent)
    private let gate: DispatchSemaphore

    init(concurrency: Int) {
        gate = DispatchSemaphore(value: max(1, concurrency))
    }

    func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let outcome: Result<T, E> = await withCheckedContinuation { continuation in
            queue.async { [gate] in
                gate.wait()
                defer { gate.signal() }
                continuation.resume(returning: Result { () throws(E) in try body() })
            }
        }
        return try outcome.get()
    }
}
