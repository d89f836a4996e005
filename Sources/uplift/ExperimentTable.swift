import Foundation
import UpliftExperiments
import UpliftModel
import UpliftStats

/// The human-readable rendering of an experiment analysis (the default output of `experiment analyze`).
enum ExperimentTable {
    static func render(_ r: ExperimentResult) -> String {
        let confidence = Int((r.confidence * 100).rounded())
        var out = [
            "\(r.key): \(r.method), \(confidence)% confidence, \(Timestamp.formatSeconds(r.from)) to \(Timestamp.formatSeconds(r.to))"
        ]
        let split = r.exposures.variants.map { "\($0.key) \(grouped($0.persons))" }.joined(separator: ", ")
        out.append(
            "exposed: \(split); several variants: \(grouped(r.exposures.multipleExposures)); unknown variant: \(grouped(r.exposures.unknownVariant))"
        )
        let srm =
            r.srm.problem
            ?? (r.srm.flagged ? "MISMATCH (p = \(pValue(r.srm.pValue)))" : "ok (p = \(pValue(r.srm.pValue)))")
        out.append("sample ratio: \(srm)")

        var notes: [String] = []
        var t = Table(header: [
            "metric", "variant", "persons", "mean", "lift", "\(confidence)% interval",
            r.method == "bayesian" ? "chance to win" : "p (adjusted)", "verdict",
        ])
        for metric in r.metrics {
            for (i, v) in metric.variants.enumerated() {
                let name = i == 0 ? metric.id + (metric.guardrail ? " (guardrail)" : "") : ""
                let c = v.comparison
                let effect = c?.relative ?? c?.absolute
                let isRelative = c?.relative != nil
                let lift = effect.map { signed($0.estimate, relative: isRelative) } ?? ""
                let interval =
                    effect.map { e in
                        "\(e.lower.map { signed($0, relative: isRelative) } ?? "-inf") to \(e.upper.map { signed($0, relative: isRelative) } ?? "+inf")"
                    } ?? ""
                let evidence =
                    r.method == "bayesian"
                    ? (effect?.chanceToWin).map { QueryTables.percent($0) } ?? ""
                    : (v.adjustedPValue ?? effect?.pValue).map(pValue) ?? ""
                if let problem = c?.problem { notes.append("\(metric.id), \(v.key): \(problem)") }
                t.rows.append([
                    name, v.key, grouped(v.summary.n), v.summary.mean.map { String(format: "%.4g", $0) } ?? "-",
                    lift, interval, evidence,
                    i == 0 ? "" : (c?.problem == nil ? v.verdict.rawValue : "n/a (\(notes.count))"),
                ])
            }
        }
        out.append("")
        out.append(t.render())
        out += notes.enumerated().map { "(\($0.offset + 1)) \($0.element)" }
        out.append("")
        out.append(
            "decision: \(r.decision.recommendation.rawValue.uppercased().replacingOccurrences(of: "_", with: " "))\(r.decision.variant.map { " " + $0 } ?? "")"
        )
        out.append(r.decision.summary)
        out += r.decision.reasons.map { "  - " + $0 }
        return out.joined(separator: "\n")
    }

    private static func signed(_ x: Double, relative: Bool) -> String {
        relative ? String(format: "%+.1f%%", x * 100) : String(format: "%+.4g", x)
    }

    private static func pValue(_ p: Double) -> String { p < 0.0001 ? "<0.0001" : String(format: "%.4f", p) }
}
