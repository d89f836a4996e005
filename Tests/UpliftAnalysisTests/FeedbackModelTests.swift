import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel

/// The feedback engine against the naive reference on random cases.
struct FeedbackModelTests {
    @Test func matchesReferenceInMemory() throws {
        try MetricHarness.model(
            seeds: 0..<1200, salt: 318, { try $0.feedback() },
            reference: { ReferenceMetrics.feedback($0, events: $1, links: $2) },
            engine: { try $0.feedback($1, snapshot: $2, links: PersonMap($3)) })
    }

    @Test func matchesReferenceOnSegments() async throws {
        try await MetricHarness.modelOnSegments(
            seeds: 0..<8, salt: 318, { try $0.feedback() },
            reference: { ReferenceMetrics.feedback($0, events: $1, links: $2) },
            engine: { try $0.feedback($1, snapshot: $2, links: PersonMap($3)) })
    }

    /// Per-score counts add up to the groups in every summary (total, groups, periods) of random cases.
    @Test func scoreCountsAddUpToTheGroups() throws {
        let analysis = AnalysisEngine(cacheBytes: 0)
        var scoredSummaries = 0
        for seed in UInt64(0)..<400 {
            var cases = MetricCases(seed: 319 &* 1_000_003 &+ seed)
            let (events, links) = cases.events()
            let query = try cases.feedback()
            let r = try analysis.feedback(query, snapshot: try MetricHarness.memory(events), links: PersonMap(links))
            let summaries = [r.total] + r.groups.flatMap { [$0.summary] + $0.series.map(\.summary) }
            for s in summaries {
                let nps = s.npsScores
                let csat = s.csatScores
                try #require(nps.count == 11 && csat.count == 5, "seed \(seed)")
                #expect(nps[9...10].reduce(0, +) == s.promoters, "seed \(seed)")
                #expect(nps[7...8].reduce(0, +) == s.passives, "seed \(seed)")
                #expect(nps[0...6].reduce(0, +) == s.detractors, "seed \(seed)")
                #expect(csat.reduce(0, +) == s.csatResponses, "seed \(seed)")
                #expect(csat[3...4].reduce(0, +) == s.satisfied, "seed \(seed)")
                #expect(nps.allSatisfy { $0 >= 0 } && csat.allSatisfy { $0 >= 0 }, "seed \(seed)")
                if nps.contains(where: { $0 > 0 }) || csat.contains(where: { $0 > 0 }) { scoredSummaries += 1 }
            }
        }
        // The cases must actually score answers, or the checks above prove nothing.
        #expect(scoredSummaries > 100)
    }

    /// Mixed types (`amount`: integers, doubles and strings; scores) in typed columns on some days.
    @Test func matchesReferenceOnShreddedSegments() async throws {
        let shredded = try await MetricHarness.modelOnShreddedSegments(
            seeds: 0..<12, salt: 318, { try $0.feedback() },
            reference: { ReferenceMetrics.feedback($0, events: $1, links: $2) },
            engine: { try $0.feedback($1, snapshot: $2, links: PersonMap($3)) })
        #expect(shredded >= 12)
    }
}
