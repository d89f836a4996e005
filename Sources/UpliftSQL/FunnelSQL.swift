package import UpliftAnalysis
package import UpliftModel

/// A funnel (`FunnelQuery`: ordered, strict or any order, with its exclusions) as one SQL statement. Its rows:
///
/// | column | type | a person who entered the funnel | a row of a person Uplift evaluates itself |
/// | --- | --- | --- | --- |
/// | `level` | INT | the furthest step the person reached (1 … n) | NULL |
/// | `t1` … `tn` | BIGINT | the reported attempt's step times, µs (NULL past `level`) | `t1`: the event's time |
/// | `b` | TEXT | the breakdown value of the reported attempt (NULL: none) | the event's breakdown value |
/// | `person` | TEXT | NULL | the person |
/// | `m` | BIGINT | NULL | the event's roles: bit j−1 step j, then the exclusions (`FunnelPlan`) |
///
/// **Ordered**: from each step-1 event in the range, each next step is the earliest event of that step at or
/// after the previous one and within the window of the first (an event serves one step only: the rows are
/// numbered), as `FunnelEngine` chains them.
/// **Strict**: every event of the person counts (the bookkeeping ones aside, and events failing the question's
/// `where` count without a step), grouped by instant; from a step-1 event, step j+1 must be in the very next
/// instant, within the window.
/// **Any order**: an attempt starts at each instant with a step event in the range and has every event of its
/// window; step k's time is when the k-th distinct step first occurs.
/// Strict and any-order attempts are plain sequences only while no instant of the person holds two step events
/// (strict) and no event serves two steps (any order); otherwise the engine's rules are bipartite matchings
/// (`SequenceFunnel`, `AnyOrderFunnel`). Those persons' events come back as rows of their own, which Uplift
/// evaluates with the embedded engine's evaluator: rare in real data, and exact either way.
///
/// A person's level is the furthest over their attempts, and the reported attempt the earliest of those reaching
/// it (then the smallest breakdown value, nil first, then the earliest step times). An attempt an exclusion
/// voids does not count (`FunnelEvaluator.voided`): an exclusion event after its step a and before its step b,
/// or, when the attempt never reached b, up to the end of its window. The statistics (counts, conversion,
/// median and mean times, groups, conversion over time, histogram) are computed from these rows by the
/// embedded engine's own code, so they are the same numbers.
package enum FunnelSQL {
    package static func compile(
        _ query: FunnelQuery, dialect: SQLDialect, inputs: SQLInputs
    ) throws(UpliftError) -> String {
        let events = EventSQL(dialect: dialect, inputs: inputs)
        let plan = FunnelPlan(query)
        let n = plan.steps
        guard n > 0 else { throw UpliftError(.invalidInput, "steps: a funnel needs at least one step") }
        let window = plan.window
        var steps = try query.steps.prefix(n).map { (step) throws(UpliftError) in
            try events.role(event: step.event, filters: step.filters)
        }
        var exclusions = try plan.exclusionSources.map { (i) throws(UpliftError) in
            try events.role(event: query.exclusions[i].event, filters: query.exclusions[i].filters)
        }
        var filters = query.scope.filters
        var kept = steps + exclusions
        if plan.order == .strict {
            // Every event is a row; the question's `where` decides only whether it may serve a step.
            let global = try filters.map { (f) throws(UpliftError) in try events.condition(f) }
            if !global.isEmpty {
                let all = global.joined(separator: " AND ")
                steps = steps.map { "(\(all) AND \($0))" }
                exclusions = exclusions.map { "(\(all) AND \($0))" }
            }
            filters = []
            kept = steps + exclusions + [try events.role(event: nil, filters: [])]
        }
        var columns: [(name: String, expression: String)] = [
            ("person", events.person), ("t", dialect.microseconds("e." + dialect.identifier("timestamp"))),
            ("b", try query.breakdown.map { (p) throws(UpliftError) in try events.text(p) } ?? "NULL"),
        ]
        for (j, role) in steps.enumerated() { columns.append(("s\(j + 1)", role)) }
        for (k, role) in exclusions.enumerated() { columns.append(("x\(k + 1)", role)) }
        // Later steps may fall after `to`, up to the window's end (inclusive).
        let rows = try events.select(
            columns, from: query.scope.from, to: query.scope.to + window + 1, filters: filters, roles: kept)
        let attempts: String
        switch plan.order {
        case .ordered: attempts = ordered(plan, dialect, rows: "e", prefix: "")
        case .strict: attempts = strict(plan)
        case .any: attempts = anyOrder(plan)
        }
        let times = (1...n).map { "t\($0)" }
        let order = ["level DESC", "t1", "(b IS NULL) DESC", "b"] + times.dropFirst()
        var sql = """
            WITH e0 AS (
                \(rows)
            ),
            e AS (SELECT e0.*\(plan.order == .ordered ? ", \(dialect.rowID) AS r" : "") FROM e0),
            \(attempts)
            """
        var counted = "attempts"
        if !plan.exclusions.isEmpty {
            // The attempts (by their person and step-1 event) that an exclusion event voids.
            let voids = plan.exclusions.enumerated().map { k, x in
                "(x.x\(k + 1) AND a.level >= \(x.a) AND x.t > a.t\(x.a) AND "
                    + "CASE WHEN a.level >= \(x.b) THEN x.t < a.t\(x.b) ELSE x.t <= a.t1 + \(window) END)"
            }
            sql += """
                ,
                voided AS (
                    SELECT DISTINCT a.person, a.r1 FROM attempts AS a JOIN e AS x
                    ON x.person = a.person AND (\(voids.joined(separator: "\n        OR ")))
                ),
                kept AS (
                    SELECT attempts.* FROM attempts LEFT JOIN voided AS v ON v.person = attempts.person AND v.r1 = attempts.r1
                    WHERE v.r1 IS NULL
                )
                """
            counted = "kept"
        }
        let text = dialect == .spark ? "STRING" : "VARCHAR"
        sql += """
            ,
            ranked AS (
                SELECT \(counted).*, row_number() OVER (PARTITION BY person ORDER BY \(order.joined(separator: ", "))) AS k
                FROM \(counted)
            )
            SELECT CAST(level AS INT) AS level, \(times.joined(separator: ", ")), b,
                CAST(NULL AS \(text)) AS person, CAST(NULL AS BIGINT) AS m
            FROM ranked WHERE k = 1
            """
        guard plan.order != .ordered else { return sql }
        let mask =
            (1...n).map { "CASE WHEN s\($0) THEN \(1 << ($0 - 1)) ELSE 0 END" }
            + plan.exclusions.enumerated().map { k, x in "CASE WHEN x\(k + 1) THEN \(x.bit) ELSE 0 END" }
        let empty = times.dropFirst().map { "CAST(NULL AS BIGINT) AS \($0)" }
        sql += """

            UNION ALL
            SELECT CAST(NULL AS INT) AS level, e.t AS t1, \(empty.isEmpty ? "" : empty.joined(separator: ", ") + ", ")e.b,
                e.person, CAST(\(mask.joined(separator: " + ")) AS BIGINT) AS m
            FROM e JOIN tied ON tied.person = e.person
            """
        return sql
    }

    /// Ordered attempts (CTEs `<prefix>a1` … `<prefix>attempts`) over relation `rows` (`person`, `t`, `r` a row id,
    /// `b`, `s1` … `sn`): `a1` the step-1 events in the range, each `aj` the earliest event of step j after.
    static func ordered(_ plan: FunnelPlan, _ dialect: SQLDialect, rows e: String, prefix: String) -> String {
        let n = plan.steps
        var sql = """
            \(prefix)a1 AS (
                SELECT person, t AS t1, r AS r1, b FROM \(e)
                WHERE s1 AND t >= \(plan.from) AND t < \(plan.to)
            )
            """
        for j in 2...max(2, n) where j <= n {
            let kept = ["a.person", "a.b"] + (1..<j).flatMap { ["a.t\($0)", "a.r\($0)"] }
            let distinct = (1..<j).map { "s.r <> a.r\($0)" }.joined(separator: " AND ")
            sql += """
                ,
                \(prefix)x\(j) AS (
                    SELECT \(kept.joined(separator: ", ")), min(\(dialect.pair("s.t", "s.r"))) AS x
                    FROM \(prefix)a\(j - 1) AS a LEFT JOIN \(e) AS s
                    ON s.person = a.person AND s.s\(j) AND s.t >= a.t\(j - 1) AND s.t <= a.t1 + \(plan.window) AND \(distinct)
                    GROUP BY \(kept.joined(separator: ", "))
                ),
                \(prefix)a\(j) AS (SELECT \(prefix)x\(j).*, x.t AS t\(j), x.r AS r\(j) FROM \(prefix)x\(j))
                """
        }
        let times = (1...n).map { "t\($0)" }.joined(separator: ", ")
        return sql + """
            ,
            \(prefix)attempts AS (SELECT person, b, r1, \(times), \(levelOfTimes(n)) AS level FROM \(prefix)a\(n))
            """
    }

    /// Strict attempts over the person's instants (`g`): step j+1 in the instant j after the step-1 event's, read
    /// with `lead` in one ordered pass over each person's instants (no join). `tied`: the persons with an instant
    /// of two step events.
    private static func strict(_ plan: FunnelPlan) -> String {
        let n = plan.steps
        let any = (1...n).map { "s\($0)" }.joined(separator: " OR ")
        let masks = (1...n).map { "max(CASE WHEN s\($0) THEN 1 ELSE 0 END) AS m\($0)" }.joined(separator: ", ")
        let order = "OVER (PARTITION BY person ORDER BY t)"
        var ahead = ["max(c) OVER (PARTITION BY person) AS most"]
        var times = ["t AS t1"]
        var reached = "true"
        for j in 2...max(2, n) where j <= n {
            ahead.append("lead(t, \(j - 1)) \(order) AS u\(j)")
            ahead.append("lead(m\(j), \(j - 1)) \(order) AS v\(j)")
            // Step j: the instant j − 1 after the first serves it, within the window, and so did every one before.
            reached += " AND v\(j) = 1 AND u\(j) <= t + \(plan.window)"
            times.append("CASE WHEN \(reached) THEN u\(j) END AS t\(j)")
        }
        return """
            g AS (
                SELECT person, t, \(masks), sum(CASE WHEN \(any) THEN 1 ELSE 0 END) AS c,
                    max(CASE WHEN s1 THEN b END) AS b
                FROM e GROUP BY person, t
            ),
            tied AS (SELECT DISTINCT person FROM g WHERE c >= 2),
            w AS (SELECT g.*, \(ahead.joined(separator: ", ")) FROM g),
            a AS (
                SELECT person, b, t AS r1, \(times.joined(separator: ", "))
                FROM w WHERE most < 2 AND m1 = 1 AND t >= \(plan.from) AND t < \(plan.to)
            ),
            attempts AS (SELECT a.*, \(levelOfTimes(n)) AS level FROM a)
            """
    }

    /// Any-order attempts: from each instant with a step event in the range, the first time of each step in the
    /// window (`f`), and step k's time the k-th smallest of those. `tied`: the persons with an event of two steps.
    private static func anyOrder(_ plan: FunnelPlan) -> String {
        let n = plan.steps
        let bits = (1...n).map { "CASE WHEN s\($0) THEN 1 ELSE 0 END" }.joined(separator: " + ")
        let firsts = (1...n).map { "min(CASE WHEN x.s\($0) THEN x.t END) AS f\($0)" }.joined(separator: ", ")
        let unpivot = (1...n).map { "SELECT person, r1, f\($0) AS f FROM f" }.joined(separator: "\n    UNION ALL ")
        let times = (1...n).map { "max(CASE WHEN o.k = \($0) THEN o.f END) AS t\($0)" }.joined(separator: ", ")
        return """
            c AS (SELECT e.*, \(bits) AS bits FROM e),
            tied AS (SELECT DISTINCT person FROM c WHERE bits >= 2),
            s AS (
                SELECT c.* FROM c LEFT JOIN tied ON tied.person = c.person WHERE tied.person IS NULL AND c.bits = 1
            ),
            starts AS (
                SELECT person, t AS r1, CASE WHEN count(b) < count(*) THEN NULL ELSE min(b) END AS b
                FROM s WHERE t >= \(plan.from) AND t < \(plan.to) GROUP BY person, t
            ),
            f AS (
                SELECT a.person, a.r1, a.b, \(firsts)
                FROM starts AS a JOIN s AS x ON x.person = a.person AND x.t >= a.r1 AND x.t <= a.r1 + \(plan.window)
                GROUP BY a.person, a.r1, a.b
            ),
            o AS (
                SELECT person, r1, f, row_number() OVER (PARTITION BY person, r1 ORDER BY f) AS k
                FROM (\(unpivot)) AS u
                WHERE f IS NOT NULL
            ),
            attempts AS (
                SELECT f.person, f.b, f.r1, \(times), count(o.f) AS level
                FROM f JOIN o ON o.person = f.person AND o.r1 = f.r1 GROUP BY f.person, f.b, f.r1
            )
            """
    }

    /// 1 + the number of later step times that are set (a step-1 time always is).
    private static func levelOfTimes(_ n: Int) -> String {
        guard n > 1 else { return "1" }
        return "1 + " + (2...n).map { "CASE WHEN t\($0) IS NULL THEN 0 ELSE 1 END" }.joined(separator: " + ")
    }

    /// The answer from the statement's rows, as `AnalysisEngine.funnel` gives it.
    package static func result(_ rows: SQLRows, _ query: FunnelQuery) throws(UpliftError) -> FunnelResult {
        let n = FunnelPlan(query).steps
        var persons: [FunnelEngine.PersonOutcome] = []
        var events: [FunnelEngine.PersonEvent] = []
        if !rows.rows.isEmpty {
            let level = try rows.index(of: "level", question: "funnel")
            let b = try rows.index(of: "b", question: "funnel")
            let person = try rows.index(of: "person", question: "funnel")
            let m = try rows.index(of: "m", question: "funnel")
            var times: [Int] = []
            for j in 1...n { times.append(try rows.index(of: "t\(j)", question: "funnel")) }
            persons.reserveCapacity(rows.rows.count)
            for row in rows.rows {
                guard let l = row[level].int.map(Int.init) else {
                    if let id = row[person].text, let t = row[times[0]].int, let roles = row[m].int {
                        let mask = UInt32(truncatingIfNeeded: roles)
                        events.append(.init(person: id, time: t, roles: mask, breakdown: row[b].text))
                    }
                    continue
                }
                guard l >= 1 else { continue }
                let stepTimes = times.prefix(l).compactMap { row[$0].int }
                persons.append(.init(level: min(l, stepTimes.count), stepTimes: stepTimes, breakdown: row[b].text))
            }
        }
        return FunnelEngine.result(persons + FunnelEngine.outcomes(events, query), query)
    }
}
