import Testing
import UpliftStorage

struct WALRotationTests {
    @Test func rotateSeparatesEarlierRecordsAndRemoveFilesTrims() async throws {
        try await WALFixture.withDirectory { dir in
            let (log, _, _) = try WALFixture.open(dir)
            let old = WALFixture.payloads(5)
            let new = WALFixture.payloads(3, from: 5)
            let before = try await log.append(old)
            let sequence = try log.rotate()
            #expect(before.fileSequence < sequence)
            #expect(log.currentFileSequence == sequence)
            // Nothing appended since: rotating again keeps the empty file.
            #expect(try log.rotate() == sequence)
            let after = try await log.append(new)
            #expect(after.fileSequence == sequence)
            #expect(try WALFixture.logFiles(dir).count == 2)

            let sizeBefore = log.sizeInBytes
            try log.removeFiles(before: sequence)
            let files = try WALFixture.logFiles(dir)
            #expect(files == [dir + "/" + WALFormat.fileName(sequence: sequence)])
            #expect(log.sizeInBytes == (try WALFixture.size(files[0])))
            #expect(log.sizeInBytes < sizeBefore)
            log.close()

            let (again, recovered, _) = try WALFixture.open(dir)
            defer { again.close() }
            #expect(recovered == new)
            #expect(again.currentFileSequence == sequence + 1)
        }
    }

    @Test func removeFilesNeverRemovesTheCurrentFile() async throws {
        try await WALFixture.withDirectory { dir in
            let (log, _, _) = try WALFixture.open(dir)
            _ = try await log.append([[1]])
            try log.removeFiles(before: .max)
            _ = try await log.append([[2]])
            log.close()
            let (again, recovered, _) = try WALFixture.open(dir)
            again.close()
            #expect(recovered == [[1], [2]])
        }
    }

    @Test func reopenStartsANewFileAfterTheLastOne() async throws {
        try await WALFixture.withDirectory { dir in
            let (log, _, _) = try WALFixture.open(dir)
            _ = try await log.append([[1]])
            _ = try log.rotate()
            _ = try await log.append([[2]])
            let last = log.currentFileSequence
            log.close()
            let (again, _, report) = try WALFixture.open(dir)
            defer { again.close() }
            #expect(again.currentFileSequence == last + 1)
            #expect(report.files == 2)
            let position = try await again.append([[3]])
            #expect(position.fileSequence == last + 1)
        }
    }

    @Test func restartsWithoutAppendsDoNotPileUpEmptyFiles() async throws {
        try await WALFixture.withDirectory { dir in
            for _ in 0..<3 {
                let (log, _, _) = try WALFixture.open(dir)
                log.close()
            }
            #expect(try WALFixture.logFiles(dir) == [dir + "/" + WALFormat.fileName(sequence: 1)])
            let (log, _, _) = try WALFixture.open(dir)
            _ = try await log.append([[5]])
            log.close()
            let (again, recovered, _) = try WALFixture.open(dir)
            again.close()
            #expect(recovered == [[5]])
            #expect(try WALFixture.logFiles(dir).count == 2)
        }
    }
}
