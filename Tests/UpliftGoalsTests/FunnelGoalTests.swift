import Foundation
import TestSupport
import Testing
import UpliftAnalysis
import UpliftGoals
import UpliftModel
import UpliftStorage

/// Funnel goals: conversion by the period of the first step, censored periods left out, months.
struct FunnelGoalTests {
    typealias F = GoalEvaluatorTests
    static let hour: Int64 = 3_600_000_000

    /// Week k: 100 persons start (`checkout_started`), 30 + 2k of them buy 2 days later.
    static func snapshot(weeks: Int) throws -> Snapshot {
        var events: [Event] = []
        for k in 0..<weeks {
            let start = F.week0.adding(days: Int64(7 * k)).startMicroseconds
            for i in 0..<100 {
                let t = start + Int64(i % 5) * F.day + 10 * hour
                events.append(F.event("checkout_started", "w\(k)p\(i)", t))
                if i < 30 + 2 * k { events.append(F.event("purchase_completed", "w\(k)p\(i)", t + 2 * F.day)) }
            }
        }
        // Something on the last day so the final week counts as complete.
        let end = F.week0.adding(days: Int64(7 * weeks) - 1).startMicroseconds
        events.append(F.event("page_viewed", "x", end))
        return Snapshot(project: try ProjectSlug("goals"), segments: [], pending: events)
    }

    @Test func weeklyConversionLeavesOutCensoredWeeks() throws {
        let goal = Goal(
            id: "c", metric: .funnelConversion,
            steps: [.init(event: "checkout_started"), .init(event: "purchase_completed")],
            window: TimeLength(days: 7), interval: .week, target: 0.6, deadline: F.deadline)
        let snapshot = try Self.snapshot(weeks: 10)
        let s = try GoalEvaluator().evaluate(goal, launch: F.launch, snapshot: snapshot, now: F.dayAfterData(snapshot))
        #expect(s.series.count == 10)
        // The last week's attempts have not all had 7 days: no value yet.
        let expected: [Double?] = (0..<9).map { (k: Int) -> Double? in Double(30 + 2 * k) / 100 } + [nil]
        #expect(s.series.map(\.value) == expected)
        #expect(s.current == 0.46 && s.currentDate == "2026-03-02")
        let f = try #require(s.forecast)
        #expect(abs(f.slopePerPeriod - 0.02) < 1e-9 && abs(f.value - 0.6) < 1e-9)
        #expect(s.status == .onTrack)
    }

    @Test func monthlyConversion() throws {
        let goal = Goal(
            id: "c", metric: .funnelConversion,
            steps: [.init(event: "checkout_started"), .init(event: "purchase_completed")],
            window: TimeLength(days: 3), interval: .month, target: 0.6, deadline: F.deadline)
        let snapshot = try Self.snapshot(weeks: 14)
        let s = try GoalEvaluator().evaluate(goal, launch: F.launch, snapshot: snapshot, now: F.dayAfterData(snapshot))
        // Data from 2026-01-05 to 2026-04-12: February and March are complete (January started before the data).
        #expect(s.series.map(\.date) == ["2026-02-01", "2026-03-01"])
        let values = s.series.compactMap(\.value)
        #expect(values.count == 2 && values[0] < values[1])
    }

    /// The schema lists the metrics the parser knows.
    @Test func schemaListsEveryMetric() throws {
        let url = Paths.packageRoot.appendingPathComponent("schemas/prfaq.schema.json")
        let schema = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let defs = try #require(schema["$defs"] as? [String: Any])
        let goal = try #require(defs["goal"] as? [String: Any])
        let properties = try #require(goal["properties"] as? [String: Any])
        let metric = try #require(properties["metric"] as? [String: Any])
        #expect(Set(metric["enum"] as? [String] ?? []) == Set(Goal.Metric.allCases.map(\.rawValue)))
    }
}
