import Testing
import UpliftExperiments
import UpliftModel

/// GrowthBook's published SDK test cases (Fixtures/growthbook-cases.json names the commit), all must pass.
struct AssignmentHashTests {
    @Test func fixtureIsComplete() {
        #expect(Fixtures.list("hash").count == 15)
        #expect(Fixtures.list("getBucketRange").count == 13)
        #expect(Fixtures.list("chooseVariation").count == 13)
        #expect(Fixtures.list("inNamespace").count == 16)
        #expect(Fixtures.list("getEqualWeights").count == 6)
        #expect(Fixtures.list("run_v2").count == 3)
    }

    @Test(arguments: Fixtures.list("hash"))
    func hash(_ row: [JSONValue]) throws {
        try #require(row.count == 4)
        let version = try #require(row[2].doubleValue.map(Int.init))
        let got = GrowthBookHash.hash(seed: Fixtures.string(row[0]), value: Fixtures.string(row[1]), version: version)
        #expect(got == row[3].doubleValue, "hash(\(row[0]), \(row[1]), v\(version))")
    }

    @Test(arguments: Fixtures.list("getBucketRange"))
    func bucketRanges(_ row: [JSONValue]) throws {
        try #require(row.count == 3)
        guard case .array(let args) = row[1], args.count == 3 else {
            Issue.record("bad row")
            return
        }
        let count = try #require(args[0].doubleValue.map(Int.init))
        let coverage = try #require(args[1].doubleValue)
        let got = GrowthBookHash.bucketRanges(count: count, coverage: coverage, weights: Fixtures.doubles(args[2]))
        let want = Fixtures.ranges(row[2])
        try #require(got.count == want.count, "\(row[0])")
        for (g, w) in zip(got, want) {
            // The SDK's test rounds to 6 decimals (floating sums such as 0.2 + 0.3).
            #expect(abs(g.0 - w.0) < 1e-6 && abs(g.1 - w.1) < 1e-6, "\(row[0]): \(g) vs \(w)")
        }
    }

    @Test(arguments: Fixtures.list("chooseVariation"))
    func chooseVariation(_ row: [JSONValue]) throws {
        try #require(row.count == 4)
        let n = try #require(row[1].doubleValue)
        let want = try #require(row[3].doubleValue.map(Int.init))
        #expect(GrowthBookHash.chooseVariation(n, ranges: Fixtures.ranges(row[2])) == want, "\(row[0])")
    }

    @Test(arguments: Fixtures.list("inNamespace"))
    func inNamespace(_ row: [JSONValue]) throws {
        try #require(row.count == 4)
        guard case .array(let ns) = row[2], ns.count == 3, case .bool(let want) = row[3] else {
            Issue.record("bad row")
            return
        }
        let start = try #require(ns[1].doubleValue)
        let end = try #require(ns[2].doubleValue)
        #expect(
            GrowthBookHash.inNamespace(Fixtures.string(row[1]), id: Fixtures.string(ns[0]), start: start, end: end)
                == want, "\(row[0])")
    }

    @Test(arguments: Fixtures.list("getEqualWeights"))
    func equalWeights(_ row: [JSONValue]) throws {
        try #require(row.count == 2)
        let n = try #require(row[0].doubleValue.map(Int.init))
        let want = try #require(Fixtures.doubles(row[1]))
        let got = GrowthBookHash.equalWeights(n)
        try #require(got.count == want.count)
        for (g, w) in zip(got, want) { #expect(abs(g - w) < 1e-8) }
    }

    @Test(arguments: Fixtures.list("run_v2"))
    func endToEndAssignment(_ row: [JSONValue]) throws {
        try #require(row.count == 7)
        let weights = try #require(Fixtures.doubles(row[3]))
        let coverage = try #require(row[4].doubleValue)
        let want = try #require(row[5].doubleValue.map(Int.init))
        let seed = Fixtures.string(row[1])
        let value = Fixtures.string(row[2])
        #expect(
            GrowthBookHash.assign(seed: seed, hashValue: value, weights: weights, coverage: coverage) == want,
            "\(row[0])")
        if let bucket = row[6].doubleValue { #expect(GrowthBookHash.hash(seed: seed, value: value) == bucket) }
    }

    /// FNV-1a over UTF-16 code units, not UTF-8 bytes: a non-ASCII value hashes its code units
    /// (the published offset basis and prime give these for "a" and "é").
    @Test func fnvUsesUTF16CodeUnits() {
        #expect(GrowthBookHash.fnv1a32("") == 0x811c_9dc5)
        #expect(GrowthBookHash.fnv1a32("a") == 0xe40c_292c)
        // "é" is one UTF-16 unit 0xE9 but two UTF-8 bytes; hashing bytes would differ.
        var h: UInt32 = 0x811c_9dc5
        h ^= 0xE9
        h &*= 0x0100_0193
        #expect(GrowthBookHash.fnv1a32("é") == h)
        // A character outside the BMP is two code units (a surrogate pair).
        var p: UInt32 = 0x811c_9dc5
        for unit: UInt16 in [0xD83D, 0xDE00] {
            p ^= UInt32(unit)
            p &*= 0x0100_0193
        }
        #expect(GrowthBookHash.fnv1a32("😀") == p)
    }
}
