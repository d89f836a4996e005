package import UpliftModel

/// A funnel: who went through steps 1…n within a conversion window (DESIGN.md, "Ordered funnel").
package struct FunnelQuery: Sendable {
    package enum Order: String, Sendable, Hashable, CaseIterable {
        /// Steps in order, other events allowed in between.
        case ordered
        /// Steps in order with no other event of the person between consecutive steps.
        case strict
        /// All steps within the window, in any order.
        case any
    }

    package struct Step: Sendable, Hashable {
        package var event: String
        package var filters: [PropertyFilter]
        package init(event: String, filters: [PropertyFilter] = []) {
            self.event = event
            self.filters = filters
        }
    }

    /// An event that voids an attempt when it happens between two of its steps.
    package struct Exclusion: Sendable, Hashable {
        package var event: String
        package var filters: [PropertyFilter]
        /// Steps (1-based) between which the exclusion voids: after step `fromStep`, before step
        /// `toStep` (default: the whole funnel, 1 … n).
        package var fromStep: Int
        package var toStep: Int
        package init(event: String, filters: [PropertyFilter] = [], fromStep: Int, toStep: Int) {
            self.event = event
            self.filters = filters
            self.fromStep = fromStep
            self.toStep = toStep
        }
    }

    package static let maxSteps = 20
    package static let maxBreakdownValues = 25
    /// Steps and exclusions share the frame's 32 role bits: 20 steps leave room for 10 exclusions.
    package static let maxExclusions = 10

    package var scope: QueryScope
    package var steps: [Step]
    package var window: TimeLength
    package var order: Order
    package var exclusions: [Exclusion]
    /// A property of the step-1 event; persons are attributed to its value on their attempt's first event.
    package var breakdown: PropertyRef?
    /// Conversion over time: entered and converted persons by the local day or week of their attempt's first event.
    package var conversionInterval: Interval

    package init(
        scope: QueryScope, steps: [Step], window: TimeLength = TimeLength(days: 14), order: Order = .ordered,
        exclusions: [Exclusion] = [], breakdown: PropertyRef? = nil, conversionInterval: Interval = .day
    ) {
        self.scope = scope
        self.steps = steps
        self.window = window
        self.order = order
        self.exclusions = exclusions
        self.breakdown = breakdown
        self.conversionInterval = conversionInterval
    }

    /// Decodes the JSON body of `POST /v1/query/funnel` (also what the command line builds).
    package init(json: JSONValue, defaultTimeZone: String = "UTC") throws(UpliftError) {
        var f = try QueryFields(json)
        scope = try QueryScope(&f, defaultTimeZone: defaultTimeZone)
        guard let items = try f.array("steps") else {
            throw UpliftError(.invalidInput, "steps is required: a list of 2 to 20 events")
        }
        guard (2...Self.maxSteps).contains(items.count) else {
            throw UpliftError(.invalidInput, "steps must list 2 to \(Self.maxSteps) events, not \(items.count)")
        }
        steps = try items.enumerated().map { (i, item) throws(UpliftError) in
            let (event, filters) = try Self.eventSpec(item, field: "steps[\(i)]")
            return Step(event: event, filters: filters)
        }
        window = try f.duration("window") ?? TimeLength(days: 14)
        order = try f.choice("order", Order.self) ?? .ordered
        let n = steps.count
        let excluded = try f.array("exclude") ?? []
        guard excluded.count <= Self.maxExclusions else {
            throw UpliftError(
                .invalidInput, "exclude lists \(excluded.count) events; at most \(Self.maxExclusions) are allowed")
        }
        // Every step and exclusion is one bit of a 32-bit role mask.
        guard n + excluded.count <= 32 else {
            throw UpliftError(.invalidInput, "steps plus exclude must be at most 32 events, not \(n + excluded.count)")
        }
        exclusions = try excluded.enumerated().map { (i, item) throws(UpliftError) in
            let field = "exclude[\(i)]"
            let (event, filters) = try Self.eventSpec(item, field: field, extra: ["from_step", "to_step"])
            var from = 1
            var to = n
            if case .object = item {
                var g = try QueryFields(item, prefix: field + ".")
                _ = g.value("event")
                _ = g.value("where")
                from = try g.int("from_step", in: 1...n) ?? 1
                to = try g.int("to_step", in: 1...n) ?? n
                guard from < to else {
                    throw UpliftError(.invalidInput, "\(field).from_step must be less than \(field).to_step")
                }
            }
            return Exclusion(event: event, filters: filters, fromStep: from, toStep: to)
        }
        breakdown = try f.string("breakdown").map(PropertyRef.init)
        let interval = try f.choice("conversion_interval", Interval.self) ?? .day
        guard interval == .day || interval == .week else {
            throw UpliftError(.invalidInput, "conversion_interval must be day or week")
        }
        conversionInterval = interval
        // One conversion_over_time row per period of the range: bounded as every series is.
        try TrendQuery.checkPoints(scope, interval, field: "conversion_interval")
        try f.finish()
    }

    /// A step or exclusion: `"event"` or `{"event": "…", "where": [...]}`.
    static func eventSpec(
        _ item: JSONValue, field: String, extra: Set<String> = []
    ) throws(UpliftError) -> (String, [PropertyFilter]) {
        switch item {
        case .string(let event) where !event.isEmpty:
            return (event, [])
        case .object:
            var g = try QueryFields(item, prefix: field + ".")
            let event = try g.requiredString("event")
            let filters = try g.filters("where")
            for key in extra { _ = g.value(key) }
            try g.finish()
            return (event, filters)
        default:
            throw UpliftError(.invalidInput, "\(field) must be an event name or {\"event\": …, \"where\": [...]}")
        }
    }
}
