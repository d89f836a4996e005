import Foundation
import Testing
import UpliftModel
import UpliftStorage

struct WALRecoveryTests {
    /// Writes `payloads` into one file and returns its path.
    static func writeOneFile(_ dir: String, _ payloads: [[UInt8]]) async throws -> String {
        let (log, _, _) = try WALFixture.open(dir)
        _ = try await log.append(payloads)
        log.close()
        let files = try WALFixture.logFiles(dir)
        return try #require(files.first { (try? WALFixture.size($0)) ?? 0 > 8 })
    }

    @Test func tornTailOfEveryLengthIsCut() async throws {
        let payloads = WALFixture.payloads(4, size: 20) + [Array(repeating: 0xAB, count: 30)]
        let lastRecordBytes = WALFormat.recordHeaderSize + 30
        let lastStart = UInt64(WALFixture.recordOffset(4, in: payloads))
        for cut in 1..<lastRecordBytes {
            try await WALFixture.withDirectory { dir in
                let file = try await Self.writeOneFile(dir, payloads)
                let full = try WALFixture.size(file)
                try WALFixture.truncate(file, to: full - UInt64(cut))

                let (log, recovered, report) = try WALFixture.open(dir)
                #expect(recovered == Array(payloads.prefix(4)), "cut \(cut)")
                #expect(report.truncatedTail?.offset == lastStart, "cut \(cut)")
                #expect(report.truncatedTail?.file == file)
                #expect(report.truncatedBytes == UInt64(lastRecordBytes - cut))
                #expect(try WALFixture.size(file) == lastStart)
                // The log keeps working, and the repaired file reads clean.
                _ = try await log.append([[9, 9]])
                log.close()
                let (again, replayed, report2) = try WALFixture.open(dir)
                again.close()
                #expect(replayed == Array(payloads.prefix(4)) + [[9, 9]])
                #expect(report2.truncatedTail == nil)
            }
        }
    }

    /// Deletes every log file but `file` (test helper for crafting crash states).
    func removeEmpty(_ dir: String, keeping file: String) throws {
        for other in try WALFixture.logFiles(dir) where other != file {
            try FileManager.default.removeItem(atPath: other)
        }
    }

    @Test(arguments: [
        [UInt8](repeating: 0, count: 100), (0..<37).map { UInt8(truncatingIfNeeded: $0 &* 91) },
        [0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3, 4, 5],
    ])
    func garbageAfterTheLastRecordIsATornTail(_ garbage: [UInt8]) async throws {
        try await WALFixture.withDirectory { dir in
            let payloads = WALFixture.payloads(3)
            let file = try await Self.writeOneFile(dir, payloads)
            try removeEmpty(dir, keeping: file)
            let good = try WALFixture.bytes(file)
            try WALFixture.write(good + garbage, to: file)
            let (log, recovered, report) = try WALFixture.open(dir)
            log.close()
            #expect(recovered == payloads)
            #expect(report.truncatedTail?.offset == UInt64(good.count))
            #expect(report.truncatedBytes == UInt64(garbage.count))
        }
    }

    /// 0...7: a prefix of the header; 8: eight zero bytes (size reached the disk, data did not).
    @Test(arguments: 0...8)
    func shortHeaderInTheLastFileIsATornTail(_ length: Int) async throws {
        try await WALFixture.withDirectory { dir in
            let payloads = WALFixture.payloads(3)
            let file = try await Self.writeOneFile(dir, payloads)
            try removeEmpty(dir, keeping: file)
            let crashed = dir + "/" + WALFormat.fileName(sequence: 7)
            let header = length == 8 ? [UInt8](repeating: 0, count: 8) : Array(WALFormat.header.prefix(length))
            try WALFixture.write(header, to: crashed)
            let (log, recovered, report) = try WALFixture.open(dir)
            #expect(recovered == payloads)
            #expect(report.truncatedTail?.kind == .missingHeader)
            #expect(report.truncatedTail?.file == crashed)
            #expect(log.currentFileSequence == 7)
            log.close()
        }
    }

    @Test(arguments: [false, true])
    func bitFlipInTheMiddleRefusesToOpen(_ inLength: Bool) async throws {
        try await WALFixture.withDirectory { dir in
            let payloads = WALFixture.payloads(10, size: 50)
            let file = try await Self.writeOneFile(dir, payloads)
            let offset = WALFixture.recordOffset(3, in: payloads)
            try WALFixture.flipBit(file, at: offset + (inLength ? 1 : WALFormat.recordHeaderSize + 20))
            let sizeBefore = try WALFixture.size(file)

            let error = #expect(throws: UpliftError.self) { try WALFixture.open(dir) }
            #expect(error?.code == .corrupt)
            #expect(error?.message.contains(file) == true)
            #expect(error?.message.contains("offset \(offset)") == true)
            #expect(error?.message.contains("uplift verify") == true)
            #expect(try WALFixture.size(file) == sizeBefore, "a refused open must not modify the file")

            let report = try WriteAheadLog.verify(directory: dir)
            #expect(!report.canOpen)
            let problem = try #require(report.problems.first)
            #expect(problem.file == file && problem.offset == UInt64(offset) && !problem.isTornTail)
            #expect(report.files.first { $0.path == file }?.records == 3)
        }
    }

    @Test func badRecordInANonLastFileRefusesToOpen() async throws {
        try await WALFixture.withDirectory { dir in
            let payloads = WALFixture.payloads(5, size: 40)
            let (log, _, _) = try WALFixture.open(dir)
            _ = try await log.append(payloads)
            let first = try #require(try WALFixture.logFiles(dir).first)
            _ = try log.rotate()
            _ = try await log.append(WALFixture.payloads(2))
            log.close()
            // Damage the very last record of the older file: it would look torn if it were last.
            let offset = WALFixture.recordOffset(4, in: payloads)
            try WALFixture.flipBit(first, at: offset + WALFormat.recordHeaderSize + 5)

            let error = #expect(throws: UpliftError.self) { try WALFixture.open(dir) }
            #expect(error?.code == .corrupt)
            #expect(error?.message.contains(first) == true)
            #expect(error?.message.contains("offset \(offset)") == true)
            #expect(error?.message.contains("not the last log file") == true)

            // Cutting the older file short is refused too: records would be silently lost.
            try WALFixture.truncate(first, to: UInt64(offset + 3))
            let error2 = #expect(throws: UpliftError.self) { try WALFixture.open(dir) }
            #expect(error2?.code == .corrupt)
        }
    }

    @Test func wrongMagicAndVersionAreRefused() async throws {
        try await WALFixture.withDirectory { dir in
            let file = try await Self.writeOneFile(dir, WALFixture.payloads(2))
            try removeEmpty(dir, keeping: file)
            try WALFixture.flipBit(file, at: 7, bit: 1)  // version 1 -> 3
            let error = #expect(throws: UpliftError.self) { try WALFixture.open(dir) }
            #expect(error?.code == .unsupported)
            try WALFixture.flipBit(file, at: 7, bit: 1)
            try WALFixture.flipBit(file, at: 0)
            let error2 = #expect(throws: UpliftError.self) { try WALFixture.open(dir) }
            #expect(error2?.code == .corrupt)
            #expect(try WriteAheadLog.verify(directory: dir).problems.map(\.kind) == [.badMagic])
        }
    }

    @Test func verifyReportsWithoutModifying() async throws {
        try await WALFixture.withDirectory { dir in
            let payloads = WALFixture.payloads(6)
            let file = try await Self.writeOneFile(dir, payloads)
            try removeEmpty(dir, keeping: file)
            let clean = try WriteAheadLog.verify(directory: dir)
            #expect(clean.problems.isEmpty && clean.canOpen)
            #expect(clean.records == 6)

            let size = try WALFixture.size(file)
            try WALFixture.truncate(file, to: size - 2)
            let torn = try WriteAheadLog.verify(directory: dir)
            #expect(torn.canOpen)
            #expect(torn.problems.map(\.kind) == [.truncatedRecord])
            #expect(torn.problems.first?.isTornTail == true)
            #expect(try WALFixture.size(file) == size - 2)
        }
    }
}
