/// GrowthBook's deterministic bucketing, bit for bit, so that a GrowthBook SDK and this server put a
/// person in the same variant (growthbook/growthbook packages/sdk-js/src/util.ts; checked against the
/// SDK's published test cases in Tests/UpliftExperimentsTests/Fixtures/growthbook-cases.json).
package enum GrowthBookHash {
    /// FNV-1a, 32 bits, over the UTF-16 code units of `text` (JavaScript's `charCodeAt`).
    package static func fnv1a32(_ text: String) -> UInt32 {
        var h: UInt32 = 0x811c_9dc5
        for unit in text.utf16 {
            h ^= UInt32(unit)
            h &*= 0x0100_0193  // the FNV prime; JS spells it as the shifts h<<1 + h<<4 + h<<7 + h<<8 + h<<24
        }
        return h
    }

    /// A number in [0, 1): version 1 is `fnv(value + seed) % 1000 / 1000`, version 2 (the default in
    /// new SDKs, and ours) is `fnv(String(fnv(seed + value))) % 10000 / 10000`. Nil for other versions.
    package static func hash(seed: String, value: String, version: Int = 2) -> Double? {
        switch version {
        case 1: return Double(fnv1a32(value + seed) % 1000) / 1000
        case 2: return Double(fnv1a32(String(fnv1a32(seed + value))) % 10000) / 10000
        default: return nil
        }
    }

    /// `n` equal weights (none for n ≤ 0).
    package static func equalWeights(_ n: Int) -> [Double] {
        n <= 0 ? [] : Array(repeating: 1 / Double(n), count: n)
    }

    /// The half-open range of hash values each variant takes: variant i owns
    /// [Σ_{j<i} w_j, Σ_{j<i} w_j + coverage·w_i). Coverage is clamped to [0, 1]; weights that are
    /// missing, of the wrong count or not summing to 1 (±0.01) fall back to equal weights, as GrowthBook does.
    /// Raising coverage only widens each range, so persons already in keep their variant.
    package static func bucketRanges(count: Int, coverage: Double = 1, weights: [Double]? = nil) -> [(Double, Double)] {
        let coverage = coverage.isNaN ? 0 : min(max(coverage, 0), 1)
        let equal = equalWeights(count)
        var w = weights ?? equal
        if w.count != count { w = equal }
        let total = w.reduce(0, +)
        if !(total >= 0.99 && total <= 1.01) { w = equal }
        var cumulative = 0.0
        return w.map { weight in
            let start = cumulative
            cumulative += weight
            return (start, start + coverage * weight)
        }
    }

    /// The index of the range holding `n`, or -1 when it falls in none (outside coverage).
    package static func chooseVariation(_ n: Double, ranges: [(Double, Double)]) -> Int {
        for (i, range) in ranges.enumerated() where n >= range.0 && n < range.1 { return i }
        return -1
    }

    /// GrowthBook namespaces (mutually exclusive experiments): whether `hashValue` falls in
    /// [start, end) of namespace `id` (hashed with version 1 and seed `__id`).
    package static func inNamespace(_ hashValue: String, id: String, start: Double, end: Double) -> Bool {
        guard let n = hash(seed: "__" + id, value: hashValue, version: 1) else { return false }
        return n >= start && n < end
    }

    /// The variant index a person gets: hash v2 of `seed` and their hash value, then the bucket
    /// ranges of `weights` at `coverage`. Nil when the hash falls outside coverage.
    package static func assign(seed: String, hashValue: String, weights: [Double], coverage: Double = 1) -> Int? {
        guard let n = hash(seed: seed, value: hashValue, version: 2) else { return nil }
        let index = chooseVariation(n, ranges: bucketRanges(count: weights.count, coverage: coverage, weights: weights))
        return index >= 0 ? index : nil
    }
}
