package import UpliftAnalysis
package import UpliftModel

/// Feedback (`FeedbackQuery`) as one SQL statement. Its rows are of two kinds:
///
/// | column | type | `a`: a person's answers in a group and period | `c`: one of a group's latest comments |
/// | --- | --- | --- | --- |
/// | `kind` | TEXT | `a` | `c` |
/// | `person`, `feature`, `survey` | TEXT | the person, the group (NULL: none) | the same |
/// | `p` | TEXT | the period's label | NULL |
/// | `n` | BIGINT | answers | NULL |
/// | `n10`, `s10`, `n5`, `s5` | BIGINT, DOUBLE | count and sum of valid scores on each scale | NULL |
/// | `l10`, `l5` | BIGINT | the latest valid answer on each scale: time (µs) × 16 + score | NULL |
/// | `t`, `scale`, `score`, `comment` | BIGINT, INT, DOUBLE, TEXT | NULL | the comment, its time and score |
///
/// The rules are `FeedbackEngine`'s: `$feedback` answers are scored on scale 10 (whole 0…10) or 5 (whole 1…5),
/// `survey sent` answers when `$survey_response` is a whole number 0…10, and any other non-empty response is a
/// comment. A person's latest answer is the latest (time, score), which `l10` and `l5` order as numbers. Which
/// groups are kept, the latest answer of each scope (group, period, total), NPS and CSAT come from these rows
/// through the embedded engine's own code (`FeedbackEngine.result`).
package enum FeedbackSQL {
    package static func compile(
        _ query: FeedbackQuery, dialect: SQLDialect, inputs: SQLInputs
    ) throws(UpliftError) -> String {
        let events = EventSQL(dialect: dialect, inputs: inputs)
        let feedback = try events.role(event: FeedbackEngine.feedbackEvent, filters: [])
        let sent = try events.role(event: FeedbackEngine.surveyEvent, filters: [])
        func text(_ key: String) throws(UpliftError) -> String { try events.text(PropertyRef(key)) }
        let rows = try events.select(
            [
                ("person", events.person), ("t", dialect.microseconds("e." + dialect.identifier("timestamp"))),
                ("p", events.period(query.interval, query.scope)), ("f", feedback),
                ("feature", try text("feature")), ("survey", try text("survey")),
                ("survey_id", try text("$survey_id")), ("comment", try text("comment")),
                ("score", try events.number(PropertyRef("score"))), ("scale", try events.number(PropertyRef("scale"))),
                ("response", try events.number(PropertyRef("$survey_response"))),
                ("response_text", try text("$survey_response")),
            ],
            from: query.scope.from, to: query.scope.to, filters: query.scope.filters, roles: [feedback, sent])
        let whole10 = "(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)"
        var groups: [String] = []
        if let feature = query.feature { groups.append("feature = \(dialect.string(feature))") }
        if let survey = query.survey { groups.append("survey = \(dialect.string(survey))") }
        let text = dialect == .spark ? "STRING" : "VARCHAR"
        var sql = """
            WITH e AS (
                \(rows)
            ),
            a AS (
                SELECT person, t, p,
                    CASE WHEN f THEN feature END AS feature,
                    CASE WHEN f THEN survey ELSE survey_id END AS survey,
                    CASE
                        WHEN f AND scale = 10 AND score IN \(whole10) THEN 10
                        WHEN f AND scale = 5 AND score IN (1, 2, 3, 4, 5) THEN 5
                        WHEN NOT f AND response IN \(whole10) THEN 10
                        ELSE 0
                    END AS scale,
                    CASE WHEN f THEN score ELSE response END AS score,
                    CASE WHEN f THEN comment WHEN response IN \(whole10) THEN NULL ELSE response_text END AS comment
                FROM e
            ),
            g AS (SELECT * FROM a\(groups.isEmpty ? "" : " WHERE " + groups.joined(separator: " AND ")))
            SELECT 'a' AS kind, person, feature, survey, p, count(*) AS n,
                count(CASE WHEN scale = 10 THEN 1 END) AS n10, sum(CASE WHEN scale = 10 THEN score END) AS s10,
                count(CASE WHEN scale = 5 THEN 1 END) AS n5, sum(CASE WHEN scale = 5 THEN score END) AS s5,
                max(CASE WHEN scale = 10 THEN t * 16 + CAST(score AS BIGINT) END) AS l10,
                max(CASE WHEN scale = 5 THEN t * 16 + CAST(score AS BIGINT) END) AS l5,
                CAST(NULL AS BIGINT) AS t, CAST(NULL AS INT) AS scale, CAST(NULL AS DOUBLE) AS score,
                CAST(NULL AS \(text)) AS comment
            FROM g GROUP BY person, feature, survey, p
            """
        if query.comments > 0 {
            sql += """

                UNION ALL
                SELECT 'c' AS kind, person, feature, survey, CAST(NULL AS \(text)) AS p, CAST(NULL AS BIGINT) AS n,
                    CAST(NULL AS BIGINT) AS n10, CAST(NULL AS DOUBLE) AS s10, CAST(NULL AS BIGINT) AS n5,
                    CAST(NULL AS DOUBLE) AS s5, CAST(NULL AS BIGINT) AS l10, CAST(NULL AS BIGINT) AS l5,
                    t, CAST(scale AS INT) AS scale, score, comment
                FROM (
                    SELECT g.*,
                        row_number() OVER (PARTITION BY feature, survey ORDER BY t DESC, person, comment) AS k
                    FROM g WHERE comment <> ''
                ) AS c
                WHERE k <= \(query.comments)
                """
        }
        return sql
    }

    /// The answer from the statement's rows, as `AnalysisEngine.feedback` gives it (partial periods marked).
    package static func result(_ rows: SQLRows, _ query: FeedbackQuery) throws(UpliftError) -> FeedbackResult {
        var answers: [FeedbackEngine.PersonAnswers] = []
        var comments: [(feature: String?, survey: String?, comment: FeedbackEngine.CommentRow)] = []
        if !rows.rows.isEmpty {
            func column(_ name: String) throws(UpliftError) -> Int { try rows.index(of: name, question: "feedback") }
            let (kind, person, feature, survey, p) = (
                try column("kind"), try column("person"), try column("feature"), try column("survey"),
                try column("p")
            )
            let (n, n10, s10, n5, s5, l10, l5) = (
                try column("n"), try column("n10"), try column("s10"), try column("n5"), try column("s5"),
                try column("l10"), try column("l5")
            )
            let (t, scale, score, comment) = (
                try column("t"), try column("scale"), try column("score"), try column("comment")
            )
            /// `time × 16 + score` as (time, score): the score is 0…15, the time rounds down.
            func latest(_ key: Int64?) -> (time: Int64, score: Double)? {
                key.map { k in
                    let s = ((k % 16) + 16) % 16
                    return ((k - s) / 16, Double(s))
                }
            }
            for row in rows.rows {
                let who = row[person].text ?? ""
                if row[kind].text == "c" {
                    comments.append(
                        (
                            row[feature].text, row[survey].text,
                            FeedbackEngine.CommentRow(
                                time: row[t].int ?? 0, person: who, scale: Int(row[scale].int ?? 0),
                                score: row[score].double ?? 0, text: row[comment].text ?? "")
                        ))
                    continue
                }
                var a = FeedbackEngine.PersonAnswers(
                    person: who, feature: row[feature].text, survey: row[survey].text, period: row[p].text ?? "")
                a.responses = Int(row[n].int ?? 0)
                a.count10 = Int(row[n10].int ?? 0)
                a.sum10 = row[s10].double ?? 0
                a.count5 = Int(row[n5].int ?? 0)
                a.sum5 = row[s5].double ?? 0
                a.latest10 = latest(row[l10].int)
                a.latest5 = latest(row[l5].int)
                answers.append(a)
            }
        }
        return FeedbackEngine.result(answers, comments: comments, query)
    }
}
