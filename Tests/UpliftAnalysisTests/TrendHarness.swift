import Foundation
import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel
import UpliftStorage

/// Shared by the metric tests (trend, adoption, retention, lifecycle, feedback): events in memory or
/// through a real store's segments, and small event builders.
enum MetricHarness {
    static func project() throws -> ProjectSlug { try ProjectSlug("metrics") }

    /// A snapshot with only pending (in-memory) events.
    static func memory(_ events: [Event]) throws -> Snapshot {
        Snapshot(project: try project(), segments: [], pending: events)
    }

    /// Writes the events through a real store, flushes them into segments, and runs `body` on the snapshot.
    static func withSegments<T>(_ events: [Event], _ body: (Snapshot) throws -> T) async throws -> T {
        try await withTemporaryDirectory(prefix: "uplift-metrics") { dir in
            let store = try await EventStore.open(StoreConfiguration(dataDirectory: dir.path))
            do {
                _ = try await store.append(project: try project(), events: events)
                try await store.flush()
                let snapshot = await store.snapshot(project: try project())
                let result = try body(snapshot)
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        }
    }

    /// An instant from a UTC date-time text `YYYY-MM-DDThh:mm:ssZ`.
    static func at(_ text: String) -> Int64 {
        guard let t = Timestamp.parse(text) else {
            Issue.record("bad time \(text)")
            return 0
        }
        return t
    }

    static func event(_ name: String, _ id: String, _ time: String, _ properties: String = "{}") -> Event {
        let t = at(time)
        return Event(
            eventID: UUID().uuidString, type: name == "$identify" ? .identify : .track, event: name, distinctID: id,
            timestamp: t, receivedAt: t, properties: properties)
    }

    static func scope(
        _ from: String, _ to: String, zone: String = "UTC", filters: [PropertyFilter] = []
    ) throws -> QueryScope {
        let calendar = try LocalCalendar(timeZone: zone)
        return QueryScope(
            from: try QueryScope.instant(from, field: "from", calendar: calendar),
            to: try QueryScope.instant(to, field: "to", calendar: calendar), calendar: calendar, filters: filters)
    }
}

extension MetricHarness {
    /// Engine vs reference on random cases (in-memory events); stops at the first difference.
    static func model<Q, R: Equatable>(
        seeds: Range<UInt64>, salt: UInt64, _ make: (inout MetricCases) throws -> Q,
        reference: (Q, [Event], [String: String]) -> R,
        engine: (AnalysisEngine, Q, Snapshot, [String: String]) throws -> R
    ) throws {
        let analysis = AnalysisEngine(cacheBytes: 0)
        for seed in seeds {
            var cases = MetricCases(seed: salt &* 1_000_003 &+ seed)
            let (events, links) = cases.events()
            let query = try make(&cases)
            let expected = reference(query, events, links)
            let actual = try engine(analysis, query, try memory(events), links)
            #expect(actual == expected, "seed \(seed)")
            if actual != expected { return }
        }
    }

    /// The same through a real store's segments (fewer cases: each writes files).
    static func modelOnSegments<Q, R: Equatable>(
        seeds: Range<UInt64>, salt: UInt64, _ make: (inout MetricCases) throws -> Q,
        reference: (Q, [Event], [String: String]) -> R,
        engine: (AnalysisEngine, Q, Snapshot, [String: String]) throws -> R
    ) async throws {
        for seed in seeds {
            var cases = MetricCases(seed: salt &* 7_000_003 &+ seed)
            let (events, links) = cases.events(count: 30 + Int(seed % 30))
            let query = try make(&cases)
            let expected = reference(query, events, links)
            let actual = try await withSegments(events) { snapshot in
                try engine(AnalysisEngine(), query, snapshot, links)
            }
            #expect(actual == expected, "seed \(seed)")
            if actual != expected { return }
        }
    }
}

extension MetricHarness {
    /// The same through compacted segments with typed property columns on every other day (the rule
    /// loosened so that small days shred and mixed types such as `amount` get a column: its other types
    /// and nulls stay in the text), flushed segments on the rest. Returns how many segments were shredded.
    @discardableResult
    static func modelOnShreddedSegments<Q, R: Equatable>(
        seeds: Range<UInt64>, salt: UInt64, _ make: (inout MetricCases) throws -> Q,
        reference: (Q, [Event], [String: String]) -> R,
        engine: (AnalysisEngine, Q, Snapshot, [String: String]) throws -> R
    ) async throws -> Int {
        var shredded = 0
        for seed in seeds {
            var cases = MetricCases(seed: salt &* 7_000_003 &+ seed)
            let (events, links) = cases.events(count: 30 + Int(seed % 30))
            let query = try make(&cases)
            let expected = reference(query, events, links)
            let actual = try await withTemporaryDirectory(prefix: "uplift-shredded") { dir in
                var configuration = StoreConfiguration(dataDirectory: dir.path)
                configuration.propertyColumns.minimumRows = 1
                configuration.propertyColumns.stability = 0.3
                let store = try await EventStore.open(configuration)
                do {
                    _ = try await store.append(project: try project(), events: events)
                    try await store.flush()
                    let days = Set(events.map { UTCDay(microseconds: $0.timestamp) }).sorted()
                    let compacted = days.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
                    _ = try await store.compact(project: try project(), days: compacted, force: true)
                    let snapshot = await store.snapshot(project: try project())
                    for path in snapshot.segments where try !SegmentReader.shredding(path: path).properties.isEmpty {
                        shredded += 1
                    }
                    let result = try engine(AnalysisEngine(), query, snapshot, links)
                    try await store.close()
                    return result
                } catch {
                    try? await store.close()
                    throw error
                }
            }
            #expect(actual == expected, "seed \(seed)")
            if actual != expected { break }
        }
        return shredded
    }
}
