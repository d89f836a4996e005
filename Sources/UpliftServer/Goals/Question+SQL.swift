import UpliftExperiments
package import UpliftGoals
package import UpliftModel
package import UpliftSQL

extension Question {
    /// The question answered by an engine that runs SQL (Spark): compiled for it, run over the live segment
    /// files and the person map, and answered from the statement's rows by the same builders as a single
    /// question (`TrendSQL.result`, `ExperimentSQL.data`, …).
    package func answer(
        on engine: any SQLEngine, files: SegmentFiles, basePath: String, personMap: String
    ) async throws(UpliftError) -> Answer {
        func rows(
            _ name: String, _ compile: (SQLInputs) throws(UpliftError) -> String
        ) async throws(UpliftError)
            -> SQLRows
        {
            try await engine.rows(
                question: name, files: files, basePath: basePath, personMap: personMap, compile: compile)
        }
        switch self {
        case .trend(let q):
            let r = try await rows("trend") { (i) throws(UpliftError) in
                try TrendSQL.compile(q, dialect: .spark, inputs: i)
            }
            return .trend(try TrendSQL.result(r, q))
        case .adoption(let q):
            let r = try await rows("adoption") { (i) throws(UpliftError) in
                try AdoptionSQL.compile(q, dialect: .spark, inputs: i)
            }
            return .adoption(try AdoptionSQL.result(r, q))
        case .funnel(let q):
            let r = try await rows("funnel") { (i) throws(UpliftError) in
                try FunnelSQL.compile(q, dialect: .spark, inputs: i)
            }
            return .funnel(try FunnelSQL.result(r, q))
        case .retention(let q):
            let r = try await rows("retention") { (i) throws(UpliftError) in
                try RetentionSQL.compile(q, dialect: .spark, inputs: i)
            }
            return .retention(try RetentionSQL.result(r, q))
        case .feedback(let q):
            let r = try await rows("feedback") { (i) throws(UpliftError) in
                try FeedbackSQL.compile(q, dialect: .spark, inputs: i)
            }
            return .feedback(try FeedbackSQL.result(r, q))
        case .experiment(let definition, let from, let to):
            let r = try await rows("experiment analysis") { (i) throws(UpliftError) in
                try ExperimentSQL.compile(definition, from: from, to: to, dialect: .spark, inputs: i)
            }
            return .experiment(try ExperimentSQL.data(r, definition, from: from, to: to))
        }
    }
}

/// Runs a goal evaluation or a report with its questions answered by another engine (`AnswerSheet`): `pass` runs
/// the evaluation up to the first question not answered yet; `answer` has the engine answer that question, once;
/// its answer (or refusal) is added, and `pass` runs again, until it runs through.
package func answeringOnEngine<T>(
    pass: (AnswerSheet) async throws(UpliftError) -> T,
    answer: (Question) async throws(UpliftError) -> Answer
) async throws(UpliftError) -> T {
    let sheet = AnswerSheet()
    while true {
        do throws(UpliftError) {
            return try await pass(sheet)
        } catch {
            guard let question = sheet.takePending() else { throw error }
            do throws(UpliftError) {
                sheet.add(.success(try await answer(question)))
            } catch {
                sheet.add(.failure(error))
            }
        }
    }
}
