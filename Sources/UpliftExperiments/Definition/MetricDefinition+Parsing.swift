import UpliftAnalysis
package import UpliftModel

extension MetricDefinition {
    /// Parses one metric alone (the JSON form that `json` writes).
    package init(json: JSONValue) throws(UpliftError) {
        var ids: Set<String> = []
        self = try DefinitionSource(json: json).decode { (v) throws(FieldError) in
            try MetricDefinition(fields: v, path: "", ids: &ids)
        }
    }

    /// `{id, kind, event, where?, property?, denominator?, steps?, window?, direction?}` with the
    /// fields each kind needs: ratio a denominator, funnel 2–20 steps (and no event: its steps name
    /// them), proportion no property. `ids` collects ids across metrics and guardrails to refuse duplicates.
    init(fields value: JSONValue, path: String, ids: inout Set<String>) throws(FieldError) {
        var f = try FieldReader(value, path: path)
        let id = try f.slug("id") ?? ""
        guard ids.insert(id).inserted else {
            throw FieldError(
                path: f.name("id"), message: "'\(id)' is used by an earlier metric; metric ids must be unique")
        }
        guard let kind = try f.choice("kind", Kind.self) else {
            throw FieldError(
                path: f.name("kind"),
                message: "is required: one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let window = try f.duration("window")
        let direction = try f.choice("direction", Direction.self) ?? .increase
        var denominator: EventMeasure?
        var steps: [FunnelQuery.Step] = []
        let measure: EventMeasure
        if kind == .funnel {
            for key in ["event", "where", "property", "denominator"] where f.value(key) != nil {
                throw FieldError(path: f.name(key), message: "is not used by funnel metrics; name the events in steps")
            }
            guard let items = try f.array("steps") else {
                throw FieldError(
                    path: f.name("steps"),
                    message: "is required for funnel metrics: a list of 2 to \(FunnelQuery.maxSteps) {event, where?}")
            }
            guard (2...FunnelQuery.maxSteps).contains(items.count) else {
                throw FieldError(
                    path: f.name("steps"), message: "must list 2 to \(FunnelQuery.maxSteps) steps, not \(items.count)")
            }
            for (i, item) in items.enumerated() {
                let field = "\(f.name("steps"))[\(i)]"
                if case .string(let event) = item, !event.isEmpty {
                    steps.append(FunnelQuery.Step(event: event))
                    continue
                }
                var g = try FieldReader(item, path: field)
                let event = try g.requiredString("event", what: "the event name")
                let filters = try g.filters("where")
                try g.finish()
                steps.append(FunnelQuery.Step(event: event, filters: filters))
            }
            measure = EventMeasure(event: steps[0].event, filters: steps[0].filters)
        } else {
            measure = try EventMeasure(reading: &f)
            if kind == .proportion, measure.property != nil {
                throw FieldError(
                    path: f.name("property"),
                    message:
                        "is not used by proportion metrics (did the person do the event); use kind: mean to sum a property"
                )
            }
            if f.value("steps") != nil {
                throw FieldError(path: f.name("steps"), message: "is only used by funnel metrics")
            }
            if let d = f.value("denominator") {
                guard kind == .ratio else {
                    throw FieldError(path: f.name("denominator"), message: "is only used by ratio metrics")
                }
                var g = try FieldReader(d, path: f.name("denominator"))
                denominator = try EventMeasure(reading: &g)
                try g.finish()
            } else if kind == .ratio {
                throw FieldError(
                    path: f.name("denominator"), message: "is required for ratio metrics: {event, where?, property?}")
            }
        }
        try f.finish()
        self.init(
            id: id, kind: kind, measure: measure, denominator: denominator, steps: steps, window: window,
            direction: direction)
    }
}

extension MetricDefinition.EventMeasure {
    /// `event`, `where` and `property` of the reader's object (the caller finishes the reader).
    init(reading f: inout FieldReader) throws(FieldError) {
        let event = try f.requiredString("event", what: "the event name")
        let filters = try f.filters("where")
        let property = try f.string("property")
        if let property, property.isEmpty { throw FieldError(path: f.name("property"), message: "must not be empty") }
        self.init(event: event, filters: filters, property: property.map(PropertyRef.init))
    }
}
