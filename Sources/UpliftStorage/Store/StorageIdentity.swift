package import UpliftModel

/// A data directory's name in the segment manifest: `file:` and 32 random hex digits, kept in
/// `<data>/storage-id`. Not the directory's path: a moved directory keeps its segments' rows, and two
/// machines whose directories have the same path never share rows in one PostgreSQL catalog.
package enum StorageIdentity {
    package static func path(dataDirectory: String) -> String {
        SegmentLayout(root: dataDirectory).root + "/storage-id"
    }

    /// The directory's id; nil when it has none yet (no store has opened it since the manifest existed).
    package static func read(dataDirectory: String) -> String? {
        guard let bytes = try? DurableFile.readAll(path(dataDirectory: dataDirectory)) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingSuffix(while: { $0 == "\n" })
        return text.hasPrefix("file:") && text.count == 37 ? text : nil
    }

    /// What `storage-id` holds, whatever it is.
    private static func contents(dataDirectory: String) -> String? {
        guard let bytes = try? DurableFile.readAll(path(dataDirectory: dataDirectory)) else { return nil }
        return String(decoding: bytes, as: UTF8.self).trimmingSuffix(while: { $0 == "\n" })
    }

    /// The directory's id, made (durably) when it has none: for a store about to write segments. A directory
    /// that is a bucket's cache (see `claim`) is refused.
    package static func readOrCreate(dataDirectory: String) throws(UpliftError) -> String {
        if let id = read(dataDirectory: dataDirectory) { return id }
        if let other = contents(dataDirectory: dataDirectory), other.hasPrefix("s3://") {
            throw UpliftError(
                .invalidInput,
                "the data directory \(dataDirectory) is a node's cache of \(other): pass --storage \(other) (or set UPLIFT_STORAGE), or use another --data"
            )
        }
        let hex = [UInt64.random(in: 0...UInt64.max), UInt64.random(in: 0...UInt64.max)].map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        let id = "file:" + hex.joined()
        try DurableFile.createDirectories(SegmentLayout(root: dataDirectory).root)
        try DurableFile.write(Array((id + "\n").utf8), to: path(dataDirectory: dataDirectory))
        return id
    }
}

extension StorageIdentity {
    /// Makes the data directory the cache of the shared storage `name` (`s3://BUCKET/PREFIX`), or checks that
    /// it is. A directory that holds segments of its own (a local store), or caches another storage, is
    /// refused: its segments would be mistaken for the bucket's, or removed as not in its manifest. `role` and
    /// `option` name the directory in the error (a cache directory is claimed the same way: `--cache-dir`).
    package static func claim(
        dataDirectory: String, for name: String, role: String = "data directory", option: String = "--data"
    ) throws(UpliftError) {
        if let other = contents(dataDirectory: dataDirectory) {
            guard other != name else { return }
            let what = other.hasPrefix("s3://") ? "is a node's cache of \(other)" : "holds a local store's segments"
            throw UpliftError(
                .invalidInput,
                "the \(role) \(dataDirectory) \(what), not of \(name): give this node an empty \(option) directory (to move a local store's events into the bucket, import them: uplift import)"
            )
        }
        let layout = SegmentLayout(root: dataDirectory)
        if layout.projects().contains(where: { project in
            layout.days(project).contains { !layout.segments(project, $0).isEmpty }
        }) {
            throw UpliftError(
                .invalidInput,
                "the \(role) \(dataDirectory) holds segments of its own, not of \(name): give this node an empty \(option) directory"
            )
        }
        try DurableFile.createDirectories(layout.root)
        try DurableFile.write(Array((name + "\n").utf8), to: path(dataDirectory: dataDirectory))
    }
}

extension String {
    fileprivate func trimmingSuffix(while drop: (Character) -> Bool) -> String {
        var text = self
        while let last = text.last, drop(last) { text.removeLast() }
        return text
    }
}
