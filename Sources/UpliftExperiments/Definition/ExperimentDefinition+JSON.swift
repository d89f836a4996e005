import UpliftAnalysis
package import UpliftModel

extension ExperimentDefinition {
    /// The wire form (snake_case keys, every default written out, timestamps as ISO-8601 UTC);
    /// `ExperimentDefinition(json: d.json) == d`.
    package var json: JSONValue {
        var m: [(String, JSONValue)] = [("key", .string(key)), ("hypothesis", .string(hypothesis))]
        if let owner { m.append(("owner", .string(owner))) }
        m.append(("status", .string(status.rawValue)))
        m.append(
            (
                "variants",
                .array(variants.map { .object([("key", .string($0.key)), ("weight", JSONValue.double($0.weight))]) })
            ))
        if let start { m.append(("start", JSONValue.timestamp(start))) }
        if let stop { m.append(("stop", JSONValue.timestamp(stop))) }
        m.append(("exposure", exposure.json))
        m.append(("metrics", .array(metrics.map(\.json))))
        if !guardrails.isEmpty { m.append(("guardrails", .array(guardrails.map(\.json)))) }
        m.append(("method", .string(method.rawValue)))
        m.append(("confidence", JSONValue.double(confidence)))
        m.append(
            (
                "cuped",
                .object([
                    ("enabled", .bool(cuped.enabled)),
                    ("pre_exposure_window", .string(cuped.preExposureWindow.description)),
                ])
            ))
        if let minimumDetectableEffect {
            m.append(("minimum_detectable_effect", JSONValue.double(minimumDetectableEffect)))
        }
        m.append(("hash_attribute", .string(hashAttribute)))
        if let seed { m.append(("seed", .string(seed))) }
        m.append(("multiple_exposures", .string(multipleExposures.rawValue)))
        if let shippedVariant { m.append(("shipped_variant", .string(shippedVariant))) }
        return .object(m)
    }
}

extension ExperimentDefinition.Exposure {
    package var json: JSONValue {
        var m: [(String, JSONValue)] = [
            ("event", .string(event)), ("experiment_property", .string(experimentProperty)),
            ("variant_property", .string(variantProperty)),
        ]
        if !filters.isEmpty { m.append(("where", filters.json)) }
        return .object(m)
    }
}

extension MetricDefinition {
    package var json: JSONValue {
        var m: [(String, JSONValue)] = [("id", .string(id)), ("kind", .string(kind.rawValue))]
        if kind == .funnel {
            m.append(
                (
                    "steps",
                    .array(
                        steps.map { step in
                            var s: [(String, JSONValue)] = [("event", .string(step.event))]
                            if !step.filters.isEmpty { s.append(("where", step.filters.json)) }
                            return .object(s)
                        })
                ))
        } else {
            m.append(contentsOf: measure.members)
            if let denominator { m.append(("denominator", .object(denominator.members))) }
        }
        if let window { m.append(("window", .string(window.description))) }
        m.append(("direction", .string(direction.rawValue)))
        return .object(m)
    }
}

extension MetricDefinition.EventMeasure {
    var members: [(String, JSONValue)] {
        var m: [(String, JSONValue)] = [("event", .string(event))]
        if !filters.isEmpty { m.append(("where", filters.json)) }
        if let property { m.append(("property", .string(property.description))) }
        return m
    }
}
