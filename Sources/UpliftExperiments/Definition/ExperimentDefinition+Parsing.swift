import UpliftAnalysis
package import UpliftModel

extension ExperimentDefinition {
    /// Parses and validates a YAML definition file (the example parses as written). Errors
    /// name the field path and its line: `metrics[1].denominator.event (line 19): is required …`.
    package init(yaml: String) throws(UpliftError) {
        let source = try DefinitionSource(yaml: yaml)
        self = try source.decode { (v) throws(FieldError) in try ExperimentDefinition(fields: v) }
    }

    /// Parses and validates the JSON form (`POST /v1/experiments`, the catalog); the inverse of `json`.
    package init(json: JSONValue) throws(UpliftError) {
        self = try DefinitionSource(json: json).decode { (v) throws(FieldError) in try ExperimentDefinition(fields: v) }
    }

    /// Accepted confidence levels: above 0.5 (a coin flip) and at most 0.999.
    package static let confidenceRange: ClosedRange<Double> = 0.5.nextUp...0.999

    init(fields value: JSONValue) throws(FieldError) {
        var f = try FieldReader(value, path: "")
        let key = try f.slug("key") ?? ""
        let hypothesis = try f.string("hypothesis") ?? ""
        let owner = try f.string("owner")
        guard let variantItems = try f.array("variants") else {
            throw FieldError(path: "variants", message: "is required: a list of 2 to 20 {key, weight}")
        }
        let variants = try VariantParsing.parse(variantItems, path: "variants").map {
            Variant(key: $0.key, weight: $0.weight)
        }
        let start = try f.timestamp("start")
        let stop = try f.timestamp("stop")
        if let start, let stop, stop <= start {
            throw FieldError(path: "stop", message: "must be after start")
        }
        let status = try f.choice("status", Status.self) ?? .draft
        let exposure =
            try f.value("exposure").map { (v) throws(FieldError) in try Exposure(fields: v, path: "exposure") }
            ?? Exposure()
        guard let metricItems = try f.array("metrics") else {
            throw FieldError(
                path: "metrics", message: "is required: a list of at least one metric {id, kind, event, …}")
        }
        guard !metricItems.isEmpty else { throw FieldError(path: "metrics", message: "must list at least one metric") }
        var ids: Set<String> = []
        var metrics: [MetricDefinition] = []
        for (i, item) in metricItems.enumerated() {
            metrics.append(try MetricDefinition(fields: item, path: "metrics[\(i)]", ids: &ids))
        }
        var guardrails: [MetricDefinition] = []
        for (i, item) in (try f.array("guardrails") ?? []).enumerated() {
            guardrails.append(try MetricDefinition(fields: item, path: "guardrails[\(i)]", ids: &ids))
        }
        let method = try f.choice("method", Method.self) ?? .frequentist
        let confidence = try f.double("confidence") ?? 0.95
        guard Self.confidenceRange.contains(confidence) else {
            throw FieldError(
                path: "confidence", message: "must be above 0.5 and at most 0.999 (0.95 for 95%), not \(confidence)")
        }
        let cuped =
            try f.value("cuped").map { (v) throws(FieldError) in try Cuped(fields: v, path: "cuped") } ?? Cuped()
        let mde = try f.double("minimum_detectable_effect")
        if let mde, mde <= 0 {
            throw FieldError(
                path: "minimum_detectable_effect", message: "must be above 0 (0.05 for a 5% relative lift)")
        }
        let hashAttribute = try f.string("hash_attribute") ?? "id"
        guard !hashAttribute.isEmpty else {
            throw FieldError(path: "hash_attribute", message: "must not be empty; leave it out for the stable id")
        }
        let seed = try f.string("seed")
        if let seed, seed.isEmpty {
            throw FieldError(path: "seed", message: "must not be empty; leave it out to use the key")
        }
        let multiple = try f.choice("multiple_exposures", MultipleExposures.self) ?? .exclude
        let shipped = try f.string("shipped_variant")
        if let shipped, !variants.contains(where: { $0.key == shipped }) {
            throw FieldError(
                path: "shipped_variant",
                message:
                    "\(UpliftError.quote(shipped)) is not one of the variants "
                    + "(\(variants.map(\.key).joined(separator: ", ")))")
        }
        try f.finish()
        self.init(
            key: key, hypothesis: hypothesis, owner: owner, variants: variants, start: start, stop: stop,
            status: status, exposure: exposure, metrics: metrics, guardrails: guardrails, method: method,
            confidence: confidence, cuped: cuped, minimumDetectableEffect: mde, hashAttribute: hashAttribute,
            seed: seed, multipleExposures: multiple, shippedVariant: shipped)
    }
}

extension ExperimentDefinition.Exposure {
    init(fields value: JSONValue, path: String) throws(FieldError) {
        var f = try FieldReader(value, path: path)
        let event = try f.string("event") ?? "$exposure"
        guard !event.isEmpty else { throw FieldError(path: f.name("event"), message: "must not be empty") }
        let experimentProperty = try f.string("experiment_property")
        let variantProperty = try f.string("variant_property")
        let filters = try f.filters("where")
        try f.finish()
        self.init(
            event: event, experimentProperty: experimentProperty, variantProperty: variantProperty, filters: filters)
    }
}

extension ExperimentDefinition.Cuped {
    /// `cuped: true`, or `{enabled, pre_exposure_window}` where `enabled` defaults to true (writing the
    /// object is asking for CUPED).
    init(fields value: JSONValue, path: String) throws(FieldError) {
        if case .bool(let on) = value {
            self.init(enabled: on)
            return
        }
        guard case .object = value else {
            throw FieldError(path: path, message: "must be true, false or {enabled, pre_exposure_window}")
        }
        var f = try FieldReader(value, path: path)
        let enabled = try f.bool("enabled") ?? true
        let window = try f.duration("pre_exposure_window") ?? TimeLength(days: 14)
        try f.finish()
        self.init(enabled: enabled, preExposureWindow: window)
    }
}
