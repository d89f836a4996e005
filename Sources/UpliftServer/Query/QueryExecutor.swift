import UpliftAnalysis
import UpliftModel
import UpliftStorage

/// Runs queries away from the event loops: an aggregation takes from milliseconds to seconds of
/// CPU, and an event-loop thread blocked that long would stall every connection it serves. Queries
/// run on the shared pool's interactive lane, whose threads run at a lower priority than the event
/// loops, the cooperative pool and the log writer (see `WorkPool`): ingestion and health checks take
/// a core whenever they need one. At most `concurrency` queries compute at once (each already uses
/// every thread of the lane through the pool's parallel loops), the others wait their turn as
/// suspended tasks at an async gate, holding no thread.
///
/// Each query has `timeout` (`--query-timeout`), counted from its arrival here, waiting in line
/// included: past it, its budget expires, the engine stops at its next check and the query ends
/// with `query_timeout` (504).
final class QueryExecutor: Sendable {
    private let gate: AsyncGate
    private let pool: WorkPool
    let timeout: Duration
    private let clock: any Clock<Duration>

    init(
        concurrency: Int, timeout: Duration = .seconds(60), clock: any Clock<Duration> = ContinuousClock(),
        pool: WorkPool = .shared
    ) {
        gate = AsyncGate(limit: concurrency)
        self.pool = pool
        self.timeout = timeout
        self.clock = clock
    }

    /// Runs `body` with `budget` on the pool's interactive lane, under `runAsync`'s rules: its turn at the gate,
    /// `timeout` (then the budget expires and the work stops at its next check), and a cancelled caller.
    func run<T: Sendable>(
        _ budget: QueryBudget, _ body: @escaping @Sendable (QueryBudget) throws(UpliftError) -> T
    ) async throws(UpliftError) -> T {
        let pool = self.pool
        return try await runAsync(budget) { () throws(UpliftError) in
            try await pool.run(.interactive) { () throws(UpliftError) in try body(budget) }
        }
    }

    /// Runs `body` (a computation on the pool, or a call to another engine such as Spark) when its turn at the gate
    /// comes (a flood of questions is neither a flood of computations nor of engine calls). Past `timeout`,
    /// waiting included, the budget expires and `body`'s task is cancelled; a cancelled caller cancels the budget
    /// too. Work that checks the budget stops at its next check; a call that does not is cancelled. Either way
    /// the query ends with the budget's error (`query_timeout`, `query_cancelled`).
    func runAsync<T: Sendable>(
        _ budget: QueryBudget, _ body: @escaping @Sendable () async throws(UpliftError) -> T
    ) async throws(UpliftError) -> T {
        let (gate, clock, timeout) = (self.gate, self.clock, self.timeout)
        let outcome: Result<T, UpliftError> = await withTaskCancellationHandler {
            await withTaskGroup(of: Result<T, UpliftError>?.self) { group in
                group.addTask {
                    // The timer: cancelled (and nothing happens) when the query ends first.
                    do { try await Self.sleep(clock, timeout) } catch { return nil }
                    budget.expire()
                    return .failure(budget.error)
                }
                group.addTask {
                    await gate.withPermit { () async -> Result<T, UpliftError> in
                        // Its time may have run out while it waited in line.
                        guard budget.stop == .running else { return .failure(budget.error) }
                        do throws(UpliftError) {
                            return .success(try await body())
                        } catch {
                            // Work cut short by the budget ends with the budget's error, not the transport's.
                            return .failure(budget.stop == .running ? error : budget.error)
                        }
                    }
                }
                while let next = await group.next() {
                    guard let next else { continue }
                    group.cancelAll()
                    return next
                }
                return .failure(budget.error)
            }
        } onCancel: {
            budget.cancel()
        }
        return try outcome.get()
    }

    /// Sleeps on the executor's clock (the server's; a test clock in tests).
    func sleep(_ duration: Duration) async throws { try await Self.sleep(clock, duration) }

    private static func sleep<C: Clock<Duration>>(_ clock: C, _ duration: Duration) async throws {
        try await clock.sleep(for: duration)
    }
}
