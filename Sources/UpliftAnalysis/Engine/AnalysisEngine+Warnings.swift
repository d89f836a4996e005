import Synchronization
package import UpliftModel
package import UpliftStorage

/// Warnings for names a question uses that the project has never seen (`QueryWarning`).
extension AnalysisEngine {
    /// An `unknown_event` warning for each of `names` that no event of the project has: not in a
    /// segment, not among the events not yet flushed to one. The project's event dictionary
    /// already holds the names of every segment a query decoded, so after the question itself
    /// has run a known name costs one lookup; only a name not found there makes the engine read
    /// the event column of the segments it has not decoded yet (interning each row group's
    /// dictionary), once per segment and engine.
    package func warnings(
        events names: [String], snapshot: Snapshot, budget: QueryBudget? = nil
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
        let paths = unnamedSegments(snapshot)
        _ = try FrameBuilder.parallelMap(paths) { (path) throws(UpliftError) in
            try budget?.check()
            try Self.internEventNames(path: path, into: dictionary)
        }
        markNamed(paths)
        let missing = unknown()
        guard !missing.isEmpty else { return [] }
        let known = Set(dictionary.strings()).union(pending).sorted()
        return missing.map { name in
            QueryWarning(code: .unknownEvent, name: name, didYouMean: NameMatcher.closest(to: name, among: known))
        }
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
