package import UpliftAnalysis
package import UpliftModel

/// Feature adoption (`AdoptionQuery`) as one SQL statement. Its rows, one per point:
///
/// | column | type | meaning |
/// | --- | --- | --- |
/// | `date` | TEXT | the point's label: its period's first day |
/// | `adopters` | BIGINT | persons with a feature event in the point's window |
/// | `active` | BIGINT | persons with an activity event in the point's window |
///
/// A feature event is activity only when it also matches the activity role (always, when the question
/// names no active event), as in `AdoptionEngine`. A point without persons may have no row.
package enum AdoptionSQL {
    package static func compile(
        _ query: AdoptionQuery, dialect: SQLDialect, inputs: SQLInputs
    ) throws(UpliftError) -> String {
        let events = EventSQL(dialect: dialect, inputs: inputs)
        let feature = try events.role(event: query.feature, filters: query.featureFilters)
        let active = try events.role(event: query.active, filters: query.activeFilters)
        let (from, to) = AdoptionEngine.readRange(query)
        switch query.window {
        case .calendar(let interval):
            let rows = try events.select(
                [
                    ("period", events.period(interval, query.scope)), ("person", events.person), ("f", feature),
                    ("a", active),
                ], from: from, to: to, filters: query.scope.filters, roles: [feature, active])
            return """
                WITH e AS (
                    \(rows)
                )
                SELECT period AS date, count(DISTINCT CASE WHEN f THEN person END) AS adopters,
                    count(DISTINCT CASE WHEN a THEN person END) AS active
                FROM e GROUP BY period
                """
        case .rolling(let days):
            let length = Int64(max(days, 1))
            let calendar = query.scope.calendar
            let points = AdoptionEngine.pointDays(query).map { day in
                [String(day.daysSinceEpoch), dialect.string(calendar.periodStart(day, query.interval).description)]
            }
            guard !points.isEmpty else { return "SELECT 'none' AS date, 0 AS adopters, 0 AS active WHERE false" }
            let rows = try events.select(
                [("person", events.person), ("day", events.localDay(query.scope)), ("f", feature), ("a", active)],
                from: from, to: to, filters: query.scope.filters, roles: [feature, active])
            // Each person's days with each role. A day d puts the person in the windows of points d … d + L − 1; a
            // person's days less than L apart make one run of such points, so a point's persons are the runs
            // covering it: +1 where a run starts, −1 where it ends, summed up to the point. One row per person-day,
            // where joining person-days to the L points whose window holds them would make L rows of each.
            return """
                WITH e AS (
                    \(rows)
                ),
                d AS (
                    SELECT person, day, max(CASE WHEN f THEN 1 ELSE 0 END) AS f, max(CASE WHEN a THEN 1 ELSE 0 END) AS a
                    FROM e GROUP BY person, day
                ),
                r AS (
                    SELECT person, day, 'f' AS role FROM d WHERE f = 1
                    UNION ALL
                    SELECT person, day, 'a' AS role FROM d WHERE a = 1
                ),
                g AS (
                    SELECT person, role, day,
                        CASE WHEN day - lag(day) OVER (PARTITION BY person, role ORDER BY day) <= \(length) THEN 0 ELSE 1 END
                            AS fresh
                    FROM r
                ),
                k AS (
                    SELECT person, role, day,
                        sum(fresh) OVER (PARTITION BY person, role ORDER BY day ROWS UNBOUNDED PRECEDING) AS run
                    FROM g
                ),
                runs AS (SELECT role, min(day) AS first, max(day) + \(length) AS past FROM k GROUP BY person, role, run),
                deltas AS (
                    SELECT role, day, sum(delta) AS delta FROM (
                        SELECT role, first AS day, 1 AS delta FROM runs
                        UNION ALL
                        SELECT role, past AS day, -1 AS delta FROM runs
                    ) AS x GROUP BY role, day
                ),
                c AS (
                    SELECT role, day, sum(delta) OVER (PARTITION BY role ORDER BY day ROWS UNBOUNDED PRECEDING) AS n
                    FROM deltas
                ),
                p AS \(dialect.values(points, as: "t", columns: ["day", "label"])),
                pc AS (
                    SELECT p.label, c.role, c.n, row_number() OVER (PARTITION BY p.label, c.role ORDER BY c.day DESC) AS k
                    FROM p JOIN c ON c.day <= p.day
                )
                SELECT label AS date, coalesce(max(CASE WHEN role = 'f' THEN n END), 0) AS adopters,
                    coalesce(max(CASE WHEN role = 'a' THEN n END), 0) AS active
                FROM pc WHERE k = 1 GROUP BY label
                """
        }
    }

    /// The answer from the statement's rows, as `AnalysisEngine.adoption` gives it (partial periods marked).
    package static func result(_ rows: SQLRows, _ query: AdoptionQuery) throws(UpliftError) -> AdoptionResult {
        var counts: [String: (Int, Int)] = [:]
        if !rows.rows.isEmpty {
            let (date, adopters, active) = (
                try rows.index(of: "date", question: "adoption"), try rows.index(of: "adopters", question: "adoption"),
                try rows.index(of: "active", question: "adoption")
            )
            for row in rows.rows {
                guard let label = row[date].text else { continue }
                counts[label] = (Int(row[adopters].int ?? 0), Int(row[active].int ?? 0))
            }
        }
        let calendar = query.scope.calendar
        let labels: [String]
        switch query.window {
        case .calendar(let interval): labels = PeriodRange(query.scope, interval).labels(calendar, interval)
        case .rolling:
            labels = AdoptionEngine.pointDays(query).map { calendar.periodStart($0, query.interval).description }
        }
        var result = AdoptionResult(
            series: labels.map { label in
                let (adopters, active) = counts[label] ?? (0, 0)
                return AdoptionResult.Point(
                    date: label, adopters: adopters, active: active,
                    rate: active == 0 ? 0 : Double(adopters) / Double(active))
            })
        result.markPartial(query.scope, query.interval)
        return result
    }
}
