import AsyncAlgorithms
import Synchronization
package import UpliftModel

/// The durable event store of one data directory.
///
/// `append` returns once the events are in the fsynced write-ahead log; they are visible to
/// snapshots from then on. A flush turns the log into Parquet segments (one per project and
/// day, written to a temporary name, fsynced, renamed, the directory fsynced) and only then
/// removes the log files it covered. Opening the store replays whatever the log still holds;
/// dedup makes that replay idempotent.
///
/// With a `SegmentRegistry` (the catalog's segment manifest; every command and the server pass one) the
/// manifest says which segments are live: a flush records its segments there once they are durable, a
/// compaction swaps its sources for its outputs there in one step, and opening removes the files it does
/// not name (what a crash left half-done). Without one (tools and tests over a bare directory) the files
/// themselves say (`PartitionState`).
///
/// With a shared storage (an S3 bucket several nodes write: `SegmentStorage`) a flush uploads its segments
/// before recording them, the data directory keeps the write-ahead log and a cache of segments, and a
/// query first reads the project's live segments from the manifest (every node's flushes and compactions,
/// at most `manifestRefresh` old), downloading those the cache lacks. Replaced segments stay in the bucket
/// for `replacedGrace` (longer than the longest query on any node) before they are deleted.
package actor EventStore {
    package struct AppendResult: Sendable, Equatable {
        package var accepted: Int
        package var duplicates: Int
    }

    package let configuration: StoreConfiguration
    nonisolated package let layout: SegmentLayout
    private let wal: WriteAheadLog
    /// The data directory's, and the cache directory's when it is another.
    private let lock: [DataDirectoryLock]
    let registry: (any SegmentRegistry)?
    let storage: any SegmentStorage
    /// The manifest rows of the live segments this store knows (with a shared storage: what a download is
    /// checked against).
    var records: [String: SegmentRecord] = [:]
    /// When each project's list of live segments was last read from a shared storage's manifest.
    private var refreshed: [ProjectSlug: Duration] = [:]
    /// Who holds this store's compaction leases: the node and a token of its data directory
    /// (`DataDirectoryLock.leaseHolder`).
    private let leaseHolder: String
    /// With a shared storage: what a query skips so that an event two nodes took counts once.
    private let readDedup = ReadDedup()
    /// The live segments, shared with the dedup index's loader.
    private let live: LiveSegments
    var manifest: SegmentManifest { live.manifest.withLock { $0 } }
    var dedup: DedupIndex
    var memtable = Memtable()
    /// Batches being written to segments right now: still visible to snapshots until the manifest has them.
    var flushing: [Memtable.Batch] = []
    /// The segments of a flush whose manifest write failed, and the ids of its batches (back in the
    /// memtable): the write may have committed all the same (a connection lost during COMMIT), so the next
    /// flush asks the manifest before writing anything new.
    private var unsettled: (segments: [WrittenSegment], batches: [UInt64])?
    var isFlushing = false
    /// Callers waiting for the running flush to end (`flush()` and appends held back by a full memtable).
    private var flushWaiters: [CheckedContinuation<Void, Never>] = []
    /// Set while `runFlusher` runs: appends then signal it instead of flushing themselves.
    var flusherSignal: AsyncStream<Void>.Continuation?
    private var lastFlushError: UpliftError?
    /// Reads `configuration.clock`; `lastFlush` is when the newest flush ended, on it.
    private let stopwatch: Stopwatch
    private var lastFlush: Duration = .zero
    private var nextBatchID: UInt64 = 1
    /// Appends whose log write has not finished, by batch id, and callers waiting for some of them.
    private var inFlight = Set<UInt64>()
    private var inFlightWaiters: [(through: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
    private var closed = false
    /// Days of events each project keeps (`retain`); a project not named keeps everything.
    var retention: [ProjectSlug: Int] = [:]
    /// How many of each project's erasures (`ErasedPersons.begun`) the events in memory were checked against.
    var erasuresApplied: [ProjectSlug: Int] = [:]
    /// The ids of the persons each project is erasing now (`Snapshot.erasing`).
    var erasing: [ProjectSlug: Set<String>] = [:]
    /// How many of each project's erasures had completed when this store last read the manifest for them.
    var erasuresCompleted: [ProjectSlug: Int] = [:]
    /// The log holds events erased from memory: the next flush trims it even with nothing to write.
    var logHoldsErased = false

    /// Opens (creating if needed) the store, finishing any interrupted flush or compaction and replaying the log.
    /// `storage`: where the segments are kept (by default the data directory itself); a shared one needs a
    /// registry.
    package static func open(
        _ configuration: StoreConfiguration, registry: (any SegmentRegistry)? = nil,
        storage: (any SegmentStorage)? = nil
    ) async throws(UpliftError) -> EventStore {
        let storage = storage ?? LocalSegmentStorage(name: registry?.storage ?? "file:")
        if storage.isShared && registry == nil {
            throw UpliftError(.invalidInput, "a shared storage (\(storage.name)) needs the catalog's segment manifest")
        }
        if configuration.cacheDirectory != nil && !storage.isShared {
            throw UpliftError(
                .invalidInput,
                "--cache-dir is for a shared storage (--storage s3://…); the data directory keeps the segments")
        }
        let layout = SegmentLayout(root: configuration.dataDirectory, segments: configuration.cacheDirectory)
        let lock = try await WorkPool.shared.run(.background) { () throws(UpliftError) in
            try DurableFile.createDirectories(layout.root)
            let data = try DataDirectoryLock(directory: layout.root)
            guard layout.segmentRoot != layout.root else { return [data] }
            try DurableFile.createDirectories(layout.segmentRoot)
            let cache = try DataDirectoryLock(
                directory: layout.segmentRoot, role: "cache directory", option: "--cache-dir")
            // Opening deletes the files no manifest row names: never those of a local store given by mistake.
            try StorageIdentity.claim(
                dataDirectory: layout.segmentRoot, for: storage.name, role: "cache directory", option: "--cache-dir")
            return [data, cache]
        }
        let opened: Opened
        do {
            let manifest = try await loadManifest(
                layout, registry: registry, storage: storage, configuration: configuration)
            opened = try await WorkPool.shared.run(.background) { () throws(UpliftError) in
                do {
                    let (wal, recovered, _) = try WriteAheadLog.open(
                        directory: layout.walDirectory, options: configuration.walOptions)
                    let holder = try lock[0].leaseHolder(node: configuration.node, directory: layout.root)
                    return Opened(lock: lock, manifest: manifest, wal: wal, recovered: recovered, leaseHolder: holder)
                } catch let error as UpliftError {
                    throw error
                } catch {
                    throw UpliftError(.io, "cannot open the write-ahead log in \(layout.walDirectory)", cause: error)
                }
            }
        } catch {
            for lock in lock { lock.release() }
            throw error
        }
        let store = EventStore(configuration, layout, opened, registry, storage)
        try await store.replay(opened.recovered)
        return store
    }

    /// The live segments, with the directory brought in line: by the registry's manifest when there is
    /// one (adopting the directory's segments the first time), else by the files' own crash protocol.
    private static func loadManifest(
        _ layout: SegmentLayout, registry: (any SegmentRegistry)?, storage: any SegmentStorage,
        configuration: StoreConfiguration
    ) async throws(UpliftError) -> (SegmentManifest, [SegmentRecord]) {
        let node = configuration.node
        guard let registry else {
            return (
                try await WorkPool.shared.run(.background) { () throws(UpliftError) in
                    try SegmentManifest.load(layout)
                }, []
            )
        }
        if storage.isShared {
            // A bucket starts empty: its manifest rows come from flushes only.
            if try await !registry.isAdopted() { _ = try await registry.adopt([]) }
        } else if try await !registry.isAdopted() {
            // A directory from before the manifest: its files say what is live, once more.
            let records = try await WorkPool.shared.run(.background) { () throws(UpliftError) in
                let found = try SegmentManifest.load(layout)
                var records: [SegmentRecord] = []
                for project in found.projects {
                    for day in found.days(of: project) {
                        for path in found.segments(of: project, day: day) {
                            records.append(
                                try .of(file: path, layout: layout, project: project, day: day, node: node))
                        }
                    }
                }
                return records
            }
            _ = try await registry.adopt(records)
        }
        let live = try await registry.live()
        let known = try await registry.keys()
        // Holding the directory's lock: no one else writes here, and a replaced segment's readers are gone
        // with the process that replaced it; in a shared storage other nodes may still read it for a while.
        let replaced = try await registry.replaced(
            olderThan: storage.isShared ? configuration.replacedGrace : .zero)
        try await storage.delete(replaced.map(\.key), layout: layout)
        try await WorkPool.shared.run(.background) { () throws(UpliftError) in
            try SegmentManifest.removeUnnamed(layout, keeping: known)
        }
        try await storage.adoptCache(layout)
        if !replaced.isEmpty { try await registry.forget(replaced.map(\.key)) }
        return (SegmentManifest(live, layout: layout), live)
    }

    private struct Opened: @unchecked Sendable {
        var lock: [DataDirectoryLock]
        var manifest: (SegmentManifest, [SegmentRecord])
        var wal: WriteAheadLog
        var recovered: [[UInt8]]
        var leaseHolder: String
    }

    private init(
        _ configuration: StoreConfiguration, _ layout: SegmentLayout, _ opened: Opened,
        _ registry: (any SegmentRegistry)?, _ storage: any SegmentStorage
    ) {
        self.configuration = configuration
        self.stopwatch = Stopwatch(configuration.clock)
        self.layout = layout
        self.lock = opened.lock
        self.registry = registry
        self.storage = storage
        self.leaseHolder = opened.leaseHolder
        let live = LiveSegments(opened.manifest.0)
        self.live = live
        self.records = Dictionary(opened.manifest.1.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        self.wal = opened.wal
        self.dedup = DedupIndex { project, day throws(UpliftError) in
            // With a shared storage, another node's segment not in the cache (never downloaded, or evicted):
            // its events are another node's traffic, which compaction and reading dedup across nodes.
            let (paths, pins) = storage.present(live.manifest.withLock { $0.segments(of: project, day: day) })
            defer { pins.end() }
            return try SegmentReader.eventIDFingerprints(paths: paths)
        }
    }

    private func replay(_ records: [[UInt8]]) throws(UpliftError) {
        for record in records {
            let (slug, events) = try EventCodec.decode(record)
            let project = try ProjectSlug(slug)
            let fresh = try deduplicate(project: project, events)
            guard !fresh.isEmpty else { continue }
            memtable.append(.init(id: nextBatchID, project: project, events: fresh))
            nextBatchID += 1
        }
    }

    /// Stores events durably, dropping those whose id the project already has.
    package func append(project: ProjectSlug, events: [Event]) async throws(UpliftError) -> AppendResult {
        guard !closed else { throw UpliftError(.io, "the event store is closed") }
        if wal.sizeInBytes >= configuration.maxLogBytes {
            flusherSignal?.yield()
            let why = lastFlushError.map { ": the segments cannot be written (\($0.message))" } ?? ""
            throw UpliftError(
                .storageUnavailable,
                "this node's write-ahead log is full (\(wal.sizeInBytes) bytes, --max-wal-size \(configuration.maxLogBytes))\(why); retry later"
            )
        }
        var fresh = try deduplicate(project: project, events)
        if fresh.count < events.count, !inFlight.isEmpty {
            // A duplicate may be of an event whose log write is still running: acknowledging it
            // now would acknowledge an event that is not durable yet (and is lost if that write
            // fails). Wait for the writes that started before, then look again: the ids of a
            // failed write are forgotten by then, so its events are stored now.
            await waitForAppends(through: nextBatchID - 1)
            let freshIDs = Set(fresh.map(\.eventID))
            fresh += try deduplicate(project: project, events.filter { !freshIDs.contains($0.eventID) })
        }
        let result = AppendResult(accepted: fresh.count, duplicates: events.count - fresh.count)
        guard !fresh.isEmpty else { return result }
        // In the memtable before the log write completes: a flush that starts meanwhile then
        // covers these events too, so it can never trim a log file whose events it did not write.
        let id = nextBatchID
        nextBatchID += 1
        memtable.append(.init(id: id, project: project, events: fresh))
        inFlight.insert(id)
        do {
            _ = try await wal.append([EventCodec.encode(project: project.value, events: fresh)])
            appendFinished(id)
        } catch {
            defer { appendFinished(id) }
            // Not acknowledged: forget the events unless a flush already made them durable anyway.
            if memtable.remove(batch: id) != nil {
                for e in fresh {
                    dedup.remove(project: project, day: UTCDay(microseconds: e.timestamp), id: Fingerprint(e.eventID))
                }
            }
            throw error as? UpliftError ?? UpliftError(.io, "cannot write the write-ahead log", cause: error)
        }
        if memtableIsFull(factor: 1) {
            flusherSignal?.yield()
            // Back-pressure: with twice the threshold waiting, wait for the flusher to catch up
            // (or flush here when no flusher runs, or it stopped meanwhile).
            while memtableIsFull(factor: flusherSignal == nil ? 1 : 2) {
                guard let flusherSignal else {
                    try await flush()
                    break
                }
                if let lastFlushError { throw lastFlushError }
                flusherSignal.yield()
                await waitForFlush()
            }
        }
        return result
    }

    private func appendFinished(_ id: UInt64) {
        inFlight.remove(id)
        guard !inFlightWaiters.isEmpty else { return }
        let oldest = inFlight.min() ?? .max
        var waiting: [(through: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
        for waiter in inFlightWaiters {
            if waiter.through < oldest { waiter.continuation.resume() } else { waiting.append(waiter) }
        }
        inFlightWaiters = waiting
    }

    /// Returns once every append with a batch id up to `through` has finished its log write.
    private func waitForAppends(through: UInt64) async {
        guard let oldest = inFlight.min(), oldest <= through else { return }
        await withCheckedContinuation { inFlightWaiters.append((through, $0)) }
    }

    private func deduplicate(project: ProjectSlug, _ events: [Event]) throws(UpliftError) -> [Event] {
        try dedup.insert(project: project, events: events)
    }

    private func memtableIsFull(factor: Int) -> Bool {
        memtable.eventCount >= configuration.flushEvents * factor
            || memtable.approximateBytes >= configuration.flushBytes * factor
    }

    /// Writes everything in memory to segments and trims the log. Waits for a flush already running.
    /// The events of persons erased meanwhile (on any node: the catalog's erasure log) are dropped first, and
    /// the segments are recorded only if no erasure of their projects began since (else written again).
    package func flush() async throws(UpliftError) {
        while isFlushing { await waitForFlush() }
        guard !memtable.isEmpty || logHoldsErased else { return }
        isFlushing = true
        defer {
            lastFlush = stopwatch.elapsed
            endExclusive()
        }
        try await settleUnregisteredFlush()
        guard !memtable.isEmpty || logHoldsErased else { return }
        let wal = self.wal
        let firstKept = try await WorkPool.shared.run(.background) { () throws(UpliftError) in
            try walCall { try wal.rotate() }
        }
        flushing = memtable.takeAll()
        do throws(UpliftError) {
            var recorded = false
            for _ in 0..<3 where !recorded {
                let begun = try await dropErasedFromFlushing()
                recorded = try await writeFlushing(erasuresBegun: begun)
            }
            guard recorded else {
                throw UpliftError(.storageUnavailable, "erasures kept beginning during the flush; it will be retried")
            }
        } catch {
            // Nothing is lost (the log still has it all); keep the events in memory for the next try.
            for batch in flushing { memtable.append(batch) }
            flushing = []
            throw error
        }
        logHoldsErased = false
        // Freeing half a million events takes tens of milliseconds: not on the actor, where every
        // append would wait for it.
        let written = flushing
        flushing = []
        WorkPool.shared.release(consume written)
        try await WorkPool.shared.run(.background) { () throws(UpliftError) in
            try walCall { try wal.removeFiles(before: firstKept) }
        }
    }

    /// Writes the batches being flushed to segments and records them; false, and nothing written, when an
    /// erasure of their projects began after `erasuresBegun` was read.
    private func writeFlushing(erasuresBegun: [ProjectSlug: Int]) async throws(UpliftError) -> Bool {
        let written = try await SegmentWriter.writePartitions(
            of: flushing, layout: layout, configuration: configuration)
        do throws(UpliftError) {
            try await storage.publish(written)
        } catch {
            // Not recorded, so no one reads them: the files go (an object uploaded in part is an orphan).
            try? await WorkPool.shared.run(.background) { () throws(UpliftError) in
                for segment in written { try DurableFile.remove(segment.path) }
            }
            throw error
        }
        if let registry {
            let added: Bool
            do throws(UpliftError) {
                added = try await registry.add(written.map(\.record), erasuresBegun: erasuresBegun)
            } catch {
                // Kept, not removed: the rows may be there after all (see `unsettled`). Should the
                // process stop first, the next open removes them unless the manifest names them.
                unsettled = (written, flushing.map(\.id))
                throw error
            }
            guard added else {
                try await storage.delete(written.map(\.record.key), layout: layout)
                return false
            }
        }
        live.manifest.withLock { manifest in
            for segment in written {
                manifest.add(project: segment.record.project, day: segment.record.day, path: segment.path)
            }
        }
        for segment in written { records[segment.record.key] = segment.record }
        return true
    }

    /// Settles the flush whose manifest write failed: when the manifest has its segments (the write
    /// committed after all), they are live and their batches leave the memtable; when it has none of them
    /// (one transaction: all or none), their files go and the batches are flushed again.
    private func settleUnregisteredFlush() async throws(UpliftError) {
        guard let (segments, batches) = unsettled, let registry else { return }
        let known = try await registry.keys()
        if segments.allSatisfy({ known.contains($0.record.key) }) {
            live.manifest.withLock { manifest in
                for segment in segments {
                    manifest.add(project: segment.record.project, day: segment.record.day, path: segment.path)
                }
            }
            for segment in segments { records[segment.record.key] = segment.record }
            for id in batches { _ = memtable.remove(batch: id) }
        } else {
            // Uploaded (with a shared storage) but never recorded: the objects go with the files.
            try await storage.delete(segments.map(\.record.key), layout: layout)
        }
        unsettled = nil
    }

    func waitForFlush() async {
        await withCheckedContinuation { flushWaiters.append($0) }
    }

    /// Ends a flush (or a manifest refresh, which holds flushes off the same way) and wakes who waits for it.
    func endExclusive() {
        isFlushing = false
        let waiters = flushWaiters
        flushWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Whether the storage answers now: nil for the data directory itself (nothing to ask), else the
    /// problem or none.
    nonisolated package func probeStorage() async -> (shared: Bool, problem: UpliftError?) {
        storage.isShared ? (true, await storage.probe()) : (false, nil)
    }

    /// What a query reads, for any storage: with a shared one the project's live segments are first read
    /// from the manifest (when the last read is `manifestRefresh` old and no flush is running: a flush's own
    /// segments are in the list once it ends). Those the cache lacks are `absent` until a question needs them:
    /// it then fails naming them, and `fetch` downloads them.
    package func currentSnapshot(project: ProjectSlug) async throws(UpliftError) -> Snapshot {
        guard storage.isShared else { return snapshot(project: project) }
        try await refresh(project: project, maxAge: configuration.manifestRefresh)
        var snapshot = snapshot(project: project)
        let (present, pins) = storage.present(snapshot.segments)
        snapshot.pins = pins
        snapshot.absent = Set(snapshot.segments).subtracting(present)
        return try await deduplicated(snapshot)
    }

    /// `currentSnapshot` with every segment in the cache: for readers that read all of them.
    package func completeSnapshot(project: ProjectSlug) async throws(UpliftError) -> Snapshot {
        let snapshot = try await currentSnapshot(project: project)
        guard !snapshot.absent.isEmpty else { return snapshot }
        snapshot.wanted.add(Array(snapshot.absent))
        return try await fetch(snapshot)
    }

    /// `snapshot` with the segments its questions asked for (`Snapshot.wanted`) downloaded.
    package func fetch(_ snapshot: Snapshot) async throws(UpliftError) -> Snapshot {
        let wanted = snapshot.wanted.all.intersection(snapshot.absent)
        var fetched = snapshot
        fetched.wanted = SegmentWants()
        guard !wanted.isEmpty else { return fetched }
        let rows = wanted.compactMap { records[layout.key(of: $0)] }
        guard rows.count == wanted.count else {
            // Replaced meanwhile by a compaction this node has seen: a newer snapshot reads its outputs.
            throw UpliftError(.notFound, "segments of this question were replaced while it ran; retry")
        }
        // The snapshot's own pins keep the downloads once these end.
        let downloading = try await storage.materialize(rows, layout: layout)
        downloading.end()
        fetched.absent.subtract(wanted)
        return try await deduplicated(fetched)
    }

    /// `snapshot` with each event two nodes' segments (or a segment and the log) hold read once.
    private func deduplicated(_ snapshot: Snapshot) async throws(UpliftError) -> Snapshot {
        let dedup = readDedup
        return try await WorkPool.shared.run(.interactive) { () throws(UpliftError) in try dedup.apply(to: snapshot) }
    }

    /// Reads a shared storage's live segments of `project` from the manifest, unless they were read less
    /// than `maxAge` ago or a flush is running. The flush of this store whose manifest write failed is left
    /// out: its events are still in memory until the next flush settles it.
    func refresh(project: ProjectSlug, maxAge: Duration) async throws(UpliftError) {
        guard storage.isShared, let registry, !isFlushing else { return }
        if let last = refreshed[project], stopwatch.elapsed - last < maxAge { return }
        isFlushing = true
        defer { endExclusive() }
        let excluded = Set(unsettled?.segments.map(\.record.key) ?? [])
        let fresh = try await registry.live(project: project).filter { !excluded.contains($0.key) }
        let layout = self.layout
        live.manifest.withLock { $0.set(project: project, fresh, layout: layout) }
        records = records.filter { $0.value.project != project }
        for record in fresh { records[record.key] = record }
        refreshed[project] = stopwatch.elapsed
    }

    /// Deletes, from a shared storage, the segments replaced more than `replacedGrace` ago (no query on any
    /// node still reads them) and forgets their rows.
    package func sweepReplaced() async throws(UpliftError) {
        guard storage.isShared, let registry else { return }
        let replaced = try await registry.replaced(olderThan: configuration.replacedGrace).map(\.key)
        guard !replaced.isEmpty else { return }
        try await storage.delete(replaced, layout: layout)
        try await registry.forget(replaced)
        for key in replaced { records[key] = nil }
    }

    /// Deletes the objects of a shared storage that no manifest row names and that were named more than `age`
    /// ago: segments a node uploaded and died before recording (a younger one may be a flush in progress).
    /// Returns how many were deleted.
    @discardableResult
    package func sweepOrphans(olderThan age: Duration) async throws(UpliftError) -> Int {
        guard storage.isShared, let registry else { return 0 }
        let listed = try await storage.keys()
        let known = try await registry.keys()
        let before = Timestamp.now() - Timestamp.microseconds(age)
        let orphans = listed.filter { key in
            !known.contains(key) && (SegmentLayout.creationTime(ofSegment: key).map { $0 < before } ?? false)
        }
        try await storage.delete(orphans, layout: layout)
        return orphans.count
    }

    /// Whether `runFlusher` runs (appends then leave flushing to it).
    package var hasFlusher: Bool { flusherSignal != nil }

    /// Flushes in the background until cancelled: when appends fill the memtable, and every
    /// `configuration.flushInterval` when events wait (checked four times an interval, on
    /// `configuration.clock`). Appends then return as soon as the log has their events, holding back
    /// only when twice the flush threshold waits in memory.
    package func runFlusher() async {
        await runFlusher(on: configuration.clock)
    }

    private func runFlusher<C: Clock<Duration>>(on clock: C) async {
        await runFlusher(ticks: AsyncTimerSequence(interval: configuration.flushInterval / 4, clock: clock))
    }

    /// The flusher, checking for old events at each of `ticks`: it stops when they end (a server
    /// ends them on graceful shutdown) or when the task is cancelled.
    package func runFlusher(ticks: some AsyncSequence & Sendable) async {
        let (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        flusherSignal = signal
        defer {
            flusherSignal = nil
            // Appends held back for this flusher re-check and flush themselves.
            let waiters = flushWaiters
            flushWaiters = []
            for waiter in waiters { waiter.resume() }
        }
        let interval = configuration.flushInterval
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await _ in ticks { signal.yield() }
                } catch {
                    // A tick sequence that fails ends the flusher as its end does.
                }
                signal.finish()
            }
            for await _ in signals {
                let waited = stopwatch.elapsed - lastFlush
                guard memtableIsFull(factor: 1) || (!memtable.isEmpty && waited >= interval) || logHoldsErased else {
                    continue
                }
                do throws(UpliftError) {
                    try await flush()
                    lastFlushError = nil
                } catch {
                    lastFlushError = error
                }
            }
            group.cancelAll()
        }
    }

    /// The store's health and backlog, for readiness checks and metrics.
    package func status() -> StoreStatus {
        // Batches are kept in arrival order: the first one's first event is (about) the oldest.
        let oldestPending = (flushing.first ?? memtable.batches.first)?.events.first?.receivedAt
        return StoreStatus(
            logBytes: wal.sizeInBytes, logFailing: wal.isFailing, logFull: wal.sizeInBytes >= configuration.maxLogBytes,
            closed: closed,
            pendingEvents: flushing.reduce(0) { $0 + $1.events.count } + memtable.eventCount,
            oldestPendingReceivedAt: oldestPending, lastFlushError: lastFlushError, cache: storage.cacheStatus)
    }

    /// What a query reads: the segments of a project plus the events still only in the log.
    /// Days past the project's retention are left out.
    package func snapshot(project: ProjectSlug) -> Snapshot {
        var snapshot = Snapshot(
            project: project,
            segments: manifest.segments(of: project),
            pending: flushing.filter { $0.project == project }.flatMap(\.events) + memtable.events(of: project)
        ).retaining(from: firstKeptDay(project: project))
        snapshot.erasing = erasing[project] ?? []
        return snapshot
    }

    /// Projects with stored or pending events.
    package func projects() -> [ProjectSlug] {
        Set(manifest.projects + memtable.batches.map(\.project) + flushing.map(\.project)).sorted()
    }

    /// The days of a project a running server should compact now: days before `today` that still
    /// have flushed or several segments (they get no more events, so one rewrite is the last), and
    /// any day whose segments pile up past `maxSegments` (today under heavy load).
    /// Closed days with events still in the log count too (compacting flushes first).
    package func daysToCompact(project: ProjectSlug, today: UTCDay, maxSegments: Int = 16) -> [UTCDay] {
        var days = Set(
            manifest.days(of: project).filter { day in
                let segments = manifest.segments(of: project, day: day)
                return segments.count > maxSegments
                    || (day < today && Compactor.needsCompaction(segments, configuration: configuration))
            })
        for batch in memtable.batches where batch.project == project {
            for event in batch.events where event.timestamp < today.startMicroseconds {
                days.insert(UTCDay(microseconds: event.timestamp))
            }
        }
        return days.sorted()
    }

    /// Merges the small segments of each day of a project (or of the given days) into sorted, larger ones.
    /// With a shared storage a day is compacted by the node that holds its lease; the others skip it.
    @discardableResult
    package func compact(
        project: ProjectSlug, days: [UTCDay]? = nil, force: Bool = false
    ) async throws(UpliftError) -> CompactionReport {
        try await flush()
        // Every node's segments of the day.
        try await refresh(project: project, maxAge: .zero)
        let configuration = self.configuration
        // Days past the project's retention are deleted (`expire`), not rewritten.
        let kept = firstKeptDay(project: project)
        let work = (days ?? manifest.days(of: project)).filter { day in kept.map { day >= $0 } ?? true }
            .map { ($0, manifest.segments(of: project, day: $0)) }
            .filter { force ? !$0.1.isEmpty : Compactor.needsCompaction($0.1, configuration: configuration) }
        return try await leasing(project, work) { (work) throws(UpliftError) in
            try await compact(project: project, work: work)
        }
    }

    /// Runs `body` on the days of `work` this store may rewrite: all of them with a local storage; with a
    /// shared one, those whose compaction lease it takes (released afterwards), the others counted as skipped.
    func leasing(
        _ project: ProjectSlug, _ work: [(UTCDay, [String])],
        _ body: ([(UTCDay, [String])]) async throws(UpliftError) -> CompactionReport
    ) async throws(UpliftError) -> CompactionReport {
        guard storage.isShared, let registry else { return try await body(work) }
        var leased: [(UTCDay, [String])] = []
        for item in work {
            if try await registry.lease(
                project: project, day: item.0, holder: leaseHolder, for: configuration.compactionLease)
            {
                leased.append(item)
            }
        }
        let result: Result<CompactionReport, UpliftError>
        do throws(UpliftError) {
            result = .success(try await body(leased))
        } catch {
            result = .failure(error)
        }
        for (day, _) in leased { try? await registry.release(project: project, day: day, holder: leaseHolder) }
        var report = try result.get()
        report.daysSkipped = work.count - leased.count
        return report
    }

    private func compact(project: ProjectSlug, work: [(UTCDay, [String])]) async throws(UpliftError) -> CompactionReport
    {
        let layout = self.layout
        let configuration = self.configuration
        let shared = storage.isShared
        let pins = try await storage.materialize(
            work.flatMap { $0.1.compactMap { records[layout.key(of: $0)] } }, layout: layout)
        defer { pins.end() }
        // Days side by side on the background lane (compression dominates): as many as there are cores.
        let outputs = try await parallelMap(work, lane: .background) { (day, sources) throws(UpliftError) in
            let outputs = try Compactor.compact(
                sources, project: project, day: day, layout: layout, configuration: configuration,
                keepingOnePerID: shared)
            return outputs
        }
        return try await replace(project: project, work: work, with: outputs)
    }

    /// Swaps each day's `sources` for its `outputs` (none: the day is deleted) in the manifest, then removes
    /// the sources (with a shared storage: after the grace period). A day another node replaced meanwhile is
    /// left as it is and its outputs deleted.
    func replace(
        project: ProjectSlug, work: [(UTCDay, [String])], with outputs: [[WrittenSegment]]
    ) async throws(UpliftError) -> CompactionReport {
        var report = CompactionReport()
        let layout = self.layout
        var swapped: [(day: UTCDay, sources: [String])] = []
        do throws(UpliftError) {
            for ((day, sources), written) in zip(work, outputs) {
                try await storage.publish(written)
                if let registry {
                    let keys = sources.map { layout.key(of: $0) }
                    guard try await registry.replace(keys, with: written.map(\.record)) else {
                        // Replaced meanwhile by someone else (another node): these outputs are not needed.
                        try await storage.delete(written.map(\.record.key), layout: layout)
                        continue
                    }
                }
                for segment in written { records[segment.record.key] = segment.record }
                live.manifest.withLock {
                    $0.replace(project: project, day: day, sources: sources, with: written.map(\.path))
                }
                swapped.append((day, sources))
                report.partitions += 1
                report.segmentsRead += sources.count
                report.segmentsWritten += written.count
            }
        } catch {
            // Outputs of the days not swapped in are orphans: remove them.
            let done = Set(swapped.map(\.day))
            for ((day, _), written) in zip(work, outputs) where !done.contains(day) {
                try? await storage.delete(written.map(\.record.key), layout: layout)
            }
            throw error
        }
        if storage.isShared {
            // Other nodes may be reading the sources: they go after the grace period (a sweep that fails now
            // is done again by the next one).
            try? await sweepReplaced()
            return report
        }
        try await WorkPool.shared.run(.background) { [swapped] () throws(UpliftError) in
            for (day, sources) in swapped {
                for path in sources { try DurableFile.remove(path) }
                let directory = layout.partitionDirectory(project, day)
                try DurableFile.syncDirectory(directory)
                // A deleted day leaves no directory behind (readers list the days from them).
                DurableFile.removeDirectoryIfEmpty(directory)
            }
        }
        let forgotten = swapped.flatMap { $0.sources.map { layout.key(of: $0) } }
        try await registry?.forget(forgotten)
        for key in forgotten { records[key] = nil }
        return report
    }

    /// Flushes and closes the log; the store cannot be used afterwards.
    package func close() async throws(UpliftError) {
        guard !closed else { return }
        try await flush()
        closed = true
        wal.close()
        for lock in lock { lock.release() }
    }
}

/// The store's manifest behind a lock: the actor changes it, the dedup index's loader reads it.
private final class LiveSegments: Sendable {
    let manifest: Mutex<SegmentManifest>
    init(_ manifest: SegmentManifest) { self.manifest = Mutex(manifest) }
}

/// A moment's view of the store for operators.
package struct StoreStatus: Sendable {
    /// Bytes in the write-ahead log files.
    package var logBytes: UInt64
    /// Whether the newest log write failed (disk full, I/O error).
    package var logFailing: Bool
    /// Whether the log holds its budget (`maxLogBytes`): appends are refused until a flush trims it.
    package var logFull: Bool
    package var closed: Bool
    /// Events in the log that no segment holds yet.
    package var pendingEvents: Int
    /// Receive time (µs) of the oldest of them: the flush lag is now minus this.
    package var oldestPendingReceivedAt: Int64?
    package var lastFlushError: UpliftError?
    /// With a shared storage: the local copies of its segments.
    package var cache: SegmentCacheStatus? = nil
}

package struct CompactionReport: Sendable, Equatable {
    package var partitions = 0
    package var segmentsRead = 0
    package var segmentsWritten = 0
    /// Days another node was compacting (it held their lease).
    package var daysSkipped = 0
    package init(partitions: Int = 0, segmentsRead: Int = 0, segmentsWritten: Int = 0) {
        self.partitions = partitions
        self.segmentsRead = segmentsRead
        self.segmentsWritten = segmentsWritten
    }
}

/// Calls into the log, whose untyped errors are `UpliftError`s in practice.
private func walCall<T>(_ body: () throws -> T) throws(UpliftError) -> T {
    do { return try body() } catch let error as UpliftError { throw error } catch {
        throw UpliftError(.io, "write-ahead log failure", cause: error)
    }
}
