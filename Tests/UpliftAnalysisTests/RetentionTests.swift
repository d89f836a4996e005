import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel

/// Hand-written retention cases.
struct RetentionTests {
    typealias H = MetricHarness
    let engine = AnalysisEngine(cacheBytes: 0)

    @Test func cohortsByFirstEverEventAndOnlyPeriodsBeforeTo() throws {
        let events = [
            // a: cohort 03-01, back 03-02 (twice) and 03-03.
            H.event("signup", "a", "2026-03-01T10:00:00Z"), H.event("view", "a", "2026-03-02T10:00:00Z"),
            H.event("view", "a", "2026-03-02T11:00:00Z"), H.event("view", "a", "2026-03-03T10:00:00Z"),
            // b: cohort 03-01, back only after `to`.
            H.event("signup", "b", "2026-03-01T23:00:00Z"), H.event("view", "b", "2026-03-04T10:00:00Z"),
            // c: first signup before the range: in no cohort, though it signs up again in range.
            H.event("signup", "c", "2026-02-20T10:00:00Z"), H.event("signup", "c", "2026-03-02T10:00:00Z"),
            // d: cohort 03-03, the range's last day: period 0 only.
            H.event("signup", "d", "2026-03-03T10:00:00Z"), H.event("view", "d", "2026-03-03T12:00:00Z"),
            // e: merged with a through links: a's cohort, does not add a person.
            H.event("signup", "e", "2026-03-02T10:00:00Z"),
        ]
        let q = RetentionQuery(
            scope: try H.scope("2026-03-01", "2026-03-04"), cohortEvent: "signup", returnEvent: "view", interval: .day,
            periods: 7)
        let r = try engine.retention(q, snapshot: try H.memory(events), links: ["e": "a"])
        #expect(
            r.cohorts == [
                RetentionResult.Cohort(date: "2026-03-01", persons: 2, retained: [2, 1, 1], rates: [1, 0.5, 0.5]),
                RetentionResult.Cohort(date: "2026-03-03", persons: 1, retained: [1], rates: [1]),
            ])
        #expect(r.average == [1, 0.5, 0.5])
    }

    @Test func weeklyCohortsInParis() throws {
        // Sunday 2026-03-08 23:30 UTC is Monday 03-09 in Paris: the second ISO week.
        let events = [H.event("signup", "a", "2026-03-08T23:30:00Z"), H.event("view", "a", "2026-03-16T10:00:00Z")]
        let scope = try H.scope("2026-03-02", "2026-03-30", zone: "Europe/Paris")
        let r = try engine.retention(
            RetentionQuery(scope: scope, cohortEvent: "signup", interval: .week, periods: 4),
            snapshot: try H.memory(events), links: [:])
        #expect(r.cohorts.map(\.date) == ["2026-03-09"])
        // Weeks 03-09, 03-16, 03-23 start before `to` (03-30); 03-30 does not.
        #expect(r.cohorts.first?.retained == [1, 1, 0])
    }
}
