/// What one pass over some persons of a frame adds up: exposure counts and, per metric and variant,
/// the sums and products of the persons' component vectors (flat, so persons add without allocating).
struct ExperimentTally: Sendable {
    let variants: Int
    let days: Int
    /// Counted persons per variant.
    var persons: [Int]
    var multipleExposures = 0
    var unknownVariantPersons = 0
    /// New persons per day and variant: `days × variants`, day-major.
    var dayPersons: [Int]
    /// Per metric of the frame: per variant `components` sums then the upper-triangle products.
    var values: [[Double]]
    let components: [Int]

    init(variants: Int, days: Int, components: [Int]) {
        self.variants = variants
        self.days = days
        self.components = components
        persons = Array(repeating: 0, count: variants)
        dayPersons = Array(repeating: 0, count: days * variants)
        values = components.map { k in Array(repeating: 0, count: variants * Self.stride(k)) }
    }

    /// Doubles per variant of a metric with `k` components.
    static func stride(_ k: Int) -> Int { k + k * (k + 1) / 2 }

    mutating func merge(_ other: ExperimentTally) {
        for v in 0..<variants { persons[v] += other.persons[v] }
        multipleExposures += other.multipleExposures
        unknownVariantPersons += other.unknownVariantPersons
        for i in dayPersons.indices { dayPersons[i] += other.dayPersons[i] }
        for m in values.indices {
            for i in values[m].indices { values[m][i] += other.values[m][i] }
        }
    }
}
