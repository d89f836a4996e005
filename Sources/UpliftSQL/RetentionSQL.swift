package import UpliftAnalysis
package import UpliftModel

/// Retention (`RetentionQuery`) as one SQL statement. Its rows:
///
/// | column | type | meaning |
/// | --- | --- | --- |
/// | `cohort` | BIGINT | the cohort's period, 0 for the range's first |
/// | `k` | BIGINT | periods after the cohort's own; 0: the cohort's size |
/// | `persons` | BIGINT | cohort members with a return event in period `cohort + k` (`k` = 0: all of them) |
///
/// A person's cohort is the period of their first-ever cohort event (all history before `to` is read); a
/// person whose first one is before the range is in no cohort, as in `RetentionEngine`. A return event
/// always follows the cohort event (it is in a later period); periods beyond `to` have no events.
package enum RetentionSQL {
    package static func compile(
        _ query: RetentionQuery, dialect: SQLDialect, inputs: SQLInputs
    ) throws(UpliftError) -> String {
        let events = EventSQL(dialect: dialect, inputs: inputs)
        let cohort = try events.role(event: query.cohortEvent, filters: query.cohortFilters)
        let back = try events.role(event: query.returnEvent, filters: query.returnFilters)
        let range = PeriodRange(query.scope, query.interval)
        let period = dialect.periodNumber(
            "e." + dialect.identifier("timestamp"), query.interval, zone: query.scope.calendar.timeZone)
        let rows = try events.select(
            [("person", events.person), ("p", "\(period) - \(range.first)"), ("c", cohort), ("r", back)],
            from: Int64.min, to: query.scope.to, filters: query.scope.filters, roles: [cohort, back])
        return """
            WITH e AS (
                \(rows)
            ),
            co AS (
                SELECT person, min(p) AS cohort FROM e WHERE c GROUP BY person
            )
            SELECT cohort, CAST(0 AS BIGINT) AS k, count(*) AS persons
            FROM co WHERE cohort >= 0 AND cohort < \(range.count) GROUP BY cohort
            UNION ALL
            SELECT co.cohort, e.p - co.cohort AS k, count(DISTINCT e.person) AS persons
            FROM e JOIN co ON co.person = e.person
            WHERE co.cohort >= 0 AND co.cohort < \(range.count) AND e.r AND e.p - co.cohort BETWEEN 1 AND \(query.periods)
            GROUP BY co.cohort, e.p - co.cohort
            """
    }

    /// The answer from the statement's rows, as `AnalysisEngine.retention` gives it (partial periods marked).
    package static func result(_ rows: SQLRows, _ query: RetentionQuery) throws(UpliftError) -> RetentionResult {
        let n = PeriodRange(query.scope, query.interval).count
        let width = query.periods + 1
        var retained = [Int](repeating: 0, count: n * width)
        if !rows.rows.isEmpty {
            let (cohort, k, persons) = (
                try rows.index(of: "cohort", question: "retention"), try rows.index(of: "k", question: "retention"),
                try rows.index(of: "persons", question: "retention")
            )
            for row in rows.rows {
                guard let c = row[cohort].int, let k = row[k].int, c >= 0, c < n, k >= 0, k < width else { continue }
                retained[Int(c) * width + Int(k)] = Int(row[persons].int ?? 0)
            }
        }
        var result = RetentionEngine.result(retained: retained, query)
        result.markPartial(query.scope, query.interval)
        return result
    }
}
