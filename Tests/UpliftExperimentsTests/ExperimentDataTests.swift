import TestSupport
import Testing
import UpliftAnalysis
import UpliftExperiments
import UpliftModel
import UpliftStats
import UpliftStorage

/// The experiment-data rules one at a time, on hand-written events with hand-derived answers.
struct ExperimentDataTests {
    typealias F = ExperimentDataFixtures
    static let h = F.hour
    static let t0 = F.base + 10 * h
    static let from = F.base, to = F.base + 48 * h
    static let buy = MetricDefinition(id: "buy", kind: .proportion, measure: .init(event: "buy"))

    static func run(
        _ d: ExperimentDefinition, _ events: [Event], links: [String: String] = [:]
    ) throws -> ExperimentData {
        let data = try F.run(d, events, links: links, from: from, to: to)
        // Every hand-written case also agrees with the reference.
        #expect(ReferenceExperiment.Result(data).close(to: F.reference(d, events, links: links, from: from, to: to)))
        return data
    }

    @Test func eventAtTheExposureInstantCountsAndOneBeforeDoesNot() throws {
        let d = F.definition([Self.buy], cuped: TimeLength("2h"))
        let data = try Self.run(
            d,
            [
                F.exposure("a", Self.t0, "control"), F.event("buy", "a", Self.t0),
                F.exposure("b", Self.t0, "control"), F.event("buy", "b", Self.t0 - 1),
                F.exposure("c", Self.t0, "treatment"), F.event("buy", "c", Self.t0 - 2 * Self.h),
                F.event("buy", "c", Self.t0 - 2 * Self.h - 1),
            ])
        let control = try #require(data.metric("buy")?.sums[0])
        #expect(control.n == 2)
        // [y, yPre]: a bought at exposure (post), b one microsecond before (pre).
        #expect(control.sums == [1, 1])
        #expect(control.product(0, 1) == 0)
        // c: exactly at the start of the pre-window counts, one microsecond earlier does not.
        let treatment = try #require(data.metric("buy")?.sums[1])
        #expect(treatment.sums == [0, 1])
    }

    @Test func windowEndIsInclusive() throws {
        let m = MetricDefinition(id: "n", kind: .mean, measure: .init(event: "buy"), window: TimeLength("3h"))
        let data = try Self.run(
            F.definition([m]),
            [
                F.exposure("a", Self.t0, "control"),
                F.event("buy", "a", Self.t0 + 3 * Self.h), F.event("buy", "a", Self.t0 + 3 * Self.h + 1),
            ])
        #expect(data.metric("n")?.sums[0].sums == [1])
    }

    @Test func eventsAtOrAfterToDoNotCount() throws {
        let data = try Self.run(
            F.definition([Self.buy]),
            [
                F.exposure("a", Self.to - 1, "control"), F.event("buy", "a", Self.to),
                F.exposure("b", Self.to, "control"),
            ])
        #expect(data.variants.map(\.persons) == [1, 0])
        #expect(data.metric("buy")?.sums[0].sums == [0])
    }

    @Test func personsExposedToTwoVariantsAreExcludedOrKeptInTheFirst() throws {
        let events = [
            F.exposure("a", Self.t0, "control"), F.exposure("a", Self.t0 + Self.h, "treatment"),
            F.event("buy", "a", Self.t0 + 2 * Self.h),
            F.exposure("b", Self.t0, "treatment"), F.exposure("b", Self.t0 + Self.h, "treatment"),
            // Two variants at the same instant: the one listed first in the definition.
            F.exposure("c", Self.t0, "treatment"), F.exposure("c", Self.t0, "control"),
        ]
        let excluded = try Self.run(F.definition([Self.buy]), events)
        #expect(excluded.multipleExposures == 2)
        #expect(excluded.variants.map(\.persons) == [0, 1])
        #expect(excluded.metric("buy")?.sums.map(\.n) == [0, 1])
        let first = try Self.run(F.definition([Self.buy], multiple: .first), events)
        #expect(first.multipleExposures == 2)
        #expect(first.variants.map(\.persons) == [2, 1])
        #expect(first.metric("buy")?.sums[0].sums == [1])
    }

    @Test func unknownVariantsAreCountedAndIgnored() throws {
        let data = try Self.run(
            F.definition([Self.buy]),
            [
                F.exposure("a", Self.t0, "ghost"), F.exposure("a", Self.t0 + Self.h, "control"),
                F.event("buy", "a", Self.t0 + Self.h - 1),
                F.exposure("b", Self.t0, nil),
                F.exposure("c", Self.t0, "control", experiment: "another"),
            ])
        #expect(data.unknownVariantPersons == 2)
        // a's first exposure is the control one: the earlier purchase does not count.
        #expect(data.variants.map(\.persons) == [1, 0])
        #expect(data.metric("buy")?.sums[0].sums == [0])
    }

    @Test func linkedIdsAreOnePerson() throws {
        let data = try Self.run(
            F.definition([Self.buy]),
            [
                F.exposure("anon", Self.t0, "treatment"), F.event("buy", "user", Self.t0 + Self.h),
            ], links: ["anon": "user"])
        #expect(data.variants.map(\.persons) == [0, 1])
        #expect(data.metric("buy")?.sums[1].sums == [1])
    }

    @Test func exposureFiltersAndNumericVariantIds() throws {
        var d = F.definition([Self.buy], variants: ["0", "1"])
        d.exposure = .init(
            event: "experiment_viewed",
            filters: [PropertyFilter(property: PropertyRef("plan"), op: .eq, values: ["pro"])])
        d.key = "checkout"
        let data = try Self.run(
            d,
            [
                F.event(
                    "experiment_viewed", "a", Self.t0, #"{"experiment_id":"checkout","variation_id":1,"plan":"pro"}"#),
                F.event(
                    "experiment_viewed", "b", Self.t0, #"{"experiment_id":"checkout","variation_id":0,"plan":"free"}"#),
                F.event(
                    "experiment_viewed", "c", Self.t0, #"{"experiment_id":"checkout","variation_id":"0","plan":"pro"}"#),
            ])
        #expect(data.variants.map(\.persons) == [1, 1])
    }

    @Test func meanSumsTheNumericPropertyAndRatioKeepsBothParts() throws {
        let revenue = MetricDefinition(
            id: "revenue", kind: .mean, measure: .init(event: "buy", property: PropertyRef("amount")))
        let perView = MetricDefinition(
            id: "per-view", kind: .ratio, measure: .init(event: "buy", property: PropertyRef("amount")),
            denominator: .init(event: "view"))
        let data = try Self.run(
            F.definition([revenue, perView]),
            [
                F.exposure("a", Self.t0, "control"),
                F.event("buy", "a", Self.t0 + 1, #"{"amount":10}"#),
                F.event("buy", "a", Self.t0 + 2, #"{"amount":"2.5"}"#),
                F.event("buy", "a", Self.t0 + 3, #"{"amount":"n/a"}"#), F.event("view", "a", Self.t0 + 4),
                F.event("view", "a", Self.t0 + 5),
                F.exposure("b", Self.t0, "control"), F.event("view", "b", Self.t0 + 1),
            ])
        let r = try #require(data.metric("revenue")?.sums[0])
        #expect(r.n == 2 && r.sums == [12.5] && r.products == [12.5 * 12.5])
        let p = try #require(data.metric("per-view")?.sums[0])
        #expect(p.sums == [12.5, 3])
        #expect(p.products == [12.5 * 12.5, 12.5 * 2, 4 + 1])
    }

    @Test func funnelStartsAtOrAfterExposureWithinItsWindow() throws {
        let f = MetricDefinition(
            id: "f", kind: .funnel, measure: .init(event: "view"),
            steps: [.init(event: "view"), .init(event: "buy")], window: TimeLength("1h"))
        let data = try Self.run(
            F.definition([f], cuped: TimeLength("1d")),
            [
                // a: view before exposure, buy after: not converted.
                F.exposure("a", Self.t0, "control"), F.event("view", "a", Self.t0 - 1),
                F.event("buy", "a", Self.t0 + 1),
                // b: view at exposure, buy exactly at the window's end.
                F.exposure("b", Self.t0, "control"), F.event("view", "b", Self.t0),
                F.event("buy", "b", Self.t0 + Self.h),
                // c: buy one microsecond past the window.
                F.exposure("c", Self.t0, "control"), F.event("view", "c", Self.t0),
                F.event("buy", "c", Self.t0 + Self.h + 1),
            ])
        let m = try #require(data.metric("f"))
        // Funnels get no CUPED covariate.
        #expect(!m.cuped && m.sums[0].components == 1)
        #expect(m.sums[0].n == 3 && m.sums[0].sums == [1])
    }

    @Test func daysCountNewPersonsByTheirFirstExposure() throws {
        let data = try Self.run(
            F.definition([Self.buy]),
            [
                F.exposure("a", F.base + 1, "control"), F.exposure("a", F.base + 30 * Self.h, "control"),
                F.exposure("b", F.base + 25 * Self.h, "treatment"),
            ])
        #expect(data.days.map(\.day) == [UTCDay(microseconds: F.base), UTCDay(microseconds: F.base + 24 * Self.h)])
        #expect(data.days.map(\.persons) == [[1, 0], [0, 1]])
    }

    @Test func manyMetricsSplitOverSeveralFrames() throws {
        // 40 roles: more than one frame's 32 bits.
        let metrics = (0..<20).map { i in
            MetricDefinition(
                id: "r\(i)", kind: .ratio,
                measure: .init(
                    event: "buy", filters: [PropertyFilter(property: PropertyRef("k"), op: .eq, values: ["\(i)"])]),
                denominator: .init(
                    event: "view", filters: [PropertyFilter(property: PropertyRef("k"), op: .eq, values: ["\(i)"])]))
        }
        var events = [F.exposure("a", Self.t0, "control"), F.exposure("b", Self.t0, "treatment")]
        for i in 0..<20 {
            events.append(F.event("buy", i % 2 == 0 ? "a" : "b", Self.t0 + Int64(i), "{\"k\":\(i)}"))
            events.append(F.event("view", "a", Self.t0 + Int64(i), "{\"k\":\(i)}"))
        }
        let data = try Self.run(F.definition(metrics, cuped: TimeLength("1d")), events)
        #expect(data.metrics.map(\.id) == metrics.map(\.id))
        #expect(data.metric("r19")?.sums[1].sums == [1, 0, 0, 0])
        #expect(data.metric("r18")?.sums[0].sums == [1, 1, 0, 0])
    }

    @Test func badInputIsAnErrorThatSaysWhy() throws {
        let ratio = MetricDefinition(id: "r", kind: .ratio, measure: .init(event: "buy"))
        #expect(throws: UpliftError.self) { try F.run(F.definition([ratio]), [], from: Self.from, to: Self.to) }
        #expect(throws: UpliftError.self) { try F.run(F.definition([Self.buy]), [], from: Self.to, to: Self.from) }
        #expect(throws: UpliftError.self) {
            try F.run(F.definition([Self.buy], variants: []), [], from: Self.from, to: Self.to)
        }
        let noSteps = MetricDefinition(id: "f", kind: .funnel, measure: .init(event: "buy"))
        #expect(throws: UpliftError.self) { try F.run(F.definition([noSteps]), [], from: Self.from, to: Self.to) }
    }

    @Test func emptyDataGivesZeroSums() throws {
        let data = try Self.run(F.definition([Self.buy], guardrails: [Self.buy], cuped: TimeLength("1d")), [])
        #expect(data.metrics.count == 2 && data.metrics[1].guardrail)
        #expect(data.metrics[0].sums == [MetricSums(components: 2), MetricSums(components: 2)])
        #expect(data.days.count == 2)
    }
}
