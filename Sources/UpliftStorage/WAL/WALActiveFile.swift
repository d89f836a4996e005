import UpliftModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The file appends go to. Lives inside a Mutex: the writer thread holds it for one batch
/// (write + sync), `rotate` holds it to switch files, so a rotation never splits a batch.
struct WALActiveFile: ~Copyable {
    let directory: String
    let faults: WALFaults
    private(set) var sequence: UInt64
    private(set) var path: String
    private var fd: Int32
    /// End of the last durable record: where the next batch starts.
    private(set) var offset: UInt64
    /// Set when a failed batch could not be rolled back; the file's state is unknown, so every
    /// later append fails until the process restarts and recovery reads the file.
    private var poisoned: UpliftError?

    /// Creates `wal-<sequence>.log` with its header, durably (file and directory fsynced).
    init(directory: String, sequence: UInt64, faults: WALFaults) throws(UpliftError) {
        self.directory = directory
        self.faults = faults
        self.sequence = sequence
        self.path = directory + "/" + WALFormat.fileName(sequence: sequence)
        self.fd = try Self.create(path: path, directory: directory)
        self.offset = UInt64(WALFormat.headerSize)
    }

    private static func create(path: String, directory: String) throws(UpliftError) -> Int32 {
        do throws(SystemCallError) {
            let fd = try SystemIO.createNew(path)
            do throws(SystemCallError) {
                try SystemIO.writeAll(fd, WALFormat.header, count: WALFormat.headerSize, at: 0, path: path)
                try SystemIO.sync(fd, path: path)
                try SystemIO.syncDirectory(directory)
            } catch {
                SystemIO.closeFile(fd)
                _ = try? SystemIO.remove(path)
                throw error
            }
            return fd
        } catch {
            throw error.upliftError(
                "cannot create a write-ahead log file", advice: "Check permissions and free disk space.")
        }
    }

    /// Writes one group-commit batch with one write and one sync. Returns the offset the batch
    /// started at. On failure the file is cut back to that offset, so nothing of the batch stays.
    mutating func write(_ chunks: [[UInt8]], records: Int) -> Result<UInt64, UpliftError> {
        if let poisoned { return .failure(poisoned) }
        let start = offset
        let total = chunks.reduce(0) { $0 + $1.count }
        guard total > 0 else { return .success(start) }
        do throws(SystemCallError) {
            if chunks.count == 1 {
                try writeAndSync(chunks[0], at: start)
            } else {
                var joined: [UInt8] = []
                joined.reserveCapacity(total)
                for chunk in chunks { joined.append(contentsOf: chunk) }
                try writeAndSync(joined, at: start)
            }
            offset = start + UInt64(total)
            return .success(start)
        } catch {
            let failure = error.upliftError(
                "could not write \(records) records to the write-ahead log",
                advice:
                    "None of them were kept; the request can be retried once the disk is healthy (check free space)."
            )
            rollBack(to: start)
            return .failure(failure)
        }
    }

    private func writeAndSync(_ bytes: [UInt8], at start: UInt64) throws(SystemCallError) {
        var allowed = bytes.count
        if let quota = faults.fileQuotaBytes {
            allowed = Int(min(UInt64(bytes.count), quota > start ? quota - start : 0))
        }
        try SystemIO.writeAll(fd, bytes, count: allowed, at: start, path: path)
        if allowed < bytes.count { throw SystemIO.fail("pwrite", path, ENOSPC) }
        if let injected = faults.syncError?() { throw SystemIO.fail("fdatasync", path, injected) }
        try SystemIO.sync(fd, path: path)
    }

    /// Cuts the file back to `start` and makes that durable. If even that fails, the log stops
    /// accepting appends: an unacknowledged half batch might otherwise be replayed later.
    private mutating func rollBack(to start: UInt64) {
        do throws(SystemCallError) {
            try SystemIO.truncate(fd, to: start, path: path)
            try SystemIO.sync(fd, path: path)
        } catch {
            poisoned = error.upliftError(
                "the write-ahead log could not undo a failed write",
                advice: "Restart the server; recovery will cut the incomplete batch away."
            )
        }
    }

    /// Starts the next file. Returns its sequence number. Keeps the current file when it holds no
    /// record yet: all earlier records are then already in older files.
    mutating func rotate() throws(UpliftError) -> UInt64 {
        if let poisoned { throw poisoned }
        guard offset > UInt64(WALFormat.headerSize) else { return sequence }
        let next = sequence + 1
        let nextPath = directory + "/" + WALFormat.fileName(sequence: next)
        let nextFD = try Self.create(path: nextPath, directory: directory)
        SystemIO.closeFile(fd)
        fd = nextFD
        sequence = next
        path = nextPath
        offset = UInt64(WALFormat.headerSize)
        return next
    }

    mutating func close() {
        if fd >= 0 { SystemIO.closeFile(fd) }
        fd = -1
        poisoned = UpliftError(.io, "the write-ahead log is closed. Open it again to append.")
    }
}
