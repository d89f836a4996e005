import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel

/// Hand-written trend cases, one rule each.
struct TrendTests {
    typealias H = MetricHarness
    let engine = AnalysisEngine(cacheBytes: 0)

    func run(_ q: TrendQuery, _ events: [Event], links: [String: String] = [:]) throws -> TrendResult {
        try engine.trend(q, snapshot: try H.memory(events), links: PersonMap(links))
    }

    @Test func countsPerDayWithZerosAndTotal() throws {
        let events = [
            H.event("view", "u1", "2026-03-01T10:00:00Z"), H.event("view", "u1", "2026-03-01T11:00:00Z"),
            H.event("view", "u2", "2026-03-03T10:00:00Z"), H.event("click", "u2", "2026-03-03T10:00:00Z"),
            H.event("view", "u2", "2026-03-04T00:00:00Z"),  // at `to`: outside
            H.event("$identify", "u3", "2026-03-02T10:00:00Z"),
        ]
        let r = try run(TrendQuery(scope: try H.scope("2026-03-01", "2026-03-04"), event: "view"), events)
        #expect(r.points.map(\.date) == ["2026-03-01", "2026-03-02", "2026-03-03"])
        #expect(r.points.map(\.value) == [2, 0, 1])
        #expect(r.total == 3)
        #expect(r.breakdown.isEmpty)
        // Any event: everything but bookkeeping.
        let any = try run(TrendQuery(scope: try H.scope("2026-03-01", "2026-03-04"), event: nil), events)
        #expect(any.points.map(\.value) == [2, 0, 2])
    }

    @Test func personsMergedThroughLinksCountOnce() throws {
        let events = [
            H.event("view", "anon", "2026-03-01T10:00:00Z"), H.event("view", "u1", "2026-03-01T12:00:00Z"),
            H.event("view", "u1", "2026-03-02T12:00:00Z"), H.event("view", "u2", "2026-03-02T12:00:00Z"),
        ]
        let q = TrendQuery(scope: try H.scope("2026-03-01", "2026-03-03"), event: "view", measure: .persons)
        let merged = try run(q, events, links: ["anon": "u1"])
        #expect(merged.points.map(\.value) == [1, 2])
        #expect(merged.total == 2)
        let unmerged = try run(q, events)
        #expect(unmerged.points.map(\.value) == [2, 2])
        #expect(unmerged.total == 3)
    }

    @Test func sumAndAverageReadStringNumbers() throws {
        let events = [
            H.event("buy", "u1", "2026-03-01T10:00:00Z", #"{"amount":2}"#),
            H.event("buy", "u1", "2026-03-01T11:00:00Z", #"{"amount":"3.5"}"#),
            H.event("buy", "u2", "2026-03-01T12:00:00Z", #"{"amount":"x"}"#),
            H.event("buy", "u2", "2026-03-02T12:00:00Z", #"{}"#),
            H.event("buy", "u2", "2026-03-02T13:00:00Z", #"{"amount":-1}"#),
        ]
        let scope = try H.scope("2026-03-01", "2026-03-03")
        let sum = try run(
            TrendQuery(scope: scope, event: "buy", measure: .sum, property: PropertyRef("amount")), events)
        #expect(sum.points.map(\.value) == [5.5, -1])
        #expect(sum.total == 4.5)
        let average = try run(
            TrendQuery(scope: scope, event: "buy", measure: .average, property: PropertyRef("amount")), events)
        #expect(average.points.map(\.value) == [2.75, -1])
        #expect(average.total == 1.5)
        let none = try run(
            TrendQuery(scope: scope, event: "buy", measure: .average, property: PropertyRef("missing")), events)
        #expect(none.points.map(\.value) == [0, 0])
        #expect(none.total == 0)
    }

    @Test func weekAndMonthPointsAreLabelledByTheirFirstDay() throws {
        let events = [
            H.event("view", "u1", "2026-03-01T10:00:00Z"), H.event("view", "u1", "2026-03-02T10:00:00Z"),
            H.event("view", "u1", "2026-04-14T10:00:00Z"),
        ]
        let scope = try H.scope("2026-03-01", "2026-04-15")
        let weeks = try run(TrendQuery(scope: scope, event: "view", interval: .week), events)
        #expect(weeks.points.first?.date == "2026-02-23")
        #expect(weeks.points.last?.date == "2026-04-13")
        #expect(weeks.points.count == 8)
        #expect(weeks.points.map(\.value) == [1, 1, 0, 0, 0, 0, 0, 1])
        let months = try run(TrendQuery(scope: scope, event: "view", interval: .month), events)
        #expect(months.points.map(\.date) == ["2026-03-01", "2026-04-01"])
        #expect(months.points.map(\.value) == [2, 1])
    }

    @Test func timeZoneMovesALateEveningEventToTheNextDay() throws {
        let events = [H.event("view", "u1", "2026-03-10T23:30:00Z")]
        let utc = try run(TrendQuery(scope: try H.scope("2026-03-10", "2026-03-12"), event: "view"), events)
        #expect(utc.points.map(\.value) == [1, 0])
        let paris = try run(
            TrendQuery(scope: try H.scope("2026-03-10", "2026-03-12", zone: "Europe/Paris"), event: "view"), events)
        #expect(paris.points.map(\.date) == ["2026-03-10", "2026-03-11"])
        #expect(paris.points.map(\.value) == [0, 1])
    }

    @Test func filtersApply() throws {
        let events = [
            H.event("view", "u1", "2026-03-01T10:00:00Z", #"{"plan":"pro","n":3}"#),
            H.event("view", "u1", "2026-03-01T10:00:00Z", #"{"plan":"free","n":1}"#),
            H.event("view", "u1", "2026-03-01T10:00:00Z", #"{"n":5}"#),
        ]
        let global = [PropertyFilter(property: PropertyRef("n"), op: .gt, values: ["2"])]
        let q = TrendQuery(
            scope: try H.scope("2026-03-01", "2026-03-02", filters: global), event: "view",
            eventFilters: [PropertyFilter(property: PropertyRef("plan"), op: .neq, values: ["free"])])
        #expect(try run(q, events).total == 2)
    }

    @Test func breakdownKeepsTheTop25ThenOther() throws {
        var events: [Event] = []
        // v00 … v26 with 27 … 1 events, plus two events without the property.
        for v in 0..<27 {
            for _ in 0..<(27 - v) {
                events.append(
                    H.event("view", "u\(v)", "2026-03-01T10:00:00Z", #"{"plan":"v\#(v < 10 ? "0" : "")\#(v)"}"#))
            }
        }
        events += [H.event("view", "x", "2026-03-01T10:00:00Z"), H.event("view", "y", "2026-03-01T10:00:00Z")]
        let r = try run(
            TrendQuery(scope: try H.scope("2026-03-01", "2026-03-02"), event: "view", breakdown: PropertyRef("plan")),
            events)
        #expect(r.breakdown.count == 26)
        #expect(r.breakdown.first?.value == "v00")
        #expect(r.breakdown.first?.total == 27)
        #expect(r.breakdown[24].value == "v24")
        // The last kept: v24 (3 events); out: v25 (2), nil (2), v26 (1).
        let other = try #require(r.breakdown.last)
        #expect(other.isOther && other.value == nil && other.total == 5)
        #expect(r.breakdown.map(\.total).reduce(0, +) == r.total)
    }

    @Test func breakdownTiesSortByValueWithNilFirst() throws {
        let events = [
            H.event("view", "u1", "2026-03-01T10:00:00Z", #"{"plan":"b"}"#),
            H.event("view", "u1", "2026-03-01T10:00:00Z", #"{"plan":"a"}"#),
            H.event("view", "u1", "2026-03-01T10:00:00Z"),
        ]
        let r = try run(
            TrendQuery(scope: try H.scope("2026-03-01", "2026-03-02"), event: "view", breakdown: PropertyRef("plan")),
            events)
        #expect(r.breakdown.map(\.value) == [nil, "a", "b"])
        #expect(!r.breakdown.contains { $0.isOther })
    }
}
