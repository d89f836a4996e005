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

    /// The directory's id, made (durably) when it has none: for a store about to write segments.
    package static func readOrCreate(dataDirectory: String) throws(UpliftError) -> String {
        if let id = read(dataDirectory: dataDirectory) { return id }
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

extension String {
    fileprivate func trimmingSuffix(while drop: (Character) -> Bool) -> String {
        var text = self
        while let last = text.last, drop(last) { text.removeLast() }
        return text
    }
}
