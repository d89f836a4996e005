package import UpliftAnalysis
package import UpliftModel

/// Experiment data by its definition (the `experimentData` doc comment), on plain events: group by
/// person, find the exposures, then measure each metric by filtering the person's events with the
/// spans written out literally; funnels by trying every chain. Slow and obviously correct.
/// TestSupport does not depend on UpliftExperiments, so the definition is mirrored by `Spec`.
/// Shares nothing with the engine but the filter types and `PropertyReader`.
package enum ReferenceExperiment {
    package enum Kind: Sendable { case proportion, mean, ratio, funnel }

    package struct Measure: Sendable {
        package var event: String
        package var filters: [PropertyFilter]
        package var property: PropertyRef?
        package init(event: String, filters: [PropertyFilter] = [], property: PropertyRef? = nil) {
            self.event = event
            self.filters = filters
            self.property = property
        }
    }

    package struct Metric: Sendable {
        package var kind: Kind
        package var measure: Measure
        package var denominator: Measure?
        package var steps: [Measure]
        /// Microseconds; nil: no window (funnels: 14 days).
        package var window: Int64?
        package init(
            kind: Kind, measure: Measure, denominator: Measure? = nil, steps: [Measure] = [], window: Int64? = nil
        ) {
            self.kind = kind
            self.measure = measure
            self.denominator = denominator
            self.steps = steps
            self.window = window
        }
    }

    package struct Spec: Sendable {
        package var key: String
        package var variants: [String]
        package var exposureEvent: String
        package var experimentProperty: String
        package var variantProperty: String
        package var exposureFilters: [PropertyFilter]
        /// Keep persons exposed to several variants in their first variant (else leave them out).
        package var firstOnly: Bool
        /// CUPED pre-exposure window in microseconds; nil: CUPED off.
        package var cupedWindow: Int64?
        /// Primary metrics then guardrails.
        package var metrics: [Metric]
        package init(
            key: String, variants: [String], exposureEvent: String, experimentProperty: String, variantProperty: String,
            exposureFilters: [PropertyFilter], firstOnly: Bool, cupedWindow: Int64?, metrics: [Metric]
        ) {
            self.key = key
            self.variants = variants
            self.exposureEvent = exposureEvent
            self.experimentProperty = experimentProperty
            self.variantProperty = variantProperty
            self.exposureFilters = exposureFilters
            self.firstOnly = firstOnly
            self.cupedWindow = cupedWindow
            self.metrics = metrics
        }
    }

    /// n, Σz and the upper-triangle Σzᵢzⱼ (the `MetricSums` layout).
    package struct Sums: Sendable, Equatable, CustomStringConvertible {
        package var n: Int
        package var sums: [Double]
        package var products: [Double]
        package init(n: Int, sums: [Double], products: [Double]) {
            self.n = n
            self.sums = sums
            self.products = products
        }
        package var description: String { "n=\(n) sums=\(sums) products=\(products)" }

        /// Equal counts, and sums equal up to rounding.
        package func close(to other: Sums) -> Bool {
            n == other.n && sums.count == other.sums.count && products.count == other.products.count
                && zip(sums + products, other.sums + other.products).allSatisfy {
                    abs($0 - $1) <= 1e-9 * max(1, abs($0), abs($1))
                }
        }
    }

    package struct Result: Sendable, Equatable {
        package var persons: [Int]
        package var multipleExposures: Int
        package var unknownVariantPersons: Int
        /// Per UTC day of the range (from the day of `from`), new persons per variant.
        package var days: [[Int]]
        /// Per metric, per variant.
        package var metrics: [[Sums]]
        package init(
            persons: [Int], multipleExposures: Int, unknownVariantPersons: Int, days: [[Int]], metrics: [[Sums]]
        ) {
            self.persons = persons
            self.multipleExposures = multipleExposures
            self.unknownVariantPersons = unknownVariantPersons
            self.days = days
            self.metrics = metrics
        }

        package func close(to other: Result) -> Bool {
            persons == other.persons && multipleExposures == other.multipleExposures
                && unknownVariantPersons == other.unknownVariantPersons && days == other.days
                && metrics.count == other.metrics.count
                && zip(metrics, other.metrics).allSatisfy { a, b in
                    a.count == b.count && zip(a, b).allSatisfy { $0.close(to: $1) }
                }
        }
    }

    static let day: Int64 = 86_400_000_000

    package static func compute(
        _ spec: Spec, events: [Event], links: [String: String], from: Int64, to: Int64
    ) -> Result {
        var byPerson: [String: [Event]] = [:]
        for e in events { byPerson[links[e.distinctID] ?? e.distinctID, default: []].append(e) }
        let firstDay = floorDiv(from, day)
        let lastDay = floorDiv(to - 1, day)
        var result = Result(
            persons: spec.variants.map { _ in 0 }, multipleExposures: 0, unknownVariantPersons: 0,
            days: (firstDay...lastDay).map { _ in spec.variants.map { _ in 0 } }, metrics: [])
        // Per metric, per variant: the persons' component vectors.
        var vectors: [[[[Double]]]] = spec.metrics.map { _ in spec.variants.map { _ in [] } }
        for (_, mine) in byPerson {
            let exposures = mine.filter { e in
                e.event == spec.exposureEvent && e.timestamp >= from && e.timestamp < to
                    && spec.exposureFilters.allSatisfy { $0.matches(value(e, $0.property)) }
                    && PropertyFilter(property: PropertyRef(spec.experimentProperty), op: .eq, values: [spec.key])
                        .matches(value(e, PropertyRef(spec.experimentProperty)))
            }
            let named = exposures.map { e in
                (
                    time: e.timestamp,
                    variant: text(e, PropertyRef(spec.variantProperty)).flatMap { spec.variants.firstIndex(of: $0) }
                )
            }
            if named.contains(where: { $0.variant == nil }) { result.unknownVariantPersons += 1 }
            let known = named.compactMap { n in n.variant.map { (time: n.time, variant: $0) } }
            guard let first = known.map(\.time).min() else { continue }
            if Set(known.map(\.variant)).count > 1 {
                result.multipleExposures += 1
                if !spec.firstOnly { continue }
            }
            let variant = known.filter { $0.time == first }.map(\.variant).min()!
            result.persons[variant] += 1
            result.days[Int(floorDiv(first, day) - firstDay)][variant] += 1
            for (m, metric) in spec.metrics.enumerated() {
                vectors[m][variant].append(components(metric, spec, mine, exposure: first, to: to))
            }
        }
        result.metrics = zip(spec.metrics, vectors).map { metric, perVariant in
            let k = metric.kind == .funnel ? 1 : (metric.kind == .ratio ? 2 : 1) * (spec.cupedWindow == nil ? 1 : 2)
            return perVariant.map { sums($0, components: k) }
        }
        return result
    }

    static func components(_ metric: Metric, _ spec: Spec, _ events: [Event], exposure e: Int64, to: Int64) -> [Double]
    {
        func post(_ t: Int64) -> Bool { t >= e && t < to && (metric.window.map { t <= e + $0 } ?? true) }
        func pre(_ t: Int64) -> Bool { spec.cupedWindow.map { t >= e - $0 && t < e } ?? false }
        func measure(_ m: Measure, _ span: (Int64) -> Bool) -> Double {
            let hits = events.filter { span($0.timestamp) && matches($0, m) }
            switch metric.kind {
            case .proportion: return hits.isEmpty ? 0 : 1
            default:
                guard let property = m.property else { return Double(hits.count) }
                return hits.reduce(0) { total, event in
                    if case .value(_, let number?) = value(event, property) { return total + number }
                    return total
                }
            }
        }
        switch metric.kind {
        case .funnel:
            let window = metric.window ?? 14 * day
            return [
                completes(metric.steps, events.filter { $0.timestamp >= e && $0.timestamp < to }, window: window)
                    ? 1 : 0
            ]
        case .proportion, .mean:
            return [measure(metric.measure, post)] + (spec.cupedWindow == nil ? [] : [measure(metric.measure, pre)])
        case .ratio:
            let d = metric.denominator ?? metric.measure
            return [measure(metric.measure, post), measure(d, post)]
                + (spec.cupedWindow == nil ? [] : [measure(metric.measure, pre), measure(d, pre)])
        }
    }

    /// Whether distinct events e1…en exist with ej matching step j, non-decreasing times, and
    /// t(en) − t(e1) ≤ window.
    static func completes(_ steps: [Measure], _ events: [Event], window: Int64) -> Bool {
        func extend(_ chain: [Int]) -> Bool {
            if chain.count == steps.count { return true }
            for (i, e) in events.enumerated() where !chain.contains(i) && matches(e, steps[chain.count]) {
                if let last = chain.last {
                    guard e.timestamp >= events[last].timestamp, e.timestamp - events[chain[0]].timestamp <= window
                    else { continue }
                }
                if extend(chain + [i]) { return true }
            }
            return false
        }
        return extend([])
    }

    static func sums(_ vectors: [[Double]], components k: Int) -> Sums {
        var s = Sums(n: vectors.count, sums: Array(repeating: 0, count: k), products: [])
        for i in 0..<k {
            s.sums[i] = vectors.reduce(0) { $0 + $1[i] }
        }
        for i in 0..<k {
            for j in i..<k { s.products.append(vectors.reduce(0) { $0 + $1[i] * $1[j] }) }
        }
        return s
    }

    static func matches(_ e: Event, _ m: Measure) -> Bool {
        e.event == m.event && m.filters.allSatisfy { $0.matches(value(e, $0.property)) }
    }

    static func value(_ e: Event, _ ref: PropertyRef) -> PropertyValue {
        PropertyReader(ref).value(in: ref.source == .context ? e.context : e.properties)
    }

    static func text(_ e: Event, _ ref: PropertyRef) -> String? {
        if case .value(let text, _) = value(e, ref) { return text }
        return nil
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let (q, r) = a.quotientAndRemainder(dividingBy: b)
        return r < 0 ? q - 1 : q
    }
}
