import UpliftStorage

/// Runs queries away from the event loops: an aggregation takes from milliseconds to seconds of
/// CPU, and an event-loop thread blocked that long would stall every connection it serves. Queries
/// run on the shared pool's interactive lane; at most `concurrency` compute at once (each already
/// uses every core through the pool's parallel loops), the others wait their turn as suspended
/// tasks at an async gate, holding no thread.
final class QueryExecutor: Sendable {
    private let gate: AsyncGate
    private let pool: WorkPool

    init(concurrency: Int, pool: WorkPool = .shared) {
        gate = AsyncGate(limit: concurrency)
        self.pool = pool
    }

    func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        try await gate.withPermit { () async throws(E) -> T in try await pool.run(.interactive, body) }
    }
}
