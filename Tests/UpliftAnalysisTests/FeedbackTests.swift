import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel

/// Hand-written feedback cases: NPS/CSAT arithmetic, the latest answer per person, PostHog surveys.
struct FeedbackTests {
    typealias H = MetricHarness

    static let events = [
        // u1: NPS 9 in week 1, then 5 in week 2 with a comment: detractor overall.
        H.event("$feedback", "u1", "2026-03-03T10:00:00Z", #"{"score":9,"scale":10,"feature":"export"}"#),
        H.event(
            "$feedback", "u1", "2026-03-10T10:00:00Z", #"{"score":5,"scale":10,"feature":"export","comment":"meh"}"#),
        // u2: PostHog survey answer "10" (a string): promoter in survey s1.
        H.event("survey sent", "u2", "2026-03-04T10:00:00Z", #"{"$survey_id":"s1","$survey_response":"10"}"#),
        // u3: CSAT 2 then 4: satisfied.
        H.event("$feedback", "u3", "2026-03-03T09:00:00Z", #"{"score":2,"scale":5,"feature":"search"}"#),
        H.event("$feedback", "u3", "2026-03-05T09:00:00Z", #"{"score":4,"scale":5,"feature":"search","comment":""}"#),
        // u4: a text survey response is a comment without a score.
        H.event("survey sent", "u4", "2026-03-11T08:00:00Z", #"{"$survey_id":"s1","$survey_response":"love it"}"#),
        // Not answers: another event, and an answer after `to`.
        H.event("view", "u1", "2026-03-03T10:00:00Z", #"{"score":0,"scale":10}"#),
        H.event("$feedback", "u5", "2026-03-16T00:00:00Z", #"{"score":0,"scale":10}"#),
    ]

    func run(_ q: FeedbackQuery) throws -> FeedbackResult {
        try AnalysisEngine().feedback(q, snapshot: try H.memory(Self.events), links: [:])
    }

    @Test func totalsFollowTheLatestAnswerPerPerson() throws {
        let r = try run(FeedbackQuery(scope: try H.scope("2026-03-02", "2026-03-16"), interval: .week))
        #expect(r.total.responses == 6)
        #expect(r.total.respondents == 4)
        #expect(r.total.promoters == 1 && r.total.passives == 0 && r.total.detractors == 1)
        #expect(r.total.nps == 0)
        #expect(r.total.csatResponses == 1 && r.total.satisfied == 1 && r.total.csat == 100)
        // Per score, the same latest answers: u1's 5 (not the earlier 9), u2's 10, u3's 4 (not the earlier 2).
        #expect(r.total.npsScores == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])
        #expect(r.total.csatScores == [0, 0, 0, 1, 0])
        #expect(r.total.averageScore == 8)  // (9 + 5 + 10) / 3: scale-10 answers win over scale-5 ones
    }

    @Test func groupsPeriodsAndComments() throws {
        let r = try run(FeedbackQuery(scope: try H.scope("2026-03-02", "2026-03-16"), interval: .week))
        // Two responses each: nil feature first, then feature ascending.
        #expect(r.groups.map(\.feature) == [nil, "export", "search"])
        #expect(r.groups.map(\.survey) == ["s1", nil, nil])
        let export = r.groups[1]
        #expect(export.summary.nps == -100)
        #expect(export.series.map(\.date) == ["2026-03-02", "2026-03-09"])
        // Per week each person's latest answer in that week: 9 (promoter), then 5 (detractor).
        #expect(export.series.map(\.summary.nps) == [100, -100])
        #expect(export.series.map(\.summary.npsScores[9]) == [1, 0])
        #expect(export.series.map(\.summary.npsScores[5]) == [0, 1])
        #expect(
            export.comments == [
                FeedbackResult.Comment(time: "2026-03-10T10:00:00Z", person: "u1", score: 5, scale: 10, text: "meh")
            ])
        let survey = r.groups[0]
        #expect(survey.summary.promoters == 1 && survey.summary.nps == 100)
        #expect(survey.comments.map(\.text) == ["love it"])
        #expect(survey.comments.first?.score == nil)
        let search = r.groups[2]
        #expect(search.summary.csat == 100 && search.summary.nps == nil && search.summary.averageScore == 3)
        #expect(search.comments.isEmpty)  // an empty comment is no comment
    }

    @Test func featureAndSurveyKeepOnlyMatchingAnswers() throws {
        let scope = try H.scope("2026-03-02", "2026-03-16")
        let export = try run(FeedbackQuery(scope: scope, feature: "export"))
        #expect(export.groups.count == 1 && export.total.responses == 2)
        let survey = try run(FeedbackQuery(scope: scope, survey: "s1"))
        #expect(survey.groups.map(\.survey) == ["s1"])
        #expect(survey.total.responses == 2 && survey.total.nps == 100)
        let none = try run(FeedbackQuery(scope: scope, feature: "missing"))
        #expect(
            none.groups.isEmpty && none.total.responses == 0 && none.total.nps == nil && none.total.averageScore == nil)
    }

    @Test func npsCountsPassivesInTheDenominator() throws {
        let events = [7, 8, 9, 10, 0].enumerated().map { i, score in
            H.event("$feedback", "p\(i)", "2026-03-03T10:00:00Z", #"{"score":\#(score),"scale":10}"#)
        }
        let r = try AnalysisEngine().feedback(
            FeedbackQuery(scope: try H.scope("2026-03-02", "2026-03-09")), snapshot: try H.memory(events), links: [:])
        #expect(r.total.promoters == 2 && r.total.passives == 2 && r.total.detractors == 1)
        #expect(r.total.nps == 20)
        #expect(r.total.npsScores == [1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
    }

    /// Only whole scores in range are scored, so each scored answer has exactly one slot; the rest are
    /// responses only. At equal times the higher score is the person's answer, as for the groups.
    @Test func scoreCountsFollowTheScoringRules() throws {
        let at = "2026-03-03T10:00:00Z"
        let events = [
            H.event("$feedback", "a", at, #"{"score":3,"scale":10}"#),
            H.event("$feedback", "b", at, #"{"score":6.5,"scale":10}"#),  // not whole: a response only
            H.event("$feedback", "c", at, #"{"score":11,"scale":10}"#),  // out of range
            H.event("$feedback", "d", at, #"{"score":2,"scale":10}"#),
            H.event("$feedback", "d", at, #"{"score":8,"scale":10}"#),  // same time: 8 wins over 2
            H.event("$feedback", "e", at, #"{"score":0,"scale":5}"#),  // CSAT starts at 1
            H.event("$feedback", "f", at, #"{"score":1,"scale":5}"#),
            H.event("$feedback", "g", at, #"{"score":2,"scale":5}"#),
            H.event("$feedback", "h", at, #"{"score":5,"scale":5}"#),
            H.event("$feedback", "h", at, #"{"score":3,"scale":5}"#),  // same time: 5 stays
            H.event("survey sent", "i", at, #"{"$survey_id":"s","$survey_response":"0"}"#),
        ]
        let r = try AnalysisEngine().feedback(
            FeedbackQuery(scope: try H.scope("2026-03-02", "2026-03-09")), snapshot: try H.memory(events), links: [:])
        #expect(r.total.responses == 11)
        #expect(r.total.npsScores == [1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0])
        #expect(r.total.detractors == 2 && r.total.passives == 1 && r.total.promoters == 0)
        #expect(r.total.csatScores == [1, 1, 0, 0, 1])
        #expect(r.total.csatResponses == 3 && r.total.satisfied == 1)
    }

    @Test func jsonCarriesScoreArrays() throws {
        let r = try run(FeedbackQuery(scope: try H.scope("2026-03-02", "2026-03-16"), interval: .week))
        guard case .object(let top) = r.json, case .object(let total)? = top.first(where: { $0.0 == "total" })?.1 else {
            Issue.record("feedback JSON has no total object")
            return
        }
        let keys = total.map(\.0)
        #expect(keys.contains("promoters") && keys.contains("satisfied"))
        let nps = total.first { $0.0 == "nps_scores" }?.1
        let csat = total.first { $0.0 == "csat_scores" }?.1
        #expect(nps == .array([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1].map { JSONValue.int($0) }))
        #expect(csat == .array([0, 0, 0, 1, 0].map { JSONValue.int($0) }))
    }

    @Test func commentsKeepTheLatestWithTiesByPerson() throws {
        let events =
            ["b", "a", "c"].map {
                H.event("$feedback", $0, "2026-03-03T10:00:00Z", #"{"score":1,"scale":5,"comment":"from \#($0)"}"#)
            }
            + [H.event("$feedback", "z", "2026-03-04T10:00:00Z", #"{"comment":"latest"}"#)]
        let r = try AnalysisEngine().feedback(
            FeedbackQuery(scope: try H.scope("2026-03-02", "2026-03-09"), comments: 3), snapshot: try H.memory(events),
            links: [:])
        #expect(r.groups.first?.comments.map(\.text) == ["latest", "from a", "from b"])
        #expect(r.groups.first?.comments.first?.scale == nil)
    }
}
