import Synchronization
import UpliftModel

/// The state the writer thread shares with the log's callers: the queue of pending appends, the
/// active file and the counters. The writer thread holds this, never the `WriteAheadLog`.
final class WALCore: Sendable {
    struct PendingAppend {
        var bytes: [UInt8]
        var records: Int
        var continuation: CheckedContinuation<WALPosition, any Error>
    }

    struct Queue {
        var pending: [PendingAppend] = []
        var closed = false
    }

    let queue = ConditionLock(Queue())
    let active: PThreadMutex<WALActiveFile>
    let totalBytes: Atomic<UInt64>
    let currentSequence: Atomic<UInt64>
    let records = Atomic<UInt64>(0)
    let syncs = Atomic<UInt64>(0)
    /// Appends queued or in the current commit, not answered yet.
    let waiting = Atomic<Int>(0)
    /// Whether the newest commit failed (cleared by the next one that succeeds).
    let lastCommitFailed = Atomic<Bool>(false)
    let onCommit: (@Sendable (WALCommit) -> Void)?

    init(active: consuming WALActiveFile, existingBytes: UInt64, onCommit: (@Sendable (WALCommit) -> Void)? = nil) {
        self.onCommit = onCommit
        let sequence = active.sequence
        let bytes = existingBytes + active.offset
        self.active = PThreadMutex(active)
        self.totalBytes = Atomic(bytes)
        self.currentSequence = Atomic(sequence)
    }

    /// Queues an encoded append for the writer. False once the log is closed.
    func enqueue(_ append: PendingAppend) -> Bool {
        queue.withLockSignalling { queue in
            guard !queue.closed else { return false }
            queue.pending.append(append)
            waiting.add(1, ordering: .relaxed)
            return true
        }
    }

    /// The writer thread's loop: take everything pending, write it with one write and one sync,
    /// answer every waiter. Appends arriving during a sync form the next batch: that is the group
    /// commit, with no timer. Returns once the log is closed and the queue is drained.
    func runWriter() {
        while true {
            let batch: [PendingAppend]? = queue.wait(
                until: { !$0.pending.isEmpty || $0.closed },
                then: { queue in
                    guard !queue.pending.isEmpty else { return nil }
                    let taken = queue.pending
                    queue.pending = []
                    return taken
                })
            guard let batch else { return }
            commit(batch)
        }
    }

    private func commit(_ batch: [PendingAppend]) {
        defer { waiting.subtract(batch.count, ordering: .relaxed) }
        let recordCount = batch.reduce(0) { $0 + $1.records }
        let byteCount = batch.reduce(0) { $0 + $1.bytes.count }
        let started = ContinuousClock.now
        let (sequence, result) = active.withLock { file in
            let result = file.write(batch.map(\.bytes), records: recordCount)
            return (file.sequence, result)
        }
        if case .failure = result {
            lastCommitFailed.store(true, ordering: .relaxed)
        } else {
            lastCommitFailed.store(false, ordering: .relaxed)
        }
        onCommit?(
            WALCommit(
                records: recordCount, bytes: byteCount, duration: started.duration(to: .now),
                succeeded: (try? result.get()) != nil))
        switch result {
        case .success(let start):
            if byteCount > 0 {
                syncs.add(1, ordering: .relaxed)
                totalBytes.add(UInt64(byteCount), ordering: .relaxed)
                records.add(UInt64(recordCount), ordering: .relaxed)
            }
            var end = start
            for append in batch {
                end += UInt64(append.bytes.count)
                append.continuation.resume(returning: WALPosition(fileSequence: sequence, offset: end))
            }
        case .failure(let error):
            for append in batch { append.continuation.resume(throwing: error) }
        }
    }

    /// Stops accepting appends; the writer finishes what is queued, then exits.
    func shutDown() {
        queue.withLockSignalling { $0.closed = true }
    }
}
