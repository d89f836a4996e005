import Testing
import UpliftModel
import UpliftSpark

/// Damaged input of every kind must end in an UpliftError or a well-formed table — never a trap,
/// never an allocation the input cannot justify.
@Suite struct ArrowHostileInputTests {
    static let fuzzed = ["primitives", "strings", "temporal", "decimal", "multi_batch", "legacy", "null_type"]

    /// What a decoded table must satisfy whatever bytes it came from.
    static func expectWellFormed(_ table: ArrowTable, _ note: String) {
        #expect(table.columns.count == table.fields.count, "\(note)")
        for column in table.columns { #expect(column.count == table.rowCount, "\(note)") }
    }

    /// Thousands of single-byte changes over each fixture: the reader never traps, what it accepts is
    /// well formed, and it does notice damage (most changes to metadata are refused).
    @Test(arguments: fuzzed)
    func randomByteChangesNeverCrash(_ name: String) {
        var random = SplitMix64(state: 0xA770_0000 &+ UInt64(name.utf8.count))
        let original = ArrowFixtures.bytes(name)
        var refused = 0
        var accepted = 0
        for _ in 0..<1500 {
            var bytes = original
            let position = Int.random(in: 0..<bytes.count, using: &random)
            if Bool.random(using: &random) {
                bytes[position] ^= 1 << UInt8.random(in: 0...7, using: &random)
            } else {
                bytes[position] = UInt8.random(in: 0...255, using: &random)
            }
            do {
                Self.expectWellFormed(try ArrowStreamReader.read(bytes), "\(name) changed at \(position)")
                accepted += 1
            } catch {
                #expect(error.code == .corrupt || error.code == .unsupported, "\(error)")
                refused += 1
            }
        }
        #expect(refused > 100, "\(name): only \(refused) of 1500 damaged streams refused")
        #expect(accepted > 100, "\(name): only \(accepted) of 1500 streams with changed values accepted")
    }

    /// Runs of random bytes, which hit lengths and offsets harder than single flips.
    @Test(arguments: fuzzed)
    func randomGarbageRunsNeverCrash(_ name: String) {
        var random = SplitMix64(state: 0x6A4B_A6E0 &+ UInt64(name.utf8.count))
        let original = ArrowFixtures.bytes(name)
        for _ in 0..<500 {
            var bytes = original
            let start = Int.random(in: 0..<bytes.count, using: &random)
            for position in start..<min(bytes.count, start + Int.random(in: 2...16, using: &random)) {
                bytes[position] = UInt8.random(in: 0...255, using: &random)
            }
            if let table = try? ArrowStreamReader.read(bytes) {
                Self.expectWellFormed(table, "\(name) garbage at \(start)")
            }
        }
    }

    /// Every 8-byte-aligned int32/int64 in the fixture set to extreme values: lengths, offsets and
    /// counts that point past the end or are negative.
    @Test(arguments: fuzzed)
    func extremeWordsAreRefusedOrHarmless(_ name: String) {
        let original = ArrowFixtures.bytes(name)
        let words: [UInt64] = [
            0xFFFF_FFFF_FFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0x7FFF_FFFF, 0xFFFF_FFFF,
            0x0000_0001_0000_0000, UInt64(original.count), UInt64(original.count + 1),
        ]
        for position in stride(from: 0, to: original.count - 8, by: 4) {
            for word in words {
                var bytes = original
                withUnsafeBytes(of: word.littleEndian) { raw in
                    for (index, byte) in raw.enumerated() { bytes[position + index] = byte }
                }
                if let table = try? ArrowStreamReader.read(bytes) {
                    Self.expectWellFormed(table, "\(name) word \(word) at \(position)")
                }
            }
        }
    }

    @Test func randomBytesAfterAValidPrefixNeverCrash() {
        var random = SplitMix64(state: 42)
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<200, using: &random)
            var bytes: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, UInt8.random(in: 0...200, using: &random), 0, 0, 0]
            bytes += (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(throws: UpliftError.self) { try ArrowStreamReader.read(bytes) }
        }
    }
}
