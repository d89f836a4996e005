import Synchronization
package import UpliftModel
package import UpliftStorage

/// The aggregation engine: answers queries over a project's snapshot, keeping decoded segment
/// columns in memory within a budget (segments never change once written, so a cached block
/// stays valid until compaction replaces its file).
package final class AnalysisEngine: Sendable {
    /// Bytes of decoded columns kept between queries.
    package let cacheBytes: Int
    /// Segment texts (properties, context) kept by event: a quarter of the cache's budget on top of it.
    package let textBudget: TextBudget
    private let state: Mutex<State>

    private struct State {
        var dictionaries: [ProjectSlug: ProjectDictionaries] = [:]
        var blocks: [String: CachedBlock] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        /// The last person map of each project made from versioned links: the server passes links of
        /// the same version between changes, and only the changes since after one.
        var resolvers: [ProjectSlug: PersonResolver] = [:]
        /// Segments whose event names are in their project's dictionary (decoded once, or read for names).
        var named: Set<String> = []
        /// The property and context keys of segments, by path (`SegmentKeys`), once read.
        var keys: [String: SegmentKeys] = [:]
    }

    private struct CachedBlock {
        var block: EventBlock
        var lastUse: UInt64
    }

    package init(cacheBytes: Int = 3 << 30) {
        self.cacheBytes = cacheBytes
        textBudget = TextBudget(limit: cacheBytes / 4)
        state = Mutex(State())
    }

    /// Dictionaries of a project (created on first use; they only grow).
    func dictionaries(_ project: ProjectSlug) -> ProjectDictionaries {
        state.withLock { s in
            if let d = s.dictionaries[project] { return d }
            let d = ProjectDictionaries()
            s.dictionaries[project] = d
            return d
        }
    }

    /// The blocks of a snapshot that may hold events in `[from, to)`: cached segment blocks,
    /// newly decoded ones (both cores), and one block of the pending events. An engine that keeps no
    /// blocks (`cacheBytes` 0: a command that answers once and exits) decodes only the rows of the
    /// events in `keeping` (nil: every row); one that keeps them decodes every row, for the next questions.
    func blocks(
        _ snapshot: Snapshot, from: Int64, to: Int64, budget: QueryBudget? = nil, keeping: Set<String>? = nil
    ) throws(UpliftError) -> (ProjectDictionaries, [EventBlock]) {
        let dictionaries = dictionaries(snapshot.project)
        let firstDay = UTCDay(microseconds: from)
        let lastDay = UTCDay(microseconds: to - 1)
        let paths = snapshot.segments.filter { path in
            guard let day = Snapshot.day(ofSegment: path) else { return true }
            return day >= firstDay && day <= lastDay
        }
        // A cached block's texts are read from its file when a question needs them: every file must be here.
        try snapshot.requireLocal(paths)
        var found: [String: EventBlock] = [:]
        state.withLock { s in
            s.clock += 1
            for path in paths {
                if var c = s.blocks[path] {
                    c.lastUse = s.clock
                    s.blocks[path] = c
                    found[path] = c.block
                }
            }
        }
        let missing = paths.filter { found[$0] == nil }
        let decoded = try SegmentDecoder.blocks(
            paths: missing, dictionaries: dictionaries, textBudget: textBudget, budget: budget,
            keeping: cacheBytes == 0 ? keeping : nil)
        for (path, block) in zip(missing, decoded) { found[path] = block }
        remember(Array(zip(missing, decoded)))
        markNamed(missing)
        // Events another segment also holds (a shared storage's nodes both took them) are read once, and the
        // events of persons being erased not at all.
        let erasing = Set(dictionaries.distinctIDs.codes(of: snapshot.erasing.sorted()).compactMap { $0 })
        var blocks = paths.map { path in
            let block = found[path]!
            var hidden = snapshot.hidden[path] ?? []
            if !erasing.isEmpty {
                hidden += block.distinctIDs.indices.lazy.filter { erasing.contains(block.distinctIDs[$0]) }.map {
                    Int32($0)
                }
            }
            return hidden.isEmpty ? block : block.hiding(hidden)
        }
        let pending = snapshot.pending.filter {
            $0.timestamp >= from && $0.timestamp < to && !snapshot.erasing.contains($0.distinctID)
        }
        if !pending.isEmpty { blocks.append(EventBlock(events: pending, dictionaries: dictionaries)) }
        return (dictionaries, blocks)
    }

    /// Caches new blocks, evicting the least recently used beyond the budget.
    private func remember(_ new: [(String, EventBlock)]) {
        guard cacheBytes > 0 else { return }
        state.withLock { s in
            for (path, block) in new where block.bytes <= cacheBytes {
                s.blocks[path] = CachedBlock(block: block, lastUse: s.clock)
                s.bytes += block.bytes
            }
            guard s.bytes > cacheBytes else { return }
            for (path, c) in s.blocks.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
                guard s.bytes > cacheBytes else { break }
                s.blocks[path] = nil
                s.bytes -= c.block.bytes
            }
        }
    }

    /// The segments of a snapshot whose event names the project's dictionary may not hold yet.
    func unnamedSegments(_ snapshot: Snapshot) -> [String] {
        state.withLock { s in snapshot.segments.filter { !s.named.contains($0) } }
    }

    /// Notes that these segments' event names are in their project's dictionary.
    func markNamed(_ paths: [String]) {
        guard !paths.isEmpty else { return }
        state.withLock { s in s.named.formUnion(paths) }
    }

    /// The keys of those of `paths` already read.
    func knownKeys(_ paths: [String]) -> [String: SegmentKeys] {
        state.withLock { s in
            var found: [String: SegmentKeys] = [:]
            for path in paths { found[path] = s.keys[path] }
            return found
        }
    }

    /// Keeps the keys of segments read.
    func rememberKeys(_ new: some Sequence<(String, SegmentKeys)>) {
        state.withLock { s in
            for (path, keys) in new { s.keys[path] = keys }
        }
    }

    /// Forgets cached blocks of segments no longer in the project (replaced by compaction).
    package func forget(segmentsNotIn snapshot: Snapshot) {
        let live = Set(snapshot.segments)
        let prefix = "project=\(snapshot.project.value)/"
        state.withLock { s in
            for (path, c) in s.blocks where path.contains(prefix) && !live.contains(path) {
                s.blocks[path] = nil
                s.bytes -= c.block.bytes
            }
            s.named = s.named.filter { !$0.contains(prefix) || live.contains($0) }
            s.keys = s.keys.filter { !$0.key.contains(prefix) || live.contains($0.key) }
        }
    }

    /// Builds the frame for a request over a snapshot, with persons merged through `links`
    /// (distinct id → person id, the catalog's `person_ids` of the project). A `budget` stops the
    /// work early (`query_timeout`, `query_cancelled`).
    package func frame(
        _ snapshot: Snapshot, links: PersonMap, request: FrameRequest,
        parallelAbove: Int = 100_000, budget: QueryBudget? = nil
    ) throws(UpliftError) -> EventFrame {
        var request = request
        if let budget { request.budget = budget }
        return try prepare(snapshot, links: links, request: request).frame(request, parallelAbove: parallelAbove)
    }

    /// Folds the rows a request keeps into per-core accumulators (see `FrameBuilder.scan`).
    package func scan<A: RowAccumulator>(
        _ snapshot: Snapshot, links: PersonMap, request: FrameRequest, budget: QueryBudget? = nil,
        make: @Sendable (_ personCodes: Int) -> A
    ) throws(UpliftError) -> A {
        var request = request
        if let budget { request.budget = budget }
        return try prepare(snapshot, links: links, request: request).scan(request, make: make)
    }

    /// The decoded blocks a request reads and the person map, for a query that decides between a
    /// frame and a scan once it knows how many persons there are.
    package func prepare(
        _ snapshot: Snapshot, links: PersonMap, request: FrameRequest
    ) throws(UpliftError) -> Prepared {
        let (dictionaries, blocks) = try blocks(
            snapshot, from: request.from, to: request.to, budget: request.budget, keeping: request.namedEvents)
        let persons = resolver(snapshot.project, links: links, dictionary: dictionaries.distinctIDs)
        return Prepared(dictionaries: dictionaries, blocks: blocks, persons: persons)
    }

    package struct Prepared: Sendable {
        let dictionaries: ProjectDictionaries
        let blocks: [EventBlock]
        let persons: PersonResolver

        /// Person codes: the size of any per-person array.
        package var personCodes: Int { persons.personOf.count }

        package func frame(_ request: FrameRequest, parallelAbove: Int = 100_000) throws(UpliftError) -> EventFrame {
            try FrameBuilder.build(
                blocks: blocks, dictionaries: dictionaries, persons: persons, request: request,
                parallelAbove: parallelAbove)
        }

        /// `make` gets the number of person codes.
        package func scan<A: RowAccumulator>(
            _ request: FrameRequest, make: @Sendable (_ personCodes: Int) -> A
        ) throws(UpliftError) -> A {
            let codes = personCodes
            return try FrameBuilder.scan(blocks: blocks, dictionaries: dictionaries, persons: persons, request: request)
            { make(codes) }
        }
    }

    /// The person map for these links: the cached one when it is at their version, the cached one
    /// with the changes applied when it is at a version they build on, else a new one.
    private func resolver(
        _ project: ProjectSlug, links: PersonMap, dictionary: ProjectDictionary
    ) -> PersonResolver {
        let cached = state.withLock { $0.resolvers[project] }
        let resolver: PersonResolver
        if let version = links.version, let cached, let at = cached.version, at == version {
            resolver = cached.extended(to: dictionary)
            if resolver.personOf.count == cached.personOf.count { return resolver }
        } else if let version = links.version, let cached, let at = cached.version, at >= links.base.version,
            at < version
        {
            resolver = cached.updated(to: links, dictionary: dictionary)
        } else {
            resolver = PersonResolver(links, dictionary: dictionary)
        }
        if resolver.version != nil { state.withLock { $0.resolvers[project] = resolver } }
        return resolver
    }
}
