import Foundation
import TestSupport
import Testing
import UpliftGoals
import UpliftModel
import UpliftStorage

/// The feedback sections of a report chart the real answers per score, not the groups.
struct ReportFeedbackTests {
    static let prfaq = """
        ---
        id: fb
        title: Feedback
        owner: Lena
        feature: fx
        launch: 2026-01-15
        goals:
          - id: count
            metric: events
            event: view
            interval: week
            target: 10
            deadline: 2026-04-30
        feedback:
          - feature: n
          - feature: c
        ---
        """

    static func answer(_ person: String, _ day: Int, feature: String, score: Int, scale: Int) -> Event {
        let t = UTCDay(year: 2026, month: 1, day: day)!.startMicroseconds + 3_600_000_000
        return Event(
            eventID: "\(person)-\(day)", type: .track, event: "$feedback", distinctID: person, timestamp: t,
            receivedAt: t,
            properties: #"{"feature":"\#(feature)","score":\#(score),"scale":\#(scale)}"#)
    }

    /// Rows `(first cell, second cell)` of the data table whose caption starts with `title`.
    static func table(_ html: String, title: String) -> [(String, String)] {
        guard let start = html.range(of: "<caption>" + title) else { return [] }
        let rest = html[start.upperBound...]
        let body = rest[..<(rest.range(of: "</table>")?.lowerBound ?? rest.endIndex)]
        return body.components(separatedBy: "<tr>").dropFirst().compactMap { row in
            let cells = row.components(separatedBy: ">").filter { !$0.hasPrefix("<") }.compactMap { part -> String? in
                guard let end = part.firstIndex(of: "<") else { return nil }
                return String(part[..<end])
            }
            return cells.count >= 2 && !cells[0].isEmpty ? (cells[0], cells[1]) : nil
        }
    }

    @Test func distributionShowsEachScore() throws {
        let events = [
            // NPS: latest answers 3, 7, 9, 10, 10 (e's earlier 2 is replaced).
            Self.answer("a", 5, feature: "n", score: 3, scale: 10),
            Self.answer("b", 5, feature: "n", score: 7, scale: 10),
            Self.answer("c", 6, feature: "n", score: 9, scale: 10),
            Self.answer("d", 6, feature: "n", score: 10, scale: 10),
            Self.answer("e", 5, feature: "n", score: 2, scale: 10),
            Self.answer("e", 7, feature: "n", score: 10, scale: 10),
            // CSAT: 1, 2, 2, 4, 5 on one day.
            Self.answer("f", 6, feature: "c", score: 1, scale: 5),
            Self.answer("g", 6, feature: "c", score: 2, scale: 5),
            Self.answer("h", 6, feature: "c", score: 2, scale: 5),
            Self.answer("i", 6, feature: "c", score: 4, scale: 5),
            Self.answer("j", 6, feature: "c", score: 5, scale: 5),
        ]
        let snapshot = Snapshot(project: try ProjectSlug("demo"), segments: [], pending: events)
        let document = try PrfaqDocument(text: Self.prfaq, path: "fb.md")
        let html = try ReportBuilder().render(
            document, snapshot: snapshot, now: UTCDay(year: 2026, month: 2, day: 1)!.startMicroseconds)
        #expect(XMLCheck.parse(html).error == nil)
        #expect(!html.contains("top score"))

        let nps = Self.table(html, title: "NPS: n")
        let npsCounts = nps.filter { Int($0.0) != nil }.map { Int($0.1) }
        #expect(npsCounts == [0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 2])
        // The headline stays exact: (3 promoters − 1 detractor) ÷ 5 = +40.
        #expect(html.contains("<caption>NPS: n · NPS +40</caption>"))

        // Answers and respondents are told apart, the same way in the chart and the caption (issue 22:
        // "+28 from 880 answers" beside "1597 responses").
        #expect(html.contains("NPS +40 from 5 respondents"), "the score counts each respondent's latest answer")
        #expect(
            html.contains("6 answers from 5 respondents; the score counts each respondent&#39;s latest answer")
                || html.contains("6 answers from 5 respondents; the score counts each respondent's latest answer"))
        #expect(!html.contains(" responses;"))

        let csat = Self.table(html, title: "CSAT: c")
        let csatCounts = csat.filter { Int($0.0) != nil }.map { Int($0.1) }
        #expect(csatCounts == [1, 2, 0, 1, 1])
        #expect(html.contains("<caption>CSAT: c · CSAT 40.0%</caption>"))
        // The weekly CSAT is a share too: 2 of 5 satisfied reads 40.0%.
        #expect(csat.filter { $0.0.hasPrefix("CSAT on ") }.map(\.1) == ["40.0%"])
    }

    /// The same comment written several times is listed once, with how many times and on which days.
    @Test func identicalCommentsAreListedOnceWithTheirCount() throws {
        func comment(_ person: String, _ day: Int, _ hour: Int64, _ text: String, score: Int = 9) -> Event {
            let t = UTCDay(year: 2026, month: 1, day: day)!.startMicroseconds + hour * 3_600_000_000
            return Event(
                eventID: "\(person)-\(day)-\(hour)", type: .track, event: "$feedback", distinctID: person, timestamp: t,
                receivedAt: t, properties: #"{"feature":"n","score":\#(score),"scale":10,"comment":"\#(text)"}"#)
        }
        let events = [
            comment("a", 20, 9, "Quick and painless"), comment("b", 20, 10, "Quick and painless"),
            comment("c", 20, 11, "Quick and painless", score: 10), comment("d", 21, 9, "Too slow", score: 3),
            comment("e", 18, 9, "Quick and painless"),
        ]
        let snapshot = Snapshot(project: try ProjectSlug("demo"), segments: [], pending: events)
        let html = try ReportBuilder().render(
            try PrfaqDocument(text: Self.prfaq, path: "fb.md"), snapshot: snapshot,
            now: UTCDay(year: 2026, month: 2, day: 1)!.startMicroseconds)
        #expect(html.components(separatedBy: "<blockquote>Quick and painless</blockquote>").count == 2)
        #expect(html.contains("<span class=\"meta\">4 times, 2026-01-18 to 2026-01-20</span>"), "\(html)")
        #expect(html.contains("<blockquote>Too slow</blockquote><span class=\"meta\">2026-01-21</span>"))
        // Most recent first; the group shows its latest score.
        let slow = try #require(html.range(of: "Too slow"))
        let quick = try #require(html.range(of: "Quick and painless"))
        #expect(slow.lowerBound < quick.lowerBound)
        #expect(html.contains("<span class=\"score\">10</span> <blockquote>Quick and painless"))
    }
}
