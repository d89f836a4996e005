import Foundation
import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel
import UpliftStorage

/// Many persons, most anonymous first and identified later, merged in chains (devices, aliases of
/// aliases, two accounts of one user): the engine against the naive reference, in memory and through
/// segments, and on one warm engine while the links change between queries.
struct HeavyMergeModelTests {
    typealias F = FunnelFixtures

    /// Users with one to three anonymous devices each; each device's events come before its identify,
    /// the user's after. `merges` is the order links are learnt: devices, then aliases and accounts.
    struct Population {
        var events: [Event] = []
        var merges: [(String, String)] = []
    }

    static func population(seed: UInt64, users: Int) -> Population {
        var rng = SeededRandom(seed: seed)
        var p = Population()
        let names = ["A", "A", "B", "B", "C", "X"]
        func add(_ id: String, _ count: Int, from: Int64, span: Int64) {
            for _ in 0..<count {
                let time = from + Int64(rng.below(Int(span / 60_000_000))) * 60_000_000
                var e = F.event(names[rng.below(names.count)], id, time)
                e.eventID = "s\(seed)-\(p.events.count)"
                p.events.append(e)
            }
        }
        for u in 0..<users {
            let user = "user-\(u)"
            let identified = F.base + Int64(rng.below(48)) * F.hour
            for d in 0..<(1 + rng.below(3)) {
                let device = "anon-\(u)-\(d)"
                add(device, 1 + rng.below(6), from: identified - 24 * F.hour, span: 24 * F.hour)
                p.merges.append((device, user))
            }
            add(user, rng.below(6), from: identified, span: 48 * F.hour)
            if rng.below(4) == 0 {
                // An alias, and an alias of the alias, that carry events of their own.
                add("\(user)-email", 1 + rng.below(3), from: identified, span: 48 * F.hour)
                add("\(user)-email-2", 1 + rng.below(3), from: identified, span: 48 * F.hour)
                p.merges.append(("\(user)-email", user))
                p.merges.append(("\(user)-email-2", "\(user)-email"))
            }
        }
        // Some users turn out to be one person (two accounts), chaining whole persons together.
        for _ in 0..<(users / 5) {
            p.merges.append(("user-\(rng.below(users))", "user-\(rng.below(users))"))
        }
        return p
    }

    /// The links the catalog would hand out after the first `count` merges: each linked id → its
    /// person's id (the root of a union-find), ids that are their own person left out.
    static func links(_ merges: ArraySlice<(String, String)>) -> [String: String] {
        var parent: [String: String] = [:]
        func find(_ x: String) -> String {
            var x = x
            while let p = parent[x], p != x { x = p }
            return x
        }
        for (a, b) in merges {
            let (ra, rb) = (find(a), find(b))
            if ra != rb { parent[ra] = rb }
        }
        var links: [String: String] = [:]
        for id in parent.keys where find(id) != id { links[id] = find(id) }
        return links
    }

    static func funnel(_ steps: [String]) -> FunnelQuery {
        F.query(steps, window: 24 * 3_600, to: F.base + 72 * F.hour)
    }

    static func persons() throws -> TrendQuery {
        let text = #"{"from":"2026-01-04","to":"2026-01-08","measure":"persons","interval":"day"}"#
        var q = try TrendQuery(json: try JSONValue(parsing: Array(text.utf8)))
        q.scope.project = F.project
        return q
    }

    static func adoption() throws -> AdoptionQuery {
        let text = #"{"from":"2026-01-04","to":"2026-01-08","feature":"C","window":"2d","interval":"day"}"#
        var q = try AdoptionQuery(json: try JSONValue(parsing: Array(text.utf8)))
        q.scope.project = F.project
        return q
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func manyMergedPersonsMatchReference(_ seed: UInt64) throws {
        let p = Self.population(seed: seed, users: 1_500)
        let links = Self.links(p.merges[...])
        #expect(links.count > 2_000)
        let snapshot = Snapshot(project: F.project, segments: [], pending: p.events)
        let engine = AnalysisEngine()
        for steps in [["A", "B", "C"], ["B", "A"]] {
            let q = Self.funnel(steps)
            let actual = ReferenceFunnel.Result(try engine.funnel(q, snapshot: snapshot, links: PersonMap(links)))
            #expect(actual == ReferenceFunnel.compute(q, events: p.events, links: links))
            #expect(actual.steps[0].persons > 200)
        }
        let trend = try Self.persons()
        #expect(
            try engine.trend(trend, snapshot: snapshot, links: PersonMap(links))
                == ReferenceMetrics.trend(trend, events: p.events, links: links))
        let adoption = try Self.adoption()
        #expect(
            try engine.adoption(adoption, snapshot: snapshot, links: PersonMap(links))
                == ReferenceMetrics.adoption(adoption, events: p.events, links: links))
    }

    /// Through segments, on an engine that keeps no blocks (a command's): it decodes only the rows of the
    /// events a question names, so the distinct ids of the other rows are never interned. Funnels, a
    /// trend of one event filtered on a property (texts read through blocks with hidden rows), and
    /// questions over any event, against the reference and against an engine that decodes every row.
    @Test func aColdEngineDecodingOnlyTheNamedEventsMatchesReference() async throws {
        var p = Self.population(seed: 5, users: 500)
        for i in p.events.indices where i % 3 == 0 { p.events[i].properties = #"{"plan":"pro"}"# }
        let links = Self.links(p.merges[...])
        try await MetricHarness.withSegments(p.events) { snapshot in
            let project = try MetricHarness.project()
            let cold = AnalysisEngine(cacheBytes: 0)
            let warm = AnalysisEngine()
            for steps in [["A", "B", "C"], ["X", "A"]] {
                var q = Self.funnel(steps)
                q.scope.project = project
                let expected = ReferenceFunnel.compute(q, events: p.events, links: links)
                #expect(
                    ReferenceFunnel.Result(try cold.funnel(q, snapshot: snapshot, links: PersonMap(links))) == expected)
                #expect(
                    ReferenceFunnel.Result(try warm.funnel(q, snapshot: snapshot, links: PersonMap(links))) == expected)
                #expect(expected.steps[0].persons > 50)
            }
            let text = #"""
                {"from":"2026-01-04","to":"2026-01-08","measure":"persons","interval":"day","event":"B",
                 "where":["plan=pro"]}
                """#
            var filtered = try TrendQuery(json: try JSONValue(parsing: Array(text.utf8)))
            filtered.scope.project = project
            let expected = ReferenceMetrics.trend(filtered, events: p.events, links: links)
            #expect(try cold.trend(filtered, snapshot: snapshot, links: PersonMap(links)) == expected)
            #expect(try warm.trend(filtered, snapshot: snapshot, links: PersonMap(links)) == expected)
            var persons = try Self.persons()
            persons.scope.project = project
            #expect(
                try cold.trend(persons, snapshot: snapshot, links: PersonMap(links))
                    == ReferenceMetrics.trend(persons, events: p.events, links: links))
            var adoption = try Self.adoption()
            adoption.scope.project = project
            #expect(
                try cold.adoption(adoption, snapshot: snapshot, links: PersonMap(links))
                    == ReferenceMetrics.adoption(adoption, events: p.events, links: links))
        }
    }

    /// One warm engine over segments while merges arrive: ids linked after their events were decoded
    /// (and after a map was made for the old links), persons merged into persons, and back to no links.
    @Test func linksChangingBetweenQueriesOfAWarmEngine() async throws {
        let p = Self.population(seed: 7, users: 600)
        try await MetricHarness.withSegments(p.events) { snapshot in
            var q = Self.funnel(["A", "B", "C"])
            q.scope.project = try MetricHarness.project()
            let trend = try Self.persons()
            let engine = AnalysisEngine()
            var seen: Set<[Int]> = []
            for count in [0, p.merges.count / 3, p.merges.count / 3, 2 * p.merges.count / 3, p.merges.count, 0] {
                let links = Self.links(p.merges[..<count])
                let actual = ReferenceFunnel.Result(try engine.funnel(q, snapshot: snapshot, links: PersonMap(links)))
                let expected = ReferenceFunnel.compute(q, events: p.events, links: links)
                #expect(actual == expected, "after \(count) merges")
                seen.insert(actual.steps.map(\.persons))
                var t = trend
                t.scope.project = try MetricHarness.project()
                #expect(
                    try engine.trend(t, snapshot: snapshot, links: PersonMap(links))
                        == ReferenceMetrics.trend(t, events: p.events, links: links), "after \(count) merges")
            }
            // The merges change the answer (else this test could not fail).
            #expect(seen.count >= 3)
        }
    }

    /// Ids linked before any of their events exist: the map made then is grown when their events arrive.
    @Test func idsLinkedBeforeTheirEventsJoinTheirPersonLater() throws {
        let p = Self.population(seed: 11, users: 400)
        let links = Self.links(p.merges[...])
        let engine = AnalysisEngine()
        let q = Self.funnel(["A", "B", "C"])
        let half = Array(p.events.prefix(p.events.count / 2))
        for events in [half, p.events] {
            let snapshot = Snapshot(project: F.project, segments: [], pending: events)
            let actual = ReferenceFunnel.Result(try engine.funnel(q, snapshot: snapshot, links: PersonMap(links)))
            #expect(actual == ReferenceFunnel.compute(q, events: events, links: links))
        }
    }
}
