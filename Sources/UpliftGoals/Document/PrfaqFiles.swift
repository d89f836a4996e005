import Foundation
import UpliftExperiments
package import UpliftModel

/// Reading the files of PR/FAQs: the documents themselves, and the experiment definition files they
/// name, which are confined to the PR/FAQ's folder (the dashboards folder on the server). The server
/// reads them as whatever user started it, so a `definition:` of `../../etc/passwd`, an absolute
/// path or a symlink pointing out of the folder is refused before anything is read. Only regular
/// files are read, and only up to a size (a FIFO or `/dev/zero` would otherwise block or never end).
/// No error quotes a file's content.
package enum PrfaqFiles {
    /// The largest PR/FAQ file read (its Markdown body included).
    package static let maxDocumentBytes = 1024 * 1024

    /// The text of the definition file `name` (as a PR/FAQ's `definition:` wrote it) relative to
    /// `folder`. Errors say what is wrong with the path or the file, to follow the field and line.
    package static func definition(_ name: String, folder: String) throws(UpliftError) -> String {
        guard !name.hasPrefix("/") else {
            throw UpliftError(
                .invalidInput, "must be a path relative to the PR/FAQ's folder, not an absolute path")
        }
        guard !name.isEmpty, !name.utf8.contains(0), let root = realPath(folder.isEmpty ? "." : folder) else {
            throw UpliftError(.notFound, "cannot read \(name) (relative to the PR/FAQ's folder); check the path")
        }
        guard let target = realPath((root as NSString).appendingPathComponent(name)) else {
            throw UpliftError(.notFound, "cannot read \(name) (relative to the PR/FAQ's folder); check the path")
        }
        guard target.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            throw UpliftError(
                .invalidInput,
                "leads outside the PR/FAQ's folder (after resolving '..' and symbolic links); "
                    + "a definition file must be inside the folder")
        }
        return try text(of: target, limit: YAMLBounds.maxBytes, what: "the definition file")
    }

    /// The text of a PR/FAQ file, if it is a regular UTF-8 file of at most `maxDocumentBytes`.
    package static func document(_ path: String) throws(UpliftError) -> String {
        try text(of: path, limit: maxDocumentBytes, what: "the PR/FAQ file")
    }

    /// The path with every symbolic link, `.` and `..` resolved; nil when it names nothing.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Reads at most `limit` bytes of a regular file; a larger file, another kind of file (FIFO,
    /// device, folder) or one that is not UTF-8 is refused.
    static func text(of path: String, limit: Int, what: String) throws(UpliftError) -> String {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw UpliftError(.notFound, "cannot read \(what); check the path and its permissions") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw UpliftError(.invalidInput, "\(what) is not a regular file")
        }
        guard info.st_size <= limit else {
            throw UpliftError(.tooLarge, "\(what) is larger than \(limit) bytes, the limit; shorten it")
        }
        // One byte more than the limit, in case the file grew since fstat.
        var bytes = [UInt8](repeating: 0, count: limit + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw UpliftError(.io, "cannot read \(what); check its permissions") }
            if n == 0 { break }
            count += n
        }
        guard count <= limit else {
            throw UpliftError(.tooLarge, "\(what) is larger than \(limit) bytes, the limit; shorten it")
        }
        guard let text = String(validating: bytes[..<count], as: UTF8.self) else {
            throw UpliftError(.invalidUTF8, "\(what) is not UTF-8 text")
        }
        return text
    }
}
