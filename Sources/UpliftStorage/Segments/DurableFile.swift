package import UpliftModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX helpers for files that must survive a crash: write to a temporary name, fsync,
/// rename into place, fsync the directory. Blocking: call from a thread that may block.
package enum DurableFile {
    /// Writes `bytes` to `path` atomically and durably. `shared`: other processes may write the same
    /// path at the same time (each then writes its own temporary file; the last rename wins whole).
    package static func write(_ bytes: [UInt8], to path: String, shared: Bool = false) throws(UpliftError) {
        let directory = parent(of: path)
        try createDirectories(directory)
        let name = path.split(separator: "/").last.map(String.init) ?? "segment"
        let unique = shared ? "." + String(UInt64.random(in: 0...UInt64.max), radix: 16) : ""
        let temporary = directory + "/." + name + unique + ".tmp"
        let fd = open(temporary, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, FileModes.file)
        guard fd >= 0 else { throw ioError("cannot create \(temporary)") }
        do throws(UpliftError) {
            try writeAll(fd, bytes, path: temporary)
            guard fsync(fd) == 0 else { throw ioError("cannot fsync \(temporary)") }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let e = ioError("cannot rename \(temporary) to \(path)")
            unlink(temporary)
            throw e
        }
        try syncDirectory(directory)
    }

    package static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(UpliftError) {
        var failure: UpliftError?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = ioError("cannot write \(path)")
                    return
                }
                offset += n
            }
        }
        if let failure { throw failure }
    }

    package static func syncDirectory(_ directory: String) throws(UpliftError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("cannot open directory \(directory) to fsync it") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ioError("cannot fsync directory \(directory)") }
    }

    /// `mkdir -p`, fsyncing each parent that gained an entry so the new directory survives a crash.
    package static func createDirectories(_ path: String) throws(UpliftError) {
        var isDirectory = stat()
        if stat(path, &isDirectory) == 0 { return }
        let up = parent(of: path)
        if up != path, !up.isEmpty { try createDirectories(up) }
        if mkdir(path, FileModes.directory) != 0, errno != EEXIST { throw ioError("cannot create directory \(path)") }
        if !up.isEmpty { try syncDirectory(up) }
    }

    package static func readAll(_ path: String) throws(UpliftError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("cannot open \(path)") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ioError("cannot stat \(path)") }
        let size = Int(st.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var failure: UpliftError?
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < size {
                let n = read(fd, buffer.baseAddress! + offset, size - offset)
                if n < 0, errno == EINTR { continue }
                if n <= 0 {
                    failure = ioError("cannot read \(path)")
                    return
                }
                offset += n
            }
        }
        if let failure { throw failure }
        return bytes
    }

    package static func remove(_ path: String) throws(UpliftError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw ioError("cannot remove \(path)") }
    }

    /// Removes `directory` when it holds nothing; anything else (files in it, gone already) leaves it be.
    package static func removeDirectoryIfEmpty(_ directory: String) {
        _ = rmdir(directory)
    }

    /// The names in a directory (no `.`/`..`), or `[]` when it does not exist.
    package static func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    package static func fileSize(_ path: String) -> Int64? {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : nil
    }

    /// When the file last changed, in seconds since 1970, or nil when it does not exist.
    package static func modificationTime(_ path: String) -> Int64? {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_mtim.tv_sec) : nil
    }

    package static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    package static func ioError(_ what: String) -> UpliftError {
        let reason = String(cString: strerror(errno))
        return UpliftError(.io, "\(what): \(reason)")
    }
}
