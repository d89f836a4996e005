import UpliftModel

extension WriteAheadLog {
    /// The name of the lock file that keeps a second process from appending to the same log.
    static let lockFileName = "wal.lock"

    /// Opens (creating if needed) the log in `directory`, streaming every durable record to
    /// `replay` in order, oldest first, then starts a fresh file for appends.
    ///
    /// A torn tail — the last file ending inside a record, or in a bad record with no valid record
    /// after it, or without a complete header — is a write a crash cut short; it was never
    /// acknowledged, so it is cut away and reported. Any other bad record refuses to open with
    /// `.corrupt` naming the file and offset. If this throws, discard what `replay` received.
    package static func open(
        directory: String, options: WALOptions = WALOptions(), replay: (WALRecord) throws -> Void
    ) throws -> (log: WriteAheadLog, recovery: WALRecoveryReport) {
        do throws(SystemCallError) {
            try SystemIO.makeDirectories(directory)
        } catch {
            throw error.upliftError(
                "cannot create the write-ahead log directory", advice: "Check the path and permissions.")
        }
        let lockPath = directory + "/" + lockFileName
        let lockFD: Int32
        do throws(SystemCallError) {
            lockFD = try SystemIO.lockExclusively(lockPath)
        } catch {
            throw error.upliftError(
                "the write-ahead log is in use",
                advice: "Another Uplift process has this data directory open; stop it first."
            )
        }
        do {
            let (report, existingBytes, nextSequence) = try recover(directory: directory, replay: replay)
            let active = try WALActiveFile(directory: directory, sequence: nextSequence, faults: options.faults)
            let core = WALCore(active: active, existingBytes: existingBytes, onCommit: options.onCommit)
            return (try WriteAheadLog(directory: directory, core: core, lockFD: lockFD), report)
        } catch {
            SystemIO.unlockAndClose(lockFD)
            throw error
        }
    }

    /// Opens the log and returns every recovered payload in memory. Fine for small logs and tests;
    /// prefer the streaming `open(directory:options:replay:)` for large ones.
    package static func open(
        directory: String, options: WALOptions = WALOptions()
    ) throws -> (log: WriteAheadLog, recovered: [[UInt8]], recovery: WALRecoveryReport) {
        var recovered: [[UInt8]] = []
        let (log, report) = try open(directory: directory, options: options) { recovered.append($0.payload) }
        return (log, recovered, report)
    }

    private static func recover(
        directory: String, replay: (WALRecord) throws -> Void
    ) throws -> (WALRecoveryReport, existingBytes: UInt64, nextSequence: UInt64) {
        let files = try WALRecovery.logFiles(in: directory)
        var report = WALRecoveryReport(records: 0, files: files.count, truncatedTail: nil, truncatedBytes: 0)
        var bytes: UInt64 = 0
        var nextSequence = (files.last?.sequence ?? 0) + 1
        for (index, file) in files.enumerated() {
            let isLast = index == files.count - 1
            let scanned = try WALRecovery.scan(file, isLast: isLast) { payload, position in
                try replay(WALRecord(payload: Array(payload), position: position))
            }
            report.records += scanned.outcome.records
            if isLast && scanned.problem == nil && scanned.outcome.records == 0 {
                // Reuse an empty last file's number rather than pile up one empty file per restart.
                try WALRecovery.remove(file)
                nextSequence = file.sequence
                continue
            }
            guard let problem = scanned.problem else {
                bytes += scanned.outcome.size
                continue
            }
            guard problem.isTornTail else { throw WALRecovery.refusal(problem, isLast: isLast) }
            try WALRecovery.cut(scanned, directory: directory)
            report.truncatedTail = problem
            report.truncatedBytes = scanned.outcome.size - scanned.outcome.validEnd
            if scanned.outcome.validEnd == 0 {
                nextSequence = file.sequence  // the file is gone; its number is free again
            } else {
                bytes += scanned.outcome.validEnd
            }
        }
        return (report, bytes, nextSequence)
    }

    /// Reads every log file in `directory` and reports each problem with its file, offset and
    /// kind, and whether `open` would cut it as a torn tail or refuse. Modifies nothing.
    package static func verify(directory: String) throws -> WALVerifyReport {
        let files = try WALRecovery.logFiles(in: directory)
        var report = WALVerifyReport(files: [], problems: [])
        for (index, file) in files.enumerated() {
            let scanned = try WALRecovery.scan(file, isLast: index == files.count - 1) { _, _ in }
            report.files.append(
                .init(
                    path: file.path, sequence: file.sequence, bytes: scanned.outcome.size,
                    records: scanned.outcome.records)
            )
            if let problem = scanned.problem { report.problems.append(problem) }
        }
        return report
    }
}
