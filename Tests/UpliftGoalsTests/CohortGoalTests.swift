import Testing
import UpliftAnalysis
import UpliftGoals
import UpliftModel
import UpliftStorage

/// Retention and feedback goals on planted weekly values.
struct CohortGoalTests {
    typealias F = GoalEvaluatorTests

    /// Week k: 100 persons sign up on its Monday; 20 + 2k of them come back exactly 7 days later.
    @Test func dayNRetention() throws {
        var events: [Event] = []
        for k in 0..<10 {
            let monday = F.week0.adding(days: Int64(7 * k)).startMicroseconds + 9 * 3_600_000_000
            for i in 0..<100 {
                events.append(F.event("signed_up", "w\(k)p\(i)", monday))
                if i < 20 + 2 * k { events.append(F.event("page_viewed", "w\(k)p\(i)", monday + 7 * F.day)) }
            }
        }
        let snapshot = Snapshot(project: try ProjectSlug("goals"), segments: [], pending: events)
        let goal = Goal(
            id: "r", metric: .retention, event: "signed_up", day: 7, interval: .week, target: 0.5, deadline: F.deadline)
        let s = try GoalEvaluator().evaluate(goal, launch: F.launch, snapshot: snapshot, now: F.dayAfterData(snapshot))
        // The data ends with week 9's returns (in week 10, incomplete): weeks 0–9 are complete, and
        // every cohort's day 7 lies within them except week 9's.
        let expected: [Double?] = (0..<9).map { (k: Int) -> Double? in Double(20 + 2 * k) / 100 } + [nil]
        #expect(s.series.map(\.value) == expected)
        let f = try #require(s.forecast)
        #expect(abs(f.slopePerPeriod - 0.02) < 1e-9 && abs(f.value - 0.5) < 1e-9)
        #expect(s.status == .onTrack)
    }

    /// Week k: 20 answers on a 0–10 scale, 5 + k promoters (10), 5 detractors (3), the rest passives (8).
    @Test func npsTrend() throws {
        var events: [Event] = []
        for k in 0..<8 {
            let start = F.week0.adding(days: Int64(7 * k)).startMicroseconds
            for i in 0..<20 {
                let score = i < 5 + k ? 10 : i >= 15 ? 3 : 8
                let properties = #"{"score":\#(score),"scale":10,"feature":"feature-x","survey":"nps"}"#
                events.append(F.event("$feedback", "w\(k)p\(i)", start + Int64(i % 5) * F.day, properties))
            }
        }
        let snapshot = Snapshot(project: try ProjectSlug("goals"), segments: [], pending: events)
        let goal = Goal(id: "n", metric: .nps, feature: "feature-x", interval: .week, target: 50, deadline: F.deadline)
        let s = try GoalEvaluator().evaluate(goal, launch: F.launch, snapshot: snapshot, now: F.dayAfterData(snapshot))
        // Only the first 5 days of each week hold answers; the data ends on week 7's Friday.
        let expected: [Double?] = (0..<7).map { (k: Int) -> Double? in Double(5 + k - 5) / 20 * 100 }
        #expect(s.series.map(\.value) == expected)
        let f = try #require(s.forecast)
        #expect(abs(f.slopePerPeriod - 5) < 1e-9 && abs(f.value - 75) < 1e-9)
        #expect(s.status == .onTrack)
        let other = Goal(id: "n", metric: .nps, feature: "another", interval: .week, target: 50, deadline: F.deadline)
        #expect(
            try GoalEvaluator().evaluate(other, launch: F.launch, snapshot: snapshot, now: F.dayAfterData(snapshot))
                .status
                == .noData)
    }
}
