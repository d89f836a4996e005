import UpliftModel

/// Reads one log file front to back through a bounded window, so replaying a large log costs
/// one window of memory, not the file. Used by recovery and by `verify`; never writes.
struct WALFileScanner {
    /// The outcome of reading one file.
    struct Outcome {
        var size: UInt64
        /// End of the last valid record (or of the header): where a torn tail is cut.
        var validEnd: UInt64
        var records: Int
        var problem: (offset: UInt64, kind: WALProblemKind)?
        /// Whether a valid record starts anywhere after the problem. A crash only ever leaves
        /// garbage at the very end, so a valid record after a bad one means real corruption.
        var validRecordAfterProblem: Bool
    }

    private enum Check {
        case valid(length: Int)
        case truncated
        case absurd
        case badChecksum
    }

    private static let windowBytes = 1 << 20

    let path: String
    let sequence: UInt64
    private let fd: Int32
    private let size: UInt64
    private var window: [UInt8] = []
    private var windowStart: UInt64 = 0

    init(path: String, sequence: UInt64) throws(UpliftError) {
        self.path = path
        self.sequence = sequence
        do throws(SystemCallError) {
            fd = try SystemIO.openReadOnly(path)
            do throws(SystemCallError) {
                size = try SystemIO.fileSize(fd, path: path)
            } catch {
                SystemIO.closeFile(fd)
                throw error
            }
        } catch {
            throw error.upliftError(
                "cannot read write-ahead log file", advice: "Check that the file exists and is readable.")
        }
    }

    func close() { SystemIO.closeFile(fd) }

    /// Reads every record, handing each valid one to `onRecord` (payload, end offset), and stops
    /// at the first problem.
    mutating func scan(onRecord: (UnsafeRawBufferPointer, UInt64) throws -> Void) throws -> Outcome {
        var outcome = Outcome(size: size, validEnd: 0, records: 0, problem: nil, validRecordAfterProblem: false)
        guard try ensure(0, WALFormat.headerSize) else {
            outcome.problem = (0, .missingHeader)
            return outcome
        }
        let header = bytes(0, WALFormat.headerSize)
        if header.allSatisfy({ $0 == 0 }) {
            // Size metadata reached the disk before the header did: still a crash artifact.
            outcome.problem = (0, .missingHeader)
            outcome.validRecordAfterProblem = try validRecordExists(after: 0)
            return outcome
        }
        guard Array(header.prefix(7)) == WALFormat.magic else {
            outcome.problem = (0, .badMagic)
            outcome.validRecordAfterProblem = true
            return outcome
        }
        guard header[header.startIndex + 7] == WALFormat.version else {
            outcome.problem = (0, .unsupportedVersion)
            outcome.validRecordAfterProblem = true
            return outcome
        }
        var offset = UInt64(WALFormat.headerSize)
        outcome.validEnd = offset
        while offset < size {
            switch try check(at: offset) {
            case .valid(let length):
                let start = windowIndex(offset) + WALFormat.recordHeaderSize
                let end = offset + UInt64(WALFormat.recordHeaderSize + length)
                try window.withUnsafeBytes { all in
                    try onRecord(UnsafeRawBufferPointer(rebasing: all[start..<(start + length)]), end)
                }
                outcome.records += 1
                offset = end
                outcome.validEnd = end
            case .truncated:
                return try finish(outcome, offset, .truncatedRecord)
            case .absurd:
                return try finish(outcome, offset, .absurdLength)
            case .badChecksum:
                return try finish(outcome, offset, .badChecksum)
            }
        }
        return outcome
    }

    private mutating func finish(_ outcome: Outcome, _ offset: UInt64, _ kind: WALProblemKind) throws -> Outcome {
        var outcome = outcome
        outcome.problem = (offset, kind)
        outcome.validRecordAfterProblem = try validRecordExists(after: offset)
        return outcome
    }

    /// Looks for a valid record at any byte offset after `offset`. The checksum covers the
    /// length, so a false match has odds of about 2^-32 per candidate offset.
    private mutating func validRecordExists(after offset: UInt64) throws -> Bool {
        var candidate = offset + 1
        while candidate + UInt64(WALFormat.recordHeaderSize) <= size {
            if case .valid = try check(at: candidate) { return true }
            candidate += 1
        }
        return false
    }

    private mutating func check(at offset: UInt64) throws -> Check {
        guard try ensure(offset, WALFormat.recordHeaderSize) else { return .truncated }
        let i = windowIndex(offset)
        let (length, stored) = window.withUnsafeBytes {
            (
                UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: i, as: UInt32.self)),
                UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
            )
        }
        guard Int(length) <= WALFormat.maxPayloadBytes else { return .absurd }
        let count = WALFormat.recordHeaderSize + Int(length)
        guard try ensure(offset, count) else { return .truncated }
        let j = windowIndex(offset) + WALFormat.recordHeaderSize
        let actual = window.withUnsafeBytes {
            WALFormat.recordChecksum(
                length: length, payload: UnsafeRawBufferPointer(rebasing: $0[j..<(j + Int(length))]))
        }
        return actual == stored ? .valid(length: Int(length)) : .badChecksum
    }

    private func windowIndex(_ offset: UInt64) -> Int { Int(offset - windowStart) }

    private func bytes(_ offset: UInt64, _ count: Int) -> ArraySlice<UInt8> {
        let i = windowIndex(offset)
        return window[i..<(i + count)]
    }

    /// Makes `[offset, offset + count)` available in the window; false if it passes end of file.
    private mutating func ensure(_ offset: UInt64, _ count: Int) throws -> Bool {
        guard offset + UInt64(count) <= size else { return false }
        if offset >= windowStart && offset + UInt64(count) <= windowStart + UInt64(window.count) { return true }
        let want = min(UInt64(max(count, Self.windowBytes)), size - offset)
        do throws(SystemCallError) {
            window = try SystemIO.read(fd, count: Int(want), at: offset, path: path)
        } catch {
            throw error.upliftError("cannot read write-ahead log file", advice: "Check the disk; run `uplift verify`.")
        }
        windowStart = offset
        return window.count >= count
    }
}
