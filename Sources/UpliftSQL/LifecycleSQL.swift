package import UpliftAnalysis
package import UpliftModel

/// Lifecycle (`LifecycleQuery`) as one SQL statement. Its rows (several per period; the answer adds them):
///
/// | column | type | meaning |
/// | --- | --- | --- |
/// | `k` | BIGINT | the period, 0 for the range's first (-1: the period before, for `active` only) |
/// | `new`, `retained`, `reactivated`, `resurrected`, `dormant`, `active` | BIGINT | persons in the period |
///
/// Each active period of a person is classified from the person's previous active period alone, as in
/// `LifecycleEngine`; a person is dormant in the period after an active one that is not followed by the next.
package enum LifecycleSQL {
    package static func compile(
        _ query: LifecycleQuery, dialect: SQLDialect, inputs: SQLInputs
    ) throws(UpliftError) -> String {
        let events = EventSQL(dialect: dialect, inputs: inputs)
        let range = PeriodRange(query.scope, query.interval)
        let (first, end) = (range.first, range.first + Int64(range.count))
        let period = dialect.periodNumber(
            "e." + dialect.identifier("timestamp"), query.interval, zone: query.scope.calendar.timeZone)
        let rows = try events.select(
            [("person", events.person), ("q", period)], from: .min, to: query.scope.to, filters: query.scope.filters,
            roles: [try events.role(event: query.event, filters: query.eventFilters)])
        let dormantAfter = query.dormantAfter
        return """
            WITH e AS (
                \(rows)
            ),
            a AS (SELECT DISTINCT person, q FROM e),
            s AS (
                SELECT person, q, lag(q) OVER (PARTITION BY person ORDER BY q) AS prev,
                    lead(q) OVER (PARTITION BY person ORDER BY q) AS next
                FROM a
            )
            SELECT q - \(first) AS k,
                count(CASE WHEN prev IS NULL THEN 1 END) AS new,
                count(CASE WHEN prev = q - 1 THEN 1 END) AS retained,
                count(CASE WHEN prev < q - 1 AND q - prev - 1 <= \(dormantAfter) THEN 1 END) AS reactivated,
                count(CASE WHEN prev < q - 1 AND q - prev - 1 > \(dormantAfter) THEN 1 END) AS resurrected,
                CAST(0 AS BIGINT) AS dormant, count(*) AS active
            FROM s WHERE q >= \(first - 1) AND q < \(end) GROUP BY q
            UNION ALL
            SELECT q + 1 - \(first) AS k, CAST(0 AS BIGINT) AS new, CAST(0 AS BIGINT) AS retained,
                CAST(0 AS BIGINT) AS reactivated, CAST(0 AS BIGINT) AS resurrected, count(*) AS dormant,
                CAST(0 AS BIGINT) AS active
            FROM s WHERE (next IS NULL OR next <> q + 1) AND q + 1 >= \(first) AND q + 1 < \(end) GROUP BY q + 1
            """
    }

    /// The answer from the statement's rows, as `AnalysisEngine.lifecycle` gives it (partial periods marked).
    package static func result(_ rows: SQLRows, _ query: LifecycleQuery) throws(UpliftError) -> LifecycleResult {
        let n = PeriodRange(query.scope, query.interval).count
        var counts = LifecycleEngine.Counts(periods: n)
        if !rows.rows.isEmpty {
            func column(_ name: String) throws(UpliftError) -> Int { try rows.index(of: name, question: "lifecycle") }
            let (k, new, retained, reactivated, resurrected, dormant, active) = (
                try column("k"), try column("new"), try column("retained"), try column("reactivated"),
                try column("resurrected"), try column("dormant"), try column("active")
            )
            for row in rows.rows {
                guard let p = row[k].int.map(Int.init), p >= -1, p < n else { continue }
                func value(_ i: Int) -> Int { Int(row[i].int ?? 0) }
                counts.active[p + 1] += value(active)
                guard p >= 0 else { continue }
                counts.new[p] += value(new)
                counts.retained[p] += value(retained)
                counts.reactivated[p] += value(reactivated)
                counts.resurrected[p] += value(resurrected)
                counts.dormant[p] += value(dormant)
            }
        }
        var result = LifecycleEngine.result(counts, query)
        result.markPartial(query.scope, query.interval)
        return result
    }
}
