import UpliftAnalysis
package import UpliftModel
import UpliftStats

extension ExperimentResult {
    /// The result document. Numbers a method does not produce (a p-value under the Bayesian method, a
    /// chance to win under the frequentist one, an unbounded side of a one-sided interval) are null.
    package var json: JSONValue {
        .object([
            ("experiment", .string(key)),
            ("method", .string(method)),
            ("confidence", .double(confidence)),
            ("correction", .string(correction.rawValue)),
            ("from", .string(Timestamp.formatSeconds(from))),
            ("to", .string(Timestamp.formatSeconds(to))),
            (
                "exposures",
                .object([
                    (
                        "variants",
                        .array(
                            exposures.variants.map { v in
                                .object([
                                    ("key", .string(v.key)), ("weight", .double(v.weight)),
                                    ("persons", .int(v.persons)),
                                ])
                            })
                    ),
                    ("multiple_exposures", .int(exposures.multipleExposures)),
                    ("unknown_variant", .int(exposures.unknownVariant)),
                ])
            ),
            (
                "srm",
                .object([
                    ("p_value", .double(srm.problem == nil ? srm.pValue : nil)),
                    ("flag", .bool(srm.flagged)),
                    ("problem", .string(srm.problem)),
                ])
            ),
            ("metrics", .array(metrics.map(\.json))),
            ("decision", decision.json),
        ])
    }
}

extension ExperimentResult.MetricLine {
    var json: JSONValue {
        .object([
            ("id", .string(id)), ("kind", .string(kind)), ("guardrail", .bool(guardrail)),
            ("direction", .string(direction)), ("cuped", .bool(cuped)),
            ("variants", .array(variants.map(\.json))),
        ])
    }
}

extension ExperimentResult.VariantLine {
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("key", .string(key)), ("n", .int(summary.n)), ("mean", .double(summary.mean)),
            ("stddev", .double(summary.stddev)),
        ]
        guard let c = comparison else { return .object(members) }
        let interval = { (e: Effect?) -> JSONValue in
            guard let e, e.lower != nil || e.upper != nil else { return .null }
            return .array([.double(e.lower), .double(e.upper)])
        }
        members += [
            ("absolute_lift", .double(c.absolute?.estimate)),
            ("relative_lift", .double(c.relative?.estimate)),
            ("ci", interval(c.relative)),
            ("absolute_ci", interval(c.absolute)),
            ("p_value", .double(c.relative?.pValue ?? c.absolute?.pValue)),
            ("adjusted_p_value", .double(adjustedPValue)),
            ("chance_to_win", .double(c.relative?.chanceToWin ?? c.absolute?.chanceToWin)),
            ("expected_loss", .double((c.relative?.expectedLoss ?? c.absolute?.expectedLoss)?.treatment)),
            ("verdict", .string(verdict.rawValue)),
            ("problem", .string(c.problem)),
        ]
        return .object(members)
    }
}

extension ExperimentDecision {
    var json: JSONValue {
        .object([
            ("recommendation", .string(recommendation.rawValue)),
            ("variant", .string(variant)),
            ("days_to_power", .double(daysToPower)),
            ("persons_needed_per_variant", personsNeeded.map { .int($0) } ?? .null),
            ("summary", .string(summary)),
            ("reasons", .array(reasons.map { .string($0) })),
        ])
    }
}
