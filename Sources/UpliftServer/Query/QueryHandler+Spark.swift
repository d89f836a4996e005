import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UpliftAnalysis
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
        _ spark: any SQLEngine, _ sql: QueryKind.SQL, project: ProjectSlug, query: QueryKind.Decoded
    ) async throws(UpliftError) -> Response {
        let snapshot = try await store.currentSnapshot(project: project)
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
        let rows = try await spark.rows(
            question: sql.name, files: files, basePath: absolute(store.layout.eventsDirectory),
            personMap: absolute(personMap)
        ) { (inputs) throws(UpliftError) in try sql.compile(.spark, inputs) }
        let engine = self.engine
        let (events, properties) = (query.events, query.properties)
        let document = try await WorkPool.shared.run(.interactive) { () throws(UpliftError) -> [UInt8] in
            let warnings = try engine.warnings(events: events, properties: properties, snapshot: snapshot)
            guard case .object(let members) = try sql.answer(rows).adding(warnings: warnings) else { return [] }
            let meta: JSONValue = .object([
                ("name", .string(spark.name)), ("events_not_included", .number(String(snapshot.pending.count))),
            ])
            return Array(JSONValue.object(members + [("engine", meta)]).compactText.utf8)
        }
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document)))
    }
}
