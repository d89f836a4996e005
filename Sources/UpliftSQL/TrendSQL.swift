package import UpliftAnalysis
package import UpliftModel

/// A trend (`TrendQuery`) as one SQL statement. Its rows, one per series and period:
///
/// | column | type | meaning |
/// | --- | --- | --- |
/// | `series` | INT | NULL for the whole series; else the breakdown series, 0 first (the top values in `TrendEngine`'s order), 25 for the other values |
/// | `label` | TEXT | the breakdown value (NULL: events without one, and the other values) |
/// | `is_other` | BOOLEAN | the series of the values after the top 25 |
/// | `period` | TEXT | the period's label (`LocalCalendar.label`); NULL for the total over the range |
/// | `value` | DOUBLE | the measure |
///
/// Periods without events have no row (their value is 0), as have series of values no event had.
package enum TrendSQL {
    package static func compile(
        _ query: TrendQuery, dialect: SQLDialect, inputs: SQLInputs
    ) throws(UpliftError) -> String {
        let events = EventSQL(dialect: dialect, inputs: inputs)
        var columns: [(name: String, expression: String)] = [("period", events.period(query.interval, query.scope))]
        if query.measure == .persons { columns.append(("person", events.person)) }
        if let property = query.property, query.measure == .sum || query.measure == .average {
            columns.append(("x", try events.number(property)))
        }
        if let breakdown = query.breakdown { columns.append(("b", try events.text(breakdown))) }
        let rows = try events.select(
            columns, from: query.scope.from, to: query.scope.to, filters: query.scope.filters,
            roles: [try events.role(event: query.event, filters: query.eventFilters)])
        let value = aggregate(query.measure)

        var sql = "WITH e AS (\n    \(rows)\n)"
        if query.breakdown != nil {
            let top = TrendQuery.maxBreakdownValues
            sql += """
                ,
                g AS (SELECT b, \(value) AS total FROM e GROUP BY b),
                r AS (SELECT b, row_number() OVER (ORDER BY total DESC, (b IS NULL) DESC, b) - 1 AS n FROM g),
                s AS (
                    SELECT e.*, CAST(CASE WHEN r.n < \(top) THEN r.n ELSE \(top) END AS INT) AS series,
                        CASE WHEN r.n < \(top) THEN e.b END AS label, r.n >= \(top) AS is_other
                    FROM e JOIN r ON r.b IS NOT DISTINCT FROM e.b
                )
                """
        }
        sql += """

            SELECT CAST(NULL AS INT) AS series, CAST(NULL AS \(dialect == .duckdb ? "VARCHAR" : "STRING")) AS label,
                false AS is_other, period, \(value) AS value
            FROM e GROUP BY GROUPING SETS ((period), ())
            """
        if query.breakdown != nil {
            sql += """

                UNION ALL
                SELECT series, label, is_other, period, \(value) AS value
                FROM s GROUP BY GROUPING SETS ((series, label, is_other, period), (series, label, is_other))
                """
        }
        return sql
    }

    /// The measure over a group of rows of `e`, as a DOUBLE. A sum with no number is 0, as is an average.
    private static func aggregate(_ measure: TrendQuery.Measure) -> String {
        switch measure {
        case .events: "CAST(count(*) AS DOUBLE)"
        case .persons: "CAST(count(DISTINCT person) AS DOUBLE)"
        case .sum: "coalesce(sum(x), CAST(0 AS DOUBLE))"
        case .average: "CASE WHEN count(x) = 0 THEN CAST(0 AS DOUBLE) ELSE sum(x) / count(x) END"
        }
    }
}

extension TrendSQL {
    /// The answer from the statement's rows, as `AnalysisEngine.trend` gives it (partial periods marked).
    package static func result(_ rows: SQLRows, _ query: TrendQuery) throws(UpliftError) -> TrendResult {
        let question = "trend"
        let (series, label, isOther, period, value) = (
            try rows.index(of: "series", question: question), try rows.index(of: "label", question: question),
            try rows.index(of: "is_other", question: question), try rows.index(of: "period", question: question),
            try rows.index(of: "value", question: question)
        )
        let labels = PeriodRange(query.scope, query.interval).labels(query.scope.calendar, query.interval)
        struct Series {
            var label: String?
            var isOther = false
            var values: [String: Double] = [:]
            var total = 0.0
        }
        var overall = Series()
        var breakdown: [Int: Series] = [:]
        for row in rows.rows {
            let v = row[value].double ?? 0
            func add(_ s: inout Series) {
                if let p = row[period].text { s.values[p] = v } else { s.total = v }
            }
            guard let n = row[series].int else {
                add(&overall)
                continue
            }
            var s = breakdown[Int(n)] ?? Series(label: row[label].text, isOther: row[isOther].bool ?? false)
            add(&s)
            breakdown[Int(n)] = s
        }
        func points(_ s: Series) -> [TrendResult.Point] {
            labels.map { TrendResult.Point(date: $0, value: s.values[$0] ?? 0) }
        }
        var result = TrendResult(
            points: points(overall), total: overall.total,
            breakdown: breakdown.keys.sorted().map { n in
                let s = breakdown[n]!
                return TrendResult.Series(value: s.label, isOther: s.isOther, points: points(s), total: s.total)
            })
        result.markPartial(query.scope, query.interval)
        return result
    }
}
