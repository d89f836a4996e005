import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UpliftAnalysis
import UpliftGoals
import UpliftModel
import UpliftSQL
import UpliftStorage

/// Questions answered by Spark (`uplift serve --engine sc://…`): compiled to Spark SQL and run over the project's
/// live segment files and its person map, the answer built from the rows Spark returns. The document is the
/// embedded engine's, plus `"engine": {"name": "spark", "events_not_included": N}`: events this node has
/// acknowledged but not yet flushed are in no segment, so Spark cannot see them (they are in the next flush,
/// within `--flush-interval`). Spark unreachable: 503 `engine_unavailable` with Retry-After; a statement Spark
/// refuses: 502 `engine_failed`, one line with Spark's error class.
extension QueryHandler {
    func answerOnSpark(
        _ spark: any SQLEngine, _ sql: QueryKind.SQL, project: ProjectSlug, query: QueryKind.Decoded,
        request: Request
    ) async throws(UpliftError) -> Response {
        let inputs = try await sparkInputs(project)
        // Its turn at the gate, the time limit, and stopped when the client leaves, as a computed question.
        let (rows, watched) = try await remote(request) { () throws(UpliftError) in
            try await spark.rows(
                question: sql.name, files: inputs.files, basePath: inputs.basePath, personMap: inputs.personMap
            ) { (sqlInputs) throws(UpliftError) in try sql.compile(.spark, sqlInputs) }
        }
        let engine = self.engine
        let (snapshot, events, properties) = (inputs.snapshot, query.events, query.properties)
        let document = try await WorkPool.shared.run(.interactive) { () throws(UpliftError) -> [UInt8] in
            let warnings = try engine.warnings(events: events, properties: properties, snapshot: snapshot)
            guard case .object(let members) = try sql.answer(rows).adding(warnings: warnings) else { return [] }
            return Array(JSONValue.object(members + [("engine", Self.engineMember(spark, snapshot))]).compactText.utf8)
        }
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers[.cacheControl] = "no-store"
        // Watching read the connection to its end: it cannot carry another request.
        if watched { headers[.connection] = "close" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document)))
    }

    /// `{"name": "spark", "events_not_included": N}`: the engine, and the events of the snapshot it could not see.
    static func engineMember(_ spark: any SQLEngine, _ snapshot: Snapshot) -> JSONValue {
        .object([("name", .string(spark.name)), ("events_not_included", .number(String(snapshot.pending.count)))])
    }

    /// What Spark reads for a question on `project`: the live segment files of a fresh snapshot (absolute
    /// paths), the directory their partitions are under, and the person map file at the catalog's links.
    /// While a person of the project is being erased Spark would read their rows from the files as they are:
    /// its questions wait (503) until the erasure has rewritten them.
    func sparkInputs(
        _ project: ProjectSlug
    ) async throws(UpliftError) -> (snapshot: Snapshot, files: SegmentFiles, basePath: String, personMap: String) {
        _ = try await context(project)
        let snapshot = try await store.currentSnapshot(project: project)
        guard snapshot.erasing.isEmpty else {
            throw UpliftError(
                .storageUnavailable,
                "a person of project '\(project)' is being erased: questions on Spark wait until their events are gone from the segments; retry shortly"
            )
        }
        let directory = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : directory + "/" + path }
        let paths = snapshot.segments.map(absolute)
        let files = try await WorkPool.shared.run(.interactive) { () throws(UpliftError) in
            try SegmentFiles(reading: paths)
        }
        let root = store.layout.root
        let personMap = try await catalogCall(Self.catalogUnreadable) { () throws(UpliftError) in
            try await PersonMapLoader.currentFile(catalog: catalog, dataDirectory: root, project: project)
        }
        return (snapshot, files, absolute(store.layout.eventsDirectory), absolute(personMap))
    }

    /// A goal evaluation or a report (`work`) whose questions Spark answers (`answeringOnEngine`): every pass
    /// over one snapshot, on the query executor, and every question to Spark through its gate too, all within one
    /// time limit. Also returns the snapshot, for what the answer says Spark could not see.
    func computeOnSpark<T: Sendable>(
        _ spark: any SQLEngine, project: ProjectSlug, links: PersonMap,
        _ work:
            @escaping @Sendable (AnalysisEngine, Snapshot, PersonMap, QueryBudget, AnswerSheet) throws(UpliftError)
            -> T
    ) async throws(UpliftError) -> (result: T, snapshot: Snapshot) {
        let inputs = try await sparkInputs(project)
        let budget = QueryBudget(timeout: executor.timeout)
        let (engine, snapshot, executor) = (self.engine, inputs.snapshot, self.executor)
        let result = try await answeringOnEngine { (sheet) throws(UpliftError) in
            try budget.check()
            return try await executor.run(budget) { (budget) throws(UpliftError) in
                try work(engine, snapshot, links, budget, sheet)
            }
        } answer: { (question) throws(UpliftError) in
            try await executor.runAsync(budget) { () throws(UpliftError) in
                try await question.answer(
                    on: spark, files: inputs.files, basePath: inputs.basePath, personMap: inputs.personMap)
            }
        }
        return (result, snapshot)
    }
}
