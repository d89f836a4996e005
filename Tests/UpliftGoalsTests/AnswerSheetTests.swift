import Foundation
import Testing
import UpliftAnalysis
import UpliftExperiments
import UpliftGoals
import UpliftModel
import UpliftStorage

/// Goals and reports whose questions another engine answers (`AnswerSheet`, `--engine`), here the embedded engine
/// itself, one question at a time as the command line and the server drive Spark: the page is the one the embedded
/// engine renders directly, each question is asked once, and a refused question meets the evaluation where the
/// embedded engine's own error would (an experiment it cannot analyse is a paragraph, the rest of the report stands).
struct AnswerSheetTests {
    @Test func reportsFromAnswerSheetsAreTheEmbeddedOnes() throws {
        let snapshot = try DashboardTests.generated()
        let now = UTCDay(year: 2026, month: 3, day: 2)!.startMicroseconds
        for file in try DashboardTests.files() {
            let document = try PrfaqDocument.load(file: file)
            let embedded = try ReportBuilder().render(document, snapshot: snapshot, now: now)
            var asked = 0
            let html = try Self.answering(snapshot, asked: &asked) { sheet throws(UpliftError) in
                try ReportBuilder(answers: sheet).render(document, snapshot: snapshot, now: now)
            }
            #expect(html == embedded, "\(file)")
            // A question per goal at least, plus each funnel, experiment and feedback section.
            let sections = document.funnels.count + document.experiments.count + document.feedback.count
            #expect(asked >= document.goals.count + sections, "\(file): \(asked) questions")
        }
    }

    @Test func aRefusedQuestionIsMetWhereTheEmbeddedEngineThrows() throws {
        let snapshot = try DashboardTests.generated()
        let now = UTCDay(year: 2026, month: 3, day: 2)!.startMicroseconds
        let file = try #require(try DashboardTests.files().first { $0.hasSuffix("new-checkout.md") })
        let document = try PrfaqDocument.load(file: file)
        func render(_ sheet: AnswerSheet) throws(UpliftError) -> String {
            try ReportBuilder(answers: sheet).render(document, snapshot: snapshot, now: now)
        }
        var asked = 0
        let html = try Self.answering(
            snapshot, asked: &asked,
            refusing: { if case .experiment = $0 { UpliftError(.invalidInput, "the range is too long") } else { nil } },
            render)
        #expect(html.contains("This experiment could not be analysed: the range is too long."))
        #expect(html.contains("<section id=\"funnel-checkout\""))
        // Another refusal ends the report with that error, as the embedded engine's would.
        #expect(throws: UpliftError.self) {
            var n = 0
            _ = try Self.answering(
                snapshot, asked: &n,
                refusing: { if case .funnel = $0 { UpliftError(.engineUnavailable, "gone") } else { nil } }, render)
        }
    }

    @Test func goalsFromAnAnswerSheetAreTheEmbeddedOnes() throws {
        let snapshot = try DashboardTests.generated()
        let now = UTCDay(year: 2026, month: 3, day: 2)!.startMicroseconds
        for file in try DashboardTests.files() {
            let document = try PrfaqDocument.load(file: file)
            let embedded = try GoalEvaluator().evaluate(document, snapshot: snapshot, now: now)
            var asked = 0
            let answered = try Self.answering(snapshot, asked: &asked) { sheet throws(UpliftError) in
                try GoalEvaluator(answers: sheet).evaluate(document, snapshot: snapshot, now: now)
            }
            #expect(document.json(goals: answered).compactText == document.json(goals: embedded).compactText)
        }
    }

    /// Runs `evaluate` until it runs through, answering each question it stops at with the embedded engine (or
    /// with the error `refusing` gives for it).
    static func answering<T>(
        _ snapshot: Snapshot, asked: inout Int, refusing: (Question) -> UpliftError? = { _ in nil },
        _ evaluate: (AnswerSheet) throws(UpliftError) -> T
    ) throws -> T {
        let sheet = AnswerSheet()
        let engine = AnalysisEngine(cacheBytes: 0)
        while true {
            do throws(UpliftError) {
                return try evaluate(sheet)
            } catch {
                guard let question = sheet.takePending() else { throw error }
                asked += 1
                #expect(asked < 100, "the evaluation keeps asking")
                if let refusal = refusing(question) {
                    sheet.add(.failure(refusal))
                    continue
                }
                sheet.add(Result { () throws(UpliftError) in try answer(question, engine, snapshot) })
            }
        }
    }

    static func answer(_ question: Question, _ e: AnalysisEngine, _ s: Snapshot) throws(UpliftError) -> Answer {
        switch question {
        case .trend(let q): .trend(try e.trend(q, snapshot: s, links: [:]))
        case .adoption(let q): .adoption(try e.adoption(q, snapshot: s, links: [:]))
        case .funnel(let q): .funnel(try e.funnel(q, snapshot: s, links: [:]))
        case .retention(let q): .retention(try e.retention(q, snapshot: s, links: [:]))
        case .feedback(let q): .feedback(try e.feedback(q, snapshot: s, links: [:]))
        case .experiment(let d, let from, let to):
            .experiment(try e.experimentData(d, from: from, to: to, snapshot: s, links: [:]))
        }
    }
}
