import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftStorage

/// The importer decodes each chunk in pieces on the work pool, one per core: line numbers, rejections and event
/// order must come out as from one sequential pass.
struct ImporterTests {
    final class Rejections: @unchecked Sendable {
        let lock = NSLock()
        var items: [Importer.Rejected] = []
        func add(_ r: Importer.Rejected) { lock.withLock { items.append(r) } }
    }

    @Test func parallelDecodingKeepsLineNumbersAndOrder() async throws {
        try await withDataDirectory { dir in
            var lines: [String] = []
            var badLines: [Int] = []
            var expectedIDs: [String] = []
            var rng = SeededRandom(seed: 11)
            let padding = String(repeating: "x", count: 400)
            for n in 1...12_000 {
                switch rng.next() % 50 {
                case 0:
                    lines.append("{not json")
                    badLines.append(n)
                case 1:
                    lines.append(rng.next() % 2 == 0 ? "" : "  \t")
                default:
                    let id = "m-\(n)"
                    expectedIDs.append(id)
                    lines.append(
                        #"{"type":"track","event":"e","userId":"u\#(n % 7)","messageId":"\#(id)","timestamp":"2026-01-0\#(1 + n % 3)T00:00:00Z","properties":{"pad":"\#(padding)"}}"#
                            + (n % 5 == 0 ? "\r" : ""))
                }
            }
            let path = dir + "-input.ndjson"
            // No final newline: the last line must still be read.
            try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(lines.joined(separator: "\n").utf8.count > 4 << 20)

            var config = StoreConfiguration(dataDirectory: dir)
            config.flushEvents = 1_000_000
            let store = try await EventStore.open(config)
            let project = try ProjectSlug("imp")
            var importer = Importer(store: store, project: project)
            importer.batchEvents = 1_000
            let rejections = Rejections()
            let report = try await importer.run(paths: [path], onRejected: { rejections.add($0) })
            #expect(report.imported == expectedIDs.count)
            #expect(report.rejected == badLines.count)
            #expect(report.lines == lines.filter { !$0.allSatisfy { $0 == " " || $0 == "\t" } }.count)
            #expect(rejections.items.map(\.line) == badLines)
            let pending = await store.snapshot(project: project).pending
            #expect(pending.map(\.eventID) == expectedIDs)
            try await store.close()
        }
    }
}
