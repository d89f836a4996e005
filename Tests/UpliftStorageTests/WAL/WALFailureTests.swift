import Synchronization
import Testing
import UpliftModel
import UpliftStorage

#if canImport(Glibc)
import Glibc
#endif

struct WALFailureTests {
    @Test func fullDiskFailsTheBatchAndLeavesNothingOfIt() async throws {
        try await WALFixture.withDirectory { dir in
            let record = UInt64(WALFormat.recordHeaderSize + 100)
            var options = WALOptions()
            options.faults.fileQuotaBytes = UInt64(WALFormat.headerSize) + 2 * record
            let (log, _, _) = try WALFixture.open(dir, options: options)
            let a = [UInt8](repeating: 1, count: 100)
            let b = [UInt8](repeating: 2, count: 100)
            let c = [UInt8](repeating: 3, count: 100)
            _ = try await log.append([a])
            let file = try #require(try WALFixture.logFiles(dir).last)
            let goodSize = try WALFixture.size(file)

            // Two records do not fit: the first is written, then ENOSPC.
            let error = await #expect(throws: UpliftError.self) { try await log.append([b, b]) }
            #expect(error?.code == .io)
            #expect((error?.cause as? SystemCallError)?.errno == ENOSPC)
            #expect(try WALFixture.size(file) == goodSize, "the half-written batch must be cut away")
            #expect(log.recordsSinceOpen == 1)

            // A later append that fits succeeds.
            _ = try await log.append([c])
            log.close()
            let (again, recovered, report) = try WALFixture.open(dir)
            again.close()
            #expect(recovered == [a, c])
            #expect(report.truncatedTail == nil)
        }
    }

    @Test func failedSyncFailsEveryWaiterOfTheBatch() async throws {
        try await WALFixture.withDirectory { dir in
            let failNext = Atomic<Bool>(false)
            var options = WALOptions()
            options.faults.syncError = { failNext.exchange(false, ordering: .relaxed) ? EIO : nil }
            let (log, _, _) = try WALFixture.open(dir, options: options)
            _ = try await log.append([[1]])
            failNext.store(true, ordering: .relaxed)
            let error = await #expect(throws: UpliftError.self) { try await log.append([[2], [3]]) }
            #expect(error?.code == .io)
            #expect((error?.cause as? SystemCallError)?.errno == EIO)
            _ = try await log.append([[4]])
            log.close()
            let (again, recovered, _) = try WALFixture.open(dir)
            again.close()
            #expect(recovered == [[1], [4]])
        }
    }
}
