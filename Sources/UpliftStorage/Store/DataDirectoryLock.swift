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
