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
