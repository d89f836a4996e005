import Foundation
package import UpliftAnalysis
package import UpliftModel

extension ReferenceMetrics {
    struct Answer {
        var event: Event
        var person: String
        var feature: String?
        var survey: String?
        /// 10 or 5 for a valid score, else nil.
        var scale: Int?
        var score: Double
        var comment: String?
    }

    static func answer(_ e: Event, _ links: [String: String]) -> Answer {
        var a = Answer(
            event: e, person: person(e, links), feature: nil, survey: nil, scale: nil, score: 0, comment: nil)
        if e.event == "$feedback" {
            a.feature = text(e, PropertyRef("feature"))
            a.survey = text(e, PropertyRef("survey"))
            a.comment = text(e, PropertyRef("comment"))
            if let score = number(e, PropertyRef("score")), let scale = number(e, PropertyRef("scale")),
                score == score.rounded()
            {
                if scale == 10, (0...10).contains(score) {
                    a.scale = 10
                    a.score = score
                }
                if scale == 5, (1...5).contains(score) {
                    a.scale = 5
                    a.score = score
                }
            }
        } else {
            a.survey = text(e, PropertyRef("$survey_id"))
            if let r = number(e, PropertyRef("$survey_response")), r == r.rounded(), (0...10).contains(r) {
                a.scale = 10
                a.score = r
            } else {
                a.comment = text(e, PropertyRef("$survey_response"))
            }
        }
        if a.comment == "" { a.comment = nil }
        return a
    }

    static func summary(_ answers: [Answer]) -> FeedbackResult.Summary {
        var s = FeedbackResult.Summary()
        s.responses = answers.count
        s.respondents = Set(answers.map(\.person)).count
        func latest(_ scale: Int) -> [Double] {
            Set(answers.map(\.person)).compactMap { p in
                answers.filter { $0.person == p && $0.scale == scale }
                    .max { ($0.event.timestamp, $0.score) < ($1.event.timestamp, $1.score) }?.score
            }
        }
        let nps = latest(10)
        s.promoters = nps.filter { $0 >= 9 }.count
        s.passives = nps.filter { $0 >= 7 && $0 < 9 }.count
        s.detractors = nps.filter { $0 < 7 }.count
        // Per score, counted independently of the groups so the model checks that they agree.
        s.npsScores = (0...10).map { k in nps.filter { $0 == Double(k) }.count }
        s.nps = nps.isEmpty ? nil : Double(s.promoters - s.detractors) / Double(nps.count) * 100
        let csat = latest(5)
        s.csatResponses = csat.count
        s.satisfied = csat.filter { $0 >= 4 }.count
        s.csatScores = (1...5).map { k in csat.filter { $0 == Double(k) }.count }
        s.csat = csat.isEmpty ? nil : Double(s.satisfied) / Double(csat.count) * 100
        let tens = answers.filter { $0.scale == 10 }.map(\.score)
        let fives = answers.filter { $0.scale == 5 }.map(\.score)
        s.averageScore =
            !tens.isEmpty
            ? tens.reduce(0, +) / Double(tens.count) : !fives.isEmpty ? fives.reduce(0, +) / Double(fives.count) : nil
        return s
    }

    static func isoSeconds(_ t: Int64) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        f.formatOptions = [.withInternetDateTime]
        let seconds = t >= 0 ? t / 1_000_000 : (t - 999_999) / 1_000_000
        return f.string(from: Date(timeIntervalSince1970: Double(seconds)))
    }

    package static func feedback(_ q: FeedbackQuery, events: [Event], links: [String: String]) -> FeedbackResult {
        let cal = q.scope.calendar
        let answers = events.filter { e in
            e.timestamp >= q.scope.from && e.timestamp < q.scope.to
                && (e.event == "$feedback" || e.event == "survey sent")
                && q.scope.filters.allSatisfy { $0.matches(value(e, $0.property)) }
        }.map { answer($0, links) }.filter { a in
            (q.feature == nil || a.feature == q.feature) && (q.survey == nil || a.survey == q.survey)
        }
        var keys: [[String?]] = []
        for a in answers where !keys.contains([a.feature, a.survey]) { keys.append([a.feature, a.survey]) }
        let periods = periods(q.scope, q.interval)
        var groups = keys.map { key in
            let mine = answers.filter { [$0.feature, $0.survey] == key }
            let comments = mine.filter { $0.comment != nil }.sorted { a, b in
                if a.event.timestamp != b.event.timestamp { return a.event.timestamp > b.event.timestamp }
                if a.person != b.person { return a.person < b.person }
                return a.comment! < b.comment!
            }.prefix(q.comments).map { a in
                FeedbackResult.Comment(
                    time: isoSeconds(a.event.timestamp), person: a.person, score: a.scale == nil ? nil : a.score,
                    scale: a.scale, text: a.comment!)
            }
            return FeedbackResult.Group(
                feature: key[0], survey: key[1], summary: summary(mine),
                series: periods.map { p in
                    (
                        date: cal.label(periodNumber: p, q.interval),
                        summary: summary(mine.filter { cal.periodNumber(of: $0.event.timestamp, q.interval) == p })
                    )
                },
                comments: Array(comments))
        }
        func before(_ a: String?, _ b: String?) -> Bool {
            switch (a, b) {
            case (nil, nil): false
            case (nil, _): true
            case (_, nil): false
            case (let x?, let y?): x < y
            }
        }
        groups.sort { a, b in
            if a.summary.responses != b.summary.responses { return a.summary.responses > b.summary.responses }
            if a.feature != b.feature { return before(a.feature, b.feature) }
            return before(a.survey, b.survey)
        }
        var result = FeedbackResult(total: summary(answers), groups: groups)
        if !groups.isEmpty {
            result.partialPeriods = Set(
                periods.filter { partial(q.scope, q.interval, $0) }.map { cal.label(periodNumber: $0, q.interval) })
        }
        return result
    }
}
