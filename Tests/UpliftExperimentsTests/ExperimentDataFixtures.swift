import TestSupport
import UpliftAnalysis
import UpliftExperiments
import UpliftModel
import UpliftStats
import UpliftStorage

/// Events, definitions and random cases for the experiment-data tests, on a fixed clock:
/// `base` is 2026-01-05 00:00 UTC.
enum ExperimentDataFixtures {
    static let project = try! ProjectSlug("experiments")
    static let base: Int64 = 1_767_571_200_000_000
    static let hour: Int64 = 3_600_000_000

    static func event(_ name: String, _ id: String, _ time: Int64, _ properties: String = "{}") -> Event {
        Event(
            eventID: "e-\(id)-\(name)-\(time)-\(Int.random(in: 0..<Int.max))", type: .track, event: name,
            distinctID: id,
            timestamp: time, receivedAt: time, properties: properties)
    }

    static func exposure(
        _ id: String, _ time: Int64, _ variant: String?, experiment: String = "exp", extra: String = ""
    ) -> Event {
        let v = variant.map { ",\"variant\":\"\($0)\"" } ?? ""
        return event("$exposure", id, time, "{\"experiment\":\"\(experiment)\"\(v)\(extra)}")
    }

    static func definition(
        _ metrics: [MetricDefinition], guardrails: [MetricDefinition] = [],
        variants: [String] = ["control", "treatment"],
        cuped: TimeLength? = nil, multiple: ExperimentDefinition.MultipleExposures = .exclude,
        exposureFilters: [PropertyFilter] = []
    ) -> ExperimentDefinition {
        ExperimentDefinition(
            key: "exp", variants: variants.map { .init(key: $0, weight: 1) },
            exposure: .init(event: "$exposure", filters: exposureFilters), metrics: metrics, guardrails: guardrails,
            cuped: .init(enabled: cuped != nil, preExposureWindow: cuped ?? TimeLength(days: 14)),
            multipleExposures: multiple)
    }

    /// The real engine over in-memory (pending) events.
    static func run(
        _ d: ExperimentDefinition, _ events: [Event], links: [String: String] = [:], from: Int64, to: Int64,
        engine: AnalysisEngine = AnalysisEngine()
    ) throws -> ExperimentData {
        try engine.experimentData(
            d, from: from, to: to, snapshot: Snapshot(project: project, segments: [], pending: events),
            links: PersonMap(links))
    }

    static func reference(
        _ d: ExperimentDefinition, _ events: [Event], links: [String: String] = [:], from: Int64, to: Int64
    ) -> ReferenceExperiment.Result {
        ReferenceExperiment.compute(spec(d), events: events, links: links, from: from, to: to)
    }

    /// The reference's mirror of a definition.
    static func spec(_ d: ExperimentDefinition) -> ReferenceExperiment.Spec {
        func measure(_ m: MetricDefinition.EventMeasure) -> ReferenceExperiment.Measure {
            .init(event: m.event, filters: m.filters, property: m.property)
        }
        func metric(_ m: MetricDefinition) -> ReferenceExperiment.Metric {
            let kind: ReferenceExperiment.Kind =
                switch m.kind {
                case .proportion: .proportion
                case .mean: .mean
                case .ratio: .ratio
                case .funnel: .funnel
                }
            return .init(
                kind: kind, measure: measure(m.measure), denominator: m.denominator.map(measure),
                steps: m.steps.map { .init(event: $0.event, filters: $0.filters) }, window: m.window?.microseconds)
        }
        return .init(
            key: d.key, variants: d.variants.map(\.key), exposureEvent: d.exposure.event,
            experimentProperty: d.exposure.experimentProperty, variantProperty: d.exposure.variantProperty,
            exposureFilters: d.exposure.filters, firstOnly: d.multipleExposures == .first,
            cupedWindow: d.cuped.enabled ? d.cuped.preExposureWindow.microseconds : nil,
            metrics: (d.metrics + d.guardrails).map(metric))
    }
}

extension ReferenceExperiment.Result {
    /// The engine's answer in the reference's shape.
    init(_ data: ExperimentData) {
        self.init(
            persons: data.variants.map(\.persons), multipleExposures: data.multipleExposures,
            unknownVariantPersons: data.unknownVariantPersons, days: data.days.map(\.persons),
            metrics: data.metrics.map { m in m.sums.map { .init(n: $0.n, sums: $0.sums, products: $0.products) } })
    }
}

/// A small random experiment: few persons and events, times on a 3-hour grid (ties, exact window
/// edges), ids merged through links, unknown variants, other experiments, filters.
struct RandomExperimentCase {
    var definition: ExperimentDefinition
    var events: [Event]
    var links: [String: String]
    var from: Int64
    var to: Int64

    static let step: Int64 = 3 * ExperimentDataFixtures.hour

    init(seed: UInt64) {
        var g = SeededRandom(seed: seed)
        typealias F = ExperimentDataFixtures
        func pick<T>(_ items: [T]) -> T { items[g.below(items.count)] }
        let ids = ["u1", "u2", "u3", "u4", "u5", "u6"]
        links = [:]
        for id in ids.dropFirst(3) where g.below(3) == 0 { links[id] = pick(Array(ids.prefix(3))) }
        let plans = [",\"plan\":\"free\"", ",\"plan\":\"pro\"", ""]
        events = []
        for _ in 0..<g.below(40) {
            let id = pick(ids)
            let t = F.base + Int64(g.below(16)) * Self.step + (g.below(8) == 0 ? 1 : 0)
            switch g.below(6) {
            case 0, 1:
                let experiment = g.below(6) == 0 ? "other" : "exp"
                events.append(
                    F.exposure(
                        id, t, pick(["control", "control", "treatment", "treatment", "ghost", nil]),
                        experiment: experiment, extra: pick(plans)))
            case 2:
                let amount = pick(["10", "2.5", "\"4\"", "\"abc\"", "-1.25", ""])
                events.append(
                    F.event(
                        "buy", id, t,
                        amount.isEmpty ? "{\(pick(plans).dropFirst())}" : "{\"amount\":\(amount)\(pick(plans))}"))
            default:
                events.append(F.event(pick(["view", "cart", "view"]), id, t, "{\(pick(plans).dropFirst())}"))
            }
        }
        from = F.base + Int64(g.below(4)) * Self.step
        to = from + Int64(4 + g.below(10)) * Self.step
        let windows: [TimeLength?] = [nil, TimeLength("3h"), TimeLength("6h"), TimeLength("9h")]
        let pro = [PropertyFilter(property: PropertyRef("plan"), op: .eq, values: ["pro"])]
        var metricMakers: [() -> MetricDefinition] = []
        metricMakers.append {
            MetricDefinition(id: "", kind: .proportion, measure: .init(event: "buy"), window: pick(windows))
        }
        metricMakers.append {
            MetricDefinition(
                id: "", kind: .proportion, measure: .init(event: "view", filters: pro), window: pick(windows))
        }
        metricMakers.append {
            MetricDefinition(id: "", kind: .mean, measure: .init(event: "buy"), window: pick(windows))
        }
        metricMakers.append {
            MetricDefinition(
                id: "", kind: .mean, measure: .init(event: "buy", property: PropertyRef("amount")),
                window: pick(windows))
        }
        metricMakers.append {
            MetricDefinition(
                id: "", kind: .ratio, measure: .init(event: "buy", property: PropertyRef("amount")),
                denominator: .init(event: "view"), window: pick(windows))
        }
        metricMakers.append {
            MetricDefinition(
                id: "", kind: .funnel, measure: .init(event: "view"),
                steps: [.init(event: "view"), .init(event: "cart"), .init(event: "buy")], window: pick(windows))
        }
        metricMakers.append {
            MetricDefinition(
                id: "", kind: .funnel, measure: .init(event: "view"),
                steps: [.init(event: "view", filters: pro), .init(event: "view")], window: pick(windows))
        }
        metricMakers.append {
            MetricDefinition(
                id: "", kind: .funnel, measure: .init(event: "buy"), steps: [.init(event: "buy"), .init(event: "buy")],
                window: pick(windows))
        }
        func metrics(_ count: Int, _ prefix: String) -> [MetricDefinition] {
            (0..<count).map { i in
                var m = pick(metricMakers)()
                m.id = "\(prefix)\(i)"
                return m
            }
        }
        definition = F.definition(
            metrics(1 + g.below(3), "m"), guardrails: metrics(g.below(3), "g"),
            variants: g.below(4) == 0 ? ["control", "treatment", "extra"] : ["control", "treatment"],
            cuped: g.below(2) == 0 ? pick([TimeLength("3h"), TimeLength("6h")]) : nil,
            multiple: g.below(2) == 0 ? .exclude : .first,
            exposureFilters: g.below(4) == 0
                ? [PropertyFilter(property: PropertyRef("plan"), op: .neq, values: ["free"])] : [])
    }
}
