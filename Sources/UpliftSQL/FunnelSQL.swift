package import UpliftAnalysis
package import UpliftModel

/// An ordered funnel (`FunnelQuery`, order `ordered`, with its exclusions) as one SQL statement. Its rows, one per
/// person who entered the funnel:
///
/// | column | type | meaning |
/// | --- | --- | --- |
/// | `level` | INT | the furthest step the person reached (1 … n) |
/// | `t1` … `tn` | BIGINT | the reported attempt's step times, microseconds (NULL past `level`) |
/// | `b` | TEXT | the breakdown value of the reported attempt's step-1 event (NULL: none) |
///
/// From each step-1 event in the range, each next step is the earliest event of that step at or after the
/// previous one and within the window of the first (an event serves one step only: the rows are numbered),
/// as `FunnelEngine` chains them; a person's level is the furthest over their step-1 events, and the reported
/// attempt the earliest of those reaching it (then the smallest breakdown value, nil first, then the earliest
/// step times). An attempt an exclusion voids does not count (`FunnelEvaluator.voided`): an exclusion event
/// after its step a and before its step b, or, when the attempt never reached b, up to the end of its window.
/// The statistics (counts, conversion, median and mean times, groups, conversion over time,
/// histogram) are computed from these rows by the embedded engine's own code, so they are the same numbers.
package enum FunnelSQL {
    package static func compile(
        _ query: FunnelQuery, dialect: SQLDialect, inputs: SQLInputs
    ) throws(UpliftError) -> String {
        guard query.order == .ordered else {
            throw UpliftError(
                .unsupported,
                "order \(query.order.rawValue): only ordered funnels compile to SQL so far; ask the embedded engine")
        }
        let events = EventSQL(dialect: dialect, inputs: inputs)
        let plan = FunnelPlan(query)
        let n = plan.steps
        let window = plan.window
        let roles = try query.steps.prefix(n).map { (step) throws(UpliftError) in
            try events.role(event: step.event, filters: step.filters)
        }
        let exclusions = try plan.exclusionSources.map { (i) throws(UpliftError) in
            try events.role(event: query.exclusions[i].event, filters: query.exclusions[i].filters)
        }
        var columns: [(name: String, expression: String)] = [
            ("person", events.person), ("t", dialect.microseconds("e." + dialect.identifier("timestamp"))),
            ("b", try query.breakdown.map { (p) throws(UpliftError) in try events.text(p) } ?? "NULL"),
        ]
        for (j, role) in roles.enumerated() { columns.append(("s\(j + 1)", role)) }
        for (k, role) in exclusions.enumerated() { columns.append(("x\(k + 1)", role)) }
        // Later steps may fall after `to`, up to the window's end (inclusive).
        let rows = try events.select(
            columns, from: query.scope.from, to: query.scope.to + window + 1, filters: query.scope.filters,
            roles: roles + exclusions)
        var sql = """
            WITH e0 AS (
                \(rows)
            ),
            e AS (SELECT e0.*, \(dialect.rowID) AS r FROM e0),
            a1 AS (
                SELECT person, t AS t1, r AS r1, b FROM e
                WHERE s1 AND t >= \(query.scope.from) AND t < \(query.scope.to)
            )
            """
        for j in 2...max(2, n) where j <= n {
            let kept = ["a.person", "a.b"] + (1..<j).flatMap { ["a.t\($0)", "a.r\($0)"] }
            let distinct = (1..<j).map { "s.r <> a.r\($0)" }.joined(separator: " AND ")
            sql += """
                ,
                x\(j) AS (
                    SELECT \(kept.joined(separator: ", ")), min(\(dialect.pair("s.t", "s.r"))) AS x
                    FROM a\(j - 1) AS a LEFT JOIN e AS s
                    ON s.person = a.person AND s.s\(j) AND s.t >= a.t\(j - 1) AND s.t <= a.t1 + \(window) AND \(distinct)
                    GROUP BY \(kept.joined(separator: ", "))
                ),
                a\(j) AS (SELECT x\(j).*, x.t AS t\(j), x.r AS r\(j) FROM x\(j))
                """
        }
        let times = (1...n).map { "t\($0)" }
        let level =
            "1 + "
            + (2...max(2, n)).filter { $0 <= n }.map { "CASE WHEN t\($0) IS NULL THEN 0 ELSE 1 END" }
            .joined(separator: " + ")
        let order = ["level DESC", "t1", "(b IS NULL) DESC", "b"] + times.dropFirst()
        sql += """
            ,
            attempts AS (
                SELECT person, b, r1, \(times.joined(separator: ", ")), \(n > 1 ? level : "1") AS level FROM a\(n)
            )
            """
        var counted = "attempts"
        if !plan.exclusions.isEmpty {
            // The attempts (by their step-1 event) that an exclusion event voids.
            let voids = plan.exclusions.enumerated().map { k, x in
                "(x.x\(k + 1) AND a.level >= \(x.a) AND x.t > a.t\(x.a) AND "
                    + "CASE WHEN a.level >= \(x.b) THEN x.t < a.t\(x.b) ELSE x.t <= a.t1 + \(window) END)"
            }
            sql += """
                ,
                voided AS (
                    SELECT DISTINCT a.r1 FROM attempts AS a JOIN e AS x
                    ON x.person = a.person AND (\(voids.joined(separator: "\n        OR ")))
                ),
                kept AS (
                    SELECT attempts.* FROM attempts LEFT JOIN voided AS v ON v.r1 = attempts.r1 WHERE v.r1 IS NULL
                )
                """
            counted = "kept"
        }
        sql += """
            ,
            ranked AS (
                SELECT \(counted).*, row_number() OVER (PARTITION BY person ORDER BY \(order.joined(separator: ", "))) AS k
                FROM \(counted)
            )
            SELECT CAST(level AS INT) AS level, \(times.joined(separator: ", ")), b FROM ranked WHERE k = 1
            """
        return sql
    }

    /// The answer from the statement's rows, as `AnalysisEngine.funnel` gives it.
    package static func result(_ rows: SQLRows, _ query: FunnelQuery) throws(UpliftError) -> FunnelResult {
        let n = FunnelPlan(query).steps
        var persons: [FunnelEngine.PersonOutcome] = []
        if !rows.rows.isEmpty {
            let level = try rows.index(of: "level", question: "funnel")
            let b = try rows.index(of: "b", question: "funnel")
            var times: [Int] = []
            for j in 1...n { times.append(try rows.index(of: "t\(j)", question: "funnel")) }
            persons.reserveCapacity(rows.rows.count)
            for row in rows.rows {
                let l = Int(row[level].int ?? 0)
                guard l >= 1 else { continue }
                let stepTimes = times.prefix(l).compactMap { row[$0].int }
                persons.append(.init(level: min(l, stepTimes.count), stepTimes: stepTimes, breakdown: row[b].text))
            }
        }
        return FunnelEngine.result(persons, query)
    }
}
