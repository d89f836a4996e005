import UpliftModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: the operation, the path and `errno`. Kept as the `cause` of the
/// `UpliftError` so callers (and tests) can see which errno it was.
package struct SystemCallError: Error, Sendable, CustomStringConvertible {
    package var operation: String
    package var path: String
    package var errno: Int32

    package var description: String { "\(operation) \(path): \(SystemIO.errorText(errno)) (errno \(errno))" }
}

/// Thin, blocking POSIX file helpers for the log. Only ever called from the writer thread, from
/// `open`/`verify`, or from the flusher's `rotate`/`removeFiles` — never on the cooperative pool.
package enum SystemIO {
    package static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    static func fail(_ operation: String, _ path: String, _ code: Int32 = errno) -> SystemCallError {
        SystemCallError(operation: operation, path: path, errno: code)
    }

    static func openFile(_ path: String, flags: Int32, mode: mode_t = FileModes.file) throws(SystemCallError) -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw fail("open", path) }
        }
    }

    static func openReadOnly(_ path: String) throws(SystemCallError) -> Int32 {
        try openFile(path, flags: O_RDONLY)
    }

    static func openWriteOnly(_ path: String) throws(SystemCallError) -> Int32 {
        try openFile(path, flags: O_WRONLY)
    }

    /// Creates a new file; fails if it exists, so a sequence number is never reused by accident.
    static func createNew(_ path: String) throws(SystemCallError) -> Int32 {
        try openFile(path, flags: O_WRONLY | O_CREAT | O_EXCL)
    }

    static func closeFile(_ fd: Int32) {
        _ = close(fd)
    }

    static func fileSize(_ fd: Int32, path: String) throws(SystemCallError) -> UInt64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fail("fstat", path) }
        return UInt64(max(0, info.st_size))
    }

    /// The size of the file at `path`.
    static func fileSize(path: String) throws(SystemCallError) -> UInt64 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw fail("stat", path) }
        return UInt64(max(0, info.st_size))
    }

    /// Writes all of `bytes` at `offset`, retrying short writes and EINTR.
    static func writeAll(
        _ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: UInt64, path: String
    ) throws(SystemCallError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset) + off_t(done))
            if n > 0 {
                done += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            throw fail("pwrite", path, n == 0 ? EIO : errno)
        }
    }

    /// Writes the first `count` bytes of `bytes` at `offset`.
    static func writeAll(
        _ fd: Int32, _ bytes: [UInt8], count: Int, at offset: UInt64, path: String
    ) throws(SystemCallError) {
        var failure: SystemCallError?
        bytes.withUnsafeBytes { all in
            do throws(SystemCallError) {
                try writeAll(
                    fd, UnsafeRawBufferPointer(rebasing: all[0..<min(count, all.count)]), at: offset, path: path)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Reads up to `count` bytes at `offset`; fewer only at end of file.
    static func read(_ fd: Int32, count: Int, at offset: UInt64, path: String) throws(SystemCallError) -> [UInt8] {
        // No `Array(unsafeUninitializedCapacity: 0)`: see `ByteColumn.gather`.
        guard count > 0 else { return [] }
        var failure: SystemCallError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            while initialized < count {
                let n = pread(fd, base + initialized, count - initialized, off_t(offset) + off_t(initialized))
                if n > 0 {
                    initialized += n
                    continue
                }
                if n == 0 { return }
                if errno == EINTR { continue }
                failure = fail("pread", path)
                return
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Makes written data durable. `fdatasync` is enough: the log only needs size and content.
    static func sync(_ fd: Int32, path: String) throws(SystemCallError) {
        while true {
            #if canImport(Darwin)
            let rc = fsync(fd)
            #else
            let rc = fdatasync(fd)
            #endif
            if rc == 0 { return }
            if errno != EINTR { throw fail("fdatasync", path) }
        }
    }

    static func truncate(_ fd: Int32, to size: UInt64, path: String) throws(SystemCallError) {
        while ftruncate(fd, off_t(size)) != 0 {
            if errno != EINTR { throw fail("ftruncate", path) }
        }
    }

    /// fsyncs a directory so that created, renamed or removed entries survive a crash.
    static func syncDirectory(_ path: String) throws(SystemCallError) {
        let fd = try openFile(path, flags: O_RDONLY | O_DIRECTORY)
        defer { closeFile(fd) }
        while fsync(fd) != 0 {
            if errno != EINTR { throw fail("fsync", path) }
        }
    }

    static func remove(_ path: String) throws(SystemCallError) {
        guard unlink(path) == 0 else { throw fail("unlink", path) }
    }

    /// Creates `path` and any missing parents.
    static func makeDirectories(_ path: String) throws(SystemCallError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, FileModes.directory) != 0 && errno != EEXIST { throw fail("mkdir", prefix) }
            prefix += "/"
        }
        var info = stat()
        guard stat(path, &info) == 0 else { throw fail("stat", path) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw fail("mkdir", path, ENOTDIR) }
    }

    /// The names in a directory, without "." and "..".
    static func listDirectory(_ path: String) throws(SystemCallError) -> [String] {
        guard let dir = opendir(path) else { throw fail("opendir", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Takes an exclusive advisory lock so two processes never append to one log.
    static func lockExclusively(_ path: String) throws(SystemCallError) -> Int32 {
        let fd = try openFile(path, flags: O_RDWR | O_CREAT)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            closeFile(fd)
            throw fail("flock", path, code)
        }
        return fd
    }

    /// Releases a lock taken by `lockExclusively` and closes it. The unlock comes first because a
    /// child forked by another thread shares the descriptor until it execs, and `close` alone
    /// would leave the lock held for that moment.
    static func unlockAndClose(_ fd: Int32) {
        _ = flock(fd, LOCK_UN)
        closeFile(fd)
    }
}

extension SystemCallError {
    /// Wraps the failure as an `.io` UpliftError with `advice` saying what to do.
    func upliftError(_ what: String, advice: String) -> UpliftError {
        UpliftError(.io, "\(what): \(description). \(advice)", cause: self)
    }
}
