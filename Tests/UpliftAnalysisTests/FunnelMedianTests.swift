import Testing

@testable import UpliftAnalysis

/// The funnel's median time to convert is selected, not sorted for: against a sort, on random
/// durations with many ties, already sorted and reversed inputs, and every position.
struct FunnelMedianTests {
    @Test func selectionAgreesWithASort() {
        var rng = SystemRandomNumberGenerator()
        var shapes: [[Int64]] = [
            [5], [3, 1], Array(0..<1000), Array((0..<1000).reversed()), Array(repeating: 7, count: 500),
        ]
        for n in [2, 17, 18, 100, 1001, 5000] {
            shapes.append((0..<n).map { _ in Int64.random(in: 0..<8, using: &rng) })
            shapes.append((0..<n).map { _ in Int64.random(in: -1_000_000...1_000_000_000, using: &rng) })
        }
        for values in shapes {
            let sorted = values.sorted()
            for k in Set([0, values.count / 2, values.count - 1, Int.random(in: 0..<values.count, using: &rng)]) {
                var work = values
                #expect(FunnelStats.select(&work, k) == sorted[k])
                #expect(work[..<k].allSatisfy { $0 <= sorted[k] } && work[(k + 1)...].allSatisfy { $0 >= sorted[k] })
                #expect(work.sorted() == sorted)
            }
            var work = values
            let (median, mean) = FunnelStats.summary(&work)
            let c = sorted.count
            let expected =
                c % 2 == 1 ? Double(sorted[c / 2]) / 1e6 : Double(sorted[c / 2 - 1] + sorted[c / 2]) / 2 / 1e6
            #expect(median == expected)
            #expect(mean == Double(values.reduce(0, +)) / Double(c) / 1e6)
        }
    }
}
