import Foundation
import TestSupport
import Testing

@testable import UpliftParquet

/// Reading only a file's footer gives what opening the whole file gives, and refuses the same damage.
struct FooterTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func footerAloneMatchesTheWholeFile(seed: UInt64) throws {
        try withTemporaryDirectory { dir in
            let bytes = try RandomTable.make(seed: seed).write(metadata: [("k", "v")])
            let path = dir.appendingPathComponent("t.parquet").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let whole = try ParquetFile(bytes: bytes)
            let footer = try ParquetFile.footer(path: path)
            #expect(footer.schema == whole.schema)
            #expect(footer.rowCount == whole.rowCount)
            #expect(footer.rowGroups == whole.rowGroups)
            #expect(footer.metadataValue(for: "k") == "v")
        }
    }

    @Test func everyFlipInTheFooterRegionIsRefused() throws {
        try withTemporaryDirectory { dir in
            let bytes = try RandomTable.make(seed: 9).write()
            let length = Int(
                bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt32.self) }
                    .littleEndian)
            let path = dir.appendingPathComponent("t.parquet").path
            // The footer checksum, the footer, its length and the magic.
            for offset in (bytes.count - length - 16)..<bytes.count {
                var damaged = bytes
                damaged[offset] ^= 0x20
                try Data(damaged).write(to: URL(fileURLWithPath: path))
                #expect(throws: ParquetError.self, "flip at \(offset)") { _ = try ParquetFile.footer(path: path) }
            }
        }
    }
}
