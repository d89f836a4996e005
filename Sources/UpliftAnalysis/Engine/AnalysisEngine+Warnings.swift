import Synchronization
package import UpliftModel
package import UpliftStorage

/// Warnings for names a question uses that the project has never seen (`QueryWarning`).
extension AnalysisEngine {
    /// The warnings of a question: an `unknown_event` warning for each of `names`, then an
    /// `unknown_property` warning for each of `properties`, that no event of the project has.
    package func warnings(
        events names: [String], properties: [PropertyRef] = [], snapshot: Snapshot, budget: QueryBudget? = nil
    ) throws(UpliftError) -> [QueryWarning] {
        try eventWarnings(names, snapshot: snapshot, budget: budget)
            + propertyWarnings(properties, snapshot: snapshot, budget: budget)
    }

    /// An `unknown_event` warning for each of `names` that no event of the project has: not in a
    /// segment, not among the events not yet flushed to one. The project's event dictionary
    /// already holds the names of every segment a query decoded, so after the question itself
    /// has run a known name costs one lookup; only a name not found there makes the engine read
    /// the event column of the segments it has not decoded yet (interning each row group's
    /// dictionary), once per segment and engine.
    private func eventWarnings(
        _ names: [String], snapshot: Snapshot, budget: QueryBudget?
    ) throws(UpliftError) -> [QueryWarning] {
        var seen: Set<String> = []
        let asked = names.filter { seen.insert($0).inserted }
        guard !asked.isEmpty else { return [] }
        let dictionary = dictionaries(snapshot.project).events
        let pending = Set(snapshot.pending.map(\.event))
        func unknown() -> [String] {
            zip(asked, dictionary.codes(of: asked)).compactMap { name, code in
                code == nil && !pending.contains(name) ? name : nil
            }
        }
        guard !unknown().isEmpty else { return [] }
        // The segments in the cache first: a shared storage's others are downloaded only for a name still unknown.
        let (paths, away) = local(unnamedSegments(snapshot), snapshot)
        _ = try FrameBuilder.parallelMap(paths) { (path) throws(UpliftError) in
            try budget?.check()
            try Self.internEventNames(path: path, into: dictionary)
        }
        markNamed(paths)
        let missing = unknown()
        guard !missing.isEmpty else { return [] }
        try snapshot.requireLocal(away)
        let known = Set(dictionary.strings()).union(pending).sorted()
        return missing.map { name in
            QueryWarning(code: .unknownEvent, name: name, didYouMean: NameMatcher.closest(to: name, among: known))
        }
    }

    /// An `unknown_property` warning for each of `refs` that no event of the project has in its
    /// properties (or, for `context.<key>`, its context): not listed in a segment's footer
    /// (`SegmentKeys`), not among the events not yet flushed. Footers are read once per segment and
    /// engine, and only while a name is still unknown; a segment written before footers listed
    /// keys has its properties and context read and parsed instead (once), and a list that is
    /// incomplete (too many keys) never rules a name out.
    private func propertyWarnings(
        _ refs: [PropertyRef], snapshot: Snapshot, budget: QueryBudget?
    ) throws(UpliftError) -> [QueryWarning] {
        var seen: Set<PropertyRef> = []
        let asked = refs.filter { seen.insert($0).inserted }
        guard !asked.isEmpty else { return [] }
        let cached = knownKeys(snapshot.segments)
        var lists = Array(cached.values)
        func unknown() -> [PropertyRef] { asked.filter { ref in lists.allSatisfy { $0.rulesOut(ref) } } }
        guard !unknown().isEmpty else { return [] }
        let (unread, away) = local(snapshot.segments.filter { cached[$0] == nil }, snapshot)
        let listed = try FrameBuilder.parallelMap(unread) { (path) throws(UpliftError) in
            try budget?.check()
            return try EventSegment(path: path).listedKeys
        }
        let found = zip(unread, listed).compactMap { path, keys in keys.map { (path, $0) } }
        rememberKeys(found)
        lists += found.map(\.1)
        guard !unknown().isEmpty else { return [] }
        lists.append(SegmentKeys(events: snapshot.pending))
        guard !unknown().isEmpty else { return [] }
        let unlisted = zip(unread, listed).compactMap { path, keys in keys == nil ? path : nil }
        if !unlisted.isEmpty {
            let scanned = try FrameBuilder.parallelMap(unlisted) { (path) throws(UpliftError) in
                try budget?.check()
                return try EventSegment(path: path).keys()
            }
            rememberKeys(zip(unlisted, scanned))
            lists += scanned
        }
        let missing = unknown()
        guard !missing.isEmpty else { return [] }
        try snapshot.requireLocal(away)
        let properties = lists.reduce(into: Set<String>()) { $0.formUnion($1.properties.keys) }.sorted()
        let context = lists.reduce(into: Set<String>()) { $0.formUnion($1.context.keys) }.sorted()
        return missing.map { ref in
            let closest = NameMatcher.closest(to: ref.key, among: ref.source == .context ? context : properties)
            return QueryWarning(
                code: .unknownProperty, name: ref.description,
                didYouMean: closest.map { ref.source == .context ? "context." + $0 : $0 })
        }
    }

    /// `paths` split into those whose files are here and those a shared storage's cache lacks
    /// (`Snapshot.absent`).
    private func local(_ paths: [String], _ snapshot: Snapshot) -> (here: [String], away: [String]) {
        guard !snapshot.absent.isEmpty else { return (paths, []) }
        return (paths.filter { !snapshot.absent.contains($0) }, paths.filter { snapshot.absent.contains($0) })
    }

    /// Interns the event names of one segment (each row group's dictionary; every distinct value of
    /// a chunk that fell back to PLAIN).
    private static func internEventNames(path: String, into dictionary: ProjectDictionary) throws(UpliftError) {
        let segment = try EventSegment(path: path)
        for g in segment.rowGroupSizes.indices {
            switch try segment.strings(.event, rowGroup: g) {
            case .dictionary(let values, _): _ = dictionary.intern(values)
            case .plain(let values): _ = dictionary.intern(Array(Set(values)))
            }
        }
    }
}

extension SegmentKeys {
    /// Whether no event with these keys can have the property `ref` names.
    fileprivate func rulesOut(_ ref: PropertyRef) -> Bool {
        (ref.source == .context ? context : properties).rulesOut(ref.key)
    }
}
