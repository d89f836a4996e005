package import UpliftModel

/// A project's retention and the erasure of a person: both delete events through the manifest, as a
/// compaction swaps segments (`leasing`, `replace`).
extension EventStore {
    /// Removes every event naming one of `ids` (one person's ids) for good: the log is flushed first (so its
    /// events are in segments and its files covering them are deleted), then each segment holding such a row is
    /// rewritten without it, swapped in through the manifest like a compaction, and the segments are read again
    /// until none holds one (a compaction that swapped a day meanwhile makes another round). Returns how many
    /// events went; `found` is told that number before any is removed. With a shared storage the rewritten segments' old objects go after `replacedGrace`; a day
    /// another node is compacting right now makes it fail (retry: what was done stays done).
    package func erase(
        project: ProjectSlug, ids: Set<String>,
        found: @Sendable (Int) async throws(UpliftError) -> Void = { _ throws(UpliftError) in }
    ) async throws(UpliftError) -> Int {
        guard !ids.isEmpty else { return 0 }
        try await flush()
        var removed: Int?
        for _ in 0..<5 {
            try await refresh(project: project, maxAge: .zero)
            let (work, rows) = try await segmentsNaming(ids, project: project)
            if removed == nil {
                removed = rows
                try await found(rows)
            }
            if work.isEmpty {
                forgetRemovedIDs(project: project)
                return removed ?? 0
            }
            let layout = self.layout
            let configuration = self.configuration
            let shared = storage.isShared
            let report = try await leasing(project, work) { (leased) throws(UpliftError) in
                let pins = try await storage.materialize(
                    leased.flatMap { $0.1.compactMap { records[layout.key(of: $0)] } }, layout: layout)
                defer { pins.end() }
                let outputs = try await parallelMap(leased, lane: .background) { (day, sources) throws(UpliftError) in
                    try Compactor.compact(
                        sources, project: project, day: day, layout: layout, configuration: configuration,
                        keepingOnePerID: shared, erasing: ids)
                }
                return try await replace(project: project, work: leased, with: outputs)
            }
            guard report.daysSkipped == 0 else {
                throw UpliftError(
                    .storageUnavailable,
                    "another node is compacting \(report.daysSkipped) days that hold this person's events; retry the erasure"
                )
            }
        }
        throw UpliftError(.storageUnavailable, "the segments kept changing during the erasure; retry it")
    }

    /// Reloads the project's dedup index from its segments (now without the erased rows) and the events in
    /// memory, so that an erased event sent again is stored, as a new person's.
    private func forgetRemovedIDs(project: ProjectSlug) {
        dedup.forget(project: project)
        let pending = (flushing + memtable.batches).filter { $0.project == project }.flatMap(\.events)
        // Loads each of their days from the segments, then adds them: nothing is dropped (they were fresh).
        _ = try? dedup.insert(project: project, events: pending)
    }

    /// The segments of each day of `project` holding a row naming one of `ids`, and how many such rows there are.
    private func segmentsNaming(
        _ ids: Set<String>, project: ProjectSlug
    ) async throws(UpliftError) -> (work: [(UTCDay, [String])], rows: Int) {
        let layout = self.layout
        let days = manifest.days(of: project).map { ($0, manifest.segments(of: project, day: $0)) }
        let pins = try await storage.materialize(
            days.flatMap { $0.1.compactMap { records[layout.key(of: $0)] } }, layout: layout)
        defer { pins.end() }
        let found = try await parallelMap(days, lane: .background) { (day, segments) throws(UpliftError) in
            var holding: [String] = []
            var rows = 0
            for path in segments {
                let named = try SegmentReader.rowsNaming(ids, path: path)
                if named > 0 { holding.append(path) }
                rows += named
            }
            return (day: day, segments: holding, rows: rows)
        }
        return (found.filter { !$0.segments.isEmpty }.map { ($0.day, $0.segments) }, found.reduce(0) { $0 + $1.rows })
    }

    /// Catches up with the erasures of `project` (on any node) when the catalog counts more than this store
    /// has seen (`begun`, `completed`: the erasure log's counts): a question asks this first, so that an
    /// erasure done on another node leaves this node's answers too. A new completed erasure reads the shared
    /// storage's manifest again (its rewritten segments); a new begun one drops from memory the events of
    /// the persons erased, and the flusher then trims the log still holding them (`logHoldsErased`). Were
    /// the process killed first, the replayed events are dropped again (a store starts having seen none).
    /// `erasing`: the ids of the erasures running now, which every snapshot hides until they complete.
    package func forgetErased(
        project: ProjectSlug, begun: Int, completed: Int, erasing ids: Set<String>
    ) async throws(UpliftError) {
        erasing[project] = ids.isEmpty ? nil : ids
        if completed > erasuresCompleted[project, default: 0] {
            while isFlushing { await waitForFlush() }
            try await refresh(project: project, maxAge: .zero)
            erasuresCompleted[project] = completed
        }
        guard let registry, begun > erasuresApplied[project, default: 0] else { return }
        while isFlushing { await waitForFlush() }
        isFlushing = true
        defer { endExclusive() }
        let erased = try await registry.erasedPersons(project: project)
        let events = memtable.events(of: project)
        let dropped = try await WorkPool.shared.run(.background) { () throws(UpliftError) in erased.erased(events) }
        drop(dropped, project: project)
        memtable.remove(Set(dropped.map(Memtable.EventKey.init)), project: project)
        erasuresApplied[project] = max(erasuresApplied[project, default: 0], erased.begun)
        guard !dropped.isEmpty else { return }
        logHoldsErased = true
        flusherSignal?.yield()
    }

    /// For a flush: how many erasures each project being flushed has begun, with the events of erased persons
    /// dropped from the batches of each project that has begun any. Every flush checks all its events (not only
    /// after a new erasure): an event received just before an erasure began may reach memory only after the
    /// last check, and a segment must never hold it. Each distinct id is hashed once per flush.
    func dropErasedFromFlushing() async throws(UpliftError) -> [ProjectSlug: Int] {
        guard let registry else { return [:] }
        let projects = Set(flushing.map(\.project))
        let begun = try await registry.erasuresBegun(projects: projects)
        for project in projects where begun[project, default: 0] > 0 {
            let erased = try await registry.erasedPersons(project: project)
            let events = flushing.filter { $0.project == project }.flatMap(\.events)
            let dropped = try await WorkPool.shared.run(.background) { () throws(UpliftError) in erased.erased(events) }
            drop(dropped, project: project)
            let keys = Set(dropped.map(Memtable.EventKey.init))
            flushing = flushing.map { $0.project == project ? $0.without(keys) : $0 }.filter { !$0.events.isEmpty }
            erasuresApplied[project] = max(erasuresApplied[project, default: 0], erased.begun)
        }
        return begun
    }

    /// Forgets erased events' ids, so that one sent again is stored (as a new person's).
    private func drop(_ erased: [Event], project: ProjectSlug) {
        for e in erased {
            dedup.remove(project: project, day: UTCDay(microseconds: e.timestamp), id: Fingerprint(e.eventID))
        }
    }

    /// Sets how many days of a project's events are kept (`ProjectSettings.retentionDays`; 0 keeps all).
    /// From then on no snapshot holds older days, and `expire` deletes them.
    package func retain(project: ProjectSlug, days: Int) {
        retention[project] = days == 0 ? nil : days
    }

    /// The oldest day a project keeps now (on `configuration.now`), nil when it keeps everything.
    package func firstKeptDay(project: ProjectSlug) -> UTCDay? {
        retention[project].flatMap { Retention(days: $0).firstKeptDay(now: configuration.now()) }
    }

    /// Deletes the segments of the days a project's retention no longer keeps, after flushing the log (so
    /// that its events of those days go too). With a shared storage a day is deleted by the node holding its
    /// compaction lease, like a compaction whose outputs are empty.
    @discardableResult
    package func expire(project: ProjectSlug) async throws(UpliftError) -> CompactionReport {
        guard let kept = firstKeptDay(project: project) else { return CompactionReport() }
        try await flush()
        try await refresh(project: project, maxAge: .zero)
        let work = manifest.days(of: project).filter { $0 < kept }.map { ($0, manifest.segments(of: project, day: $0)) }
            .filter { !$0.1.isEmpty }
        return try await leasing(project, work) { (work) throws(UpliftError) in
            try await replace(project: project, work: work, with: work.map { _ in [] })
        }
    }
}
