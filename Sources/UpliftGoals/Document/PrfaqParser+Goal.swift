import UpliftAnalysis
import UpliftExperiments
import UpliftModel

extension PrfaqParser {
    /// The fields each metric reads; any other metric field is a mistake (it would be ignored).
    static func fields(of metric: Goal.Metric) -> (required: [String], optional: [String]) {
        switch metric {
        case .adoptionRate: (["feature"], ["active"])
        case .uniquePersons, .events: ([], ["event"])
        case .funnelConversion: (["steps"], ["window"])
        case .retention: (["event", "day"], ["active"])
        case .nps, .csat: ([], ["feature", "survey"])
        case .propertySum, .propertyAverage: (["event", "property"], [])
        }
    }

    static let metricFields = ["event", "feature", "active", "steps", "window", "day", "property", "survey"]

    static func meaning(_ field: String, _ metric: Goal.Metric) -> String {
        switch (field, metric) {
        case ("feature", .adoptionRate): "the event that marks use of the feature"
        case ("event", .retention): "the event that puts a person in a cohort"
        case ("day", _): "the day N after the cohort event (retention at day N)"
        case ("steps", _): "the funnel's steps, in order"
        case ("property", _): "the number to \(metric == .propertySum ? "sum" : "average")"
        default: "the event measured"
        }
    }

    mutating func parseGoal(_ value: JSONValue, path: String) -> Goal? {
        guard var f = attempt({ try FieldReader(value, path: path) }) else { return nil }
        let before = problems.count
        let id = attempt { try f.slug("id") } ?? nil
        let title = attempt { try f.string("title") } ?? nil
        let metric = attempt { () throws(FieldError) -> Goal.Metric in
            guard let m = try f.choice("metric", Goal.Metric.self) else {
                throw FieldError(
                    path: path + ".metric",
                    message: "is required: one of \(Goal.Metric.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return m
        }
        var present: Set<String> = []
        for key in Self.metricFields where f.value(key) != nil { present.insert(key) }
        let event = attempt { try f.string("event") } ?? nil
        let feature = attempt { try f.string("feature") } ?? nil
        let active = attempt { try f.string("active") } ?? nil
        let steps = present.contains("steps") ? steps(&f, path: path) : nil
        let window = attempt { try f.duration("window") } ?? nil
        let day = attempt { try f.int("day", in: 0...365) } ?? nil
        let property = attempt { try f.string("property") } ?? nil
        let survey = attempt { try f.string("survey") } ?? nil
        let filters = attempt { try f.filters("where") } ?? []
        let interval = attempt { () throws(FieldError) -> Interval in
            let i = try f.choice("interval", Interval.self) ?? .week
            guard i != .hour else { throw FieldError(path: path + ".interval", message: "must be day, week or month") }
            return i
        }
        let target = attempt { () throws(FieldError) -> Double in
            guard let t = try f.double("target") else {
                throw FieldError(
                    path: path + ".target", message: "is required: the value the metric should reach by the deadline")
            }
            return t
        }
        let baseline = attempt { try f.double("baseline") } ?? nil
        let deadline = attempt { () throws(FieldError) -> UTCDay in
            guard let d = try f.date("deadline") else {
                throw FieldError(
                    path: path + ".deadline", message: "is required: the date the target is due, YYYY-MM-DD")
            }
            return d
        }
        let direction = attempt { try f.choice("direction", Goal.Direction.self) } ?? nil
        for e in f.unknownFields() { add(e) }

        if let metric {
            let (required, optional) = Self.fields(of: metric)
            for key in Self.metricFields
            where present.contains(key) && !required.contains(key) && !optional.contains(key) {
                add(
                    FieldError(
                        path: "\(path).\(key)",
                        message:
                            "is not used by metric \(metric.rawValue); remove it (\(metric.rawValue) reads \((required + optional).joined(separator: ", ").nonEmpty ?? "no metric fields"))"
                    ))
            }
            for key in required where !present.contains(key) {
                add(
                    FieldError(
                        path: "\(path).\(key)",
                        message: "is required with metric \(metric.rawValue): \(Self.meaning(key, metric))"))
            }
            checkDomain(target, metric, field: path + ".target")
            checkDomain(baseline, metric, field: path + ".baseline")
        }
        guard problems.count == before, let id, let metric, let interval, let target, let deadline else { return nil }
        return Goal(
            id: id, title: title, metric: metric, event: event, feature: feature, active: active, steps: steps ?? [],
            window: window, day: day, property: property, survey: survey, filters: filters, interval: interval,
            target: target, baseline: baseline, deadline: deadline, direction: direction ?? .increase,
            line: line(of: path))
    }

    private mutating func checkDomain(_ value: Double?, _ metric: Goal.Metric, field: String) {
        guard let number = value, !metric.domain.contains(number) else { return }
        let value = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        let message =
            switch metric {
            case .adoptionRate, .funnelConversion, .retention:
                "\(value) is not a rate; \(metric.rawValue) is a fraction from 0 to 1 (write 0.4 for 40%)"
            case .nps: "\(value) is not a net promoter score; NPS runs from -100 to 100"
            case .csat: "\(value) is not a CSAT; it is the percentage of satisfied answers, 0 to 100"
            default: "\(value) cannot be negative for \(metric.rawValue)"
            }
        add(FieldError(path: field, message: message))
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
