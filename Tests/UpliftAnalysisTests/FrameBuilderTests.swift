import Foundation
import TestSupport
import Testing
import UpliftModel
import UpliftStorage

@testable import UpliftAnalysis

/// The frame builder: role matching, filters, person merging and grouping, on in-memory events and
/// on the same events written to segments.
struct FrameBuilderTests {
    static let project = try! ProjectSlug("frames")
    static let day: Int64 = 1_767_225_600_000_000  // 2026-01-01

    static func event(
        _ name: String, _ id: String, _ t: Int64, _ properties: String = "{}", context: String = "{}", n: Int
    ) -> Event {
        Event(
            eventID: "e\(n)", type: name == "$identify" ? .identify : .track, event: name, distinctID: id,
            timestamp: day + t, receivedAt: day + t, properties: properties, context: context)
    }

    static let events: [Event] = [
        event("view", "anon-1", 30, #"{"plan":"pro","n":3}"#, n: 1),
        event("view", "user-1", 10, #"{"plan":"free","n":"7"}"#, n: 2),
        event("$identify", "user-1", 20, n: 3),
        event("buy", "anon-1", 40, #"{"plan":"pro"}"#, context: #"{"locale":"fr-FR"}"#, n: 4),
        event("view", "user-2", 5, n: 5),
        event("other", "user-2", 6, n: 6),
        event("buy", "user-2", 7, #"{"plan":"free"}"#, n: 7),
        event("view", "late", 86_400_000_001, n: 8),
    ]

    func frame(_ request: FrameRequest, links: [String: String] = ["anon-1": "user-1"]) throws -> EventFrame {
        try AnalysisEngine().frame(
            Snapshot(project: Self.project, segments: [], pending: Self.events), links: PersonMap(links),
            request: request)
    }

    /// (person id, [(time offset, roles)]) for readable expectations.
    func rows(_ f: EventFrame) -> [String: [(Int64, UInt32)]] {
        var out: [String: [(Int64, UInt32)]] = [:]
        for p in 0..<f.personCount { out[f.personIDs[p]] = f.rows(of: p).map { (f.times[$0] - Self.day, f.roles[$0]) } }
        return out
    }

    @Test func rolesPersonsAndTimeOrder() throws {
        let f = try frame(
            FrameRequest(
                roles: [.init(event: "view"), .init(event: "buy")], from: Self.day, to: Self.day + 86_400_000_000))
        let r = rows(f)
        #expect(r.count == 2)
        // anon-1 merged into user-1, rows in time order across the two ids.
        #expect(r["user-1"]!.map(\.0) == [10, 30, 40])
        #expect(r["user-1"]!.map(\.1) == [1, 1, 2])
        #expect(r["user-2"]!.map(\.1) == [1, 2])
        #expect(r["late"] == nil)
    }

    @Test func unlinkedIdsStaySeparate() throws {
        let f = try frame(
            FrameRequest(roles: [.init(event: "view")], from: Self.day, to: Self.day + 86_400_000_000), links: [:])
        #expect(Set(f.personIDs) == ["anon-1", "user-1", "user-2"])
    }

    /// The engine keeps its person map between queries with the same links; a linked id that first
    /// appears in a later snapshot must still join its person, and other links must not reuse the map.
    @Test func cachedPersonMapGrowsWithNewIdsAndFollowsOtherLinks() throws {
        let engine = AnalysisEngine()
        let request = FrameRequest(roles: [.init(event: "view")], from: Self.day, to: Self.day + 2 * 86_400_000_000)
        let links = ["anon-1": "user-1", "newcomer": "user-2"]
        let first = try engine.frame(
            Snapshot(project: Self.project, segments: [], pending: Self.events), links: PersonMap(links),
            request: request)
        #expect(Set(first.personIDs) == ["user-1", "user-2", "late"])
        // `newcomer` was not in the data when the map was made; now it is, under the same links.
        let more = Self.events + [Self.event("view", "newcomer", 50, n: 9), Self.event("view", "stranger", 60, n: 10)]
        let second = try engine.frame(
            Snapshot(project: Self.project, segments: [], pending: more), links: PersonMap(links), request: request)
        #expect(Set(second.personIDs) == ["user-1", "user-2", "late", "stranger"])
        #expect(rows(second)["user-2"]!.map(\.0) == [5, 50])
        // Different links: the cached map is not reused.
        let third = try engine.frame(
            Snapshot(project: Self.project, segments: [], pending: more), links: [:], request: request)
        #expect(Set(third.personIDs) == ["anon-1", "user-1", "user-2", "late", "newcomer", "stranger"])
    }

    @Test func filtersOnRolesAndGlobal() throws {
        let pro = try PropertyFilter(parsing: "plan=pro")
        let f = try frame(
            FrameRequest(
                roles: [.init(event: "view", filters: [pro]), .init(event: nil)], from: Self.day,
                to: Self.day + 86_400_000_000))
        let r = rows(f)
        // `any event` skips $identify; the pro view matches both roles.
        #expect(r["user-1"]!.map(\.1) == [2, 3, 2])
        let global = try frame(
            FrameRequest(
                roles: [.init(event: nil)], from: Self.day, to: Self.day + 86_400_000_000,
                filters: [try PropertyFilter(parsing: "n>2")]))
        #expect(rows(global)["user-1"]!.map(\.0) == [10, 30])
        #expect(rows(global)["user-2"] == nil)
        let locale = try frame(
            FrameRequest(
                roles: [.init(event: nil, filters: [try PropertyFilter(parsing: "context.locale~fr")])], from: Self.day,
                to: Self.day + 86_400_000_000))
        #expect(rows(locale)["user-1"]!.map(\.0) == [40])
    }

    @Test func allEventsKeepsRoleLessRowsButNotBookkeeping() throws {
        let f = try frame(
            FrameRequest(roles: [.init(event: "buy")], allEvents: true, from: Self.day, to: Self.day + 86_400_000_000))
        #expect(rows(f)["user-1"]!.map(\.1) == [0, 0, 1])
        #expect(rows(f)["user-2"]!.map(\.1) == [0, 0, 1])
    }

    @Test func stringsAndNumbers() throws {
        let f = try frame(
            FrameRequest(
                roles: [.init(event: "view"), .init(event: "buy")], from: Self.day, to: Self.day + 86_400_000_000,
                strings: [.init(PropertyRef("plan"), roleMask: 1)], numbers: [.init(PropertyRef("n"), roleMask: 1)]))
        let p = try #require(f.personIDs.firstIndex(of: "user-1"))
        let rows = Array(f.rows(of: p))
        #expect(rows.map { f.strings[0].value(at: $0) } == ["free", "pro", nil])
        #expect(f.numbers[0][rows[0]] == 7 && f.numbers[0][rows[1]] == 3 && f.numbers[0][rows[2]].isNaN)
    }

    @Test func segmentsGiveTheSameFrameAsMemory() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await EventStore.open(StoreConfiguration(dataDirectory: dir.path))
            _ = try await store.append(project: Self.project, events: Self.events)
            try await store.flush()
            let snapshot = await store.snapshot(project: Self.project)
            try await store.close()
            #expect(snapshot.pending.isEmpty && !snapshot.segments.isEmpty)
            let request = FrameRequest(
                roles: [.init(event: "view", filters: [try PropertyFilter(parsing: "plan?")]), .init(event: "buy")],
                allEvents: true,
                from: Self.day, to: Self.day + 2 * 86_400_000_000, strings: [.init(PropertyRef("plan"), roleMask: 3)])
            let engine = AnalysisEngine()
            let fromDisk = try engine.frame(snapshot, links: ["anon-1": "user-1"], request: request)
            let again = try engine.frame(snapshot, links: ["anon-1": "user-1"], request: request)  // cached blocks
            let fromMemory = try frame(request)
            for f in [fromDisk, again] {
                #expect(rows(f).mapValues { $0.map(\.0) } == rows(fromMemory).mapValues { $0.map(\.0) })
                #expect(rows(f).mapValues { $0.map(\.1) } == rows(fromMemory).mapValues { $0.map(\.1) })
            }
        }
    }

    /// Grouping on every core (each worker owns a range of persons) gives exactly the frame one thread
    /// gives: many persons over several day blocks, linked ids, unsorted arrivals, columns in row order.
    @Test func parallelGroupingGivesTheSameFrame() async throws {
        var random = SeededRandom(seed: 77)
        var events: [Event] = []
        for n in 0..<4_000 {
            let id = "u\(Int.random(in: 0..<120, using: &random))"
            let t = Int64.random(in: 0..<(5 * 86_400_000_000), using: &random)
            let name = ["view", "buy", "other"][Int.random(in: 0..<3, using: &random)]
            events.append(Self.event(name, id, t, #"{"plan":"p\#(n % 7)","n":\#(n % 11)}"#, n: 100 + n))
        }
        let links = Dictionary(uniqueKeysWithValues: (0..<30).map { ("u\($0)", "u\($0 + 60)") })
        try await withTemporaryDirectory { dir in
            let store = try await EventStore.open(StoreConfiguration(dataDirectory: dir.path))
            _ = try await store.append(project: Self.project, events: events)
            try await store.flush()
            let snapshot = await store.snapshot(project: Self.project)
            try await store.close()
            #expect(snapshot.segments.count >= 5)
            let requests = [
                FrameRequest(
                    roles: [.init(event: "view"), .init(event: nil)], allEvents: true, from: Self.day,
                    to: Self.day + 5 * 86_400_000_000),
                FrameRequest(
                    roles: [.init(event: "view"), .init(event: "buy")], from: Self.day,
                    to: Self.day + 4 * 86_400_000_000,
                    strings: [.init(PropertyRef("plan"), roleMask: 3)], numbers: [.init(PropertyRef("n"), roleMask: 2)]),
            ]
            let engine = AnalysisEngine()
            for request in requests {
                let one = try engine.frame(snapshot, links: PersonMap(links), request: request, parallelAbove: .max)
                let all = try engine.frame(snapshot, links: PersonMap(links), request: request, parallelAbove: 0)
                #expect(one.personCount > 50)
                #expect(all.personStarts == one.personStarts)
                #expect(all.personIDs == one.personIDs)
                #expect(all.times == one.times)
                #expect(all.roles == one.roles)
                #expect(
                    all.strings.map { c in (0..<all.times.count).map { c.value(at: $0) } }
                        == one.strings.map { c in (0..<one.times.count).map { c.value(at: $0) } })
                #expect(all.numbers.map { $0.map(\.bitPattern) } == one.numbers.map { $0.map(\.bitPattern) })
                // And time order within each person holds.
                for p in 0..<all.personCount {
                    #expect(all.rows(of: p).map { all.times[$0] } == all.rows(of: p).map { all.times[$0] }.sorted())
                }
            }
        }
    }

    /// The cores' shares: contiguous runs of blocks covering every block once, about equal in rows, and
    /// person ranges covering every person once.
    @Test(arguments: [[], [5], [1, 1], [100, 1, 1, 1], [1, 1, 1, 100], [3, 0, 7, 2, 9, 9, 1, 4, 4, 6]])
    func workSplitsCoverEverythingOnce(sizes: [Int]) {
        let blocks = sizes.map { n in
            EventBlock(
                events: [Int32](repeating: 0, count: n), distinctIDs: [Int32](repeating: 0, count: n),
                times: [Int64](repeating: 0, count: n), origin: .memory(properties: [], context: []))
        }
        let total = sizes.reduce(0, +)
        for workers in 1...4 {
            let runs = FrameBuilder.blockRuns(blocks, workers: workers)
            #expect(runs.count == workers)
            #expect(runs.first?.lowerBound == 0 && runs.last?.upperBound == blocks.count)
            for (a, b) in zip(runs, runs.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
            // Every run but one-block runs stays within one block of its share.
            for run in runs where run.count > 1 {
                #expect(sizes[run].reduce(0, +) <= total / workers + (sizes.max() ?? 0))
            }
            var starts = [0]
            for n in sizes where n > 0 { starts.append(starts[starts.count - 1] + n) }
            let ranges = FrameBuilder.personRanges(starts: starts, workers: workers)
            #expect(ranges.allSatisfy { !$0.isEmpty })
            #expect(ranges.flatMap { Array($0) } == Array(0..<(starts.count - 1)))
        }
    }

    @Test func ungroupedFramesHoldTheSameRows() throws {
        var request = FrameRequest(
            roles: [.init(event: "view"), .init(event: "buy")], from: Self.day, to: Self.day + 86_400_000_000,
            strings: [.init(PropertyRef("plan"), roleMask: 3)])
        let grouped = try frame(request)
        request.groupByPerson = false
        let flat = try frame(request)
        #expect(flat.personCount == 1 && flat.rowCount == grouped.rowCount)
        func rows(_ f: EventFrame) -> [String] {
            (0..<f.rowCount).map { "\(f.times[$0]) \(f.roles[$0]) \(f.strings[0].value(at: $0) ?? "-")" }.sorted()
        }
        #expect(rows(flat) == rows(grouped))
    }
}
