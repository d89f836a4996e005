import Synchronization
import Testing
import UpliftModel
import UpliftStorage

struct WorkPoolTests {
    @Test(arguments: [0, 1, 2, 3, 1000])
    func parallelForDoesEveryIndexOnce(iterations: Int) {
        // Plain memory, no lock: each index is written by the one thread that runs it, and the loop's
        // end orders those writes before the read. An index run twice at once is a race that
        // ThreadSanitizer (`make tsan`) reports; run twice in turn, the count says so.
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: iterations)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0)
        WorkPool.shared.parallelFor(iterations: iterations) { i in counts[i] += 1 }
        #expect(Array(counts) == [Int](repeating: 1, count: iterations))
    }

    /// Every thread of the lane runs a loop that needs helpers from the same lane: the callers do the
    /// work themselves instead of waiting for a thread (a deadlock would hang here).
    @Test func loopsStartedOnEveryPoolThreadFinish() async {
        let pool = WorkPool.shared
        let sums = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    await pool.run(.interactive) {
                        let total = Atomic<Int>(0)
                        pool.parallelFor(iterations: 100) { i in _ = total.add(i, ordering: .relaxed) }
                        return total.load(ordering: .relaxed)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(sums == [Int](repeating: 4950, count: 6))
    }

    @Test func runReturnsResultsAndThrowsErrorsOnBothLanes() async throws {
        let pool = WorkPool.shared
        #expect(await pool.run(.interactive) { 6 * 7 } == 42)
        #expect(await pool.run(.background) { "done" } == "done")
        await #expect(throws: UpliftError.self) {
            try await pool.run(.background) { () throws(UpliftError) -> Int in throw UpliftError(.io, "disk on fire") }
        }
    }

    @Test func theSharedPoolIsAsWideAsTheMachine() {
        #expect(WorkPool.shared.width == WorkPool.activeProcessorCount)
        #expect(WorkPool.shared.width >= 1)
    }
}
