import Foundation
package import UpliftModel

/// The pepper of the key hashes. It lives outside the database so that a stolen catalog (a
/// backup, a `pg_dump`) is not enough to test guessed keys offline. Nodes sharing one PostgreSQL
/// catalog must share it.
package struct CatalogSecret: Sendable {
    package let bytes: [UInt8]

    /// From `UPLIFT_CATALOG_SECRET` (at least 32 characters), else the 0600 file
    /// `<data>/catalog.secret`, created with 32 random bytes on first use.
    package static func resolve(environmentValue: String?, dataDirectory: String) throws(UpliftError) -> CatalogSecret {
        if let value = environmentValue, !value.isEmpty {
            return try CatalogSecret(text: value, origin: "UPLIFT_CATALOG_SECRET")
        }
        return try load(path: (dataDirectory as NSString).appendingPathComponent("catalog.secret"))
    }

    package init(text: String, origin: String = "the catalog secret") throws(UpliftError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count >= 32 else {
            throw UpliftError(.invalidInput, "\(origin) must be at least 32 characters (e.g. `openssl rand -hex 32`)")
        }
        bytes = Array(trimmed.utf8)
    }

    /// Reads the secret file, creating it (0600, exclusive create so two processes agree) if missing.
    package static func load(path: String) throws(UpliftError) -> CatalogSecret {
        if let existing = try read(path: path) { return existing }
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        } catch {
            throw UpliftError(
                .io, "cannot create the directory of \(path) for the catalog secret; check permissions", cause: error)
        }
        var random = SystemRandomNumberGenerator()
        let hex =
            (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }.map { byte in
                let digits = Array("0123456789abcdef".utf8)
                return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
            }.joined() + "\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            // Another process created it first: use theirs.
            if errno == EEXIST, let existing = try read(path: path) { return existing }
            throw UpliftError(
                .io,
                "cannot create the catalog secret \(path) (errno \(errno)); check permissions or set UPLIFT_CATALOG_SECRET"
            )
        }
        let bytes = Array(hex.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else {
            unlink(path)
            throw UpliftError(.io, "cannot write the catalog secret \(path); check free space and permissions")
        }
        return try CatalogSecret(text: hex, origin: path)
    }

    private static func read(path: String) throws(UpliftError) -> CatalogSecret? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UpliftError(.io, "cannot read the catalog secret \(path); check its permissions")
        }
        let text = String(decoding: data, as: UTF8.self)
        // A file caught half-written by a concurrent creator reads short: treat it as absent once.
        if text.utf8.count < 32 { return nil }
        return try CatalogSecret(text: text, origin: path)
    }
}
