import Testing
import UpliftModel
import UpliftStorage

struct WALRoundTripTests {
    @Test func writeCloseReopenGivesSameRecords() async throws {
        try await WALFixture.withDirectory { dir in
            let first = WALFixture.payloads(10)
            let second = WALFixture.payloads(1, from: 10, size: 0) + WALFixture.payloads(5, from: 11)
            let (log, recovered, report) = try WALFixture.open(dir)
            #expect(recovered.isEmpty)
            #expect(report.records == 0 && report.truncatedTail == nil)
            let p1 = try await log.append(first)
            let p2 = try await log.append(second)
            #expect(p1 < p2)
            #expect(log.recordsSinceOpen == 16)
            log.close()

            let (again, replayed, report2) = try WALFixture.open(dir)
            defer { again.close() }
            #expect(replayed == first + second)
            #expect(report2.records == 16)
            #expect(report2.truncatedTail == nil)
            #expect(again.recordsSinceOpen == 0)
        }
    }

    @Test func replayStreamsPositionsInOrder() async throws {
        try await WALFixture.withDirectory { dir in
            let payloads = WALFixture.payloads(4, size: 10)
            let (log, _, _) = try WALFixture.open(dir)
            let end = try await log.append(payloads)
            log.close()

            var records: [WALRecord] = []
            let (again, _) = try WriteAheadLog.open(directory: dir) { records.append($0) }
            defer { again.close() }
            #expect(records.map(\.payload) == payloads)
            #expect(records.last?.position == end)
            #expect(records.map(\.position.offset) == [26, 44, 62, 80])
        }
    }

    @Test func sizeInBytesMatchesTheFilesOnDisk() async throws {
        try await WALFixture.withDirectory { dir in
            let (log, _, _) = try WALFixture.open(dir)
            _ = try await log.append(WALFixture.payloads(20))
            _ = try log.rotate()
            _ = try await log.append(WALFixture.payloads(3))
            let onDisk = try WALFixture.logFiles(dir).reduce(UInt64(0)) { $0 + (try WALFixture.size($1)) }
            #expect(log.sizeInBytes == onDisk)
            log.close()
            let (again, _, _) = try WALFixture.open(dir)
            defer { again.close() }
            let afterReopen = try WALFixture.logFiles(dir).reduce(UInt64(0)) { $0 + (try WALFixture.size($1)) }
            #expect(again.sizeInBytes == afterReopen)
        }
    }

    @Test func filesStartWithTheHeader() async throws {
        try await WALFixture.withDirectory { dir in
            let (log, _, _) = try WALFixture.open(dir)
            _ = try await log.append([[1, 2, 3]])
            log.close()
            let file = try #require(try WALFixture.logFiles(dir).first)
            let bytes = try WALFixture.bytes(file)
            #expect(Array(bytes.prefix(8)) == Array("UPLWAL".utf8) + [0, 1])
            // length 3, then CRC32C over the length bytes and the payload
            #expect(Array(bytes[8..<12]) == [3, 0, 0, 0])
            let crc = CRC32C.checksum([3, 0, 0, 0, 1, 2, 3])
            #expect(Array(bytes[12..<16]) == withUnsafeBytes(of: crc.littleEndian) { Array($0) })
            #expect(file.hasSuffix("/wal-0000000000000001.log"))
        }
    }

    @Test func oversizedPayloadIsRejected() async throws {
        try await WALFixture.withDirectory { dir in
            let (log, _, _) = try WALFixture.open(dir)
            defer { log.close() }
            let huge = [UInt8](repeating: 0, count: WALFormat.maxPayloadBytes + 1)
            let error = await #expect(throws: UpliftError.self) { try await log.append([[1], huge]) }
            #expect(error?.code == .tooLarge)
            #expect(log.recordsSinceOpen == 0)
        }
    }

    @Test func appendAfterCloseThrows() async throws {
        try await WALFixture.withDirectory { dir in
            let (log, _, _) = try WALFixture.open(dir)
            log.close()
            log.close()
            let error = await #expect(throws: UpliftError.self) { try await log.append([[1]]) }
            #expect(error?.code == .io)
        }
    }

    @Test func secondOpenOfTheSameDirectoryIsRefused() async throws {
        try await WALFixture.withDirectory { dir in
            let (log, _, _) = try WALFixture.open(dir)
            let error = #expect(throws: UpliftError.self) { try WALFixture.open(dir) }
            #expect(error?.code == .io)
            log.close()
            let (again, _, _) = try WALFixture.open(dir)
            again.close()
        }
    }
}
