import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel

/// One test per rule of the funnel semantics, on hand-made events.
struct FunnelRuleTests {
    typealias F = FunnelFixtures

    @Test func equalTimesServeConsecutiveStepsInEitherStoredOrder() throws {
        let q = F.query(["A", "B"])
        // B stored before A at the same instant still completes A → B.
        #expect(try F.counts(q, [F.event("B", "u", F.at(10)), F.event("A", "u", F.at(10))]) == [1, 1])
        #expect(try F.counts(q, [F.event("A", "u", F.at(10)), F.event("B", "u", F.at(10))]) == [1, 1])
        // B before A in time does not.
        #expect(try F.counts(q, [F.event("B", "u", F.at(9)), F.event("A", "u", F.at(10))]) == [1, 0])
    }

    @Test func repeatedStepNeedsTwoEvents() throws {
        let q = F.query(["A", "A"])
        #expect(try F.counts(q, [F.event("A", "u", F.at(10))]) == [1, 0])
        #expect(try F.counts(q, [F.event("A", "u", F.at(10)), F.event("A", "u", F.at(10))]) == [1, 1])
        #expect(try F.counts(q, [F.event("A", "u", F.at(10)), F.event("A", "u", F.at(20))]) == [1, 1])
    }

    @Test func windowEndIsInclusive() throws {
        let q = F.query(["A", "B"], window: 60)
        let exact = [F.event("A", "u", F.at(0)), F.event("B", "u", F.at(60))]
        let late = [F.event("A", "u", F.at(0)), F.event("B", "u", F.at(60) + 1)]
        #expect(try F.counts(q, exact) == [1, 1])
        #expect(try F.counts(q, late) == [1, 0])
        // A later step may fall after `to` as long as it is within the window.
        let edge = F.query(["A", "B"], window: 60, to: F.at(30))
        #expect(try F.counts(edge, [F.event("A", "u", F.at(29)), F.event("B", "u", F.at(89))]) == [1, 1])
        // Step 1 itself must be before `to`.
        #expect(try F.counts(edge, [F.event("A", "u", F.at(30)), F.event("B", "u", F.at(31))]) == [0, 0])
    }

    @Test func strictBreaksOnEventsStrictlyBetweenSteps() throws {
        let q = F.query(["A", "B"], order: .strict)
        let between = [F.event("A", "u", F.at(0)), F.event("other", "u", F.at(5)), F.event("B", "u", F.at(10))]
        #expect(try F.counts(q, between) == [1, 0])
        #expect(try F.counts(F.query(["A", "B"]), between) == [1, 1])
        // Same time as a step is not "between"; bookkeeping events never interrupt.
        let tied = [
            F.event("A", "u", F.at(0)), F.event("other", "u", F.at(10)), F.event("B", "u", F.at(10)),
            F.event("$identify", "u", F.at(5)),
        ]
        #expect(try F.counts(q, tied) == [1, 1])
    }

    @Test func strictMayLeaveSameTimeEventsOutOfTheChain() throws {
        // A and B at t0, B at t1, C at t2: A@t0 → B@t1 → C@t2 is a strict chain although the
        // greedy "use every tied event" would stop at B@t0 (C is not next after it).
        let q = F.query(["A", "B", "C"], order: .strict)
        let events = [
            F.event("A", "u", F.at(0)), F.event("B", "u", F.at(0)), F.event("B", "u", F.at(1)),
            F.event("C", "u", F.at(2)),
        ]
        let result = try F.run(q, events)
        #expect(result.steps.map(\.persons) == [1, 1, 1])
        // t_2 is the earliest completion (at t0), t_3 at t2.
        #expect(result.steps[1].meanSecondsToConvert == 0)
        #expect(result.steps[2].meanSecondsToConvert == 2)
    }

    @Test func exclusionBetweenStepsVoidsTheAttempt() throws {
        let x = FunnelQuery.Exclusion(event: "X", fromStep: 1, toStep: 2)
        let q = F.query(["A", "B"], exclusions: [x])
        #expect(
            try F.counts(q, [F.event("A", "u", F.at(0)), F.event("X", "u", F.at(5)), F.event("B", "u", F.at(10))]) == [
                0, 0,
            ])
        // After the last step, or at the same time as a step: no effect.
        #expect(
            try F.counts(q, [F.event("A", "u", F.at(0)), F.event("B", "u", F.at(10)), F.event("X", "u", F.at(11))]) == [
                1, 1,
            ])
        #expect(
            try F.counts(q, [F.event("A", "u", F.at(0)), F.event("X", "u", F.at(10)), F.event("B", "u", F.at(10))]) == [
                1, 1,
            ])
        // Not completed: an exclusion anywhere in the window (end included) voids; after it, not.
        #expect(try F.counts(q, [F.event("A", "u", F.at(0)), F.event("X", "u", F.at(3_600))]) == [0, 0])
        #expect(try F.counts(q, [F.event("A", "u", F.at(0)), F.event("X", "u", F.at(3_601))]) == [1, 0])
        // A later attempt that is not voided counts.
        let retry = [
            F.event("A", "u", F.at(0)), F.event("X", "u", F.at(5)), F.event("A", "u", F.at(6)),
            F.event("B", "u", F.at(10)),
        ]
        #expect(try F.counts(q, retry) == [1, 1])
    }

    @Test func exclusionBetweenLaterStepsOnly() throws {
        let x = FunnelQuery.Exclusion(event: "X", fromStep: 2, toStep: 3)
        let q = F.query(["A", "B", "C"], exclusions: [x])
        // X before step 2: the attempt never reached step 2 there, so no effect.
        #expect(
            try F.counts(
                q,
                [
                    F.event("A", "u", F.at(0)), F.event("X", "u", F.at(1)), F.event("B", "u", F.at(2)),
                    F.event("C", "u", F.at(3)),
                ]) == [1, 1, 1])
        #expect(
            try F.counts(
                q,
                [
                    F.event("A", "u", F.at(0)), F.event("B", "u", F.at(2)), F.event("X", "u", F.at(2) + 1),
                    F.event("C", "u", F.at(3)),
                ]) == [0, 0, 0])
    }

    @Test func anyOrderCountsStepsInAnyOrder() throws {
        let q = F.query(["A", "B", "C"], order: .any)
        let events = [F.event("C", "u", F.at(0)), F.event("B", "u", F.at(5)), F.event("A", "u", F.at(7))]
        let result = try F.run(q, events)
        #expect(result.steps.map(\.persons) == [1, 1, 1])
        #expect(result.steps[1].meanSecondsToConvert == 5)
        #expect(result.steps[2].meanSecondsToConvert == 2)
        #expect(try F.counts(F.query(["A", "B", "C"]), events) == [1, 0, 0])
        // One event cannot serve two steps.
        #expect(try F.counts(F.query(["A", "A"], order: .any), [F.event("A", "u", F.at(0))]) == [1, 0])
    }

    @Test func linkedIdsAreOnePerson() throws {
        let events = [F.event("A", "anon-1", F.at(0)), F.event("B", "user-1", F.at(10))]
        #expect(try F.counts(F.query(["A", "B"]), events) == [1, 0])
        #expect(try F.counts(F.query(["A", "B"]), events, links: ["anon-1": "user-1"]) == [1, 1])
    }

    @Test func breakdownUsesTheFirstEventsValue() throws {
        let events = [
            F.event("A", "u", F.at(0), #"{"plan":"pro"}"#), F.event("B", "u", F.at(10), #"{"plan":"free"}"#),
            F.event("A", "v", F.at(0), #"{"plan":"free"}"#),
            F.event("A", "w", F.at(0)), F.event("B", "w", F.at(1)),
        ]
        let result = try F.run(F.query(["A", "B"], breakdown: "plan"), events)
        #expect(result.breakdown.map(\.value) == [nil, "free", "pro"])
        #expect(result.breakdown.map { $0.steps.map(\.persons) } == [[1, 1], [1, 0], [1, 1]])
        #expect(result.breakdown.allSatisfy { !$0.isOther })
    }

    @Test func breakdownKeepsTheTop25AndGathersTheRest() throws {
        var events: [Event] = []
        for v in 0..<30 {
            for k in 0...(v < 3 ? 2 : 0) { events.append(F.event("A", "p\(v)-\(k)", F.at(0), #"{"v":"\#(v)"}"#)) }
        }
        let result = try F.run(F.query(["A", "B"], breakdown: "v"), events)
        #expect(result.breakdown.count == 26)
        #expect(result.breakdown.prefix(3).map(\.value) == ["0", "1", "2"])
        #expect(result.breakdown.last?.isOther == true)
        #expect(result.breakdown.last?.steps.first?.persons == 5)
    }

    @Test func conversionOverTimeListsEveryPeriod() throws {
        let day: Int64 = 86_400
        let q = F.query(["A", "B"], to: F.at(3 * day))
        let events = [
            F.event("A", "u", F.at(10)), F.event("B", "u", F.at(20)),
            F.event("A", "v", F.at(2 * day + 5)),
        ]
        let periods = try F.run(q, events).conversionOverTime
        #expect(periods.map(\.date) == ["2026-01-05", "2026-01-06", "2026-01-07"])
        #expect(periods.map(\.entered) == [1, 0, 1])
        #expect(periods.map(\.converted) == [1, 0, 0])
        #expect(periods.map(\.rate) == [1, 0, 0])
        let weeks = try F.run(F.query(["A", "B"], to: F.at(10 * day), interval: .week), events).conversionOverTime
        #expect(weeks.map(\.date) == ["2026-01-05", "2026-01-12"])
        #expect(weeks.map(\.entered) == [2, 0])
    }

    @Test func timeToConvertHistogramAndStepTimes() throws {
        let events = [
            F.event("A", "u", F.at(0)), F.event("B", "u", F.at(30)),
            F.event("A", "v", F.at(0)), F.event("B", "v", F.at(60)),
            F.event("A", "w", F.at(0)), F.event("B", "w", F.at(100)),
        ]
        let result = try F.run(F.query(["A", "B"]), events)
        #expect(result.steps[1].medianSecondsToConvert == 60)
        #expect(abs((result.steps[1].meanSecondsToConvert ?? 0) - 190.0 / 3) < 1e-9)
        #expect(result.steps[0].medianSecondsToConvert == nil)
        // Longest 100 s: width 5 would need 21 bins, width 10 needs ⌊100/10⌋ + 1 = 11.
        let bins = result.timeToConvert
        #expect(bins.count == 11)
        #expect(bins.first?.fromSeconds == 0 && bins.first?.toSeconds == 10)
        #expect(bins.map(\.persons) == [0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1])
        #expect(try F.run(F.query(["A", "B"]), [F.event("A", "u", F.at(0))]).timeToConvert.isEmpty)
    }

    @Test func reportedAttemptIsTheEarliestReachingTheLevel() throws {
        // The first A only reaches step 2; the second reaches step 3, so it is reported.
        let events = [
            F.event("A", "u", F.at(0)), F.event("B", "u", F.at(10)), F.event("A", "u", F.at(4_000)),
            F.event("B", "u", F.at(4_010)), F.event("C", "u", F.at(4_030)),
        ]
        let result = try F.run(F.query(["A", "B", "C"]), events)
        #expect(result.steps.map(\.persons) == [1, 1, 1])
        #expect(result.steps[1].meanSecondsToConvert == 10)
        #expect(result.steps[2].meanSecondsToConvert == 20)
    }

    @Test func queryValidationLimitsExclusions() throws {
        let steps: JSONValue = .array([.string("A"), .string("B")])
        let exclude: JSONValue = .array((0..<11).map { _ in .string("X") })
        let json: JSONValue = .object([
            ("from", .string("2026-01-01")), ("to", .string("2026-01-02")), ("steps", steps), ("exclude", exclude),
        ])
        #expect(throws: UpliftError.self) { try FunnelQuery(json: json) }
        let ten: JSONValue = .object([
            ("from", .string("2026-01-01")), ("to", .string("2026-01-02")), ("steps", steps),
            ("exclude", .array((0..<10).map { _ in .string("X") })),
        ])
        #expect(try FunnelQuery(json: ten).exclusions.count == 10)
    }
}

extension FunnelRuleTests {
    @Test func bookkeepingEventAsAStepIsAnOrdinaryEvent() throws {
        // `$identify` named as a step is counted, and breaks strict chains it is not part of.
        let events = [
            F.event("$identify", "u", F.at(0)), F.event("A", "u", F.at(1)), F.event("$identify", "u", F.at(2)),
            F.event("B", "u", F.at(3)),
        ]
        #expect(try F.counts(F.query(["$identify", "A"]), events) == [1, 1])
        #expect(try F.counts(F.query(["A", "B", "$identify"], order: .strict), events) == [1, 0, 0])
        let q = F.query(["A", "B"], order: .strict)
        #expect(try F.counts(q, events) == [1, 1])
        #expect(
            ReferenceFunnel.Result(try F.run(F.query(["A", "B", "$identify"], order: .strict), events))
                == ReferenceFunnel.compute(
                    F.query(["A", "B", "$identify"], order: .strict), events: events, links: [:]))
    }
}
