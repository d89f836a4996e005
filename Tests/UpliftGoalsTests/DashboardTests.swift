import Foundation
import TestSupport
import Testing
import UpliftAnalysis
import UpliftGoals
import UpliftModel
import UpliftStorage
import UpliftWorkload

/// The PR/FAQs shipped in dashboards/ are valid and their goals evaluate on generated data.
struct DashboardTests {
    static let folder = Paths.packageRoot.appendingPathComponent("dashboards")

    static func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".md") && $0.lowercased() != "readme.md" }.sorted()
            .map { folder.appendingPathComponent($0).path }
    }

    /// A small `uplift generate` workload (60 days from 2026-01-01), decoded into events in memory.
    static func generated() throws -> Snapshot {
        let bytes = Workloads.ndjson(events: 40_000, users: 1_500, days: 60, seed: 3)
        var decoder = WireDecoder()
        decoder.correctsClockSkew = false
        var events: [Event] = []
        for line in Workloads.lines(bytes) {
            events +=
                decoder.decode(Array(line), receivedAt: UTCDay(year: 2026, month: 6, day: 1)!.startMicroseconds).events
        }
        return Snapshot(project: try ProjectSlug("demo"), segments: [], pending: events)
    }

    @Test func everyDashboardIsValid() throws {
        let files = try Self.files()
        #expect(files.count >= 3)
        for file in files {
            let check = PrfaqDocument.check(file: file)
            #expect(check.problems.isEmpty, "\(file): \(check.problems)")
            #expect(check.document?.goals.isEmpty == false)
        }
    }

    @Test func dashboardGoalsEvaluateOnGeneratedData() throws {
        let snapshot = try Self.generated()
        #expect(snapshot.pending.count > 30_000)
        let now = UTCDay(year: 2026, month: 3, day: 2)!.startMicroseconds
        var byID: [String: GoalStatus] = [:]
        for file in try Self.files() {
            let document = try PrfaqDocument.load(file: file)
            let statuses = try GoalEvaluator().evaluate(document, snapshot: snapshot, now: now)
            #expect(statuses.count == document.goals.count)
            for s in statuses { byID["\(document.id)/\(s.goal.id)"] = s }
        }
        // Every goal over generated events has data, the NPS goal included (the generator plants
        // feature X answers whose NPS rises over the period, see `Truth.npsShares`).
        for (id, s) in byID {
            #expect(s.status != .noData, "\(id)")
            #expect(s.forecast != nil, "\(id)")
        }
        let nps = try #require(byID["feature-x/nps"])
        // Rising towards +40 (the planted end): on track or, on a lucky sample, already there.
        #expect(nps.status == .onTrack || nps.status == .achieved, "\(nps.status) \(String(describing: nps.current))")
        #expect(nps.current.map { $0 > 0 && $0 <= 100 } == true, "\(String(describing: nps.current))")
        // The planted rates, within sampling error: feature X adoption about 25% of active
        // identified persons (anonymous visitors dilute it), checkout conversion about Truth.purchaseRate.
        let adoption = try #require(byID["feature-x/adoption"]?.current)
        #expect(adoption > 0.05 && adoption < Truth.featureXAdoption + 0.05, "\(adoption)")
        let conversion = try #require(byID["new-checkout/checkout-conversion"]?.current)
        #expect(abs(conversion - Truth.purchaseRate) < 0.15, "\(conversion)")
    }
}
