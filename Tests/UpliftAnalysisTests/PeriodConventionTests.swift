import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel

/// One convention for every question's periods: a period is labelled by its first day (ISO weeks
/// by their Monday), a period only partly inside the range or not over yet is `partial`, and a
/// date `to` includes that day.
struct PeriodConventionTests {
    typealias H = MetricHarness

    /// Wednesday 7 to Saturday 31 January 2026: four ISO weeks, the first and the last cut by the range.
    static let weeks = ["2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26"]
    static let cut = [true, false, false, true]
    static let events = [
        H.event("e", "u1", "2026-01-07T00:10:00Z"),
        H.event("e", "u2", "2026-01-14T10:00:00Z"),
        // On the `to` day, half an hour before its end: counted.
        H.event("e", "u1", "2026-01-31T23:30:00Z"),
        // The day after: not counted.
        H.event("e", "u3", "2026-02-01T00:00:00Z"),
    ]

    func json(_ text: String) throws -> JSONValue { try JSONValue(parsing: Array(text.utf8)) }
    static let range = #""from":"2026-01-07","to":"2026-01-31""#

    @Test func aDateToIncludesItsDay() throws {
        let q = try TrendQuery(json: json(#"{"from":"2026-01-01","to":"2026-01-31","interval":"month","event":"e"}"#))
        #expect(q.scope.to == H.at("2026-02-01T00:00:00Z"))
        let r = try AnalysisEngine().trend(q, snapshot: H.memory(Self.events), links: [:])
        #expect(r.points == [TrendResult.Point(date: "2026-01-01", value: 3)])
        let daily = try AnalysisEngine().trend(
            TrendQuery(json: json(#"{\#(Self.range),"interval":"day","event":"e"}"#)), snapshot: H.memory(Self.events),
            links: [:])
        #expect(daily.points.count == 25)
        #expect(daily.points.last == TrendResult.Point(date: "2026-01-31", value: 1))
        #expect(daily.points.allSatisfy { !$0.partial })
        // A date-time `to` is an instant, exclusive.
        let instant = try TrendQuery(json: json(#"{"from":"2026-01-07","to":"2026-01-31T23:00:00Z","event":"e"}"#))
        #expect(instant.scope.to == H.at("2026-01-31T23:00:00Z"))
    }

    @Test func weeklyTrendIsLabelledByMondaysWithCutWeeksPartial() throws {
        let r = try AnalysisEngine().trend(
            TrendQuery(json: json(#"{\#(Self.range),"interval":"week","event":"e"}"#)), snapshot: H.memory(Self.events),
            links: [:])
        #expect(r.points.map(\.date) == Self.weeks)
        #expect(r.points.map(\.partial) == Self.cut)
        #expect(r.points.map(\.value) == [1, 1, 0, 1])
        #expect(r.json.compactText.contains(#"{"date":"2026-01-05","value":1,"partial":true}"#))
        #expect(r.json.compactText.contains(#"{"date":"2026-01-12","value":1}"#))
    }

    /// The rolling window's last point ends on the `to` day (its event counts, the next day's does
    /// not); a calendar window counts its whole week, Sunday 1 February included, and says it is partial.
    @Test(arguments: [(#""window":"7d","interval":"week""#, 1), (#""window":"week""#, 2)])
    func weeklyAdoptionHasOnePointPerWeekLabelledByItsMonday(_ window: String, lastAdopters: Int) throws {
        let q = try AdoptionQuery(json: json(#"{\#(Self.range),"feature":"e",\#(window)}"#))
        let r = try AnalysisEngine().adoption(q, snapshot: H.memory(Self.events), links: [:])
        #expect(r.series.map(\.date) == Self.weeks, "no point labelled by a Sunday, no stray last point")
        #expect(r.series.map(\.partial) == Self.cut)
        #expect(r.series.last?.adopters == lastAdopters)
    }

    @Test func funnelLifecycleAndRetentionPeriodsFollowTheConvention() throws {
        let snapshot = try H.memory(Self.events)
        let engine = AnalysisEngine()
        let funnel = try engine.funnel(
            FunnelQuery(json: json(#"{\#(Self.range),"steps":["e","e"],"conversion_interval":"week"}"#)),
            snapshot: snapshot, links: [:])
        #expect(funnel.conversionOverTime.map(\.date) == Self.weeks)
        #expect(funnel.conversionOverTime.map(\.partial) == Self.cut)
        let lifecycle = try engine.lifecycle(
            LifecycleQuery(json: json(#"{\#(Self.range),"event":"e","interval":"week"}"#)), snapshot: snapshot,
            links: [:])
        #expect(lifecycle.periods.map(\.date) == Self.weeks)
        #expect(lifecycle.periods.map(\.partial) == Self.cut)
        let retention = try engine.retention(
            RetentionQuery(json: json(#"{\#(Self.range),"cohort_event":"e","interval":"week","periods":2}"#)),
            snapshot: snapshot, links: [:])
        #expect(retention.cohorts.map(\.date) == ["2026-01-05", "2026-01-12"])
        #expect(retention.cohorts.map(\.partial) == [true, false])
    }

    @Test func aPeriodStillRunningIsPartial() throws {
        let calendar = LocalCalendar.utc
        let scope = QueryScope(
            from: H.at("2026-01-05T00:00:00Z"), to: H.at("2026-02-02T00:00:00Z"), calendar: calendar,
            now: H.at("2026-01-21T12:00:00Z"))
        let r = try AnalysisEngine().trend(
            TrendQuery(scope: scope, event: "e", interval: .week), snapshot: H.memory(Self.events), links: [:])
        #expect(r.points.map(\.date) == Self.weeks)
        // The week of now is still running; the one after it has not begun.
        #expect(r.points.map(\.partial) == [false, false, true, true])
    }
}
