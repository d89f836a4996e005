import Foundation
import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel
import UpliftStorage

/// Questions naming an event the project never had still answer, with an `unknown_event` warning
/// and the closest known name.
struct QueryWarningTests {
    typealias H = MetricHarness

    static let events = [
        H.event("signed_up", "u1", "2026-03-02T10:00:00Z"),
        H.event("onboarding_completed", "u1", "2026-03-02T11:00:00Z"),
        H.event("signed_up", "u2", "2026-03-03T10:00:00Z"),
        // Outside the range asked below: still a name the project has.
        H.event("exported", "u1", "2026-02-01T10:00:00Z"),
    ]

    func funnel(_ steps: [String]) throws -> FunnelQuery {
        FunnelQuery(scope: try H.scope("2026-03-01", "2026-03-08"), steps: steps.map { FunnelQuery.Step(event: $0) })
    }

    @Test func misspeltStepsWarnWithTheClosestName() async throws {
        let query = try funnel(["signedup", "onboardingcompleted"])
        for snapshotKind in ["memory", "segments"] {
            let (result, warnings) = try await run(snapshotKind) { engine, snapshot in
                (
                    try engine.funnel(query, snapshot: snapshot, links: [:]),
                    try engine.warnings(events: query.eventNames, snapshot: snapshot)
                )
            }
            #expect(result.steps.map(\.persons) == [0, 0], "\(snapshotKind)")
            #expect(
                warnings == [
                    QueryWarning(code: .unknownEvent, name: "signedup", didYouMean: "signed_up"),
                    QueryWarning(code: .unknownEvent, name: "onboardingcompleted", didYouMean: "onboarding_completed"),
                ], "\(snapshotKind)")
        }
        let json = QueryWarning(code: .unknownEvent, name: "signedup", didYouMean: "signed_up").json.compactText
        #expect(json == #"{"code":"unknown_event","event":"signedup","did_you_mean":"signed_up"}"#)
    }

    @Test func knownNamesDoNotWarnEvenOutsideTheRange() async throws {
        let query = try funnel(["signed_up", "exported"])
        for snapshotKind in ["memory", "segments"] {
            let warnings = try await run(snapshotKind) { engine, snapshot in
                _ = try engine.funnel(query, snapshot: snapshot, links: [:])
                return try engine.warnings(events: query.eventNames, snapshot: snapshot)
            }
            #expect(warnings.isEmpty, "\(snapshotKind): \(warnings)")
        }
    }

    @Test func aNameFarFromEveryKnownOneHasNoSuggestion() async throws {
        let warnings = try await run("segments") { engine, snapshot in
            try engine.warnings(events: ["checkout_failed", "exported", "checkout_failed"], snapshot: snapshot)
        }
        #expect(warnings == [QueryWarning(code: .unknownEvent, name: "checkout_failed")])
        #expect(
            warnings[0].message(project: try ProjectSlug("demo")) == #"no event "checkout_failed" in project demo"#)
    }

    @Test func everyQuestionListsTheEventsItReads() throws {
        let scope = try H.scope("2026-03-01", "2026-03-08")
        #expect(
            FunnelQuery(
                scope: scope, steps: [.init(event: "a"), .init(event: "b")],
                exclusions: [.init(event: "x", fromStep: 1, toStep: 2)]
            ).eventNames == ["a", "b", "x"])
        #expect(TrendQuery(scope: scope, event: "a").eventNames == ["a"])
        #expect(TrendQuery(scope: scope, event: nil).eventNames.isEmpty)
        #expect(AdoptionQuery(scope: scope, feature: "f", active: "a").eventNames == ["f", "a"])
        #expect(RetentionQuery(scope: scope, cohortEvent: "c", returnEvent: "r").eventNames == ["c", "r"])
        #expect(LifecycleQuery(scope: scope, event: "e").eventNames == ["e"])
    }

    @Test(arguments: [
        ("signedup", "signed_up"), ("Signed Up", "signed_up"), ("signed-up", "signed_up"), ("sigend_up", "signed_up"),
        ("onboardingcompleted", "onboarding_completed"), ("exportd", "exported"),
    ])
    func closestName(_ typed: String, _ expected: String) {
        #expect(NameMatcher.closest(to: typed, among: ["signed_up", "onboarding_completed", "exported"]) == expected)
    }

    @Test func noSuggestionWhenNothingIsClose() {
        #expect(NameMatcher.closest(to: "purchase", among: ["signed_up", "exported"]) == nil)
        #expect(NameMatcher.closest(to: "ab", among: ["xy"]) == nil)
        #expect(NameMatcher.closest(to: "___", among: ["signed_up"]) == nil)
    }

    /// Runs `body` on the events as pending (not yet flushed) events or as segments.
    func run<T>(_ kind: String, _ body: (AnalysisEngine, Snapshot) throws -> T) async throws -> T {
        if kind == "memory" { return try body(AnalysisEngine(), try H.memory(Self.events)) }
        return try await H.withSegments(Self.events) { snapshot in try body(AnalysisEngine(), snapshot) }
    }
}

/// Questions naming a property (or `context.<key>`) no event of the project has still answer, with
/// an `unknown_property` warning and the closest known name: found from the segments' footers, the
/// events not yet flushed, and, for a segment written before footers listed keys, its rows.
struct PropertyWarningTests {
    typealias H = MetricHarness

    static func event(_ name: String, _ time: String, _ properties: String, context: String = "{}") -> Event {
        let t = H.at(time)
        return Event(
            eventID: UUID().uuidString, type: .track, event: name, distinctID: "u1", timestamp: t, receivedAt: t,
            properties: properties, context: context)
    }

    static let events = [
        event(
            "upgraded", "2026-03-02T10:00:00Z", #"{"plan_type":"pro","country":"FR"}"#, context: #"{"locale":"fr"}"#),
        event("upgraded", "2026-03-03T10:00:00Z", #"{"plan_type":"team","seats":3}"#),
        // Outside the range asked below: still a property the project has.
        event("exported", "2026-02-01T10:00:00Z", #"{"format":"csv","a\"b":1}"#),
    ]

    func trend(filters: [PropertyFilter] = [], property: String? = nil, breakdown: String? = nil) throws -> TrendQuery {
        TrendQuery(
            scope: try H.scope("2026-03-01", "2026-03-08"), event: "upgraded", eventFilters: filters,
            measure: property == nil ? .events : .sum, property: property.map(PropertyRef.init),
            breakdown: breakdown.map(PropertyRef.init))
    }

    func warnings(_ query: TrendQuery, _ snapshot: Snapshot) throws -> [QueryWarning] {
        let engine = AnalysisEngine()
        _ = try engine.trend(query, snapshot: snapshot, links: [:])
        return try engine.warnings(events: query.eventNames, properties: query.propertyRefs, snapshot: snapshot)
    }

    /// Runs `body` on the events as pending events, as flushed segments, and as segments written
    /// without key lists (by an older version).
    func eachStore<T>(_ events: [Event], _ body: (String, Snapshot) throws -> T) async throws -> [T] {
        var out = [try body("memory", try H.memory(events))]
        out.append(try await H.withSegments(events) { try body("segments", $0) })
        out.append(
            try withTemporaryDirectory(prefix: "uplift-legacy") { dir in
                let configuration = StoreConfiguration(dataDirectory: dir.path)
                var sorted = events
                configuration.sortOrder.sort(&sorted)
                let path = dir.path + "/legacy.parquet"
                let bytes = try SegmentWriter.encode(sorted, configuration: configuration, compressionLevel: 1)
                try DurableFile.write(bytes, to: path)
                #expect(try EventSegment(path: path).listedKeys == nil)
                return try body("legacy", Snapshot(project: try H.project(), segments: [path], pending: []))
            })
        return out
    }

    @Test func aMisspeltFilterAndBreakdownWarnWithTheClosestName() async throws {
        let query = try trend(filters: [try PropertyFilter(parsing: "plan_typ=pro")], breakdown: "contry")
        _ = try await eachStore(Self.events) { kind, snapshot in
            let found = try warnings(query, snapshot)
            #expect(
                found == [
                    QueryWarning(code: .unknownProperty, name: "plan_typ", didYouMean: "plan_type"),
                    QueryWarning(code: .unknownProperty, name: "contry", didYouMean: "country"),
                ], "\(kind)")
        }
        let warning = QueryWarning(code: .unknownProperty, name: "plan_typ", didYouMean: "plan_type")
        #expect(
            warning.json.compactText
                == #"{"code":"unknown_property","property":"plan_typ","did_you_mean":"plan_type"}"#)
        #expect(
            warning.message(project: try ProjectSlug("demo"))
                == #"no property "plan_typ" in project demo; did you mean "plan_type"?"#)
    }

    @Test func contextKeysAreAskedAndSuggestedAsContextKeys() async throws {
        let query = try trend(
            filters: [
                try PropertyFilter(parsing: "context.locle=fr"), try PropertyFilter(parsing: "context.locale=fr"),
            ],
            breakdown: "locale")
        _ = try await eachStore(Self.events) { kind, snapshot in
            let found = try warnings(query, snapshot)
            #expect(
                found == [
                    QueryWarning(code: .unknownProperty, name: "context.locle", didYouMean: "context.locale"),
                    // A context key is no property: `locale` alone names the properties.
                    QueryWarning(code: .unknownProperty, name: "locale"),
                ], "\(kind)")
        }
    }

    @Test func knownPropertiesDoNotWarnEvenOutsideTheRange() async throws {
        let query = try trend(
            filters: [
                try PropertyFilter(parsing: "plan_type=pro"), try PropertyFilter(parsing: "format?"),
                try PropertyFilter(parsing: #"a"b?"#),
            ],
            property: "seats", breakdown: "country")
        _ = try await eachStore(Self.events) { kind, snapshot in
            let found = try warnings(query, snapshot)
            #expect(found.isEmpty, "\(kind): \(found)")
        }
    }

    @Test func aKeyOnlyInEventsNotYetFlushedIsKnown() async throws {
        let query = try trend(filters: [try PropertyFilter(parsing: "coupon=spring")])
        let pending = [Self.event("upgraded", "2026-03-04T10:00:00Z", #"{"coupon":"spring"}"#)]
        let results = try await H.withSegments(Self.events) { flushed in
            let engine = AnalysisEngine()
            let before = try engine.warnings(properties: query.propertyRefs, flushed)
            let snapshot = Snapshot(project: flushed.project, segments: flushed.segments, pending: pending)
            return (before, try engine.warnings(properties: query.propertyRefs, snapshot))
        }
        #expect(results.0 == [QueryWarning(code: .unknownProperty, name: "coupon")])
        #expect(results.1.isEmpty)
    }

    @Test func aTruncatedKeyListNeverRulesANameOut() async throws {
        let many = (0...SegmentKeys.maxKeys).map { #""k\#($0)":1"# }.joined(separator: ",")
        let events = [Self.event("upgraded", "2026-03-02T10:00:00Z", "{" + many + "}")]
        let query = try trend(
            filters: [try PropertyFilter(parsing: "nowhere=1"), try PropertyFilter(parsing: "context.x?")])
        let found = try await H.withSegments(events) { snapshot in
            (
                try EventSegment(path: try #require(snapshot.segments.first)).listedKeys,
                try warnings(query, snapshot)
            )
        }
        let keys = try #require(found.0)
        #expect(keys.properties.truncated && keys.properties.keys.count == SegmentKeys.maxKeys)
        #expect(!keys.context.truncated && keys.context.keys.isEmpty)
        // The properties list is incomplete; the context one is complete and empty.
        #expect(found.1 == [QueryWarning(code: .unknownProperty, name: "context.x")])
    }

    @Test func everyQuestionListsThePropertiesItReads() throws {
        let scope = try H.scope("2026-03-01", "2026-03-08", filters: [try PropertyFilter(parsing: "g=1")])
        func f(_ name: String) -> [PropertyFilter] { [PropertyFilter(property: PropertyRef(name), op: .isSet)] }
        let refs: ([PropertyRef]) -> [String] = { $0.map(\.description) }
        #expect(
            refs(
                FunnelQuery(
                    scope: scope, steps: [.init(event: "a", filters: f("s1")), .init(event: "b", filters: f("s2"))],
                    exclusions: [.init(event: "x", filters: f("x1"), fromStep: 1, toStep: 2)],
                    breakdown: PropertyRef("context.b")
                ).propertyRefs) == ["g", "s1", "s2", "x1", "context.b"])
        #expect(
            refs(
                TrendQuery(
                    scope: scope, event: "a", eventFilters: f("e"), measure: .sum, property: PropertyRef("n"),
                    breakdown: PropertyRef("b")
                ).propertyRefs) == ["g", "e", "n", "b"])
        #expect(
            refs(
                AdoptionQuery(scope: scope, feature: "f", featureFilters: f("ff"), activeFilters: f("af")).propertyRefs
            ) == ["g", "ff", "af"])
        #expect(
            refs(
                RetentionQuery(scope: scope, cohortEvent: "c", cohortFilters: f("cf"), returnFilters: f("rf"))
                    .propertyRefs) == ["g", "cf", "rf"])
        #expect(refs(LifecycleQuery(scope: scope, event: "e", eventFilters: f("lf")).propertyRefs) == ["g", "lf"])
    }
}

extension AnalysisEngine {
    /// Property warnings alone.
    fileprivate func warnings(properties: [PropertyRef], _ snapshot: Snapshot) throws -> [QueryWarning] {
        try warnings(events: [], properties: properties, snapshot: snapshot)
    }
}
