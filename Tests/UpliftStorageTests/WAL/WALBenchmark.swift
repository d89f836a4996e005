import Testing
import UpliftStorage

#if canImport(Glibc)
import Glibc
#endif

/// Throughput measurements, run only with UPLIFT_BENCH set (release build):
/// `UPLIFT_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter WALBenchmark`.
/// They print numbers and assert only that every append was acknowledged and synced.
@Suite(.enabled(if: getenv("UPLIFT_BENCH") != nil), .serialized)
struct WALBenchmark {
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    @Test func crc32cThroughput() {
        let bytes = (0..<(64 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let rounds = 8
        var checksums: [UInt32] = []
        let elapsed = ContinuousClock().measure {
            for _ in 0..<rounds { checksums.append(CRC32C.checksum(bytes)) }
        }
        let gbps = Double(bytes.count * rounds) / Self.seconds(elapsed) / 1e9
        print("bench crc32c: \(String(gbps)) GB/s")
        // Every round's answer is the definition's (the bit-at-a-time reference), so a fast wrong
        // checksum cannot pass as a fast one.
        let expected = CRC32CTests.reference(bytes)
        #expect(checksums == [UInt32](repeating: expected, count: rounds))
    }

    @Test func oneCallerThousandRecordBatches() async throws {
        try await WALFixture.withDirectory { dir in
            let (log, _, _) = try WALFixture.open(dir)
            defer { log.close() }
            let batch = WALFixture.payloads(1000, size: 300)
            let batches = 200
            let start = ContinuousClock.now
            for _ in 0..<batches { _ = try await log.append(batch) }
            let s = Self.seconds(ContinuousClock.now - start)
            let records = Double(batches * 1000)
            print(
                "bench wal 1 caller x 1000-record batches: \(Int(records / s)) appends/s (records), "
                    + "\(Int(records * 308 / s / 1e6)) MB/s, \(log.syncCount) syncs for \(batches) appends, \(s) s"
            )
            #expect(log.recordsSinceOpen == UInt64(batches * 1000))
        }
    }

    @Test func sixtyFourCallersOneRecordEach() async throws {
        try await WALFixture.withDirectory { dir in
            let (log, _, _) = try WALFixture.open(dir)
            defer { log.close() }
            let callers = 64
            let perCaller = 300
            let payload = [UInt8](repeating: 7, count: 300)
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<callers {
                    group.addTask { for _ in 0..<perCaller { _ = try await log.append([payload]) } }
                }
                try await group.waitForAll()
            }
            let s = Self.seconds(ContinuousClock.now - start)
            let appends = Double(callers * perCaller)
            print(
                "bench wal 64 callers x 1 record: \(Int(appends / s)) appends/s, \(String(appends * 308 / s / 1e6)) MB/s, "
                    + "\(log.syncCount) syncs for \(Int(appends)) appends, \(s) s"
            )
            #expect(log.recordsSinceOpen == UInt64(callers * perCaller))
            #expect(log.syncCount < UInt64(callers * perCaller))
        }
    }
}
