import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel

/// Hand-written adoption cases: rolling-window boundaries, point spacing, time zones, merging.
struct AdoptionTests {
    typealias H = MetricHarness
    let engine = AnalysisEngine(cacheBytes: 0)

    func run(_ q: AdoptionQuery, _ events: [Event], links: [String: String] = [:]) throws -> AdoptionResult {
        try engine.adoption(q, snapshot: try H.memory(events), links: PersonMap(links))
    }

    @Test func rollingWindowCoversDMinusDPlus1ThroughD() throws {
        // Point 2026-03-10, 7-day window: 03-04 … 03-10, all before `from` except the last day.
        let events = [
            H.event("click", "inside", "2026-03-04T00:00:00Z"), H.event("click", "outside", "2026-03-03T23:59:59Z"),
            H.event("view", "inside", "2026-03-04T00:00:00Z"), H.event("view", "outside", "2026-03-03T12:00:00Z"),
            H.event("view", "today", "2026-03-10T23:00:00Z"),
        ]
        let q = AdoptionQuery(
            scope: try H.scope("2026-03-10", "2026-03-11"), feature: "click", window: .rolling(days: 7))
        let r = try run(q, events)
        #expect(r.series == [AdoptionResult.Point(date: "2026-03-10", adopters: 1, active: 2, rate: 0.5)])
        // Next day the window starts 03-05: the 03-04 events drop out.
        let later = try run(
            AdoptionQuery(scope: try H.scope("2026-03-11", "2026-03-12"), feature: "click", window: .rolling(days: 7)),
            events)
        #expect(later.series.map(\.adopters) == [0])
        #expect(later.series.map(\.active) == [1])
    }

    /// A week's or month's point is the window ending on its last day in the range, labelled by
    /// the period's first day (as every series is); periods cut by the range are partial.
    @Test func weekAndMonthPointsAreLabelledByTheirStartAndClippedToTheRange() throws {
        let events = [H.event("click", "u1", "2026-03-08T10:00:00Z")]
        // 2026-03-04 is a Wednesday; the range's last day is Thursday 03-19.
        let weeks = try run(
            AdoptionQuery(
                scope: try H.scope("2026-03-04", "2026-03-20"), feature: "click", window: .rolling(days: 7),
                interval: .week), events)
        #expect(weeks.series.map(\.date) == ["2026-03-02", "2026-03-09", "2026-03-16"])
        #expect(weeks.series.map(\.partial) == [true, false, true])
        #expect(weeks.series.map(\.adopters) == [1, 0, 0])  // the week of 03-09 covers 03-09 … 03-15
        let months = try run(
            AdoptionQuery(
                scope: try H.scope("2026-02-10", "2026-04-10"), feature: "click", window: .rolling(days: 28),
                interval: .month), events)
        #expect(months.series.map(\.date) == ["2026-02-01", "2026-03-01", "2026-04-01"])
        #expect(months.series.map(\.partial) == [true, false, true])
        #expect(months.series.map(\.adopters) == [0, 1, 0])
    }

    @Test func parisMovesALateEveningEventToTheNextDay() throws {
        let events = [H.event("click", "u1", "2026-03-10T23:30:00Z")]
        let utc = try run(
            AdoptionQuery(scope: try H.scope("2026-03-10", "2026-03-12"), feature: "click", window: .rolling(days: 1)),
            events)
        #expect(utc.series.map(\.adopters) == [1, 0])
        let paris = try run(
            AdoptionQuery(
                scope: try H.scope("2026-03-10", "2026-03-12", zone: "Europe/Paris"), feature: "click",
                window: .rolling(days: 1)), events)
        #expect(paris.series.map(\.date) == ["2026-03-10", "2026-03-11"])
        #expect(paris.series.map(\.adopters) == [0, 1])
    }

    @Test func mergedPersonsCountOnce() throws {
        let events = [H.event("click", "anon", "2026-03-09T10:00:00Z"), H.event("click", "u1", "2026-03-10T10:00:00Z")]
        let q = AdoptionQuery(
            scope: try H.scope("2026-03-10", "2026-03-11"), feature: "click", window: .rolling(days: 7))
        #expect(try run(q, events, links: ["anon": "u1"]).series.map(\.adopters) == [1])
        #expect(try run(q, events).series.map(\.adopters) == [2])
    }

    @Test func aFeatureEventIsActivityOnlyWhenItMatchesTheActiveRole() throws {
        let events = [H.event("click", "u1", "2026-03-10T10:00:00Z")]
        let scope = try H.scope("2026-03-10", "2026-03-11")
        let anyActivity = try run(AdoptionQuery(scope: scope, feature: "click", window: .rolling(days: 7)), events)
        #expect(anyActivity.series == [AdoptionResult.Point(date: "2026-03-10", adopters: 1, active: 1, rate: 1)])
        let views = try run(
            AdoptionQuery(scope: scope, feature: "click", active: "view", window: .rolling(days: 7)), events)
        #expect(views.series == [AdoptionResult.Point(date: "2026-03-10", adopters: 1, active: 0, rate: 0)])
    }

    @Test func calendarWindowsCoverWholePeriods() throws {
        // The range ends 03-10 but the March window is the whole month; February starts before `from`.
        let events = [H.event("click", "u1", "2026-03-25T10:00:00Z"), H.event("view", "u2", "2026-02-02T10:00:00Z")]
        let q = AdoptionQuery(
            scope: try H.scope("2026-02-20", "2026-03-10"), feature: "click", window: .calendar(.month),
            interval: .month)
        let r = try run(q, events)
        #expect(
            r.series == [
                // Both months are cut by the range: partial, though each point counts its whole month.
                AdoptionResult.Point(date: "2026-02-01", adopters: 0, active: 1, rate: 0, partial: true),
                AdoptionResult.Point(date: "2026-03-01", adopters: 1, active: 1, rate: 1, partial: true),
            ])
    }
}
