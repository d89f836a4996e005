import Synchronization
import UpliftModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The write-ahead log of the event store: opaque payloads, durable before acknowledgement.
///
/// `append` returns only after its records are written and fdatasync'ed. A dedicated OS thread
/// writes: every append waiting when it wakes shares one write and one sync (group commit).
/// Open with `open(directory:options:replay:)`, which replays and repairs what is on disk.
/// The flusher calls `rotate()`, writes the older files' events to segments, then
/// `removeFiles(before:)`. `rotate`, `removeFiles`, `open`, `verify` and `close` block on
/// file I/O: call them from a thread that may block, not a hot async path.
package final class WriteAheadLog: Sendable {
    private struct Lifecycle {
        var thread: pthread_t?
        var lockFD: Int32
        var closed = false
    }

    package let directory: String
    private let core: WALCore
    private let lifecycle: Mutex<Lifecycle>

    init(directory: String, core: WALCore, lockFD: Int32) throws(UpliftError) {
        self.directory = directory
        self.core = core
        guard let thread = OSThread.start({ [core] in core.runWriter() }) else {
            core.active.withLock { $0.close() }
            SystemIO.unlockAndClose(lockFD)
            throw UpliftError(.io, "cannot start the write-ahead log writer thread. Check the process's thread limit.")
        }
        self.lifecycle = Mutex(Lifecycle(thread: thread, lockFD: lockFD))
    }

    deinit { close() }

    /// Appends `payloads` as consecutive records and returns, once they are durable, the position
    /// just after the last one. Throws `.io` if the batch could not be written or synced (none of
    /// it is kept then), `.tooLarge` for a payload over 64 MiB.
    package func append(_ payloads: [[UInt8]]) async throws -> WALPosition {
        let bytes = try WALFormat.encode(payloads)
        return try await withCheckedThrowingContinuation { continuation in
            let queued = core.enqueue(.init(bytes: bytes, records: payloads.count, continuation: continuation))
            if !queued {
                continuation.resume(
                    throwing: UpliftError(.io, "the write-ahead log is closed. Open it again to append."))
            }
        }
    }

    /// Closes the current file and starts a new one; returns the new file's sequence number.
    /// Every record appended before this call is in a file with a smaller sequence number.
    /// (If the current file holds no record yet, it is kept and its number returned.)
    package func rotate() throws -> UInt64 {
        let (sequence, added) = try core.active.withLock { (file) throws(UpliftError) in
            let before = file.sequence
            let sequence = try file.rotate()
            return (sequence, sequence == before ? 0 : UInt64(WALFormat.headerSize))
        }
        core.currentSequence.store(sequence, ordering: .relaxed)
        core.totalBytes.add(added, ordering: .relaxed)
        return sequence
    }

    /// Deletes the log files with a sequence number below `sequence` (never the current file),
    /// then fsyncs the directory. Call only once their events are durable in segments.
    package func removeFiles(before sequence: UInt64) throws {
        let bound = min(sequence, core.currentSequence.load(ordering: .relaxed))
        var removed = false
        for file in try WALRecovery.logFiles(in: directory) where file.sequence < bound {
            do throws(SystemCallError) {
                let size = try SystemIO.fileSize(path: file.path)
                try SystemIO.remove(file.path)
                core.totalBytes.subtract(size, ordering: .relaxed)
                removed = true
            } catch  where error.errno == ENOENT {
                continue  // removed concurrently by another call
            } catch {
                throw error.upliftError(
                    "cannot remove a trimmed write-ahead log file", advice: "Check directory permissions.")
            }
        }
        guard removed else { return }
        do throws(SystemCallError) {
            try SystemIO.syncDirectory(directory)
        } catch {
            throw error.upliftError("cannot fsync the write-ahead log directory", advice: "Check the disk.")
        }
    }

    /// Bytes in all log files, headers included.
    package var sizeInBytes: UInt64 { core.totalBytes.load(ordering: .relaxed) }
    /// Records appended (and acknowledged) since `open`.
    package var recordsSinceOpen: UInt64 { core.records.load(ordering: .relaxed) }
    /// Data syncs since `open`: one per group-commit batch.
    package var syncCount: UInt64 { core.syncs.load(ordering: .relaxed) }
    /// Whether the newest group commit failed (disk full, I/O error); the next success clears it.
    package var isFailing: Bool { core.lastCommitFailed.load(ordering: .relaxed) }
    /// Appends not answered yet: queued for the writer thread or in its current commit.
    package var waitingAppends: Int { core.waiting.load(ordering: .relaxed) }
    /// The sequence number of the file appends currently go to.
    package var currentFileSequence: UInt64 { core.currentSequence.load(ordering: .relaxed) }

    /// Finishes queued appends, stops the writer thread and releases the directory. Later appends
    /// throw `.io`. Safe to call more than once.
    package func close() {
        let state = lifecycle.withLock { state -> (pthread_t?, Int32)? in
            guard !state.closed else { return nil }
            state.closed = true
            return (state.thread, state.lockFD)
        }
        guard let (thread, lockFD) = state else { return }
        core.shutDown()
        if let thread { OSThread.join(thread) }
        core.active.withLock { $0.close() }
        SystemIO.unlockAndClose(lockFD)
    }
}
