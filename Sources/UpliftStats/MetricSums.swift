/// One variant's sufficient statistics for one metric: what the aggregation engine reduces a variant's
/// persons to, and all that the statistics ever see (DESIGN: "the statistics layer never sees rows").
///
/// Each person contributes a small vector of components; the sums keep Σz and Σzzᵀ, so two partial
/// results merge by adding them. The layout of the components follows the metric:
///
/// | metric              | components                      |
/// |---------------------|---------------------------------|
/// | proportion, mean    | `[y]`                           |
/// | ratio               | `[m, d]` (numerator, denominator) |
/// | proportion/mean + CUPED | `[y, yPre]`                 |
/// | ratio + CUPED       | `[m, d, mPre, dPre]`            |
///
/// A proportion's `y` is 0 or 1 per person, a mean's is the person's count or sum.
package struct MetricSums: Sendable, Hashable {
    /// Persons (units) in the variant.
    package var n: Int
    /// Σ of each component over persons.
    package var sums: [Double]
    /// Σ of the products of each pair of components, upper triangle row by row:
    /// (0,0), (0,1), …, (0,k-1), (1,1), (1,2), …, (k-1,k-1).
    package var products: [Double]

    /// Empty sums for persons with `components` values each.
    package init(components: Int) {
        n = 0
        sums = Array(repeating: 0, count: components)
        products = Array(repeating: 0, count: components * (components + 1) / 2)
    }

    package var components: Int { sums.count }

    /// Σ zᵢ zⱼ, in either order of the indexes.
    package func product(_ i: Int, _ j: Int) -> Double {
        let (row, column) = i <= j ? (i, j) : (j, i)
        return products[row * components - row * (row - 1) / 2 + (column - row)]
    }

    /// Adds one person with one component.
    package mutating func add(_ a: Double) {
        n += 1
        sums[0] += a
        products[0] += a * a
    }

    /// Adds one person with two components.
    package mutating func add(_ a: Double, _ b: Double) {
        n += 1
        sums[0] += a
        sums[1] += b
        products[0] += a * a
        products[1] += a * b
        products[2] += b * b
    }

    /// Adds one person with any number of components (as many as the sums were made for).
    package mutating func add(_ values: [Double]) {
        precondition(values.count == components, "a person has \(components) components here, not \(values.count)")
        n += 1
        var slot = 0
        for i in 0..<values.count {
            sums[i] += values[i]
            for j in i..<values.count {
                products[slot] += values[i] * values[j]
                slot += 1
            }
        }
    }

    /// Adds another partial result for the same metric and variant.
    package mutating func merge(_ other: MetricSums) {
        precondition(other.components == components, "sums with different components do not merge")
        n += other.n
        for i in sums.indices { sums[i] += other.sums[i] }
        for i in products.indices { products[i] += other.products[i] }
    }
}
