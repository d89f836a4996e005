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
            strings: [.init(PropertyRef("feature"), roleMask: 1), .init(PropertyRef("survey"), roleMask: 1),
                      .init(PropertyRef("comment"), roleMask: 1), .init(PropertyRef("$survey_id"), roleMask: 2),
                      .init(PropertyRef("$survey_response"), roleMask: 2)],
            numbers: [.init(PropertyRef("score"), roleMask: 1), .init(PropertyRef("scale"), roleMask: 1),
                      .init(PropertyRef("$survey_response"), roleMask: 2)])
    }

    package static func compute(_ frame: EventFrame, _ query: FeedbackQuery) -> FeedbackResult {
        let range = PeriodRange(query.scope, query.interval)
        let n = range.count
        let groups = FeedbackGroups(frame, query)
        let g = groups.keys.count
        // Scopes: 0 total, 1 + group, 1 + g + group × n + period.
        var tally = FeedbackTally(scopes: 1 + g + g * n)
        var cursor = PeriodCursor(query.scope.calendar, query.interval)
        var commentRows = [[Int]](repeating: [], count: g)
        for person in 0..<frame.personCount {
            let owner = Int32(person)
            for i in frame.rows(of: person) {
                let group = Int(groups.groupOf[i])
                guard group >= 0 else { continue }
                let p = Int(cursor.period(of: frame.times[i]) - range.first)
                guard p >= 0, p < n else { continue }
                let a = answer(frame, i)
                tally.add(0, person: owner, a)
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
        var result = FeedbackResult(total: tally.summary(0), groups: [])
        for k in 0..<g {
            var rows = commentRows[k]
            rows.sort { a, b in
                if frame.times[a] != frame.times[b] { return frame.times[a] > frame.times[b] }
                let pa = frame.personIDs[Int(personOf[a])], pb = frame.personIDs[Int(personOf[b])]
                if pa != pb { return pa < pb }
                return comment(frame, a)! < comment(frame, b)!
            }
            let comments = rows.prefix(query.comments).map { i in
                let a = answer(frame, i)
                return FeedbackResult.Comment(
                    time: isoSeconds(frame.times[i]), person: frame.personIDs[Int(personOf[i])],
                    score: a.scale == 0 ? nil : a.score, scale: a.scale == 0 ? nil : a.scale, text: comment(frame, i) ?? "")
            }
            result.groups.append(FeedbackResult.Group(
                feature: groups.keys[k].feature, survey: groups.keys[k].survey, summary: tally.summary(1 + k),
                series: (0..<n).map { p in (date: labels[p], summary: tally.summary(1 + g + k * n + p)) }, comments: comments))
        }
        result.groups.sort { a, b in
            if a.summary.responses != b.summary.responses { return a.summary.responses > b.summary.responses }
            if a.feature != b.feature { return precedes(a.feature, b.feature) }
            return precedes(a.survey, b.survey)
        }
        return result
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
            let score = frame.numbers[0][i], scale = frame.numbers[1][i]
            guard score == score.rounded() else { return a }  // NaN fails too
            if scale == 10, score >= 0, score <= 10 { a.scale = 10; a.score = score }
            if scale == 5, score >= 1, score <= 5 { a.scale = 5; a.score = score }
        } else {
            let response = frame.numbers[2][i]
            if response == response.rounded(), response >= 0, response <= 10 { a.scale = 10; a.score = response }
        }
        return a
    }

    /// The non-empty comment of a row: `comment` of `$feedback`, or an unscored survey response.
    static func comment(_ frame: EventFrame, _ i: Int) -> String? {
        let text: String?
        if frame.roles[i] & 1 != 0 { text = frame.strings[2].value(at: i) } else {
            let response = frame.numbers[2][i]
            text = response == response.rounded() && response >= 0 && response <= 10 ? nil : frame.strings[4].value(at: i)
        }
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    /// `YYYY-MM-DDThh:mm:ssZ` (UTC, whole seconds).
    static func isoSeconds(_ t: Int64) -> String {
        let day = UTCDay(microseconds: t)
        let seconds = (t - day.startMicroseconds) / 1_000_000
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(day)T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))Z"
    }
}

/// The (feature, survey) group of every answer row, -1 for rows that are not kept.
struct FeedbackGroups {
    var keys: [(feature: String?, survey: String?)] = []
    var groupOf: [Int32]

    init(_ frame: EventFrame, _ query: FeedbackQuery) {
        groupOf = [Int32](repeating: -1, count: frame.rowCount)
        guard frame.strings.count == 5 else { return }
        let features = frame.strings[0], surveys = frame.strings[1], surveyIDs = frame.strings[3]
        // One survey numbering for both sources (`survey` of `$feedback`, `$survey_id`).
        var surveyNames: [String] = []
        var index: [String: Int32] = [:]
        func unify(_ values: [String]) -> [Int32] {
            values.map { v in
                if let c = index[v] { return c }
                let c = Int32(surveyNames.count)
                index[v] = c
                surveyNames.append(v)
                return c
            }
        }
        let fromSurvey = unify(surveys.values), fromSurveyID = unify(surveyIDs.values)
        let wantedFeature: Int32? = query.feature.map { f in features.values.firstIndex(of: f).map(Int32.init) ?? -2 }
        let wantedSurvey: Int32? = query.survey.map { s in index[s] ?? -2 }
        let width = surveyNames.count + 1
        let cells = (features.values.count + 1) * width
        // Group by (feature + 1) × width + (survey + 1): a flat table unless the product is huge.
        var table = [Int32](repeating: -1, count: cells <= 1 << 22 ? cells : 0)
        var sparse: [Int: Int32] = [:]
        for i in 0..<frame.rowCount {
            let roles = frame.roles[i]
            let feature: Int32, survey: Int32
            if roles & 1 != 0 {
                feature = features.codes[i]
                let s = surveys.codes[i]
                survey = s < 0 ? -1 : fromSurvey[Int(s)]
            } else if roles & 2 != 0 {
                feature = -1
                let s = surveyIDs.codes[i]
                survey = s < 0 ? -1 : fromSurveyID[Int(s)]
            } else { continue }
            if let wantedFeature, feature != wantedFeature { continue }
            if let wantedSurvey, survey != wantedSurvey { continue }
            let cell = Int(feature + 1) * width + Int(survey + 1)
            var group = table.isEmpty ? sparse[cell] ?? -1 : table[cell]
            if group < 0 {
                group = Int32(keys.count)
                keys.append((feature < 0 ? nil : features.values[Int(feature)], survey < 0 ? nil : surveyNames[Int(survey)]))
                if table.isEmpty { sparse[cell] = group } else { table[cell] = group }
            }
            groupOf[i] = group
        }
    }
}
