import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel

/// Lifecycle on a crafted history (days, dormant after 1 inactive day).
struct LifecycleTests {
    typealias H = MetricHarness

    @Test func classifiesEveryState() throws {
        func active(_ id: String, _ days: [String]) -> [Event] {
            days.map { H.event("view", id, "2026-\($0)T12:00:00Z") }
        }
        let events =
            active("a", ["03-01", "03-02", "03-03"])  // retained, retained, dormant on 03-04
            + active("b", ["03-03", "03-05"])  // new, dormant, reactivated (gap 1)
            + active("c", ["02-25", "03-03"])  // resurrected (gap 5), dormant
            + active("d", ["03-01"])  // dormant on 03-02
            + active("e", ["03-02", "03-05"])  // new, dormant, resurrected (gap 2)
            + [H.event("$identify", "f", "2026-03-02T12:00:00Z"), H.event("view", "g", "2026-03-06T00:00:00Z")]
        let q = LifecycleQuery(
            scope: try H.scope("2026-03-02", "2026-03-06"), event: nil, interval: .day, dormantAfter: 1)
        let r = try AnalysisEngine().lifecycle(q, snapshot: try H.memory(events), links: [:])
        #expect(
            r.periods == [
                LifecycleResult.Period(
                    date: "2026-03-02", new: 1, retained: 1, reactivated: 0, resurrected: 0, dormant: 1, active: 2,
                    retentionRate: 0.5),
                LifecycleResult.Period(
                    date: "2026-03-03", new: 1, retained: 1, reactivated: 0, resurrected: 1, dormant: 1, active: 3,
                    retentionRate: 0.5),
                LifecycleResult.Period(
                    date: "2026-03-04", new: 0, retained: 0, reactivated: 0, resurrected: 0, dormant: 3, active: 0,
                    retentionRate: 0),
                LifecycleResult.Period(
                    date: "2026-03-05", new: 0, retained: 0, reactivated: 1, resurrected: 1, dormant: 0, active: 2,
                    retentionRate: nil),
            ])
    }

    @Test func mergedIdsAreOnePerson() throws {
        let events = [H.event("view", "anon", "2026-03-02T12:00:00Z"), H.event("view", "u1", "2026-03-03T12:00:00Z")]
        let q = LifecycleQuery(scope: try H.scope("2026-03-02", "2026-03-04"), interval: .day, dormantAfter: 1)
        let r = try AnalysisEngine().lifecycle(q, snapshot: try H.memory(events), links: ["anon": "u1"])
        #expect(r.periods.map(\.new) == [1, 0])
        #expect(r.periods.map(\.retained) == [0, 1])
    }
}
