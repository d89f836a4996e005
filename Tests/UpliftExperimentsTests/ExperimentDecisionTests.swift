import Testing
import UpliftModel
import UpliftStats

@testable import UpliftExperiments

/// The analysis over collected sums: each decision rule, the correction across primary metrics, the
/// direction of a metric, and the document's nulls.
struct ExperimentDecisionTests {
    static let day = UTCDay(microseconds: 1_772_323_200_000_000)  // 2026-03-01

    /// A proportion metric: `converted` of `n` persons per variant.
    static func proportion(
        _ id: String, _ counts: [(n: Int, converted: Int)], guardrail: Bool = false
    ) -> ExperimentData.Metric {
        let sums = counts.map { c -> MetricSums in
            var s = MetricSums(components: 1)
            s.n = c.n
            s.sums[0] = Double(c.converted)
            s.products[0] = Double(c.converted)
            return s
        }
        return .init(id: id, kind: .proportion, guardrail: guardrail, cuped: false, sums: sums)
    }

    static func definition(
        metrics: [String], guardrails: [String] = [], method: ExperimentDefinition.Method = .frequentist,
        mde: Double? = nil, decrease: Set<String> = []
    ) -> ExperimentDefinition {
        func metric(_ id: String) -> MetricDefinition {
            MetricDefinition(
                id: id, kind: .proportion, measure: .init(event: id),
                direction: decrease.contains(id) ? .decrease : .increase)
        }
        return ExperimentDefinition(
            key: "exp", variants: [.init(key: "control", weight: 0.5), .init(key: "treatment", weight: 0.5)],
            status: .running, metrics: metrics.map(metric), guardrails: guardrails.map(metric),
            method: method, minimumDetectableEffect: mde)
    }

    static func data(_ metrics: [ExperimentData.Metric], newPerDay: Int = 100, days: Int = 14) -> ExperimentData {
        let persons = metrics.first?.sums.map(\.n) ?? [0, 0]
        return ExperimentData(
            from: day.startMicroseconds, to: day.adding(days: Int64(days)).startMicroseconds,
            variants: zip(["control", "treatment"], persons).map { .init(key: $0, persons: $1) },
            multipleExposures: 0, unknownVariantPersons: 0,
            days: (0..<days).map { .init(day: day.adding(days: Int64($0)), persons: [newPerDay, newPerDay]) },
            metrics: metrics)
    }

    @Test func aClearWinnerShips() {
        let d = Self.definition(metrics: ["buy"])
        let r = ExperimentAnalysis.analyze(d, data: Self.data([Self.proportion("buy", [(5000, 1000), (5000, 1250)])]))
        #expect(r.decision.recommendation == .ship)
        #expect(r.decision.variant == "treatment")
        #expect(r.metrics[0].variants[1].verdict == .better)
        #expect(r.decision.reasons.contains { $0.contains("+25.0%") })
    }

    @Test func aWinnerThatHurtsAGuardrailIsInvestigated() {
        // Refunds: lower is better, so a rise is harm.
        let d = Self.definition(metrics: ["buy"], guardrails: ["refund"], decrease: ["refund"])
        let data = Self.data([
            Self.proportion("buy", [(5000, 1000), (5000, 1250)]),
            Self.proportion("refund", [(5000, 100), (5000, 200)], guardrail: true),
        ])
        let r = ExperimentAnalysis.analyze(d, data: data)
        #expect(r.decision.recommendation == .investigate)
        #expect(r.decision.summary.contains("refund"))
    }

    @Test func aGuardrailThatMovesTheGoodWayIsNoHarm() {
        let d = Self.definition(metrics: ["buy"], guardrails: ["error"], decrease: ["error"])
        let data = Self.data([
            Self.proportion("buy", [(5000, 1000), (5000, 1250)]),
            Self.proportion("error", [(5000, 200), (5000, 100)], guardrail: true),
        ])
        let r = ExperimentAnalysis.analyze(d, data: data)
        #expect(r.metrics[1].variants[1].verdict == .better)
        #expect(r.decision.recommendation == .ship)
    }

    @Test func aClearLoserStops() {
        let d = Self.definition(metrics: ["buy"])
        let r = ExperimentAnalysis.analyze(d, data: Self.data([Self.proportion("buy", [(5000, 1250), (5000, 1000)])]))
        #expect(r.decision.recommendation == .stop)
        #expect(r.metrics[0].variants[1].verdict == .worse)
    }

    @Test func aSampleRatioMismatchOverridesEverything() {
        let d = Self.definition(metrics: ["buy"])
        let r = ExperimentAnalysis.analyze(d, data: Self.data([Self.proportion("buy", [(5000, 1000), (4000, 1250)])]))
        #expect(r.srm.flagged)
        #expect(r.decision.recommendation == .investigate)
        #expect(r.decision.summary.contains("sample ratio mismatch"))
    }

    @Test func inconclusiveKeepsRunningWithTheDaysStillNeeded() throws {
        // 20% baseline, a 5% relative MDE needs ~25k persons per variant (GrowthBook's planning); 1,000 now, 100 a day.
        let d = Self.definition(metrics: ["buy"], mde: 0.05)
        let r = ExperimentAnalysis.analyze(d, data: Self.data([Self.proportion("buy", [(1000, 200), (1000, 205)])]))
        #expect(r.decision.recommendation == .keepRunning)
        let needed = try #require(r.decision.personsNeeded)
        let plan = try #require(PowerPlan(baseline: Self.proportion("buy", [(1000, 200)]).sums[0], shape: .proportion))
        #expect(needed == plan.personsPerVariant(relativeEffect: 0.05))
        #expect(r.decision.daysToPower == (Double(needed - 1000) / 100).rounded(.up))
    }

    @Test func inconclusiveWithThePlannedPowerReachedStops() {
        let d = Self.definition(metrics: ["buy"], mde: 0.2)
        let r = ExperimentAnalysis.analyze(
            d, data: Self.data([Self.proportion("buy", [(20000, 4000), (20000, 4010)])]))
        #expect(r.decision.recommendation == .stop)
        #expect(r.decision.summary.contains("no effect"))
    }

    @Test func nobodyExposedKeepsRunning() {
        let d = Self.definition(metrics: ["buy"])
        let r = ExperimentAnalysis.analyze(
            d, data: Self.data([Self.proportion("buy", [(0, 0), (0, 0)])], newPerDay: 0))
        #expect(r.decision.recommendation == .keepRunning)
        #expect(r.metrics[0].variants[1].comparison?.problem != nil)
        #expect(r.metrics[0].variants[1].verdict == .unavailable)
    }

    /// Holm across two primary metrics: a p-value just under alpha alone is not enough beside another metric.
    @Test func primaryMetricsAreCorrectedTogether() throws {
        let d = Self.definition(metrics: ["buy", "share"])
        let data = Self.data([
            Self.proportion("buy", [(3000, 600), (3000, 668)]), Self.proportion("share", [(3000, 300), (3000, 301)]),
        ])
        let holm = ExperimentAnalysis.analyze(d, data: data)
        let none = ExperimentAnalysis.analyze(d, data: data, correction: .none)
        let raw = try #require(none.metrics[0].variants[1].adjustedPValue)
        #expect(raw < 0.05)
        #expect(none.metrics[0].variants[1].verdict == .better)
        let adjusted = try #require(holm.metrics[0].variants[1].adjustedPValue)
        #expect(adjusted == min(1, raw * 2))
        #expect(holm.metrics[0].variants[1].verdict == .inconclusive)
    }

    @Test func bayesianJudgesByChanceToWinAndHasNoPValue() throws {
        let d = Self.definition(metrics: ["buy"], method: .bayesian)
        let r = ExperimentAnalysis.analyze(d, data: Self.data([Self.proportion("buy", [(5000, 1000), (5000, 1250)])]))
        #expect(r.decision.recommendation == .ship)
        guard case .object(let doc) = r.json, case .array(let metrics)? = doc.first(where: { $0.0 == "metrics" })?.1,
            case .object(let metric) = metrics[0],
            case .array(let variants)? = metric.first(where: { $0.0 == "variants" })?.1,
            case .object(let treatment) = variants[1]
        else {
            Issue.record("unexpected document shape")
            return
        }
        let member = { (name: String) in treatment.first { $0.0 == name }?.1 }
        #expect(member("p_value") == .null)
        #expect(member("chance_to_win")?.doubleValue ?? 0 > 0.99)
        #expect(member("expected_loss")?.doubleValue != nil)
    }
}
