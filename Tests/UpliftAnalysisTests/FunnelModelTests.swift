import Foundation
import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel
import UpliftStorage

/// The engine against the naive reference on random small cases: few persons and names, times
/// from a coarse grid (many ties, window ends hit exactly, ±1 µs), links, filters, exclusions,
/// breakdowns and empty ranges.
struct FunnelModelTests {
    typealias F = FunnelFixtures

    struct Case {
        var query: FunnelQuery
        var events: [Event]
        var links: [String: String]
    }

    static func randomCase(_ seed: UInt64, busy: Bool = false) -> Case {
        var rng = SeededRandom(seed: seed)
        let unit: Int64 = 6 * F.hour
        let from = F.base + Int64(rng.below(3)) * unit
        let to = from + Int64(1 + rng.below(6)) * unit
        let windowUnits = 1 + rng.below(3)
        let names = ["A", "B", "C", "X"]
        let stepCount = 2 + rng.below(busy ? 2 : 3)
        var steps: [FunnelQuery.Step] = []
        for _ in 0..<stepCount {
            var step = FunnelQuery.Step(event: names[rng.below(3)])
            if rng.below(5) == 0 { step.filters = [PropertyFilter(property: PropertyRef("p"), op: .eq, values: ["u"])] }
            steps.append(step)
        }
        let orders: [FunnelQuery.Order] = [.ordered, .ordered, .strict, .any]
        var query = FunnelQuery(
            scope: QueryScope(project: F.project, from: from, to: to), steps: steps,
            order: orders[rng.below(orders.count)])
        query.window = TimeLength("\(windowUnits * 6)h")!
        if rng.below(4) == 0 {
            query.scope.filters = [PropertyFilter(property: PropertyRef("p"), op: .neq, values: ["v"])]
        }
        for _ in 0..<rng.below(3) where rng.below(2) == 0 {
            let a = 1 + rng.below(stepCount - 1)
            let b = a + 1 + rng.below(stepCount - a)
            var x = FunnelQuery.Exclusion(event: ["X", "C", "B"][rng.below(3)], fromStep: a, toStep: b)
            if rng.below(3) == 0 { x.filters = [PropertyFilter(property: PropertyRef("p"), op: .isSet)] }
            query.exclusions.append(x)
        }
        if rng.below(2) == 0 { query.breakdown = PropertyRef(rng.below(4) == 0 ? "context.c" : "p") }
        query.conversionInterval = rng.below(3) == 0 ? .week : .day

        let ids = ["a", "b", "c", "d", "e", "f"].prefix(busy ? 1 : 1 + rng.below(6))
        var links: [String: String] = [:]
        if ids.count > 1, rng.below(2) == 0 { links[ids.last!] = ids.first! }
        if ids.count > 3, rng.below(2) == 0 { links[ids[ids.startIndex + 2]] = "root-\(rng.below(2))" }
        var events: [Event] = []
        let pool = ["A", "A", "A", "B", "B", "C", "C", "X", "other", "$identify"]
        let slots = Int((to - from) / unit) + windowUnits + 3
        for id in ids {
            for _ in 0..<(busy ? 12 + rng.below(30) : rng.below(4) == 0 ? rng.below(4) : 3 + rng.below(8)) {
                var time = from + Int64(rng.below(slots) - 1) * unit / Int64(1 + rng.below(2))
                switch rng.below(8) {
                case 0: time += 1
                case 1: time -= 1
                default: break
                }
                let values = ["\"u\"", "\"v\"", "1", "null"]
                let properties = rng.below(4) == 0 ? "{}" : "{\"p\":\(values[rng.below(values.count)])}"
                var e = F.event(pool[rng.below(pool.count)], id, time, properties)
                e.eventID = "s\(seed)-\(events.count)"
                if rng.below(3) == 0 { e.context = "{\"c\":\"k\(rng.below(2))\"}" }
                events.append(e)
            }
        }
        return Case(query: query, events: events, links: links)
    }

    @Test func engineMatchesReferenceInMemory() throws {
        var failures = 0
        for seed in UInt64(1)...3_200 {
            let c = Self.randomCase(seed)
            let expected = ReferenceFunnel.compute(c.query, events: c.events, links: c.links)
            let actual = ReferenceFunnel.Result(try F.run(c.query, c.events, links: c.links))
            if actual != expected {
                failures += 1
                Issue.record("seed \(seed): engine \(actual)\nreference \(expected)")
                if failures >= 3 { break }
            }
        }
        #expect(failures == 0)
    }

    /// Persons with many events (12 to 41: on both sides of `FunnelEvaluator.indexAbove`): starts beyond
    /// the first few are screened by the step lists.
    @Test func busyPersonsMatchReference() throws {
        for seed in UInt64(20_001)...20_300 {
            let c = Self.randomCase(seed, busy: true)
            let actual = ReferenceFunnel.Result(try F.run(c.query, c.events, links: c.links))
            let expected = ReferenceFunnel.compute(c.query, events: c.events, links: c.links)
            #expect(actual == expected, "seed \(seed)")
            if actual != expected { break }
        }
    }

    /// Persons split between the cores give the same answer.
    @Test(arguments: [FunnelQuery.Order.ordered, .strict, .any]) func splitFrameMatchesReference(
        _ order: FunnelQuery.Order
    ) throws {
        var events: [Event] = []
        var links: [String: String] = [:]
        var seed: UInt64 = 50_000
        while events.count < 20_000 {
            seed += 1
            let c = Self.randomCase(seed)
            for var e in c.events {
                e.distinctID = "\(seed)-\(e.distinctID)"
                events.append(e)
            }
            for (k, v) in c.links { links["\(seed)-\(k)"] = "\(seed)-\(v)" }
        }
        var query = F.query(
            ["A", "B", "C"], window: 12 * 3_600, order: order,
            exclusions: [FunnelQuery.Exclusion(event: "X", fromStep: 2, toStep: 3)], breakdown: "p",
            to: F.base + 30 * F.hour)
        query.scope.filters = [PropertyFilter(property: PropertyRef("p"), op: .neq, values: ["v"])]
        let snapshot = Snapshot(project: F.project, segments: [], pending: events)
        let frame = try AnalysisEngine().frame(snapshot, links: PersonMap(links), request: FunnelEngine.request(query))
        let actual = ReferenceFunnel.Result(FunnelEngine.compute(frame, query, parallelRows: 1))
        let expected = ReferenceFunnel.compute(query, events: events, links: links)
        #expect(actual.steps[0].persons > 500)
        #expect(actual == expected)
    }

    /// The generated cases reach every rule often enough for the comparison to mean something.
    @Test func generatedCasesCoverTheRules() {
        var completed: [FunnelQuery.Order: Int] = [:]
        var exclusionMatters = 0
        var strictMatters = 0
        var breakdowns = 0
        for seed in UInt64(1)...3_200 {
            let c = Self.randomCase(seed)
            let r = ReferenceFunnel.compute(c.query, events: c.events, links: c.links)
            if r.steps.last!.persons > 0 { completed[c.query.order, default: 0] += 1 }
            if r.breakdown.count > 1 { breakdowns += 1 }
            if !c.query.exclusions.isEmpty {
                var q = c.query
                q.exclusions = []
                if ReferenceFunnel.compute(q, events: c.events, links: c.links) != r { exclusionMatters += 1 }
            }
            if c.query.order == .strict {
                var q = c.query
                q.order = .ordered
                if ReferenceFunnel.compute(q, events: c.events, links: c.links) != r { strictMatters += 1 }
            }
        }
        #expect(FunnelQuery.Order.allCases.allSatisfy { completed[$0, default: 0] >= 50 })
        #expect(exclusionMatters >= 50)
        #expect(strictMatters >= 50)
        #expect(breakdowns >= 200)
    }

    @Test func engineMatchesReferenceThroughSegments() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await EventStore.open(StoreConfiguration(dataDirectory: dir.path))
            let engine = AnalysisEngine()
            for seed in UInt64(10_001)...10_060 {
                let c = Self.randomCase(seed)
                let project = try ProjectSlug("p\(seed)")
                _ = try await store.append(project: project, events: c.events)
                try await store.flush()
                let snapshot = await store.snapshot(project: project)
                #expect(snapshot.pending.isEmpty && (c.events.isEmpty || !snapshot.segments.isEmpty))
                var query = c.query
                query.scope.project = project
                let actual = ReferenceFunnel.Result(
                    try engine.funnel(query, snapshot: snapshot, links: PersonMap(c.links)))
                #expect(actual == ReferenceFunnel.compute(c.query, events: c.events, links: c.links), "seed \(seed)")
            }
            try await store.close()
        }
    }

    /// Some days compacted with `p` in a typed column (its strings; its numbers and nulls stay in the
    /// text, as do rows without it), the other days left as flushes: the same answers as the reference.
    @Test func engineMatchesReferenceThroughShreddedSegments() async throws {
        try await withTemporaryDirectory { dir in
            var configuration = StoreConfiguration(dataDirectory: dir.path)
            configuration.propertyColumns.minimumRows = 1
            configuration.propertyColumns.stability = 0.3
            let store = try await EventStore.open(configuration)
            let engine = AnalysisEngine()
            var shredded = 0
            var plain = 0
            for seed in UInt64(20_001)...20_080 {
                let c = Self.randomCase(seed)
                let project = try ProjectSlug("p\(seed)")
                _ = try await store.append(project: project, events: c.events)
                try await store.flush()
                let days = Set(c.events.map { UTCDay(microseconds: $0.timestamp) }).sorted()
                let compacted = days.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
                _ = try await store.compact(project: project, days: compacted, force: true)
                let snapshot = await store.snapshot(project: project)
                for path in snapshot.segments {
                    if try SegmentReader.shredding(path: path).properties.isEmpty { plain += 1 } else { shredded += 1 }
                }
                var query = c.query
                query.scope.project = project
                let actual = ReferenceFunnel.Result(
                    try engine.funnel(query, snapshot: snapshot, links: PersonMap(c.links)))
                #expect(actual == ReferenceFunnel.compute(c.query, events: c.events, links: c.links), "seed \(seed)")
            }
            try await store.close()
            #expect(shredded >= 20 && plain >= 20)
        }
    }
}
