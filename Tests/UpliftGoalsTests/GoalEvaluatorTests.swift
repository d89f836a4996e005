import Testing
import UpliftAnalysis
import UpliftGoals
import UpliftModel
import UpliftStorage

/// Goals evaluated by the real engine on in-memory events with a planted weekly trend.
struct GoalEvaluatorTests {
    static let day: Int64 = 86_400_000_000
    /// Monday 2026-01-05: week k starts `week0 + 7k` days.
    static let week0 = UTCDay(year: 2026, month: 1, day: 5)!
    static let launch = week0
    static let farFuture = UTCDay(year: 2027, month: 1, day: 1)!.startMicroseconds

    /// As of the day after the data's last day: the series ends where the data does (as of a later day,
    /// the weeks after the data are no data, and so is the goal: see `GoalStatusPastTheDataTests`).
    static func dayAfterData(_ snapshot: Snapshot) -> Int64 { DataCoverage(snapshot).end ?? farFuture }

    static func event(_ name: String, _ person: String, _ t: Int64, _ properties: String = "{}") -> Event {
        Event(
            eventID: "\(name)-\(person)-\(t)", type: .track, event: name, distinctID: person, timestamp: t,
            receivedAt: t, properties: properties)
    }

    /// Week k (0..<weeks): `persons(k)` distinct persons send `report_sent` once, spread over the week.
    static func planted(weeks: Int, persons: (Int) -> Int) -> Snapshot {
        var events: [Event] = []
        for k in 0..<weeks {
            let start = week0.adding(days: Int64(7 * k)).startMicroseconds
            for i in 0..<persons(k) {
                events.append(
                    event("report_sent", "p\(i)", start + Int64(i % 7) * day + Int64(i % 13 + 8) * 3_600_000_000))
            }
        }
        return Snapshot(project: try! ProjectSlug("goals"), segments: [], pending: events)
    }

    /// Deadline in week 15: a noiseless series 100 + 20k forecasts 400 there.
    static let deadline = week0.adding(days: 7 * 15 + 2)

    func goal(
        target: Double, metric: Goal.Metric = .uniquePersons, direction: Goal.Direction = .increase,
        deadline: UTCDay = deadline
    ) -> Goal {
        Goal(
            id: "g", metric: metric, event: "report_sent", interval: .week, target: target, deadline: deadline,
            direction: direction)
    }

    func evaluate(_ goal: Goal, _ snapshot: Snapshot) throws -> GoalStatus {
        try GoalEvaluator().evaluate(goal, launch: Self.launch, snapshot: snapshot, now: Self.dayAfterData(snapshot))
    }

    /// The server's time limit reaches a goal's queries: an expired budget stops the evaluation with
    /// `query_timeout` instead of computing for an answer nobody gets; a running one changes nothing.
    @Test func anExpiredBudgetStopsTheGoalsQueries() throws {
        let snapshot = Self.planted(weeks: 10) { 100 + 20 * $0 }
        let budget = QueryBudget(timeout: .milliseconds(50))
        let running = try GoalEvaluator(budget: budget).evaluate(
            goal(target: 400), launch: Self.launch, snapshot: snapshot, now: Self.dayAfterData(snapshot))
        let plain = try evaluate(goal(target: 400), snapshot)
        #expect(running.series == plain.series && running.status == plain.status)
        budget.expire()
        #expect {
            try GoalEvaluator(budget: budget).evaluate(
                goal(target: 400), launch: Self.launch, snapshot: snapshot, now: Self.dayAfterData(snapshot))
        } throws: { ($0 as? UpliftError)?.code == .queryTimeout }
    }

    @Test func noiselessTrendIsRecovered() throws {
        let snapshot = Self.planted(weeks: 10) { 100 + 20 * $0 }
        let s = try evaluate(goal(target: 400), snapshot)
        #expect(s.series.count == 10 && s.series.first?.date == "2026-01-05")
        let expected: [Double?] = (0..<10).map { (k: Int) -> Double? in Double(100 + 20 * k) }
        #expect(s.series.map(\.value) == expected)
        #expect(s.current == 280 && s.currentDate == "2026-03-09")
        let f = try #require(s.forecast)
        #expect(f.periodsFitted == 8 && abs(f.slopePerPeriod - 20) < 1e-9)
        #expect(abs(f.value - 400) < 1e-9 && f.date == "2026-04-20")
        #expect(abs((f.low ?? 0) - 400) < 1e-6 && abs((f.high ?? 0) - 400) < 1e-6)
        #expect(s.status == .onTrack)
        #expect(abs((s.progress ?? 0) - 180.0 / 300.0) < 1e-12)  // baseline: the first value, 100

        #expect(try evaluate(goal(target: 250), snapshot).status == .achieved)
        #expect(try evaluate(goal(target: 401), snapshot).status == .offTrack)
    }

    @Test func noisyTrendStatusFollowsTheInterval() throws {
        let noise = [7, -9, 4, -3, 10, -8, 2, -6, 9, -5]
        let snapshot = Self.planted(weeks: 10) { 100 + 20 * $0 + noise[$0] }
        let s = try evaluate(goal(target: 400), snapshot)
        let f = try #require(s.forecast)
        #expect(abs(f.slopePerPeriod - 20) < 3, "slope \(f.slopePerPeriod)")
        let low = try #require(f.low)
        let high = try #require(f.high)
        #expect(low < 400 && 400 < high && high - low < 100)
        #expect(abs(f.value - 400) < 30)

        #expect(try evaluate(goal(target: f.value - 1), snapshot).status == .onTrack)
        #expect(try evaluate(goal(target: (f.value + high) / 2), snapshot).status == .atRisk)
        #expect(try evaluate(goal(target: high + 1), snapshot).status == .offTrack)
    }

    /// Decreasing goals: the favourable bound is the lower one.
    @Test func decreasingGoals() throws {
        let noise = [7, -9, 4, -3, 10, -8, 2, -6, 9, -5]
        let snapshot = Self.planted(weeks: 10) { 400 - 20 * $0 + noise[$0] }
        let f = try #require(try evaluate(goal(target: 100, direction: .decrease), snapshot).forecast)
        #expect(abs(f.slopePerPeriod + 20) < 3 && abs(f.value - 100) < 30)
        let low = try #require(f.low)
        #expect(try evaluate(goal(target: f.value + 1, direction: .decrease), snapshot).status == .onTrack)
        #expect(try evaluate(goal(target: (f.value + low) / 2, direction: .decrease), snapshot).status == .atRisk)
        #expect(try evaluate(goal(target: low - 1, direction: .decrease), snapshot).status == .offTrack)
        #expect(try evaluate(goal(target: 300, direction: .decrease), snapshot).status == .achieved)
    }

    /// A planted adoption rate: 200 persons active each week, 20 + 4k of them use the feature. The
    /// data starts on week 0's Monday (a week that starts before the data is not complete).
    @Test func adoptionRateTrend() throws {
        var events: [Event] = []
        for k in 0..<8 {
            let start = Self.week0.adding(days: Int64(7 * k)).startMicroseconds
            for i in 0..<200 {
                events.append(Self.event("page_viewed", "p\(i)", start + (k == 0 ? 0 : Self.day)))
                if i < 20 + 4 * k { events.append(Self.event("feature_x_used", "p\(i)", start + 2 * Self.day)) }
            }
        }
        let snapshot = Snapshot(project: try ProjectSlug("goals"), segments: [], pending: events)
        let g = Goal(
            id: "a", metric: .adoptionRate, feature: "feature_x_used", interval: .week, target: 0.5,
            deadline: Self.deadline)
        let s = try evaluate(g, snapshot)
        // Week 7 ends after the data (its last events are on its Wednesday): complete weeks only.
        let expected: [Double?] = (0..<7).map { (k: Int) -> Double? in Double(20 + 4 * k) / 200 }
        #expect(s.series.map(\.value) == expected)
        let f = try #require(s.forecast)
        #expect(abs(f.slopePerPeriod - 0.02) < 1e-9 && abs(f.value - 0.4) < 1e-9)
        #expect(s.status == .offTrack)
        let reachable = Goal(
            id: "a", metric: .adoptionRate, feature: "feature_x_used", interval: .week, target: 0.35,
            deadline: Self.deadline)
        #expect(try evaluate(reachable, snapshot).status == .onTrack)
    }

    /// Forecasts stay inside the metric's range: a rising rate is capped at 1.
    @Test func forecastsAreClampedToTheMetricsRange() {
        let g = Goal(
            id: "r", metric: .adoptionRate, feature: "f", interval: .week, target: 0.99, deadline: Self.deadline)
        let series = (0..<6).map { GoalStatus.Point(date: "d\($0)", value: 0.5 + 0.1 * Double($0)) }
        let s = GoalEvaluator().status(g, series: series, deadlineIndex: 12, deadlineLabel: "x")
        #expect(s.forecast?.value == 1 && s.status == .achieved)
    }

    @Test func noDataAndPassedDeadlines() throws {
        let empty = Snapshot(project: try ProjectSlug("goals"), segments: [], pending: [])
        #expect(try evaluate(goal(target: 1), empty).status == .noData)
        let snapshot = Self.planted(weeks: 10) { 100 + 20 * $0 }
        let absent = Goal(
            id: "x", metric: .propertyAverage, event: "never_sent", property: "n", interval: .week, target: 1,
            deadline: Self.deadline)
        let s = try evaluate(absent, snapshot)
        #expect(s.status == .noData && s.current == nil && s.series.count == 10)
        let passed = Self.week0.adding(days: 20)
        #expect(try evaluate(goal(target: 1000, deadline: passed), snapshot).status == .offTrack)
        #expect(try evaluate(goal(target: 200, deadline: passed), snapshot).status == .achieved)
        #expect(try evaluate(goal(target: 1000, deadline: passed), snapshot).forecast == nil)
    }

    /// `now` before the data's end cuts the series at the last complete period before it.
    @Test func nowCutsTheSeries() throws {
        let snapshot = Self.planted(weeks: 10) { 100 + 20 * $0 }
        let now = Self.week0.adding(days: 7 * 5 + 3).startMicroseconds
        let s = try GoalEvaluator().evaluate(goal(target: 400), launch: Self.launch, snapshot: snapshot, now: now)
        #expect(s.series.count == 5 && s.current == 180)
    }
}

/// A value that is not finite (a sum from before sums saturated) is no value: no_data, not off_track.
struct NonFiniteGoalValueTests {
    @Test func nonFiniteValuesCountAsNoData() {
        let g = Goal(
            id: "weekly-revenue", metric: .propertySum, event: "paid", property: "amount", interval: .week,
            target: 1000, deadline: UTCDay(daysSinceEpoch: 20_600))
        let values: [Double?] = [.infinity, .nan, nil, -.infinity]
        let series = values.enumerated().map { GoalStatus.Point(date: "d\($0.offset)", value: $0.element) }
        let s = GoalEvaluator().status(g, series: series, deadlineIndex: 12, deadlineLabel: "x")
        #expect(s.status == .noData && s.current == nil)
        var mixed = series
        mixed.append(GoalStatus.Point(date: "d4", value: 1200))
        #expect(GoalEvaluator().status(g, series: mixed, deadlineIndex: 12, deadlineLabel: "x").status == .achieved)
    }
}
