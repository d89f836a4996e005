import UpliftModel

/// Reads a log directory in sequence order and decides, per problem, whether it is a torn tail
/// (a crash cut the last, unacknowledged write: safe to cut away) or corruption (refuse).
enum WALRecovery {
    struct LogFile {
        var sequence: UInt64
        var path: String
    }

    struct ScannedFile {
        var file: LogFile
        var outcome: WALFileScanner.Outcome
        var problem: WALProblem?
    }

    /// The log files of `directory`, oldest first. Other files are ignored.
    static func logFiles(in directory: String) throws(UpliftError) -> [LogFile] {
        let names: [String]
        do throws(SystemCallError) {
            names = try SystemIO.listDirectory(directory)
        } catch {
            throw error.upliftError(
                "cannot list the write-ahead log directory", advice: "Check that it exists and is readable.")
        }
        return names.compactMap { name in
            WALFormat.sequence(fileName: name).map { LogFile(sequence: $0, path: directory + "/" + name) }
        }.sorted { $0.sequence < $1.sequence }
    }

    /// Scans one file; `isLast` decides whether a problem may be a torn tail.
    static func scan(
        _ file: LogFile, isLast: Bool, onRecord: (UnsafeRawBufferPointer, WALPosition) throws -> Void
    ) throws -> ScannedFile {
        var scanner = try WALFileScanner(path: file.path, sequence: file.sequence)
        defer { scanner.close() }
        let outcome = try scanner.scan { payload, end in
            try onRecord(payload, WALPosition(fileSequence: file.sequence, offset: end))
        }
        let problem = outcome.problem.map { found in
            WALProblem(
                file: file.path, offset: found.offset, kind: found.kind,
                isTornTail: isLast && !outcome.validRecordAfterProblem
            )
        }
        return ScannedFile(file: file, outcome: outcome, problem: problem)
    }

    /// The error that refuses to open a log with `problem`, saying what to do about it.
    static func refusal(_ problem: WALProblem, isLast: Bool) -> UpliftError {
        let why =
            !isLast
            ? "it is not the last log file, so this cannot be a write cut short by a crash"
            : "valid records follow it, so this is not a write cut short by a crash"
        let advice =
            "Refusing to open the write-ahead log rather than silently drop acknowledged events. "
            + "Run `uplift verify` to list every problem, then restore the file from a backup, or move it out of "
            + "the log directory to accept losing the events it holds."
        let code: UpliftError.Code = problem.kind == .unsupportedVersion ? .unsupported : .corrupt
        return UpliftError(
            code,
            "write-ahead log file \(problem.file) at offset \(problem.offset): \(problem.kind.explanation); \(why). \(advice)"
        )
    }

    /// Cuts a torn tail away durably: truncates the file to its last valid record, or removes a
    /// file whose header never made it to disk.
    static func cut(_ scanned: ScannedFile, directory: String) throws(UpliftError) {
        let path = scanned.file.path
        do throws(SystemCallError) {
            if scanned.outcome.validEnd == 0 {
                try SystemIO.remove(path)
            } else {
                let fd = try SystemIO.openWriteOnly(path)
                defer { SystemIO.closeFile(fd) }
                try SystemIO.truncate(fd, to: scanned.outcome.validEnd, path: path)
                try SystemIO.sync(fd, path: path)
            }
            try SystemIO.syncDirectory(directory)
        } catch {
            throw error.upliftError(
                "cannot cut the torn tail of the write-ahead log", advice: "Check permissions and free space.")
        }
    }

    /// Removes a log file that holds no record. The directory is fsynced when the next file is created.
    static func remove(_ file: LogFile) throws(UpliftError) {
        do throws(SystemCallError) {
            try SystemIO.remove(file.path)
        } catch {
            throw error.upliftError(
                "cannot remove an empty write-ahead log file", advice: "Check directory permissions.")
        }
    }
}
