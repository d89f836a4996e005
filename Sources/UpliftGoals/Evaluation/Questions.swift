import Synchronization
package import UpliftAnalysis
package import UpliftExperiments
package import UpliftModel
import UpliftStorage

/// A question a goal or a report asks of the events.
package enum Question: Sendable {
    case trend(TrendQuery)
    case adoption(AdoptionQuery)
    case funnel(FunnelQuery)
    case retention(RetentionQuery)
    case feedback(FeedbackQuery)
    /// The per-variant sums of an experiment over `[from, to)`.
    case experiment(ExperimentDefinition, from: Int64, to: Int64)
}

/// The answer to a `Question`, case for case.
package enum Answer: Sendable {
    case trend(TrendResult)
    case adoption(AdoptionResult)
    case funnel(FunnelResult)
    case retention(RetentionResult)
    case feedback(FeedbackResult)
    case experiment(ExperimentData)
}

/// Answers another engine gave (a Spark cluster, `--engine`), for an evaluation that asks its questions
/// synchronously: the evaluation runs, and the first question not answered yet stops it (`pending`); the
/// caller has the engine answer that question, adds the answer, and runs the evaluation again. An evaluation
/// asks the same questions in the same order every time (it is a function of the document, the data's
/// coverage and `now`), so the n-th question asked is answered by the n-th answer; each question is sent to
/// the engine once. A question the engine refused (an `UpliftError`) is answered by that error, which the
/// evaluation then meets where the embedded engine would have thrown it (a report shows an experiment it
/// cannot analyse as a paragraph, for instance).
package final class AnswerSheet: Sendable {
    private struct State {
        var answers: [Result<Answer, UpliftError>] = []
        var asked = 0
        var pending: Question?
    }

    private let state = Mutex(State())

    package init() {}

    /// The answer to the next question, or an error that leaves the question in `pending`.
    func answer(_ question: Question) throws(UpliftError) -> Answer {
        try state.withLock { (s) throws(UpliftError) -> Answer in
            defer { s.asked += 1 }
            if s.asked < s.answers.count { return try s.answers[s.asked].get() }
            s.pending = question
            throw UpliftError(.internalError, "the evaluation asked a question the engine has not answered yet")
        }
    }

    /// The question that stopped the last run (nil: it stopped for another reason, or ran through), now taken:
    /// the next run asks from the first question again.
    package func takePending() -> Question? {
        state.withLock { s in
            defer {
                s.pending = nil
                s.asked = 0
            }
            return s.pending
        }
    }

    /// The answer to the question `takePending` returned, or the engine's error.
    package func add(_ answer: Result<Answer, UpliftError>) {
        state.withLock { $0.answers.append(answer) }
    }
}

/// Where goals and reports get their answers: the embedded engine over a snapshot, or, given a sheet, the
/// answers another engine gave.
struct Questions {
    let engine: AnalysisEngine
    let snapshot: Snapshot
    let links: PersonMap
    let budget: QueryBudget?
    let sheet: AnswerSheet?

    func trend(_ q: TrendQuery) throws(UpliftError) -> TrendResult {
        guard let sheet else { return try engine.trend(q, snapshot: snapshot, links: links, budget: budget) }
        guard case .trend(let r) = try sheet.answer(.trend(q)) else { throw Self.mismatch }
        return r
    }

    func adoption(_ q: AdoptionQuery) throws(UpliftError) -> AdoptionResult {
        guard let sheet else { return try engine.adoption(q, snapshot: snapshot, links: links, budget: budget) }
        guard case .adoption(let r) = try sheet.answer(.adoption(q)) else { throw Self.mismatch }
        return r
    }

    func funnel(_ q: FunnelQuery) throws(UpliftError) -> FunnelResult {
        guard let sheet else { return try engine.funnel(q, snapshot: snapshot, links: links, budget: budget) }
        guard case .funnel(let r) = try sheet.answer(.funnel(q)) else { throw Self.mismatch }
        return r
    }

    func retention(_ q: RetentionQuery) throws(UpliftError) -> RetentionResult {
        guard let sheet else { return try engine.retention(q, snapshot: snapshot, links: links, budget: budget) }
        guard case .retention(let r) = try sheet.answer(.retention(q)) else { throw Self.mismatch }
        return r
    }

    func feedback(_ q: FeedbackQuery) throws(UpliftError) -> FeedbackResult {
        guard let sheet else { return try engine.feedback(q, snapshot: snapshot, links: links, budget: budget) }
        guard case .feedback(let r) = try sheet.answer(.feedback(q)) else { throw Self.mismatch }
        return r
    }

    func experiment(_ d: ExperimentDefinition, from: Int64, to: Int64) throws(UpliftError) -> ExperimentData {
        guard let sheet else {
            return try engine.experimentData(d, from: from, to: to, snapshot: snapshot, links: links, budget: budget)
        }
        guard case .experiment(let r) = try sheet.answer(.experiment(d, from: from, to: to)) else {
            throw Self.mismatch
        }
        return r
    }

    /// An answer of another kind than its question: the evaluation asked differently from one run to the next.
    private static var mismatch: UpliftError {
        UpliftError(.internalError, "an answer does not fit its question: the evaluation is not deterministic")
    }
}
