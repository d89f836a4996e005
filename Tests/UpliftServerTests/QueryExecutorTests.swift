import HTTPTypes
import Synchronization
import Testing
import UpliftAnalysis
import UpliftModel
import UpliftStorage

@testable import UpliftServer

/// The query time limit on an injected clock: the budget expires when the clock passes the limit,
/// the work stops at its next check, and the query ends with `query_timeout`; a cancelled caller
/// cancels the budget.
struct QueryExecutorTests {
    /// Work that checks its budget until it is stopped (or 30 s of real time pass, so a broken test fails).
    static func spin(_ budget: QueryBudget, started: Started) throws(UpliftError) -> Int {
        started.set()
        let end = ContinuousClock.now + .seconds(30)
        var rounds = 0
        while ContinuousClock.now < end {
            try budget.check()
            rounds += 1
        }
        return rounds
    }

    final class Started: Sendable {
        private let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .relaxed) }
        func set() { value.store(true, ordering: .relaxed) }
    }

    @Test func theBudgetExpiresWhenTheClockPassesTheLimit() async throws {
        let clock = WatchedClock()
        let executor = QueryExecutor(concurrency: 1, timeout: .seconds(60), clock: clock)
        let budget = QueryBudget(timeout: executor.timeout)
        let started = Started()
        async let outcome: Result<Int, UpliftError> = {
            do throws(UpliftError) {
                return .success(
                    try await executor.run(budget) { (b) throws(UpliftError) in try Self.spin(b, started: started) })
            } catch {
                return .failure(error)
            }
        }()
        // The timer sleeps on the clock; nothing expires before the limit.
        var sleeps = clock.sleeps.makeAsyncIterator()
        _ = await sleeps.next()
        await clock.advance(by: .seconds(59))
        #expect(budget.stop == .running)
        await clock.advance(by: .seconds(2))
        let result = await outcome
        #expect(started.isSet)
        guard case .failure(let error) = result else {
            Issue.record("the query was not stopped: \(result)")
            return
        }
        #expect(error.code == UpliftError.Code.queryTimeout)
        #expect(error.message.contains("60 s (--query-timeout)"))
        #expect(UpliftError.statuses[.queryTimeout] == .gatewayTimeout)
    }

    /// A call to another engine checks no budget: past the limit it is cancelled, and ends with `query_timeout`
    /// rather than with whatever the cancelled call throws.
    @Test func aRemoteCallPastTheLimitIsCancelledWithQueryTimeout() async throws {
        let clock = WatchedClock()
        let executor = QueryExecutor(concurrency: 1, timeout: .seconds(60), clock: clock)
        let budget = QueryBudget(timeout: executor.timeout)
        let started = Started()
        async let outcome: Result<Int, UpliftError> = {
            do throws(UpliftError) {
                return .success(
                    try await executor.runAsync(budget) { () throws(UpliftError) -> Int in
                        started.set()
                        // A call that would wait an hour, unless it is cancelled.
                        do { try await Task.sleep(for: .seconds(3600)) } catch {
                            throw UpliftError(.engineUnavailable, "the call was cancelled")
                        }
                        return 1
                    })
            } catch {
                return .failure(error)
            }
        }()
        var sleeps = clock.sleeps.makeAsyncIterator()
        _ = await sleeps.next()
        // The call is under way (bounded wait), then the clock passes the limit.
        let end = ContinuousClock.now + .seconds(20)
        while !started.isSet && ContinuousClock.now < end { await Task.yield() }
        await clock.advance(by: .seconds(61))
        let result = await outcome
        #expect(started.isSet)
        guard case .failure(let error) = result else {
            Issue.record("the call was not stopped: \(result)")
            return
        }
        #expect(error.code == UpliftError.Code.queryTimeout)
    }

    @Test func aCancelledCallerCancelsTheBudget() async throws {
        let executor = QueryExecutor(concurrency: 1, timeout: .seconds(60), clock: WatchedClock())
        let budget = QueryBudget(timeout: executor.timeout)
        let started = Started()
        let task = Task { () -> Result<Int, UpliftError> in
            do throws(UpliftError) {
                return .success(
                    try await executor.run(budget) { (b) throws(UpliftError) in try Self.spin(b, started: started) })
            } catch {
                return .failure(error)
            }
        }
        // Wait (bounded) until the work runs, then cancel its caller.
        let end = ContinuousClock.now + .seconds(20)
        while !started.isSet && ContinuousClock.now < end { await Task.yield() }
        task.cancel()
        let result = await task.value
        guard case .failure(let error) = result else {
            Issue.record("the query was not stopped")
            return
        }
        #expect(error.code == UpliftError.Code.queryCancelled)
        #expect(budget.stop == .cancelled)
    }
}
