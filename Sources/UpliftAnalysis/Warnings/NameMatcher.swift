/// The closest known name to a misspelt one: edit distance over names compared without case,
/// spaces, underscores and hyphens (`signedup`, `Signed Up` and `signed-up` all find `signed_up`).
package enum NameMatcher {
    /// The known name nearest to `name`, when one is close: at most a third of the (normalised)
    /// name's length apart, and never more than 3 edits. Ties go to the smaller distance on the
    /// names as written, then to the first in sorted order.
    package static func closest(to name: String, among known: some Sequence<String>) -> String? {
        let target = normalised(name)
        guard !target.isEmpty else { return nil }
        let limit = min(3, max(1, target.count / 3))
        var best: (name: String, distance: Int, raw: Int)?
        for candidate in known where candidate != name {
            let other = normalised(candidate)
            guard abs(other.count - target.count) <= limit else { continue }
            let d = distance(target, other, limit: limit)
            guard d <= limit else { continue }
            let raw = distance(Array(name.unicodeScalars), Array(candidate.unicodeScalars), limit: .max)
            if let b = best, (d, raw, candidate) >= (b.distance, b.raw, b.name) { continue }
            best = (candidate, d, raw)
        }
        return best?.name
    }

    /// Lower-cased scalars without spaces, underscores and hyphens.
    static func normalised(_ name: String) -> [Unicode.Scalar] {
        name.lowercased().unicodeScalars.filter { $0 != " " && $0 != "_" && $0 != "-" }
    }

    /// Levenshtein distance; any value above `limit` is returned as `limit + 1` (rows stop early).
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMin = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
                rowMin = min(rowMin, current[j])
            }
            if limit != .max, rowMin > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
