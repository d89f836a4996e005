import TestSupport
import Testing
import UpliftModel

@testable import UpliftAnalysis

/// Every answer's size is bounded: series by 10,000 points (funnels' conversion over time too),
/// retention tables by 100,000 cells, feedback by its groups (the rest counted, not listed).
struct AnswerBoundsTests {
    typealias H = MetricHarness

    func json(_ text: String) throws -> JSONValue { try JSONValue(parsing: Array(text.utf8)) }

    func refusal(_ text: String, _ decode: (JSONValue) throws(UpliftError) -> Void) throws -> UpliftError? {
        let value = try json(text)
        do throws(UpliftError) { try decode(value) } catch { return error }
        return nil
    }

    /// The funnel that answered 167 MB: from 1970 to 9999, one conversion_over_time row per day.
    @Test func aFunnelOverMillenniaIsRefusedNamingItsInterval() throws {
        for interval in ["day", "week"] {
            let error = try refusal(
                #"{"from":"1970-01-01","to":"9999-12-31","steps":["a","b"],"conversion_interval":"\#(interval)"}"#
            ) { (v) throws(UpliftError) in _ = try FunnelQuery(json: v) }
            #expect(error?.code == .invalidInput)
            #expect(error?.message.hasPrefix("conversion_interval: \(interval) over this range") == true, "\(error!)")
        }
        // Weekly rows over 27 years fit (1,409 points); daily ones do not (10,000+).
        let weekly = try FunnelQuery(
            json: json(#"{"from":"2000-01-01","to":"2027-01-01","steps":["a","b"],"conversion_interval":"week"}"#))
        #expect(weekly.conversionInterval == .week)
        let daily = try refusal(#"{"from":"2000-01-01","to":"2027-12-31","steps":["a","b"]}"#) {
            (v) throws(UpliftError) in _ = try FunnelQuery(json: v)
        }
        #expect(daily?.code == .invalidInput)
    }

    @Test func aRetentionTableOverHundredThousandCellsIsRefusedNamingPeriods() throws {
        // 731 daily cohorts × 367 periods = 268,277 cells.
        let error = try refusal(#"{"from":"2024-01-01","to":"2026-01-01","cohort_event":"a","periods":366}"#) {
            (v) throws(UpliftError) in _ = try RetentionQuery(json: v)
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.hasPrefix("periods: ") == true)
        // A year of daily cohorts with a month of periods fits.
        let fits = try RetentionQuery(
            json: json(#"{"from":"2025-01-01","to":"2026-01-01","cohort_event":"a","periods":30}"#))
        #expect(fits.periods == 30)
    }

    /// Anyone with the write key can send feedback for made-up features: the answer lists the groups
    /// with the most responses and counts the others, whose answers stay in the total.
    @Test func feedbackListsAtMostItsGroupLimitAndCountsTheRest() throws {
        let periods = 5_000  // daily over 13.7 years: 20 groups at most
        let limit = FeedbackQuery.maxGroups(periods: periods)
        #expect(limit == 20)
        #expect(FeedbackQuery.maxGroups(periods: 7) == 100)
        var events: [Event] = []
        // Feature f0 has 3 answers, f1 2, the rest one each.
        for i in 0..<(limit + 30) {
            for k in 0..<(i == 0 ? 3 : i == 1 ? 2 : 1) {
                let properties = #"{"score":9,"scale":10,"feature":"f\#(i)"}"#
                events.append(H.event("$feedback", "u\(i)-\(k)", "2026-03-03T10:00:00Z", properties))
            }
        }
        let scope = try H.scope("2012-09-01", "2026-05-10")
        let q = FeedbackQuery(scope: scope, interval: .day)
        let r = try AnalysisEngine().feedback(q, snapshot: try H.memory(events), links: [:])
        #expect(r.groups.count == limit)
        #expect(r.groupsOmitted == 30)
        #expect(r.groups.prefix(2).map(\.feature) == ["f0", "f1"])
        #expect(r.total.responses == limit + 30 + 3)
        #expect(r.json.compactText.contains(#""groups_omitted":30"#))
        // Under the limit, nothing is omitted and the answer has no such member.
        let few = try AnalysisEngine().feedback(
            FeedbackQuery(scope: try H.scope("2026-03-01", "2026-03-10"), interval: .day),
            snapshot: try H.memory(events), links: [:])
        #expect(few.groups.count == limit + 30 && few.groupsOmitted == 0)
        #expect(!few.json.compactText.contains("groups_omitted"))
    }

    /// Comments are free text: an answer lists at most 1,000, each cut to 1,000 Unicode scalars.
    @Test func feedbackCommentsAreBoundedInNumberAndLength() throws {
        var events: [Event] = []
        let long = String(repeating: "x", count: 5_000)
        // 15 features × 100 comments; f0's first comment is 5,000 scalars long.
        for f in 0..<15 {
            for k in 0..<100 {
                let text = f == 0 && k == 0 ? long : "c\(k)"
                let properties = #"{"score":9,"scale":10,"feature":"f\#(f)","comment":"\#(text)"}"#
                let time = k == 0 ? "2026-03-04T10:00:00Z" : "2026-03-03T10:00:00Z"
                events.append(H.event("$feedback", "u\(f)-\(k)", time, properties))
            }
        }
        let q = FeedbackQuery(scope: try H.scope("2026-03-01", "2026-03-10"), interval: .week, comments: 100)
        let r = try AnalysisEngine().feedback(q, snapshot: try H.memory(events), links: [:])
        #expect(r.groups.count == 15)
        #expect(r.groups.map(\.comments.count).reduce(0, +) == FeedbackQuery.maxComments)
        #expect(r.groups.prefix(10).allSatisfy { $0.comments.count == 100 })
        let cut = try #require(r.groups.first { $0.feature == "f0" }?.comments.first?.text)
        #expect(cut.unicodeScalars.count == FeedbackQuery.maxCommentScalars + 1 && cut.hasSuffix("\u{2026}"))
        #expect(cut.hasPrefix(String(repeating: "x", count: 1_000)))
    }
}
