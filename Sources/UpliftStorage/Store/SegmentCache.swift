import Synchronization

/// The segment files a node keeps of a shared storage, within a size budget (`--cache-size`).
///
/// Every file here is a copy of an object in the bucket (a download, or this node's own flush or compaction
/// once uploaded), so any of them can go. Queries, compactions and the dedup loader pin the files they read
/// while they read them; the least recently used unpinned files are deleted whenever the cache holds more
/// than its budget. A query that needs more than the budget keeps all it reads until it ends: the budget
/// holds between queries, not inside one.
package final class SegmentCache: Sendable {
    /// Bytes of files kept; nil keeps every file until its segment is deleted.
    package let budget: Int64?
    private let state = Mutex(State())

    private struct State {
        var files: [String: File] = [:]
        var bytes: Int64 = 0
        var clock: UInt64 = 0
        /// Readers of each path, whether or not its file is here yet (a download in progress is pinned too).
        var pins: [String: Int] = [:]
        var downloaded: Int64 = 0
        var evicted: Int64 = 0
    }

    private struct File {
        var bytes: Int64
        var lastUse: UInt64
    }

    package init(budget: Int64?) {
        self.budget = budget
    }

    /// Bytes of the files kept now.
    package var bytes: Int64 { state.withLock { $0.bytes } }

    /// The cache's size and traffic so far, for metrics.
    package var status: SegmentCacheStatus {
        state.withLock { s in
            SegmentCacheStatus(bytes: s.bytes, budget: budget, downloadedBytes: s.downloaded, evictedBytes: s.evicted)
        }
    }

    /// Takes in files that are already here (a restart), oldest first so they are evicted first.
    package func adopt(_ files: [(path: String, bytes: Int64)]) {
        state.withLock { s in
            for file in files where s.files[file.path] == nil {
                s.clock += 1
                s.files[file.path] = File(bytes: file.bytes, lastUse: s.clock)
                s.bytes += file.bytes
            }
        }
        evict()
    }

    /// Keeps `paths` from eviction until the returned pins end, and counts them as used now.
    package func pin(_ paths: [String]) -> SegmentPins {
        guard !paths.isEmpty else { return SegmentPins() }
        state.withLock { s in
            s.clock += 1
            for path in paths {
                s.pins[path, default: 0] += 1
                s.files[path]?.lastUse = s.clock
            }
        }
        return SegmentPins { [self] in unpin(paths) }
    }

    /// Counts files that are now here (`downloaded`, or uploaded from here), then evicts beyond the budget.
    package func added(_ files: [(path: String, bytes: Int64)], downloaded: Bool = false) {
        state.withLock { s in
            s.clock += 1
            if downloaded { s.downloaded += files.reduce(0) { $0 + $1.bytes } }
            for file in files {
                if let old = s.files[file.path] { s.bytes -= old.bytes }
                s.files[file.path] = File(bytes: file.bytes, lastUse: s.clock)
                s.bytes += file.bytes
            }
        }
        evict()
    }

    /// Forgets files deleted for good (their segments were replaced or were orphans).
    package func removed(_ paths: [String]) {
        state.withLock { s in
            for path in paths {
                if let old = s.files.removeValue(forKey: path) { s.bytes -= old.bytes }
            }
        }
    }

    private func unpin(_ paths: [String]) {
        state.withLock { s in
            for path in paths {
                let left = (s.pins[path] ?? 1) - 1
                s.pins[path] = left > 0 ? left : nil
            }
        }
        evict()
    }

    /// Deletes the least recently used unpinned files while the cache holds more than its budget. The files
    /// go while the lock is held: a reader that pins one of them meanwhile then finds it gone and downloads it,
    /// never finds it present and loses it after.
    private func evict() {
        guard let budget else { return }
        state.withLock { s in
            guard s.bytes > budget else { return }
            for (path, file) in s.files.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
                guard s.bytes > budget else { break }
                guard s.pins[path] == nil else { continue }
                s.files[path] = nil
                s.bytes -= file.bytes
                s.evicted += file.bytes
                // A file that cannot be deleted is only disk used: the next download of its segment replaces it.
                try? DurableFile.remove(path)
            }
        }
    }
}

/// A cache's size and what it has downloaded and evicted since the process started.
package struct SegmentCacheStatus: Sendable, Equatable {
    package var bytes: Int64
    package var budget: Int64?
    package var downloadedBytes: Int64
    package var evictedBytes: Int64
}

/// Files a reader uses: kept in the cache until this is released (or goes away).
package final class SegmentPins: Sendable {
    private let release: Mutex<(@Sendable () -> Void)?>

    /// Pins nothing.
    package init() { release = Mutex(nil) }

    init(release: @escaping @Sendable () -> Void) { self.release = Mutex(release) }

    /// Lets the files go now rather than when the last reference to the pins goes.
    package func end() {
        release.withLock { r in
            let release = r
            r = nil
            return release
        }?()
    }

    deinit { end() }
}
