import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftStorage

/// `verify` and `stats` run before the server restarts after a crash during compaction: they apply
/// the crash protocol of an open without changing the data directory, and report what the open
/// will then serve.
struct InterruptedCompactionInspectionTests {
    let project = try! ProjectSlug("demo")
    let day = UTCDay(daysSinceEpoch: 20_454)

    enum Crash: String, CaseIterable, Sendable {
        /// Every output written, no source deleted yet.
        case beforeSourcesDeleted
        /// Every output written, one of two sources deleted.
        case betweenSourceDeletions
        /// One output of three never written (an earlier one was).
        case whileWritingOutputs
        /// An output still under its temporary name.
        case beforeRename
    }

    /// Every file under `dir` with its size: proof that inspection changed nothing.
    func listing(_ dir: String) -> [String: Int] {
        var out: [String: Int] = [:]
        let enumerator = FileManager.default.enumerator(atPath: dir)
        while let name = enumerator?.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: dir + "/" + name)
            out[name] = (attributes?[.size] as? Int) ?? -1
        }
        return out
    }

    @Test(arguments: Crash.allCases)
    func verifyAndStatsReportWhatTheNextOpenServes(crash: Crash) async throws {
        try await withDataDirectory { dir in
            var config = smallConfiguration(dir)
            config.segmentRows = 150
            let events = sampleEvents(count: 400, seed: 7, days: 1)
            let store = try await EventStore.open(config)
            _ = try await store.append(project: project, events: Array(events[0..<200]))
            try await store.flush()
            _ = try await store.append(project: project, events: Array(events[200...]))
            try await store.flush()
            try await store.close()
            let layout = SegmentLayout(root: dir)
            let sources = layout.segments(project, day)
            #expect(sources.count == 2)
            #expect(StoreVerifier.verify(dataDirectory: dir).isClean)

            let outputs = try Compactor.compact(
                sources, project: project, day: day, layout: layout, configuration: config
            ).map(\.path)
            #expect(outputs.count == 3)
            switch crash {
            case .beforeSourcesDeleted:
                break
            case .betweenSourceDeletions:
                try FileManager.default.removeItem(atPath: sources[0])
            case .whileWritingOutputs:
                try FileManager.default.removeItem(atPath: outputs[2])
            case .beforeRename:
                let name = SegmentLayout.name(of: outputs[1])
                let directory = layout.partitionDirectory(project, day)
                try FileManager.default.moveItem(atPath: outputs[1], toPath: directory + "/." + name + ".tmp")
            }

            let before = listing(dir)
            let report = StoreVerifier.verify(dataDirectory: dir)
            #expect(report.isClean, "\(report.problems)")
            #expect(report.events == events.count)
            let stats = try ProjectStats.read(dataDirectory: dir, project: project)
            #expect(stats.events == events.count)
            #expect(listing(dir) == before, "inspection must not change the data directory")
            // The sources are intact until every output exists; once they do, the outputs serve.
            let expectedSegments = crash == .beforeSourcesDeleted || crash == .betweenSourceDeletions ? 3 : 2
            #expect(report.segments == expectedSegments)
            #expect(stats.segments == expectedSegments)
            if crash != .betweenSourceDeletions {
                #expect(!report.notes.isEmpty, "what the next open removes is noted")
            }

            // The open that finishes or undoes the compaction serves exactly what inspection reported.
            let reopened = try await EventStore.open(config)
            let snapshot = await reopened.snapshot(project: project)
            #expect(snapshot.segments.count == expectedSegments)
            #expect(sortedByID(try snapshot.allEvents()) == sortedByID(events))
            try await reopened.close()
            let after = StoreVerifier.verify(dataDirectory: dir)
            #expect(after.isClean && after.notes.isEmpty, "\(after.problems) \(after.notes)")
            #expect(after.events == report.events && after.segments == report.segments)
            let statsAfter = try ProjectStats.read(dataDirectory: dir, project: project)
            #expect(statsAfter.events == stats.events && statsAfter.bytes == stats.bytes)
        }
    }
}
