import Synchronization
import Testing
import UpliftStorage

#if canImport(Glibc)
import Glibc
#endif

struct WALGroupCommitTests {
    @Test func concurrentAppendersShareSyncs() async throws {
        try await WALFixture.withDirectory { dir in
            let appenders = 64
            let rounds = 10
            // A slow disk, so that appenders pile up behind a sync as they do in production: the first
            // sync of an append holds the writer until every appender's first append waits.
            let opened = Mutex<WriteAheadLog?>(nil)
            let held = Atomic<Bool>(false)
            var options = WALOptions()
            options.faults.syncError = {
                guard let log = opened.withLock({ $0 }), log.waitingAppends > 0,
                    !held.exchange(true, ordering: .relaxed)
                else { return nil }
                let deadline = ContinuousClock.now + .seconds(30)
                while log.waitingAppends < appenders && ContinuousClock.now < deadline { sched_yield() }
                return nil
            }
            let (log, _, _) = try WALFixture.open(dir, options: options)
            opened.withLock { $0 = log }
            let positions = try await withThrowingTaskGroup(of: [WALPosition].self) { group in
                for a in 0..<appenders {
                    group.addTask {
                        var mine: [WALPosition] = []
                        for r in 0..<rounds {
                            mine.append(try await log.append([[UInt8(a), UInt8(r)]]))
                        }
                        return mine
                    }
                }
                var all: [WALPosition] = []
                for try await mine in group {
                    #expect(mine == mine.sorted())
                    all += mine
                }
                return all
            }
            #expect(positions.count == appenders * rounds)
            #expect(Set(positions).count == positions.count)
            #expect(log.recordsSinceOpen == UInt64(appenders * rounds))
            #expect(log.syncCount < UInt64(appenders * rounds))
            // The first round takes two syncs at most (the held one, then one for all queued behind it).
            #expect(log.syncCount <= UInt64(appenders * rounds - (appenders - 2)))
            #expect(log.syncCount >= 1)
            log.close()

            let (again, recovered, _) = try WALFixture.open(dir)
            defer { again.close() }
            let expected = Set((0..<appenders).flatMap { a in (0..<rounds).map { [UInt8(a), UInt8($0)] } })
            #expect(recovered.count == appenders * rounds)
            #expect(Set(recovered) == expected)
        }
    }

    @Test func closeFinishesQueuedAppends() async throws {
        try await WALFixture.withDirectory { dir in
            let (log, _, _) = try WALFixture.open(dir)
            let acknowledged = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<32 {
                    group.addTask {
                        do {
                            _ = try await log.append([[UInt8(i)]])
                            return 1
                        } catch {
                            return 0  // appends arriving after close are refused, which is fine
                        }
                    }
                }
                group.addTask {
                    log.close()
                    return 0
                }
                return try await group.reduce(0, +)
            }
            let (again, recovered, _) = try WALFixture.open(dir)
            defer { again.close() }
            // Everything acknowledged is on disk, and nothing else is.
            #expect(recovered.count == acknowledged)
        }
    }
}
