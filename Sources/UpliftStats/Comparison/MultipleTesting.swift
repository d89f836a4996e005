/// Adjusted p-values across several comparisons (metrics × variants), in the order given. Missing
/// p-values (nil) stay missing and do not count towards the number of tests.
package enum MultipleTesting {
    /// Holm–Bonferroni (controls the family-wise error rate): the i-th smallest of m p-values is
    /// multiplied by m − i + 1, then made monotone.
    package static func holmBonferroni(_ pValues: [Double?]) -> [Double?] {
        adjust(pValues) { sorted in
            let m = Double(sorted.count)
            var adjusted = [Double](repeating: 0, count: sorted.count)
            var running = 0.0
            for (i, p) in sorted.enumerated() {
                running = max(running, min(1, (m - Double(i)) * p))
                adjusted[i] = running
            }
            return adjusted
        }
    }

    /// Benjamini–Hochberg (controls the false discovery rate): the i-th smallest of m p-values is
    /// multiplied by m / i, then made monotone from the largest down.
    package static func benjaminiHochberg(_ pValues: [Double?]) -> [Double?] {
        adjust(pValues) { sorted in
            let m = Double(sorted.count)
            var adjusted = [Double](repeating: 0, count: sorted.count)
            var running = 1.0
            for i in sorted.indices.reversed() {
                running = min(running, min(1, m / Double(i + 1) * sorted[i]))
                adjusted[i] = running
            }
            return adjusted
        }
    }

    package static func holmBonferroni(_ pValues: [Double]) -> [Double] {
        holmBonferroni(pValues.map { Optional($0) }).map { $0 ?? 1 }
    }

    package static func benjaminiHochberg(_ pValues: [Double]) -> [Double] {
        benjaminiHochberg(pValues.map { Optional($0) }).map { $0 ?? 1 }
    }

    /// Sorts the present p-values ascending (stable), adjusts them, and puts them back in place.
    private static func adjust(_ pValues: [Double?], _ method: ([Double]) -> [Double]) -> [Double?] {
        let present = pValues.indices.compactMap { i in
            pValues[i].flatMap { $0.isFinite ? (i, min(1, max(0, $0))) : nil }
        }
        let order = present.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        let adjusted = method(order.map(\.1))
        var result = [Double?](repeating: nil, count: pValues.count)
        for (k, entry) in order.enumerated() { result[entry.0] = adjusted[k] }
        return result
    }
}
