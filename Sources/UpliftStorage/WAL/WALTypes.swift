/// A place in the log: a file's sequence number and a byte offset in it. `append` returns the
/// position just after its last record; positions order the way records were written.
package struct WALPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var fileSequence: UInt64
    package var offset: UInt64

    package init(fileSequence: UInt64, offset: UInt64) {
        self.fileSequence = fileSequence
        self.offset = offset
    }

    package static func < (a: WALPosition, b: WALPosition) -> Bool {
        (a.fileSequence, a.offset) < (b.fileSequence, b.offset)
    }

    package var description: String { "\(WALFormat.fileName(sequence: fileSequence))@\(offset)" }
}

/// One record delivered by replay: its payload and the position just after it.
package struct WALRecord: Sendable {
    package var payload: [UInt8]
    package var position: WALPosition
}

/// Settings of a write-ahead log.
package struct WALOptions: Sendable {
    /// Fault injection for tests; empty in production.
    package var faults = WALFaults()
    /// Called on the writer thread after each group commit (write and data sync), successful or
    /// not, with how long it took: for the server's fsync histogram. Must be quick.
    package var onCommit: (@Sendable (WALCommit) -> Void)?

    package init() {}
}

/// One group commit of the log: one write and one data sync for every append that was waiting.
package struct WALCommit: Sendable {
    package var records: Int
    package var bytes: Int
    package var duration: Duration
    package var succeeded: Bool
}

/// Failures a test can inject into the writer to prove that a failed batch leaves nothing behind.
package struct WALFaults: Sendable {
    /// Each log file may hold at most this many bytes: a write crossing it writes the bytes that
    /// fit, then fails with ENOSPC, exactly as a full disk does.
    package var fileQuotaBytes: UInt64?
    /// Called before each data sync; a non-nil errno makes that sync fail with it.
    package var syncError: (@Sendable () -> Int32?)?

    package init(fileQuotaBytes: UInt64? = nil, syncError: (@Sendable () -> Int32?)? = nil) {
        self.fileQuotaBytes = fileQuotaBytes
        self.syncError = syncError
    }
}

/// What is wrong at one place of a log file.
package enum WALProblemKind: String, Sendable, Hashable {
    /// The file is shorter than its 8-byte header (or the header is still all zeros).
    case missingHeader = "missing_header"
    /// The header does not start with `UPLWAL\0`: not a log file of ours.
    case badMagic = "bad_magic"
    /// The header names a format version this build cannot read.
    case unsupportedVersion = "unsupported_version"
    /// The file ends inside a record.
    case truncatedRecord = "truncated_record"
    /// A record claims more than 64 MiB.
    case absurdLength = "absurd_length"
    /// A record's CRC32C does not match its length and payload.
    case badChecksum = "bad_checksum"

    var explanation: String {
        switch self {
        case .missingHeader: "the file header is missing or incomplete"
        case .badMagic: "the file does not start with the UPLWAL magic bytes"
        case .unsupportedVersion: "the file has a format version this build cannot read"
        case .truncatedRecord: "the file ends in the middle of a record"
        case .absurdLength: "a record claims a length over 64 MiB"
        case .badChecksum: "a record's CRC32C checksum does not match"
        }
    }
}

/// One problem found in a log file.
package struct WALProblem: Sendable, Hashable, CustomStringConvertible {
    package var file: String
    package var offset: UInt64
    package var kind: WALProblemKind
    /// True when this is a torn tail of the last file (an unacknowledged write cut by a crash),
    /// which `open` truncates; false when `open` refuses the log.
    package var isTornTail: Bool

    package var description: String {
        "\(file) at offset \(offset): \(kind.explanation)" + (isTornTail ? " (torn tail, truncated on open)" : "")
    }
}

/// What `open` found and repaired.
package struct WALRecoveryReport: Sendable {
    /// Records replayed, over all files.
    package var records: Int
    /// Log files read.
    package var files: Int
    /// The torn tail that was cut away, if any.
    package var truncatedTail: WALProblem?
    /// Bytes removed with the torn tail.
    package var truncatedBytes: UInt64
}

/// What `verify` found: every file with its record count and every problem, nothing modified.
package struct WALVerifyReport: Sendable {
    package struct File: Sendable, Hashable {
        package var path: String
        package var sequence: UInt64
        package var bytes: UInt64
        /// Valid records before the first problem (or the end).
        package var records: Int
    }

    package var files: [File]
    package var problems: [WALProblem]

    /// True when `open` would accept the log (at most a torn tail to cut).
    package var canOpen: Bool { problems.allSatisfy(\.isTornTail) }
    package var records: Int { files.reduce(0) { $0 + $1.records } }
    package var bytes: UInt64 { files.reduce(0) { $0 + $1.bytes } }
}
