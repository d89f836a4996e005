import Testing
import UpliftAnalysis
import UpliftGoals
import UpliftModel
import UpliftStorage

/// A period without data (after the last event, before the first, in a gap) is no data, never zero, and a
/// goal whose latest periods have none says so: `no_data`, "no events since DATE".
struct GoalStatusPastTheDataTests {
    typealias F = GoalEvaluatorTests
    /// Weeks 0–9 of `F.planted`: the last event is on Sunday 2026-03-15.
    static let lastDay = "2026-03-15"
    static let may = UTCDay(year: 2026, month: 5, day: 1)!.startMicroseconds

    static func goal(_ direction: Goal.Direction, target: Double, deadline: UTCDay = F.deadline) -> Goal {
        Goal(
            id: "g", metric: .events, event: "report_sent", interval: .week, target: target, deadline: deadline,
            direction: direction)
    }

    static func evaluate(_ goal: Goal, _ snapshot: Snapshot, now: Int64) throws -> GoalStatus {
        try GoalEvaluator().evaluate(goal, launch: F.launch, snapshot: snapshot, now: now)
    }

    /// "More is better" (100 + 20k a week, target 250: met by the data's end) and "fewer is better"
    /// (400 − 20k, target 150: zero events a week after the data would have "achieved" it).
    @Test(arguments: [Goal.Direction.increase, .decrease])
    func aGoalPastTheDataHasNoData(_ direction: Goal.Direction) throws {
        let snapshot = F.planted(weeks: 10) { direction == .increase ? 100 + 20 * $0 : 400 - 20 * $0 }
        let target: Double = direction == .increase ? 250 : 150
        let atTheEnd = try Self.evaluate(Self.goal(direction, target: target), snapshot, now: F.dayAfterData(snapshot))
        #expect(atTheEnd.status != .noData && atTheEnd.series.count == 10 && atTheEnd.dataUntil == Self.lastDay)

        let s = try Self.evaluate(Self.goal(direction, target: target), snapshot, now: Self.may)
        #expect(s.status == .noData)
        #expect(s.explanation == "no events since \(Self.lastDay)" && s.dataUntil == Self.lastDay)
        #expect(s.forecast == nil)
        // The weeks after the data are in the series, without a value: never zero.
        #expect(s.series.count == 16 && s.series.last?.date == "2026-04-20")
        #expect(s.series.dropFirst(10).allSatisfy { $0.value == nil })
        #expect(!s.series.contains { $0.value == 0 })
        // The last value measured stays visible, with its week.
        #expect(s.current == atTheEnd.current && s.currentDate == "2026-03-09")
        #expect(s.json.compactText.contains(#""status":"no_data""#))
        #expect(s.json.compactText.contains(#""data_until":"2026-03-15""#))
    }

    /// One event long after the data (a `curl /v1/track` today) does not turn the weeks between into zeros,
    /// nor make the week it falls in, which the data reaches on its last day only, a measurement.
    @Test func aStrayEventAfterAGapMeasuresNothing() throws {
        var snapshot = F.planted(weeks: 10) { 400 - 20 * $0 }
        let stray = UTCDay(year: 2026, month: 12, day: 6)!
        snapshot.pending.append(F.event("signed_up", "u1", stray.startMicroseconds + 3_600_000_000))
        let s = try Self.evaluate(
            Self.goal(.decrease, target: 150), snapshot, now: stray.adding(days: 2).startMicroseconds)
        #expect(s.status == .noData)
        #expect(s.explanation == "no complete week of data since \(Self.lastDay)")
        #expect(!s.series.contains { $0.value == 0 } && s.series.last?.date == "2026-11-30")
        #expect(s.series.last?.value == nil)
    }

    /// A goal whose deadline's period was measured keeps its verdict after the data ends.
    @Test func aMeasuredDeadlineKeepsItsVerdict() throws {
        let snapshot = F.planted(weeks: 10) { 100 + 20 * $0 }
        let passed = F.week0.adding(days: 20)
        #expect(
            try Self.evaluate(Self.goal(.increase, target: 1000, deadline: passed), snapshot, now: Self.may).status
                == .offTrack)
        #expect(
            try Self.evaluate(Self.goal(.increase, target: 100, deadline: passed), snapshot, now: Self.may).status
                == .achieved)
    }

    /// Before the first event, and over a goal range that starts after the last one.
    @Test func beforeTheDataAndAfterIt() throws {
        let snapshot = F.planted(weeks: 10) { 100 + 20 * $0 }
        let before = try Self.evaluate(Self.goal(.increase, target: 250), snapshot, now: F.week0.startMicroseconds)
        #expect(before.status == .noData && before.series.isEmpty && before.current == nil)
        let later = Goal(
            id: "g", metric: .events, event: "report_sent", interval: .week, target: 1,
            deadline: UTCDay(year: 2026, month: 9, day: 1)!)
        let s = try GoalEvaluator().evaluate(
            later, launch: UTCDay(year: 2026, month: 6, day: 1)!, snapshot: snapshot,
            now: UTCDay(year: 2026, month: 7, day: 1)!.startMicroseconds)
        #expect(s.status == .noData && s.explanation == "no events since \(Self.lastDay)" && s.current == nil)
    }

    /// A gap of two weeks without any event in the project: no values there, and the trend is fitted on
    /// the measured weeks only (a noiseless 100 + 20k keeps its slope of exactly 20).
    @Test func aGapIsNoDataAndTheTrendSkipsIt() throws {
        var snapshot = F.planted(weeks: 10) { 100 + 20 * $0 }
        let gap = F.week0.adding(days: 35).startMicroseconds..<F.week0.adding(days: 49).startMicroseconds
        snapshot.pending.removeAll { gap.contains($0.timestamp) }
        let s = try Self.evaluate(Self.goal(.increase, target: 400), snapshot, now: F.dayAfterData(snapshot))
        let expected: [Double?] = (0..<10).map { (k: Int) -> Double? in k == 5 || k == 6 ? nil : Double(100 + 20 * k) }
        #expect(s.series.map(\.value) == expected)
        let f = try #require(s.forecast)
        #expect(f.periodsFitted == 8 && abs(f.slopePerPeriod - 20) < 1e-9 && abs(f.value - 400) < 1e-9)
        #expect(s.status == .onTrack)
    }
}

/// Which periods the data covers, from the days with events alone.
struct DataCoverageTests {
    static func day(_ d: Int) -> UTCDay { UTCDay(year: 2026, month: 1, day: d)! }
    static func week(_ monday: Int) -> (start: Int64, end: Int64) {
        (day(monday).startMicroseconds, day(monday).adding(days: 7).startMicroseconds)
    }

    @Test func runsSplitAtPeriodsWithoutEvents() {
        // Events on Jan 7–18 and on Jan 31 (a Saturday): weeks of Jan 5, 12, 19 (empty), 26.
        let coverage = DataCoverage(days: (7...18).map(Self.day) + [Self.day(31)])
        let weeks = [Self.week(5), Self.week(12), Self.week(19), Self.week(26)]
        let far = UTCDay(year: 2027, month: 1, day: 1)!.startMicroseconds
        // Jan 5 starts before the data; Jan 12 is whole; Jan 26 is reached from its Saturday only.
        #expect(coverage.covered(weeks, now: far) == [false, true, false, false])
        // `now` cuts a run short.
        #expect(coverage.covered(weeks, now: Self.day(18).startMicroseconds) == [false, false, false, false])
        #expect(coverage.lastDay(before: Self.day(30).startMicroseconds) == Self.day(18))
        #expect(
            coverage.first == Self.day(7) && coverage.end == UTCDay(year: 2026, month: 2, day: 1)!.startMicroseconds)
        #expect(coverage.overlapping(from: Self.week(19).start, to: Self.week(19).end).isEmpty)
    }

    @Test func segmentsAndPendingEventsGiveTheDays() throws {
        let snapshot = Snapshot(
            project: try ProjectSlug("goals"),
            segments: [
                "/d/demo/date=2026-01-07/a.parquet", "/d/demo/date=2026-01-07/b.parquet", "/d/x/no-date.parquet",
            ],
            pending: [F.event("e", "p", Self.day(9).startMicroseconds + 5)])
        #expect(DataCoverage(snapshot).days == [Self.day(7), Self.day(9)])
    }
    typealias F = GoalEvaluatorTests
}
