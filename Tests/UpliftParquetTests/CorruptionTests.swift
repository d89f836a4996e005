import TestSupport
import Testing

@testable import UpliftParquet

@Suite struct CorruptionTests {
    static let file: [UInt8] = {
        let table = RandomTable.make(seed: 5, rowGroups: 3, maxRows: 300)
        return try! table.write(options: .init(pageSize: 512), metadata: [("uplift.format", "1")])
    }()

    func expectCorrupt(_ bytes: [UInt8], _ note: String) {
        do {
            let file = try ParquetFile(bytes: bytes)
            try file.verify()
            Issue.record("damage went unnoticed: \(note)")
        } catch {
            #expect(error.code == .corrupt, "\(note): \(error)")
        }
    }

    @Test func singleBitFlipsAreAlwaysDetected() {
        var rng = SeededRandom(seed: 2024)
        let original = Self.file
        for _ in 0..<1500 {
            var bytes = original
            let position = Int.random(in: 0..<bytes.count, using: &rng)
            bytes[position] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            expectCorrupt(bytes, "bit flip at \(position) of \(bytes.count)")
        }
    }

    @Test func everyFooterByteIsProtected() {
        let original = Self.file
        let footerLength = Int(
            original.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: original.count - 8, as: UInt32.self) })
        for position in (original.count - 8 - footerLength - 8)..<original.count {
            var bytes = original
            bytes[position] ^= 0x10
            expectCorrupt(bytes, "footer byte \(position)")
        }
    }

    @Test func truncationIsDetected() {
        var rng = SeededRandom(seed: 77)
        let original = Self.file
        for _ in 0..<300 {
            let cut = Int.random(in: 0..<original.count, using: &rng)
            expectCorrupt(Array(original[..<cut]), "truncated at \(cut)")
        }
    }

    @Test func randomGarbageRunsAreDetected() {
        var rng = SeededRandom(seed: 31)
        let original = Self.file
        for _ in 0..<300 {
            var bytes = original
            let start = Int.random(in: 0..<bytes.count, using: &rng)
            for p in start..<min(bytes.count, start + Int.random(in: 1...64, using: &rng)) {
                bytes[p] = UInt8.random(in: 0...255, using: &rng)
            }
            if bytes != original { expectCorrupt(bytes, "garbage at \(start)") }
        }
    }
}
