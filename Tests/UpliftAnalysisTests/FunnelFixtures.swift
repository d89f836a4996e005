import TestSupport
import UpliftAnalysis
import UpliftModel
import UpliftStorage

/// Events and queries for the funnel tests, on a fixed clock: `at(s)` is 2026-01-05 (a Monday)
/// 00:00 UTC plus `s` seconds.
enum FunnelFixtures {
    static let project = try! ProjectSlug("funnels")
    static let base: Int64 = 1_767_571_200_000_000
    static let hour: Int64 = 3_600_000_000

    static func at(_ seconds: Int64) -> Int64 { base + seconds * 1_000_000 }

    static func event(_ name: String, _ id: String, _ time: Int64, _ properties: String = "{}") -> Event {
        Event(
            eventID: "e-\(id)-\(name)-\(time)-\(properties.hashValue)-\(Int.random(in: 0..<Int.max))",
            type: name == "$identify" ? .identify : .track, event: name, distinctID: id,
            timestamp: time, receivedAt: time, properties: properties)
    }

    static func query(
        _ steps: [String], window: Int64 = 3_600, order: FunnelQuery.Order = .ordered,
        exclusions: [FunnelQuery.Exclusion] = [], breakdown: String? = nil,
        from: Int64 = base, to: Int64 = base + 86_400_000_000, interval: Interval = .day
    ) -> FunnelQuery {
        var q = FunnelQuery(
            scope: QueryScope(project: project, from: from, to: to),
            steps: steps.map { FunnelQuery.Step(event: $0) }, order: order, exclusions: exclusions,
            breakdown: breakdown.map(PropertyRef.init), conversionInterval: interval)
        q.window = TimeLength("\(window)s") ?? TimeLength(days: 1)
        return q
    }

    /// The real engine over in-memory (pending) events.
    static func run(_ query: FunnelQuery, _ events: [Event], links: [String: String] = [:]) throws -> FunnelResult {
        try AnalysisEngine().funnel(
            query, snapshot: Snapshot(project: project, segments: [], pending: events), links: PersonMap(links))
    }

    /// Persons per step.
    static func counts(_ query: FunnelQuery, _ events: [Event], links: [String: String] = [:]) throws -> [Int] {
        try run(query, events, links: links).steps.map(\.persons)
    }
}
