package import UpliftAnalysis
package import UpliftModel
import UpliftStats
package import UpliftStorage

/// From a definition and the events to the analysed experiment: per-variant sums from the aggregation
/// engine, each treatment compared with the control (the first variant) by the statistics engine, the
/// correction across the primary metrics, the sample-ratio check and the decision.
package enum ExperimentAnalysis {
    /// Analyses `definition` over `[from, to)` (microseconds) of a snapshot.
    package static func run(
        _ definition: ExperimentDefinition, from: Int64, to: Int64, snapshot: Snapshot,
        links: PersonMap, engine: AnalysisEngine,
        correction: MultipleTestingCorrection = .holm, budget: QueryBudget? = nil
    ) throws(UpliftError) -> ExperimentResult {
        let data = try engine.experimentData(
            definition, from: from, to: to, snapshot: snapshot, links: links, budget: budget)
        return analyze(definition, data: data, correction: correction)
    }

    /// The statistics over sums already collected.
    package static func analyze(
        _ definition: ExperimentDefinition, data: ExperimentData,
        correction: MultipleTestingCorrection = .holm
    ) -> ExperimentResult {
        let alpha = 1 - definition.confidence
        let weights = definition.variants.map(\.weight)
        let srm = SampleRatioMismatch.check(counts: data.variants.map(\.persons), weights: weights)
        let byID = Dictionary(
            definition.metrics.map { ($0.id, $0) } + definition.guardrails.map { ($0.id, $0) },
            uniquingKeysWith: { first, _ in first })

        var metrics: [ExperimentResult.MetricLine] = data.metrics.map { metric in
            let direction = byID[metric.id]?.direction ?? .increase
            let settings = AnalysisSettings(
                method: AnalysisMethod(definition.method), alpha: alpha, cuped: metric.cuped,
                inverse: direction == .decrease)
            let shape = MetricShape(metric.kind.rawValue)
            let control =
                metric.sums.first ?? MetricSums(components: Statistics.components(shape: shape, cuped: metric.cuped))
            var lines: [ExperimentResult.VariantLine] = []
            for (index, sums) in metric.sums.enumerated() {
                let key = index < data.variants.count ? data.variants[index].key : "variant \(index)"
                if index == 0 {
                    lines.append(
                        .init(
                            key: key, summary: ArmSummary(sums, shape: shape), comparison: nil, adjustedPValue: nil,
                            verdict: .control))
                } else {
                    let comparison = Statistics.compare(
                        control: control, treatment: sums, shape: shape, settings: settings)
                    lines.append(
                        .init(
                            key: key, summary: comparison.treatment, comparison: comparison, adjustedPValue: nil,
                            verdict: comparison.problem == nil ? .inconclusive : .unavailable))
                }
            }
            return .init(
                id: metric.id, kind: metric.kind.rawValue, guardrail: metric.guardrail, direction: direction.rawValue,
                cuped: metric.cuped, variants: lines)
        }
        adjust(&metrics, correction: correction, method: definition.method)
        for m in metrics.indices {
            for v in metrics[m].variants.indices where metrics[m].variants[v].verdict == .inconclusive {
                metrics[m].variants[v].verdict = verdict(
                    metrics[m].variants[v], method: definition.method, alpha: alpha,
                    decrease: metrics[m].direction == "decrease")
            }
        }
        let decision = ExperimentDecision.decide(definition, data: data, metrics: metrics, srm: srm)
        return ExperimentResult(
            key: definition.key, method: definition.method.rawValue, confidence: definition.confidence,
            correction: correction,
            from: data.from, to: data.to,
            exposures: .init(
                variants: zip(definition.variants, data.variants).map { ($1.key, $0.weight, $1.persons) },
                multipleExposures: data.multipleExposures, unknownVariant: data.unknownVariantPersons),
            srm: srm, metrics: metrics, decision: decision)
    }

    /// Corrects the p-values of the primary metrics × treatment variants together (guardrails are each
    /// judged alone: a guardrail exists to catch harm, so it should not be made harder to trip).
    private static func adjust(
        _ metrics: inout [ExperimentResult.MetricLine], correction: MultipleTestingCorrection,
        method: ExperimentDefinition.Method
    ) {
        guard method != .bayesian else { return }
        var slots: [(Int, Int)] = []
        var pValues: [Double?] = []
        for (m, metric) in metrics.enumerated() where !metric.guardrail {
            for (v, line) in metric.variants.enumerated() where line.comparison != nil {
                slots.append((m, v))
                pValues.append(line.comparison?.relative?.pValue ?? line.comparison?.absolute?.pValue)
            }
        }
        let adjusted: [Double?] =
            switch correction {
            case .holm: MultipleTesting.holmBonferroni(pValues)
            case .benjaminiHochberg: MultipleTesting.benjaminiHochberg(pValues)
            case .none: pValues
            }
        for ((m, v), p) in zip(slots, adjusted) { metrics[m].variants[v].adjustedPValue = p }
        for m in metrics.indices where metrics[m].guardrail {
            for v in metrics[m].variants.indices {
                let c = metrics[m].variants[v].comparison
                metrics[m].variants[v].adjustedPValue = c?.relative?.pValue ?? c?.absolute?.pValue
            }
        }
    }

    /// Better, worse or inconclusive: frequentist and sequential by the (adjusted) p-value and the sign
    /// of the lift; Bayesian by the chance to win against the confidence level.
    private static func verdict(
        _ line: ExperimentResult.VariantLine, method: ExperimentDefinition.Method, alpha: Double,
        decrease: Bool
    ) -> ExperimentResult.Verdict {
        guard let comparison = line.comparison, let effect = comparison.relative ?? comparison.absolute else {
            return .unavailable
        }
        switch method {
        case .bayesian:
            // The chance to win is already the chance of the good direction (`inverse` flips it).
            guard let chance = effect.chanceToWin else { return .unavailable }
            if chance >= 1 - alpha { return .better }
            if chance <= alpha { return .worse }
            return .inconclusive
        case .frequentist, .sequential:
            guard let p = line.adjustedPValue ?? effect.pValue else { return .unavailable }
            guard p < alpha, effect.estimate != 0 else { return .inconclusive }
            return (effect.estimate > 0) != decrease ? .better : .worse
        }
    }
}

extension AnalysisMethod {
    init(_ method: ExperimentDefinition.Method) {
        switch method {
        case .frequentist: self = .frequentist
        case .bayesian: self = .bayesian
        case .sequential: self = .sequential
        }
    }
}
