import Foundation
import TestSupport
import Testing
import UpliftAnalysis
import UpliftExperiments
import UpliftModel
import UpliftStorage

/// The engine against the naive reference on random small experiments, in memory and through
/// real segments.
struct ExperimentDataModelTests {
    typealias F = ExperimentDataFixtures

    @Test func engineMatchesReferenceOnRandomCases() throws {
        let engine = AnalysisEngine()
        var counted = 0
        var multiples = 0
        var unknowns = 0
        var funnelHits = 0
        var cupedCases = 0
        var kept = 0
        var preHits = 0
        for seed in UInt64(1)...2_000 {
            let c = RandomExperimentCase(seed: seed)
            let expected = ReferenceExperiment.compute(
                F.spec(c.definition), events: c.events, links: c.links, from: c.from, to: c.to)
            let data = try F.run(c.definition, c.events, links: c.links, from: c.from, to: c.to, engine: engine)
            let actual = ReferenceExperiment.Result(data)
            #expect(actual.close(to: expected), "seed \(seed): engine \(actual) reference \(expected)")
            if !actual.close(to: expected) { break }
            counted += expected.persons.reduce(0, +)
            multiples += expected.multipleExposures
            if c.definition.multipleExposures == .first { kept += expected.multipleExposures }
            unknowns += expected.unknownVariantPersons
            for (m, d) in zip(expected.metrics, c.definition.metrics + c.definition.guardrails) {
                if d.kind == .funnel { funnelHits += m.reduce(0) { $0 + Int($1.sums[0]) } }
                if c.definition.cuped.enabled, d.kind != .funnel {
                    preHits += m.filter { $0.sums[$0.sums.count / 2] != 0 }.count
                }
            }
            if c.definition.cuped.enabled { cupedCases += 1 }
        }
        // The generator reaches every case it is meant to.
        #expect(counted >= 1_000)
        #expect(multiples >= 50 && kept >= 20)
        #expect(unknowns >= 100)
        #expect(funnelHits >= 50)
        #expect(cupedCases >= 300 && preHits >= 50)
    }

    @Test func engineMatchesReferenceThroughSegments() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await EventStore.open(StoreConfiguration(dataDirectory: dir.path))
            let engine = AnalysisEngine()
            for seed in UInt64(20_001)...20_040 {
                let c = RandomExperimentCase(seed: seed)
                let project = try ProjectSlug("p\(seed)")
                _ = try await store.append(project: project, events: c.events)
                try await store.flush()
                let snapshot = await store.snapshot(project: project)
                #expect(snapshot.pending.isEmpty && (c.events.isEmpty || !snapshot.segments.isEmpty))
                let data = try engine.experimentData(
                    c.definition, from: c.from, to: c.to, snapshot: snapshot, links: PersonMap(c.links))
                let expected = ReferenceExperiment.compute(
                    F.spec(c.definition), events: c.events, links: c.links, from: c.from, to: c.to)
                #expect(ReferenceExperiment.Result(data).close(to: expected), "seed \(seed)")
            }
            try await store.close()
        }
    }
}
