#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

/// Samples an index in 0..<count with probability ∝ 1 / (rank + 1)^exponent, in O(1), through a
/// 4096-entry lookup table (fine resolution for the ~30 categories we draw from).
package struct ZipfTable: Sendable {
    private let table: [UInt8]

    package init(count: Int, exponent: Double) {
        precondition(count > 0 && count <= 256, "ZipfTable holds 1...256 categories")
        var weights = (0..<count).map { 1.0 / pow(Double($0 + 1), exponent) }
        let total = weights.reduce(0, +)
        for i in weights.indices { weights[i] /= total }
        var table = [UInt8](repeating: 0, count: 4096)
        var cumulative = 0.0
        var index = 0
        for slot in 0..<4096 {
            let u = (Double(slot) + 0.5) / 4096
            while index < count - 1 && u >= cumulative + weights[index] {
                cumulative += weights[index]
                index += 1
            }
            table[slot] = UInt8(index)
        }
        self.table = table
    }

    /// Uses the top 12 bits of `random`.
    @inline(__always)
    package func sample(_ random: UInt64) -> Int {
        Int(table[Int(truncatingIfNeeded: random >> 52)])
    }
}
