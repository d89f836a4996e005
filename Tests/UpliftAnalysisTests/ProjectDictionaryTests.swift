import Testing
import UpliftAnalysis
import UpliftModel
import UpliftStorage

/// The byte-keyed project dictionary gives the codes the String path gives: from strings, from byte
/// slices (dictionary pages and PLAIN chunks with runs), with forced hash collisions, and from segments.
struct ProjectDictionaryTests {
    static let awkward = ["", "a", "é", "e\u{301}", "日本語", "🙂", "a\u{0}b", String(repeating: "x", count: 100), "A"]

    /// Values in a PLAIN distinct-id chunk's shape: sorted, each repeated (runs), awkward ones mixed in.
    static func sortedWithRuns(_ n: Int, seed: UInt64) -> [String] {
        var rng = SplitMix(seed)
        var out: [String] = []
        var i = 0
        while out.count < n {
            let value = i % 5 == 0 ? awkward[Int(rng.next() % UInt64(awkward.count))] : "user-\(i)"
            out += Array(repeating: value, count: 1 + Int(rng.next() % 4))
            i += 1
        }
        return out
    }

    struct SplitMix {
        var state: UInt64
        init(_ seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [64, 2, 0])
    func bytesAndStringsGiveTheSameCodes(hashBits: Int) {
        let reference = ProjectDictionary()
        let bytes = ProjectDictionary(hashBits: hashBits)
        for seed in UInt64(1)...4 {
            let values = Self.sortedWithRuns(seed == 4 ? 3000 : 400, seed: seed)
            #expect(bytes.intern(StringBytes(values)) == reference.intern(values))
        }
        #expect(bytes.count == reference.count)
        #expect(bytes.strings() == reference.strings())
        let probe = Self.awkward + ["never", "user-1", "user-99999", "é "]
        #expect(bytes.codes(of: probe) == reference.codes(of: probe))
        for code in [0, 1, Int32(reference.count - 1)] { #expect(bytes.string(code) == reference.string(code)) }
    }

    @Test func stringAndByteInterningShareCodes() {
        let dictionary = ProjectDictionary(hashBits: 1)
        #expect(dictionary.intern(["b", "", "é"]) == [0, 1, 2])
        #expect(dictionary.intern(StringBytes(["é", "é", "c", "", "b", "b"])) == [2, 2, 3, 1, 0, 0])
        #expect(dictionary.intern(["c", "d"]) == [3, 4])
        #expect(dictionary.string(3) == "c")
        #expect(dictionary.code(of: "d") == 4)
        #expect(dictionary.code(of: "e") == nil)
        #expect(dictionary.strings() == ["b", "", "é", "c", "d"])
        #expect(dictionary.intern(StringBytes([String]())) == [])
        // Canonically equivalent but different bytes: two ids, as the segments store them.
        #expect(dictionary.intern(["e\u{301}"]) == [5])
        #expect(dictionary.count == 6)
    }

    @Test func manyValuesGrowTheTable() {
        let dictionary = ProjectDictionary()
        let values = (0..<50_000).map { "id-\($0)" }
        #expect(dictionary.intern(StringBytes(values)) == (0..<50_000).map(Int32.init))
        #expect(dictionary.intern(StringBytes(values.reversed())) == (0..<50_000).reversed().map(Int32.init))
        #expect(dictionary.codes(of: ["id-49999", "id-50000"]) == [49_999, nil])
    }

    @Test func dictionaryChunksMapTheirIndices() {
        let dictionary = ProjectDictionary()
        _ = dictionary.intern(["z"])
        let chunk = EventSegment.ByteStrings.dictionary(StringBytes(["a", "", "z"]), indices: [2, 0, 0, 1, 2])
        #expect(SegmentDecoder.codes(chunk, dictionary) == [0, 1, 1, 2, 0])
        #expect(dictionary.strings() == ["z", "a", ""])
    }

    /// Segments written by the store, read back as bytes: the same values as `strings`, and the same
    /// codes as interning those strings; the distinct-id chunks (one id per few rows) are PLAIN.
    @Test func segmentsReadAsBytesGiveTheStringPathsCodes() async throws {
        var events: [Event] = []
        for i in 0..<3000 {
            let id = i % 7 == 0 ? Self.awkward[i % Self.awkward.count] + "-\(i / 3)" : "person-\(i / 2)"
            let name = ["signed_up", "é_event", "日本"][i % 3]
            events.append(MetricHarness.event(name, id, "2026-03-0\(1 + i % 2)T0\(i % 9):00:00Z"))
        }
        try await MetricHarness.withSegments(events) { (snapshot: Snapshot) throws -> Void in
            #expect(!snapshot.segments.isEmpty)
            let viaStrings = ProjectDictionary()
            let viaBytes = ProjectDictionary()
            var sawPlain = false
            for path in snapshot.segments {
                let segment = try EventSegment(path: path)
                for g in segment.rowGroupSizes.indices {
                    for column in [EventColumn.event, .distinctID] {
                        let strings = try segment.strings(column, rowGroup: g)
                        let bytes = try segment.byteStrings(column, rowGroup: g)
                        let rows: [String]
                        switch strings {
                        case .dictionary(let values, let indices): rows = indices.map { values[Int($0)] }
                        case .plain(let values): rows = values
                        }
                        if case .plain = bytes { sawPlain = true }
                        #expect(SegmentDecoder.codes(bytes, viaBytes) == viaStrings.intern(rows))
                    }
                }
            }
            #expect(sawPlain)
            #expect(viaBytes.strings() == viaStrings.strings())
        }
    }

    /// With a flag per value, only the flagged values are interned (runs found among them, across the
    /// unflagged values between); the others get -1.
    @Test(arguments: [64, 2])
    func onlySelectedValuesAreInterned(hashBits: Int) {
        var rng = SplitMix(9)
        let values = Self.sortedWithRuns(3_000, seed: 5)
        let selected = values.map { _ in rng.next() % 3 == 0 }
        let dictionary = ProjectDictionary(hashBits: hashBits)
        let codes = dictionary.intern(StringBytes(values), selected: selected)
        let reference = ProjectDictionary()
        for i in values.indices {
            if selected[i] {
                #expect(dictionary.string(codes[i]) == values[i])
                _ = reference.intern(values[i])
            } else {
                #expect(codes[i] == -1)
            }
        }
        #expect(dictionary.count == reference.count)
        #expect(Set(dictionary.strings()) == Set(values.indices.filter { selected[$0] }.map { values[$0] }))
        #expect(dictionary.intern(StringBytes(values), selected: values.map { _ in false }) == values.map { _ in -1 })
    }
}
