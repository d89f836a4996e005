/// A place in the log: a file's sequence number and a byte offset in it. `append` returns the
/// position just after its last record; positions order the way records were written.
public struct WALPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var fileSequence: UInt64
    public var offset: UInt64

    public init(fileSequence: UInt64, offset: UInt64) {
        self.fileSequence = fileSequence
        self.offset = offset
    }

    public static func < (a: WALPosition, b: WALPosition) -> Bool {
        (a.fileSequence, a.offset) < (b.fileSequence, b.offset)
    }

    public var description: String { "\(WALFormat.fileName(sequence: fileSequence))@\(offset)" }
}

/// One record delivered by replay: its payload and the position just after it.
public struct WALRecord: Sendable {
    public var payload: [UInt8]
    public var position: WALPosition
}

/// Settings of a write-ahead log.
public struct WALOptions: Sendable {
    /// Fault injection for tests; empty in production.
    package var faults = WALFaults()
    /// Called on the writer thread after each group commit (write and data sync), successful or
    /// not, with how long it took: for the server's fsync histogram. Must be quick.
    public var onCommit: (@Sendable (WALCommit) -> Void)?

    public init() {}
}

/// One group commit of the log: one write and one data sync for every append that was waiting.
public struct WALCommit: Sendable {
    public var records: Int
    public var bytes: Int
    public var duration: Duration
    public var succeeded: Bool
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
public enum WALProblemKind: String, Sendable, Hashable {
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
public struct WALProblem: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var offset: UInt64
    public var kind: WALProblemKind
    /// True when this is a torn tail of the last file (an unacknowledged write cut by a crash),
    /// which `open` truncates; false when `open` refuses the log.
    public var isTornTail: Bool

    public var description: String {
        "\(file) at offset \(offset): \(kind.explanation)" + (isTornTail ? " (torn tail, truncated on open)" : "")
    }
}

/// What `open` found and repaired.
public struct WALRecoveryReport: Sendable {
    /// Records replayed, over all files.
    public var records: Int
    /// Log files read.
    public var files: Int
    /// The torn tail that was cut away, if any.
    public var truncatedTail: WALProblem?
    /// Bytes removed with the torn tail.
    public var truncatedBytes: UInt64
}

/// What `verify` found: every file with its record count and every problem, nothing modified.
public struct WALVerifyReport: Sendable {
    public struct File: Sendable, Hashable {
        public var path: String
        public var sequence: UInt64
        public var bytes: UInt64
        /// Valid records before the first problem (or the end).
        public var records: Int
    }

    public var files: [File]
    public var problems: [WALProblem]

    /// True when `open` would accept the log (at most a torn tail to cut).
    public var canOpen: Bool { problems.allSatisfy(\.isTornTail) }
    public var records: Int { files.reduce(0) { $0 + $1.records } }
    public var bytes: UInt64 { files.reduce(0) { $0 + $1.bytes } }
}
