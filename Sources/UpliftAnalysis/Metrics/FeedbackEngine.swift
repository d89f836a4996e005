import UpliftModel

/// Feedback: responses, NPS and CSAT per (feature, survey) group and period, with comments.
///
/// Answers are `$feedback` events (role 0: `score`, `scale`, `comment`, `feature`, `survey`) and
/// PostHog `survey sent` events (role 1: `$survey_id`, `$survey_response`).
/// Choices where the rules leave room:
/// - A `$feedback` answer is scored when `scale` is 10 with a whole `score` in 0…10, or 5 with a
///   whole `score` in 1…5 (what `POST /v1/feedback` accepts); otherwise it counts as a response only.
/// - A `survey sent` answer is scored (scale 10) when `$survey_response` is a whole number 0…10 (a
///   JSON number or a string holding one); any other non-empty response is a comment.
/// - NPS is the usual (promoters − detractors) ÷ (promoters + passives + detractors) × 100.
/// - A person's latest answer is the one with the latest time; at equal times the higher score.
/// - Comments: latest first, ties by person id, then by text.
package enum FeedbackEngine {
    package static let feedbackEvent = "$feedback"
    package static let surveyEvent = "survey sent"

    package static func request(_ query: FeedbackQuery) -> FrameRequest {
        FrameRequest(
            roles: [.init(event: feedbackEvent), .init(event: surveyEvent)],
            from: query.scope.from, to: query.scope.to, filters: query.scope.filters,
            strings: [
                .init(PropertyRef("feature"), roleMask: 1), .init(PropertyRef("survey"), roleMask: 1),
                .init(PropertyRef("comment"), roleMask: 1), .init(PropertyRef("$survey_id"), roleMask: 2),
                .init(PropertyRef("$survey_response"), roleMask: 2),
            ],
            numbers: [
                .init(PropertyRef("score"), roleMask: 1), .init(PropertyRef("scale"), roleMask: 1),
                .init(PropertyRef("$survey_response"), roleMask: 2),
            ])
    }

    package static func compute(_ frame: EventFrame, _ query: FeedbackQuery) -> FeedbackResult {
        let range = PeriodRange(query.scope, query.interval)
        let n = range.count
        var groups = FeedbackGroups(frame, query)
        // A group per feature and survey: values anyone with the write key can make up, so bounded.
        let omitted = groups.keep(atMost: FeedbackQuery.maxGroups(periods: n))
        let g = groups.keys.count
        // Scopes: 0 total, 1 + group, 1 + g + group × n + period.
        var tally = FeedbackTally(scopes: 1 + g + g * n)
        var cursor = PeriodCursor(query.scope.calendar, query.interval)
        var commentRows = [[Int]](repeating: [], count: g)
        for person in 0..<frame.personCount {
            let owner = Int32(person)
            for i in frame.rows(of: person) {
                let group = Int(groups.groupOf[i])
                guard group != -1 else { continue }
                let p = Int(cursor.period(of: frame.times[i]) - range.first)
                guard p >= 0, p < n else { continue }
                let a = answer(frame, i)
                tally.add(0, person: owner, a)
                guard group >= 0 else { continue }  // an omitted group counts in the total only
                tally.add(1 + group, person: owner, a)
                tally.add(1 + g + group * n + p, person: owner, a)
                if comment(frame, i) != nil { commentRows[group].append(i) }
            }
        }
        tally.finish()
        let labels = range.labels(query.scope.calendar, query.interval)
        // Person of each row, for comments.
        var personOf = [Int32](repeating: 0, count: 0)
        if commentRows.contains(where: { !$0.isEmpty }) {
            personOf = [Int32](repeating: 0, count: frame.rowCount)
            for person in 0..<frame.personCount { for i in frame.rows(of: person) { personOf[i] = Int32(person) } }
        }
        let comments = (0..<g).map { k in
            commentRows[k].map { i in
                let a = answer(frame, i)
                return CommentRow(
                    time: frame.times[i], person: frame.personIDs[Int(personOf[i])], scale: a.scale, score: a.score,
                    text: comment(frame, i) ?? "")
            }
        }
        return result(
            tally, keys: groups.keys, omitted: omitted, comments: comments, labels: labels, query: query)
    }

    /// A comment as the answer lists it (`scale` 0: the answer has no valid score).
    package struct CommentRow: Sendable {
        package var time: Int64
        package var person: String
        package var scale: Int
        package var score: Double
        package var text: String

        package init(time: Int64, person: String, scale: Int, score: Double, text: String) {
            self.time = time
            self.person = person
            self.scale = scale
            self.score = score
            self.text = text
        }
    }

    /// A person's answers in one (feature, survey) group and period, summed by another engine (a compiled
    /// statement): responses, the sums and counts of valid scores per scale, and the latest answer on each
    /// scale (latest time, then the higher score).
    package struct PersonAnswers: Sendable {
        package var person: String
        package var feature: String?
        package var survey: String?
        /// The period's label (`LocalCalendar.label`).
        package var period: String
        package var responses = 0
        package var count10 = 0
        package var sum10 = 0.0
        package var count5 = 0
        package var sum5 = 0.0
        package var latest10: (time: Int64, score: Double)?
        package var latest5: (time: Int64, score: Double)?

        package init(person: String, feature: String?, survey: String?, period: String) {
            self.person = person
            self.feature = feature
            self.survey = survey
            self.period = period
        }
    }

    /// The answer from the answers another engine summed per person, group and period, and each group's latest
    /// comments (at least the `query.comments` latest of every group), with the embedded engine's own rules
    /// for everything else: which groups are kept, latest answers per scope, NPS, CSAT, order, bounds.
    package static func result(
        _ answers: [PersonAnswers], comments: [(feature: String?, survey: String?, comment: CommentRow)],
        _ query: FeedbackQuery
    ) -> FeedbackResult {
        struct Key: Hashable {
            var feature: String?
            var survey: String?
        }
        let range = PeriodRange(query.scope, query.interval)
        let n = range.count
        let labels = range.labels(query.scope.calendar, query.interval)
        let periods = Dictionary(labels.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var keys: [(feature: String?, survey: String?)] = []
        var index: [Key: Int] = [:]
        var rows: [Int] = []
        for a in answers {
            let key = Key(feature: a.feature, survey: a.survey)
            if index[key] == nil {
                index[key] = keys.count
                keys.append((a.feature, a.survey))
                rows.append(0)
            }
            rows[index[key]!] += a.responses
        }
        let limit = FeedbackQuery.maxGroups(periods: n)
        let kept = keys.count > limit ? FeedbackGroups.kept(keys, rows: rows, limit: limit) : Array(keys.indices)
        var renumbered = [Int](repeating: -1, count: keys.count)
        for (new, old) in kept.enumerated() { renumbered[old] = new }
        let g = kept.count
        var tally = FeedbackTally(scopes: 1 + g + g * n)
        // A person's rows one after another, as the tally's owner markers need them.
        var owner: Int32 = -1
        var previous: String?
        for a in answers.sorted(by: { $0.person < $1.person }) {
            if a.person != previous {
                owner += 1
                previous = a.person
            }
            guard let p = periods[a.period] else { continue }
            tally.add(0, person: owner, a)
            let k = renumbered[index[Key(feature: a.feature, survey: a.survey)]!]
            guard k >= 0 else { continue }  // an omitted group counts in the total only
            tally.add(1 + k, person: owner, a)
            tally.add(1 + g + k * n + p, person: owner, a)
        }
        tally.finish()
        var listed = [[CommentRow]](repeating: [], count: g)
        for c in comments {
            guard let i = index[Key(feature: c.feature, survey: c.survey)], renumbered[i] >= 0 else { continue }
            listed[renumbered[i]].append(c.comment)
        }
        var result = result(
            tally, keys: kept.map { keys[$0] }, omitted: keys.count - g, comments: listed, labels: labels, query: query)
        result.markPartial(query.scope, query.interval)
        return result
    }

    /// The answer from a finished tally (scopes as `compute` numbers them) and the comments of each kept group.
    static func result(
        _ tally: FeedbackTally, keys: [(feature: String?, survey: String?)], omitted: Int, comments: [[CommentRow]],
        labels: [String], query: FeedbackQuery
    ) -> FeedbackResult {
        let g = keys.count
        let n = labels.count
        var result = FeedbackResult(total: tally.summary(0), groups: [])
        result.groupsOmitted = omitted
        for k in 0..<g {
            let rows = comments[k].sorted { a, b in
                if a.time != b.time { return a.time > b.time }
                if a.person != b.person { return a.person < b.person }
                return a.text < b.text
            }
            result.groups.append(
                FeedbackResult.Group(
                    feature: keys[k].feature, survey: keys[k].survey, summary: tally.summary(1 + k),
                    series: (0..<n).map { p in (date: labels[p], summary: tally.summary(1 + g + k * n + p)) },
                    comments: rows.prefix(query.comments).map { c in
                        FeedbackResult.Comment(
                            time: Timestamp.formatSeconds(c.time), person: c.person,
                            score: c.scale == 0 ? nil : c.score, scale: c.scale == 0 ? nil : c.scale,
                            text: bounded(c.text))
                    }))
        }
        result.groups.sort { a, b in
            if a.summary.responses != b.summary.responses { return a.summary.responses > b.summary.responses }
            if a.feature != b.feature { return precedes(a.feature, b.feature) }
            return precedes(a.survey, b.survey)
        }
        // Comments are free text anyone with the write key can send: the answer holds at most
        // `maxComments` of them, the groups with the most responses first.
        var room = FeedbackQuery.maxComments
        for k in result.groups.indices {
            let kept = min(room, result.groups[k].comments.count)
            result.groups[k].comments.removeLast(result.groups[k].comments.count - kept)
            room -= kept
        }
        return result
    }

    /// A comment of at most `FeedbackQuery.maxCommentScalars` Unicode scalars; a longer one is cut
    /// and ends with "…".
    static func bounded(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > FeedbackQuery.maxCommentScalars else { return text }
        var cut = String.UnicodeScalarView(scalars.prefix(FeedbackQuery.maxCommentScalars))
        cut.append("\u{2026}")
        return String(cut)
    }

    /// Nil sorts first, then text ascending.
    static func precedes(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): false
        case (nil, _): true
        case (_, nil): false
        case (let x?, let y?): x < y
        }
    }

    /// The score of a row, if it has a valid one.
    static func answer(_ frame: EventFrame, _ i: Int) -> FeedbackTally.Answer {
        var a = FeedbackTally.Answer(time: frame.times[i], scale: 0, score: 0)
        if frame.roles[i] & 1 != 0 {
            let score = frame.numbers[0][i]
            let scale = frame.numbers[1][i]
            guard score == score.rounded() else { return a }  // NaN fails too
            if scale == 10, score >= 0, score <= 10 {
                a.scale = 10
                a.score = score
            }
            if scale == 5, score >= 1, score <= 5 {
                a.scale = 5
                a.score = score
            }
        } else {
            let response = frame.numbers[2][i]
            if response == response.rounded(), response >= 0, response <= 10 {
                a.scale = 10
                a.score = response
            }
        }
        return a
    }

    /// The non-empty comment of a row: `comment` of `$feedback`, or an unscored survey response.
    static func comment(_ frame: EventFrame, _ i: Int) -> String? {
        let column: StringColumn
        if frame.roles[i] & 1 != 0 {
            column = frame.strings[2]
        } else {
            let response = frame.numbers[2][i]
            if response == response.rounded() && response >= 0 && response <= 10 { return nil }
            column = frame.strings[4]
        }
        guard let text = column.value(at: i), !text.isEmpty else { return nil }
        return text
    }
}
