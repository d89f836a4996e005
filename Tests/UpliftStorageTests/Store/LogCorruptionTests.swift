import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftStorage

/// Damage to the log, seen through the store: verify names it, open refuses it, nothing wrong is served.
struct LogCorruptionTests {
    let project = try! ProjectSlug("demo")

    /// A data directory whose log holds `batches` records (nothing flushed), and the path of the log file.
    func logWithRecords(_ dir: String, batches: Int) async throws -> String {
        var config = smallConfiguration(dir)
        config.flushEvents = 1_000_000
        let store = try await EventStore.open(config)
        for k in 0..<batches {
            _ = try await store.append(
                project: project, events: sampleEvents(count: 20, seed: UInt64(k), idPrefix: "b\(k)"))
        }
        // No close: closing would flush the log into segments.
        let logs = try FileManager.default.contentsOfDirectory(atPath: dir + "/wal").filter { $0.hasSuffix(".log") }
        return dir + "/wal/" + (try #require(logs.sorted().last))
    }

    @Test func aFlipInTheMiddleOfTheLogIsReportedAndRefused() async throws {
        try await withDataDirectory { dir in
            let log = try await logWithRecords(dir, batches: 6)
            var bytes = try Data(contentsOf: URL(fileURLWithPath: log))
            bytes[bytes.count / 3] ^= 0x04
            try bytes.write(to: URL(fileURLWithPath: log))

            let report = StoreVerifier.verify(dataDirectory: dir)
            #expect(!report.isClean)
            #expect(report.problems.contains { $0.path.hasSuffix(URL(fileURLWithPath: log).lastPathComponent) })
            await #expect(throws: UpliftError.self) { _ = try await EventStore.open(smallConfiguration(dir)) }
        }
    }

    @Test func aTornTailIsCutAndEverythingBeforeItServed() async throws {
        try await withDataDirectory { dir in
            let log = try await logWithRecords(dir, batches: 5)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: log))
            try bytes.prefix(bytes.count - 7).write(to: URL(fileURLWithPath: log))

            let report = StoreVerifier.verify(dataDirectory: dir)
            #expect(report.isClean)
            #expect(report.notes.count == 1)
            let store = try await EventStore.open(smallConfiguration(dir))
            let events = try await store.snapshot(project: project).allEvents()
            #expect(events.count == 80)
            #expect(Set(events.map { $0.eventID.split(separator: "-").first! }) == ["b0", "b1", "b2", "b3"])
            try await store.close()
        }
    }
}
