import UpliftAnalysis
package import UpliftExperiments
package import UpliftModel
import UpliftStats

/// An experiment's per-variant sufficient statistics (`ExperimentData`) as one SQL statement, as GrowthBook's
/// warehouse queries return them: the statistics, the correction, the sample-ratio check and the decision are
/// Uplift's own (`ExperimentAnalysis.analyze`), over these sums. Exposure and metric semantics are
/// `AnalysisEngine.experimentData`'s. Its rows:
///
/// | column | type | meaning |
/// | --- | --- | --- |
/// | `kind` | TEXT | `variant` (one per variant with persons), `day`, `multiple` or `unknown` |
/// | `variant` | INT | the variant's index in the definition (`variant`, `day`) |
/// | `day` | BIGINT | UTC day (days since 1970-01-01) of the first exposures counted (`day`) |
/// | `n` | BIGINT | persons: in the variant, first exposed that day, exposed to several variants, or to an unknown one |
/// | `s{m}_{c}` | DOUBLE | Σ of component `c` of metric `m` over the variant's persons |
/// | `p{m}_{k}` | DOUBLE | Σ of the products of components, upper triangle row by row (`MetricSums.products`) |
///
/// A funnel metric is 1 for a person who completes its steps as an ordered funnel (`FunnelSQL`'s ordered
/// attempts) starting at or after the first exposure, within the metric's window, before `to`.
package enum ExperimentSQL {
    package static func compile(
        _ definition: ExperimentDefinition, from: Int64, to: Int64, dialect: SQLDialect, inputs: SQLInputs
    ) throws(UpliftError) -> String {
        try definition.checkAnalysable(from: from, to: to)
        let events = EventSQL(dialect: dialect, inputs: inputs)
        let metrics = definition.metrics.map { ($0, false) } + definition.guardrails.map { ($0, true) }
        let cuped = definition.cuped.enabled
        let preWindow = cuped ? max(0, definition.cuped.preExposureWindow.microseconds) : 0
        let exposure = try events.role(
            event: definition.exposure.event,
            filters: definition.exposure.filters + [
                PropertyFilter(
                    property: PropertyRef(definition.exposure.experimentProperty), op: .eq, values: [definition.key])
            ])

        // One measure per source and span, in `MetricSums` component order: every source's post-exposure
        // measure, then (CUPED) every source's pre-exposure one.
        struct Measure {
            var role: String
            var number: String?
            var pre: Bool
            var window: Int64
        }
        var measures: [Measure] = []
        var components: [[Int]] = []
        // Funnel metrics: their steps' roles (`f<metric>_<step>`) and their plans.
        var funnels: [Int: (roles: [String], plan: FunnelPlan)] = [:]
        for (j, (metric, _)) in metrics.enumerated() {
            guard metric.kind != .funnel else {
                let query = FunnelQuery(
                    scope: QueryScope(from: from, to: to), steps: metric.steps,
                    window: metric.window ?? MetricDefinition.defaultFunnelWindow, order: .ordered)
                let plan = FunnelPlan(query)
                let roles = try metric.steps.prefix(plan.steps).map { (step) throws(UpliftError) in
                    try events.role(event: step.event, filters: step.filters)
                }
                funnels[j] = (roles, plan)
                components.append([])
                continue
            }
            let sources =
                metric.kind == .ratio ? [metric.measure, metric.denominator ?? metric.measure] : [metric.measure]
            let window = metric.window.map { max(0, $0.microseconds) } ?? -1
            var post: [Int] = []
            var pre: [Int] = []
            for source in sources {
                let role = try events.role(event: source.event, filters: source.filters)
                // Proportions ask whether the event happened: their property is not read.
                let number = try source.property.flatMap { (p) throws(UpliftError) -> String? in
                    metric.kind == .proportion ? nil : try events.number(p)
                }
                post.append(measures.count)
                measures.append(Measure(role: role, number: number, pre: false, window: window))
                if cuped {
                    pre.append(measures.count)
                    measures.append(Measure(role: role, number: number, pre: true, window: -1))
                }
            }
            components.append(post + pre)
        }

        var columns: [(name: String, expression: String)] = [
            ("person", events.person), ("t", dialect.microseconds("e." + dialect.identifier("timestamp"))),
            ("x", exposure), ("v", try events.text(PropertyRef(definition.exposure.variantProperty))),
        ]
        for (i, m) in measures.enumerated() {
            columns.append(("m\(i)", m.role))
            if let number = m.number { columns.append(("n\(i)", number)) }
        }
        for (j, funnel) in funnels.sorted(by: { $0.key < $1.key }) {
            for (s, role) in funnel.roles.enumerated() { columns.append(("f\(j)_\(s + 1)", role)) }
        }
        let readFrom = from > Int64.min + preWindow ? from - preWindow : Int64.min
        let read = Set(measures.map(\.role) + funnels.values.flatMap(\.roles))
        let rows = try events.select(columns, from: readFrom, to: to, filters: [], roles: [exposure] + read.sorted())
        let variantIndex =
            "CASE "
            + definition.variants.enumerated().map { "WHEN v = \(dialect.string($1.key)) THEN \($0)" }.joined(
                separator: " ") + " ELSE -1 END"

        let sums = measures.enumerated().map { (i, m) -> String in
            let inside =
                m.pre
                ? "e.t >= c.first - \(preWindow) AND e.t < c.first"
                : "e.t >= c.first" + (m.window < 0 ? "" : " AND e.t - c.first <= \(m.window)")
            let value = m.number.map { _ in "coalesce(e.n\(i), 0)" } ?? "1"
            return "coalesce(sum(CASE WHEN e.m\(i) AND \(inside) THEN \(value) ELSE 0 END), 0) AS a\(i)"
        }
        // Each metric's components z: proportion 1 when the event happened, else the measure itself.
        var z: [String] = []
        var outputs: [String] = []
        var nulls: [String] = []
        for (j, (metric, _)) in metrics.enumerated() {
            let zs =
                funnels[j] != nil
                ? ["CASE WHEN f\(j)done.person IS NULL THEN 0.0 ELSE 1.0 END"]
                : components[j].map { i in
                    metric.kind == .proportion ? "CASE WHEN a\(i) > 0 THEN 1.0 ELSE 0.0 END" : "CAST(a\(i) AS DOUBLE)"
                }
            for (c, expression) in zs.enumerated() { z.append("\(expression) AS z\(j)_\(c)") }
            for c in zs.indices {
                outputs.append("sum(z\(j)_\(c)) AS s\(j)_\(c)")
                nulls.append("CAST(NULL AS DOUBLE) AS s\(j)_\(c)")
            }
            var k = 0
            for a in zs.indices {
                for b in a..<zs.count {
                    outputs.append("sum(z\(j)_\(a) * z\(j)_\(b)) AS p\(j)_\(k)")
                    nulls.append("CAST(NULL AS DOUBLE) AS p\(j)_\(k)")
                    k += 1
                }
            }
        }
        let keepMultiple = definition.multipleExposures == .first
        let rest = nulls.isEmpty ? "" : ", " + nulls.joined(separator: ", ")
        // Each funnel metric: the counted persons' events from their first exposure on, the ordered attempts
        // over them, and the persons one of whose attempts reaches the last step.
        var funnelCTEs = ""
        var funnelJoins = ""
        for (j, funnel) in funnels.sorted(by: { $0.key < $1.key }) {
            let steps = (1...funnel.plan.steps).map { "e.f\(j)_\($0)" }
            let named = (1...funnel.plan.steps).map { "e.f\(j)_\($0) AS s\($0)" }
            funnelCTEs += """
                ,
                f\(j)e AS (
                    SELECT e.person, e.t, \(dialect.rowID) AS r, CAST(NULL AS \(dialect == .spark ? "STRING" : "VARCHAR")) AS b,
                        \(named.joined(separator: ", "))
                    FROM e JOIN c ON c.person = e.person
                    WHERE e.t >= c.first AND (\(steps.joined(separator: " OR ")))
                ),
                \(FunnelSQL.ordered(funnel.plan, dialect, rows: "f\(j)e", prefix: "f\(j)")),
                f\(j)done AS (SELECT DISTINCT person FROM f\(j)attempts WHERE level = \(funnel.plan.steps))
                """
            funnelJoins += " LEFT JOIN f\(j)done ON f\(j)done.person = pa.person"
        }
        return """
            WITH e AS (
                \(rows)
            ),
            xv AS (SELECT person, t, \(variantIndex) AS vi FROM e WHERE x AND t >= \(from)),
            known AS (SELECT person, min(t) AS first, min(vi) AS lo, max(vi) AS hi FROM xv WHERE vi >= 0 GROUP BY person),
            fv AS (
                SELECT k.person, k.first, k.lo <> k.hi AS multiple, min(x.vi) AS variant
                FROM known AS k JOIN xv AS x ON x.person = k.person AND x.t = k.first AND x.vi >= 0
                GROUP BY k.person, k.first, k.lo, k.hi
            ),
            c AS (SELECT * FROM fv\(keepMultiple ? "" : " WHERE NOT multiple"))\(funnelCTEs),
            pa AS (
                SELECT c.person, c.variant, c.first\(sums.isEmpty ? "" : ", " + sums.joined(separator: ", "))
                FROM c LEFT JOIN e ON e.person = c.person
                GROUP BY c.person, c.variant, c.first
            ),
            pz AS (SELECT pa.variant\(z.isEmpty ? "" : ", " + z.joined(separator: ", ")) FROM pa\(funnelJoins))
            SELECT 'variant' AS kind, variant, CAST(NULL AS BIGINT) AS day, count(*) AS n\(outputs.isEmpty ? "" : ", " + outputs.joined(separator: ", "))
            FROM pz GROUP BY variant
            UNION ALL
            SELECT 'day', variant, CAST(floor(first / 86400000000.0) AS BIGINT), count(*)\(rest)
            FROM c GROUP BY variant, CAST(floor(first / 86400000000.0) AS BIGINT)
            UNION ALL
            SELECT 'multiple', CAST(NULL AS INT), CAST(NULL AS BIGINT), count(*)\(rest) FROM fv WHERE multiple
            UNION ALL
            SELECT 'unknown', CAST(NULL AS INT), CAST(NULL AS BIGINT), count(DISTINCT person)\(rest) FROM xv WHERE vi < 0
            """
    }

    /// The sums from the statement's rows (the input of `ExperimentAnalysis.analyze`).
    package static func data(
        _ rows: SQLRows, _ definition: ExperimentDefinition, from: Int64, to: Int64
    ) throws(UpliftError) -> ExperimentData {
        let metrics = definition.metrics.map { ($0, false) } + definition.guardrails.map { ($0, true) }
        let cuped = definition.cuped.enabled
        let variants = definition.variants.count
        let firstDay = UTCDay(microseconds: from).daysSinceEpoch
        let dayCount = Int(UTCDay(microseconds: to - 1).daysSinceEpoch - firstDay + 1)
        var persons = [Int](repeating: 0, count: variants)
        var dayPersons = [[Int]](repeating: [Int](repeating: 0, count: variants), count: max(0, dayCount))
        var multiple = 0
        var unknown = 0
        func componentCount(_ m: MetricDefinition) -> Int {
            (m.kind == .ratio ? 2 : 1) * (cuped && m.kind != .funnel ? 2 : 1)
        }
        var sums: [[MetricSums]] = metrics.map { m, _ in
            (0..<variants).map { _ in MetricSums(components: componentCount(m)) }
        }
        if !rows.rows.isEmpty {
            func column(_ name: String) throws(UpliftError) -> Int { try rows.index(of: name, question: "experiment") }
            let (kind, variant, day, n) = (
                try column("kind"), try column("variant"), try column("day"), try column("n")
            )
            var layout: [(metric: Int, sums: [Int], products: [Int])] = []
            for (j, (m, _)) in metrics.enumerated() {
                let k = componentCount(m)
                var s: [Int] = []
                for c in 0..<k { s.append(try column("s\(j)_\(c)")) }
                var p: [Int] = []
                for i in 0..<(k * (k + 1) / 2) { p.append(try column("p\(j)_\(i)")) }
                layout.append((j, s, p))
            }
            for row in rows.rows {
                let count = Int(row[n].int ?? 0)
                switch row[kind].text {
                case "variant":
                    guard let v = row[variant].int.map(Int.init), v >= 0, v < variants else { continue }
                    persons[v] = count
                    for (j, s, p) in layout {
                        sums[j][v].n = count
                        for (c, i) in s.enumerated() { sums[j][v].sums[c] = row[i].double ?? 0 }
                        for (c, i) in p.enumerated() { sums[j][v].products[c] = row[i].double ?? 0 }
                    }
                case "day":
                    guard let v = row[variant].int.map(Int.init), v >= 0, v < variants,
                        let d = row[day].int.map({ Int($0 - firstDay) }), d >= 0, d < dayCount
                    else { continue }
                    dayPersons[d][v] = count
                case "multiple": multiple = count
                case "unknown": unknown = count
                default: continue
                }
            }
        }
        return ExperimentData(
            from: from, to: to,
            variants: definition.variants.enumerated().map { .init(key: $1.key, persons: persons[$0]) },
            multipleExposures: multiple, unknownVariantPersons: unknown,
            days: (0..<max(0, dayCount)).map {
                .init(day: UTCDay(daysSinceEpoch: firstDay + Int64($0)), persons: dayPersons[$0])
            },
            metrics: metrics.enumerated().map { j, pair in
                let (m, guardrail) = pair
                return .init(
                    id: m.id, kind: m.kind, guardrail: guardrail, cuped: cuped && m.kind != .funnel, sums: sums[j])
            })
    }
}
