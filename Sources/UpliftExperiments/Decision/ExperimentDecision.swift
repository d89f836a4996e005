import Foundation
import UpliftModel
import UpliftStats

/// The continue / stop / pivot answer for an experiment, in plain words next to the numbers.
///
/// The rules, in order:
/// 1. Nobody exposed yet → keep running.
/// 2. Sample ratio mismatch → investigate: the split is not what the weights say, so no metric can be trusted.
/// 3. A variant better on a primary metric (and worse on none) → ship it, unless one of its guardrails got
///    worse → investigate. Of several such variants, the one with the largest lift on the first primary metric
///    that shows it.
/// 4. Every variant worse on a primary metric → stop.
/// 5. Otherwise inconclusive. A guardrail that got worse → investigate. Else, when the persons per variant
///    reach what the planned power needs to see the minimum detectable effect (the definition's, or 5 %) on the
///    first primary metric → stop: there is no effect that large. Else → keep running, with the days still
///    needed at the recent rate of new exposures (the last 7 days with data).
package struct ExperimentDecision: Sendable {
    package enum Recommendation: String, Sendable {
        case ship
        case keepRunning = "keep_running"
        case stop, investigate
    }

    package var recommendation: Recommendation
    /// The variant to ship (ship only).
    package var variant: String?
    /// Keep running: the estimated days until the planned power (nil when it cannot be estimated).
    package var daysToPower: Double?
    /// Persons per variant the planned power needs (nil when unknown).
    package var personsNeeded: Int?
    /// One sentence.
    package var summary: String
    /// The evidence behind it, one line each.
    package var reasons: [String]

    /// The relative lift assumed for planning when the definition names none.
    package static let defaultMinimumDetectableEffect = 0.05
    /// The planned power.
    package static let plannedPower = 0.8

    static func decide(
        _ definition: ExperimentDefinition, data: ExperimentData, metrics: [ExperimentResult.MetricLine],
        srm: SampleRatioMismatch
    ) -> ExperimentDecision {
        let exposed = data.variants.reduce(0) { $0 + $1.persons }
        if exposed == 0 {
            return ExperimentDecision(
                recommendation: .keepRunning, summary: "Keep running: nobody has been exposed yet.",
                reasons: ["No \(definition.exposure.event) event names this experiment in the range analysed."])
        }
        if srm.flagged {
            let split = data.variants.map { "\($0.key) \($0.persons)" }.joined(separator: ", ")
            return ExperimentDecision(
                recommendation: .investigate,
                summary:
                    "Investigate: the traffic split is not what the weights say (sample ratio mismatch), so no result can be trusted yet.",
                reasons: [
                    "Exposed persons \(split) against weights \(weights(definition)): chi-square p \(pValueText(srm.pValue)), under 0.001. "
                        + "Look for assignment or exposure logging that differs between variants."
                ])
        }
        let primary = metrics.filter { !$0.guardrail }
        let guardrails = metrics.filter(\.guardrail)
        let treatments = definition.variants.dropFirst().map(\.key)
        var reasons: [String] = []
        for metric in metrics {
            for line in metric.variants where line.verdict == .better || line.verdict == .worse {
                reasons.append(describe(metric, line, confidence: definition.confidence))
            }
        }
        let harmed = Dictionary(
            grouping: guardrails.flatMap { m in m.variants.filter { $0.verdict == .worse }.map { ($0.key, m.id) } },
            by: \.0
        ).mapValues { $0.map(\.1) }

        // 3. Winners: better on some primary metric, worse on none.
        let winners = treatments.filter { key in
            let verdicts = primary.compactMap { $0.variants.first { $0.key == key }?.verdict }
            return verdicts.contains(.better) && !verdicts.contains(.worse)
        }
        if let best = bestOf(winners, primary) {
            if let hurt = harmed[best] {
                return ExperimentDecision(
                    recommendation: .investigate, variant: best,
                    summary:
                        "Investigate: \(best) wins on its primary metrics but makes guardrail \(hurt.joined(separator: ", ")) worse.",
                    reasons: reasons)
            }
            return ExperimentDecision(
                recommendation: .ship, variant: best,
                summary:
                    "Ship \(best): it beats \(definition.variants[0].key) on the primary metrics and no guardrail got worse.",
                reasons: reasons)
        }
        // 4. Every treatment worse on a primary metric.
        let losers = treatments.filter { key in
            primary.contains { $0.variants.first { $0.key == key }?.verdict == .worse }
        }
        if !treatments.isEmpty, losers.count == treatments.count {
            return ExperimentDecision(
                recommendation: .stop,
                summary: "Stop: every variant does worse than \(definition.variants[0].key) on a primary metric.",
                reasons: reasons)
        }
        // 5. Inconclusive.
        if let (variant, hurt) = harmed.sorted(by: { $0.key < $1.key }).first {
            return ExperimentDecision(
                recommendation: .investigate, variant: variant,
                summary:
                    "Investigate: no clear effect on the primary metrics, but \(variant) makes guardrail \(hurt.joined(separator: ", ")) worse.",
                reasons: reasons)
        }
        return plan(definition, data: data, primary: primary, reasons: reasons)
    }

    /// Inconclusive and harmless so far: is there still power to gain, and how long would it take?
    private static func plan(
        _ definition: ExperimentDefinition, data: ExperimentData, primary: [ExperimentResult.MetricLine],
        reasons: [String]
    ) -> ExperimentDecision {
        var reasons = reasons
        let mde = definition.minimumDetectableEffect ?? defaultMinimumDetectableEffect
        let mdeText = percent(mde, signed: false)
        let smallest = data.variants.map(\.persons).min() ?? 0
        guard let first = primary.first, let sums = data.metric(first.id)?.sums.first,
            let plan = PowerPlan(
                baseline: sums, shape: MetricShape(first.kind), variations: max(2, data.variants.count),
                alpha: 1 - definition.confidence,
                sequentialTuning: definition.method == .sequential ? 5000 : nil),
            let needed = plan.personsPerVariant(relativeEffect: mde, power: plannedPower)
        else {
            reasons.append(
                "The planned power cannot be computed yet (the first primary metric has no variance in control).")
            return ExperimentDecision(
                recommendation: .keepRunning, summary: "Keep running: no clear effect yet.", reasons: reasons)
        }
        if smallest >= needed {
            reasons.append(
                "Each variant has at least \(needed) persons, enough to see a \(mdeText) lift on \(first.id) with 80% power."
            )
            return ExperimentDecision(
                recommendation: .stop, personsNeeded: needed,
                summary:
                    "Stop: no effect of \(mdeText) or more on \(first.id); the planned power is reached. Pivot or try a bolder change.",
                reasons: reasons)
        }
        let rate = recentDailyRate(data)
        let days = rate > 0 ? Double(needed - smallest) / rate : nil
        reasons.append(
            "To see a \(mdeText) lift on \(first.id) with 80% power each variant needs \(needed) persons; the smallest has \(smallest)"
                + (days.map {
                    String(
                        format: " — about %.0f more days at the recent %.0f new persons per variant per day.",
                        $0.rounded(.up), rate)
                }
                    ?? " and none joined in the last 7 days."))
        let summary =
            days.map {
                "Keep running: no clear effect yet; about \(Int($0.rounded(.up))) more days to reach the planned power."
            }
            ?? "Keep running: no clear effect yet, but no new persons are being exposed."
        return ExperimentDecision(
            recommendation: .keepRunning, daysToPower: days.map { $0.rounded(.up) }, personsNeeded: needed,
            summary: summary, reasons: reasons)
    }

    /// New exposed persons per variant per day, over the last 7 days that have any.
    static func recentDailyRate(_ data: ExperimentData) -> Double {
        let recent = data.days.suffix(7)
        guard let firstDay = recent.first?.day, let lastDay = recent.last?.day, !data.variants.isEmpty else { return 0 }
        let span = Double(lastDay.daysSinceEpoch - firstDay.daysSinceEpoch + 1)
        let persons = recent.reduce(0) { $0 + ($1.persons.min() ?? 0) }
        return Double(persons) / span
    }

    private static func bestOf(_ variants: [String], _ primary: [ExperimentResult.MetricLine]) -> String? {
        guard variants.count > 1 else { return variants.first }
        for metric in primary {
            let lifts = variants.compactMap { key -> (String, Double)? in
                guard let line = metric.variants.first(where: { $0.key == key }), line.verdict == .better,
                    let lift = line.comparison?.relativeLift ?? line.comparison?.absoluteLift
                else { return nil }
                return (key, metric.direction == "decrease" ? -lift : lift)
            }
            if let best = lifts.max(by: { $0.1 < $1.1 }) { return best.0 }
        }
        return variants.first
    }

    private static func describe(
        _ metric: ExperimentResult.MetricLine, _ line: ExperimentResult.VariantLine, confidence: Double
    ) -> String {
        let role = metric.guardrail ? "guardrail " : ""
        let effect = line.comparison?.relative ?? line.comparison?.absolute
        let isRelative = line.comparison?.relative != nil
        let format = { (x: Double) in isRelative ? percent(x, signed: true) : String(format: "%+.4g", x) }
        var text = "\(line.key) is \(line.verdict == .better ? "better" : "worse") on \(role)\(metric.id)"
        if let effect {
            text += ": " + format(effect.estimate)
            if let lower = effect.lower, let upper = effect.upper {
                text += " (\(Int((confidence * 100).rounded()))% interval \(format(lower)) to \(format(upper)))"
            }
            if let p = line.adjustedPValue ?? effect.pValue { text += ", p " + pValueText(p) }
            if let chance = effect.chanceToWin { text += ", chance to win \(percent(chance, signed: false))" }
        }
        return text + "."
    }

    private static func weights(_ definition: ExperimentDefinition) -> String {
        definition.variants.map { String(format: "%g", $0.weight) }.joined(separator: "/")
    }

    static func percent(_ x: Double, signed: Bool) -> String {
        String(format: signed ? "%+.1f%%" : "%.1f%%", x * 100)
    }

    /// `= 0.0123` or `< 0.0001`: the relation and the number, to follow a "p".
    static func pValueText(_ p: Double) -> String { p < 0.0001 ? "< 0.0001" : "= " + String(format: "%.4f", p) }
}

extension MetricShape {
    /// The statistics' shape of a metric kind (a funnel is a proportion: did the person complete it).
    init(_ kind: String) {
        switch kind {
        case "mean": self = .mean
        case "ratio": self = .ratio
        default: self = .proportion
        }
    }
}
