package import UpliftAnalysis
package import UpliftModel
import UpliftStats
package import UpliftStorage

extension AnalysisEngine {
    /// An experiment's per-variant sufficient statistics over `[from, to)` (microseconds, UTC).
    ///
    /// Semantics (the reference engine in TestSupport agrees):
    /// - **Exposure**: an event named `exposure.event`, passing `exposure.filters`, whose
    ///   `exposure.experimentProperty` equals the experiment key (`PropertyFilter` `eq`: numbers
    ///   numerically, else the text), with `from ≤ t < to`. Its `exposure.variantProperty` (as text:
    ///   a JSON number as written) names the variant; an exposure whose value is no variant key of
    ///   the definition (or that has none) is ignored, and its person counted in
    ///   `unknownVariantPersons`. Persons are distinct ids merged through `links`, as in every query.
    /// - A person's **first exposure** e is the earliest exposure naming a known variant; its variant
    ///   is the person's (several at the same earliest instant: the one listed first in the
    ///   definition). A person whose known exposures name two or more variants is counted in
    ///   `multipleExposures` and left out entirely, unless `multipleExposures == .first`.
    /// - **Metric events** count from e (t ≥ e, so an event at the exposure instant counts) until
    ///   the earlier of `to` (exclusive) and e + `metric.window` (inclusive), when a window is set.
    ///   proportion: y = 1 if the person did the event (with its filters) in that span, else 0
    ///   (`property` is ignored); mean: y = the number of such events, or the sum of the numeric
    ///   `property` over them (absent or non-numeric: 0); ratio: [m, d], each as a mean.
    /// - **funnel**: y = 1 if the person completes `steps` as an ordered funnel of the engine (ties
    ///   allowed, one event serves at most one step) with step 1 at or after e, the last step at
    ///   most `window` (default 14d) after step 1, and every step before `to`. The metric's window
    ///   is the conversion window, counted from step 1 as in funnels, not from the exposure.
    /// - Every counted person contributes to every metric, zeros included.
    /// - **CUPED** (`cuped.enabled`): proportion, mean and ratio metrics get the same measure over
    ///   the pre-exposure span [e − preExposureWindow, e) as extra components (layout in
    ///   `MetricSums`); events before `from` are read for it. Funnel metrics get no covariate (a
    ///   funnel "before exposure" has no clear meaning); their `cuped` is false.
    /// - `days`: new counted persons per variant by the UTC day of e, every day of the range.
    ///
    /// One frame holds the exposure role and every metric's roles (several frames when more than
    /// 32 roles are needed, each with the exposure role); each person is read in one linear pass.
    package func experimentData(
        _ definition: ExperimentDefinition, from: Int64, to: Int64, snapshot: Snapshot,
        links: PersonMap, budget: QueryBudget? = nil
    ) throws(UpliftError) -> ExperimentData {
        let plan = try ExperimentPlan(definition, from: from, to: to)
        let firstDay = UTCDay(microseconds: from).daysSinceEpoch
        let days = Int(UTCDay(microseconds: to - 1).daysSinceEpoch - firstDay + 1)
        let variants = definition.variants.count
        var outputs: [[MetricSums]?] = Array(repeating: nil, count: plan.metrics.count)
        var exposure: ExperimentTally?
        for framePlan in plan.frames {
            let frame = try frame(snapshot, links: links, request: framePlan.request, budget: budget)
            let column = frame.strings.first ?? StringColumn()
            let index = Dictionary(
                definition.variants.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
            let scan = ExperimentScan(
                frame: frame, plan: framePlan, variantOfCode: column.values.map { index[$0] ?? -1 }, variants: variants,
                from: from, to: to, preWindow: plan.preWindow, firstOnly: definition.multipleExposures == .first,
                firstDay: firstDay, days: days)
            let tally = scan.run()
            if exposure == nil { exposure = tally }
            for (j, m) in framePlan.metrics.enumerated() {
                outputs[m.output] = Self.sums(tally, metric: j, components: m.components)
            }
        }
        let t = exposure ?? ExperimentTally(variants: variants, days: days, components: [])
        return ExperimentData(
            from: from, to: to,
            variants: definition.variants.enumerated().map { .init(key: $1.key, persons: t.persons[$0]) },
            multipleExposures: t.multipleExposures, unknownVariantPersons: t.unknownVariantPersons,
            days: (0..<days).map { d in
                .init(
                    day: UTCDay(daysSinceEpoch: firstDay + Int64(d)),
                    persons: Array(t.dayPersons[d * variants..<(d + 1) * variants]))
            },
            metrics: plan.metrics.enumerated().map { i, m in
                .init(
                    id: m.definition.id, kind: m.definition.kind, guardrail: m.guardrail, cuped: m.cuped,
                    sums: outputs[i] ?? [])
            })
    }

    private static func sums(_ tally: ExperimentTally, metric j: Int, components k: Int) -> [MetricSums] {
        (0..<tally.variants).map { v in
            var s = MetricSums(components: k)
            let base = v * ExperimentTally.stride(k)
            s.n = tally.persons[v]
            for c in 0..<k { s.sums[c] = tally.values[j][base + c] }
            for c in 0..<s.products.count { s.products[c] = tally.values[j][base + k + c] }
            return s
        }
    }
}
