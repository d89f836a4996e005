import TestSupport
import Testing

@testable import UpliftParquet

/// Damaged DELTA_BINARY_PACKED bytes, fed straight to the decoder (no page CRC in front of it):
/// every failure must be `.corrupt`, never a trap or a huge allocation.
@Suite struct DeltaCorruptionTests {
    typealias T = DeltaBinaryPackedTests

    func expectCorrupt<V: FixedWidthInteger & SignedInteger>(
        _ bytes: [UInt8], count: Int, as type: V.Type, _ note: Comment
    ) {
        do {
            _ = try T.decode(bytes, count: count, as: type)
            Issue.record("damage went unnoticed: \(note)")
        } catch {
            #expect(error.code == .corrupt, note)
        }
    }

    static let sample: [Int64] = {
        var rng = SeededRandom(seed: 9)
        var t: Int64 = 1_767_225_600_000_000
        return (0..<700).map { _ in
            t += Int64.random(in: -1_000...90_000_000, using: &rng)
            return t
        }
    }()

    @Test func everyTruncationFails() {
        let bytes = T.encode(Self.sample)
        for cut in 0..<bytes.count {
            expectCorrupt(Array(bytes[..<cut]), count: Self.sample.count, as: Int64.self, "cut at \(cut)")
        }
    }

    @Test func trailingBytesAreRefused() {
        expectCorrupt(T.encode(Self.sample) + [0], count: Self.sample.count, as: Int64.self, "one byte too many")
    }

    @Test func declaredCountMustMatchThePage() {
        let bytes = T.encode(Self.sample)
        expectCorrupt(bytes, count: Self.sample.count - 1, as: Int64.self, "page has fewer values")
        expectCorrupt(bytes, count: Self.sample.count + 1, as: Int64.self, "page has more values")
        // A header claiming 2^63 values must not be believed (nor allocated for).
        expectCorrupt(
            [0x80, 0x01, 0x04] + [UInt8](repeating: 0xFF, count: 8) + [0x7F, 0x00], count: 3, as: Int64.self,
            "huge count")
    }

    @Test func badHeadersAreRefused() {
        let cases: [(String, [UInt8])] = [
            ("block size 0", [0x00, 0x04, 0x01, 0x00]),
            ("block size 100", [0x64, 0x04, 0x01, 0x00]),
            ("no miniblocks", [0x80, 0x01, 0x00, 0x01, 0x00]),
            ("miniblocks of 16", [0x80, 0x01, 0x08, 0x01, 0x00]),
            ("miniblocks do not divide", [0x80, 0x01, 0x03, 0x01, 0x00]),
            ("varint over 64 bits", [0x80, 0x01, 0x04, 0x01] + [UInt8](repeating: 0xFF, count: 9) + [0x02]),
            ("endless varint", [0x80, 0x01, 0x04, 0x01] + [UInt8](repeating: 0x80, count: 12)),
        ]
        for (note, bytes) in cases { expectCorrupt(bytes, count: 1, as: Int64.self, "\(note)") }
    }

    @Test func bitWidthsAreBounded() {
        // Two values: one block, first miniblock width 65 (INT64) / 33 (INT32).
        expectCorrupt(
            [0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 65, 0, 0, 0] + [UInt8](repeating: 0, count: 4 * 65), count: 2,
            as: Int64.self, "width 65")
        expectCorrupt(
            [0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 33, 0, 0, 0] + [UInt8](repeating: 0, count: 4 * 33), count: 2,
            as: Int32.self, "width 33")
        expectCorrupt([0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 255, 0, 0, 0], count: 2, as: Int64.self, "width 255")
        // INT32 values must fit: a first value or min delta beyond 32 bits is damage.
        expectCorrupt(
            [0x80, 0x01, 0x04, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10], count: 1, as: Int32.self, "first value 2^31")
        expectCorrupt(
            [0x80, 0x01, 0x04, 0x02, 0x00, 0x80, 0x80, 0x80, 0x80, 0x10, 0, 0, 0, 0], count: 2, as: Int32.self,
            "min delta 2^31")
    }

    @Test func widthsOfUnusedMiniblocksAreIgnored() throws {
        // Spec: in the last block, widths of miniblocks without values may hold anything.
        let bytes: [UInt8] = [0x80, 0x01, 0x04, 0x03, 0x02, 0x02, 0x00, 0xFF, 0xFF, 0xFF]
        #expect(try T.decode(bytes, count: 3, as: Int64.self) == [1, 2, 3])
    }

    @Test func randomDamageNeverTraps() {
        var rng = SeededRandom(seed: 4242)
        let original = T.encode(Self.sample)
        var failures = 0
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            }
            do {
                _ = try T.decode(bytes, count: Self.sample.count, as: Int64.self)
            } catch {
                #expect(error.code == .corrupt)
                failures += 1
            }
        }
        // Flips inside miniblock bodies only change values (the page CRC catches those); header flips fail.
        #expect(failures > 0)
    }
}
