package import UpliftModel

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on `<data>/LOCK`, so two processes never write one log at once.
/// The kernel drops it when the process dies, so a crash never leaves a stale lock.
package final class DataDirectoryLock: @unchecked Sendable {
    private var fd: Int32

    /// `role` and `option` name the directory in the error (the data directory, `--data`; a cache, `--cache-dir`).
    package init(
        directory: String, role: String = "data directory", option: String = "--data"
    ) throws(UpliftError) {
        let path = directory + "/LOCK"
        fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, FileModes.file)
        guard fd >= 0 else { throw DurableFile.ioError("cannot open \(path)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw UpliftError(
                .io,
                "the \(role) \(directory) is in use by another uplift process; stop it or use another \(option) directory"
            )
        }
    }

    /// Who holds the directory's compaction leases (`EventStore`): `node` and a random token kept in
    /// `<data>/LEASE-HOLDER`. Only the process holding this lock uses it, so a process started again on the
    /// directory (after a SIGKILL, whose leases would otherwise block those days until they expire) takes its
    /// own leases back, while another directory's process, even one given the same node name, never does.
    package func leaseHolder(node: String, directory: String) throws(UpliftError) -> String {
        let path = directory + "/LEASE-HOLDER"
        if let text = try? DurableFile.readAll(path) {
            let token = String(decoding: text.filter { $0 > 0x20 }, as: UTF8.self)
            if !token.isEmpty { return node + "-" + token }
        }
        let digits = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let token = String(repeating: "0", count: 16 - digits.count) + digits
        try DurableFile.write(Array((token + "\n").utf8), to: path)
        return node + "-" + token
    }

    package func release() {
        guard fd >= 0 else { return }
        // Unlock before closing: a child forked by another thread holds a copy of `fd` until it
        // execs, and `close` alone would leave the lock held for that moment.
        _ = flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
