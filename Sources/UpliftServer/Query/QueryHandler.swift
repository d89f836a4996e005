import HTTPTypes
import Hummingbird
import NIOCore
import UpliftAnalysis
import UpliftCatalog
import UpliftExperiments
import UpliftModel
import UpliftStorage

/// One query request, from bytes to result document: authorize the read key (from the
/// `Authorization` header only: the key is a secret and queries never come from browsers), read
/// the body (at most 1 MB), decode it with the project's time zone, take a snapshot of the store
/// (it includes events not yet flushed) and run the query off the event loop.
///
/// Answers: 200 the result document (the same JSON as `uplift <kind> --json`); 400 invalid_json /
/// invalid_utf8 / invalid_query (the message names the field); 401 unauthorized (no key, unknown,
/// revoked, or a write key); 403 forbidden when the body names a project other than the key's
/// (a read key reads its own project only; `project` may simply be left out); 413 body_too_large;
/// 503 catalog_unavailable / storage_unavailable (+ Retry-After).
struct QueryHandler: Sendable {
    let store: EventStore
    let catalog: Catalog
    let engine: AnalysisEngine
    let authorizer: KeyAuthorizer
    let contexts: QueryContextCache
    let executor: QueryExecutor
    let bodyReader: RequestBodyReader

    func answer(_ request: Request, kind: QueryKind) async throws(UpliftError) -> Response {
        let project = try await authorizer.project(for: Credentials.headerToken(request), access: .read)
        let body = try await bodyReader.read(request)
        let json: JSONValue
        do {
            json = try JSONValue(parsing: body)
        } catch {
            throw UpliftError(
                error.code, "the body is not a valid JSON query (\(error.message)); see schemas/openapi.yaml")
        }
        // Another project is refused before any work (an experiment query would look its key up first).
        if case .object(let members) = json, case .string(let text)? = members.first(where: { $0.0 == "project" })?.1,
            let named = try? ProjectSlug(text), named != project
        {
            throw Self.otherProject
        }
        let context = try await context(project)
        let query = try await catalogCall(Self.catalogUnreadable, refusal: Self.queryRefusal) {
            () throws(UpliftError) in
            try await kind.decode(json, defaultTimeZone: context.timeZone) { (key) throws(UpliftError) in
                try await storedExperiment(key, project: project)
            }
        }
        if let named = query.project, named != project { throw Self.otherProject }
        let document = try await compute(project: project, links: context.links) {
            (engine, snapshot, links) throws(UpliftError) in
            try query.run(engine, snapshot, links)
        }
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers[.cacheControl] = "no-store"
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Array(document.compactText.utf8))))
    }

    private static let otherProject = UpliftError(
        .forbidden,
        "the query names another project than the read key's; leave `project` out or use a read key of that project")

    static let catalogUnreadable = "the catalog cannot be read right now; retry later"

    /// A query the engine refuses is the client's to fix (`invalid_query`, naming the field); an
    /// experiment key that names nothing is `not_found`.
    static func queryRefusal(_ error: UpliftError) -> UpliftError? {
        switch error.code {
        case .notFound: UpliftError(.notFound, error.message)
        case .invalidInput: UpliftError(.invalidQuery, error.message)
        default: nil
        }
    }

    /// A stored experiment definition of the key's project.
    private func storedExperiment(
        _ key: String, project: ProjectSlug
    ) async throws(UpliftError) -> ExperimentDefinition? {
        guard let stored = try await catalog.experiment(project: project, key: key) else { return nil }
        do {
            return try StoredExperimentText.definition(stored)
        } catch {
            // Stored definitions were validated when saved; one that no longer parses is the server's problem.
            throw UpliftError(.io, "the stored definition of '\(key)' cannot be read: \(error.message)")
        }
    }

    /// The project's time zone and person links (cached briefly, see `QueryContextCache`).
    func context(_ project: ProjectSlug) async throws(UpliftError) -> QueryContextCache.Context {
        try await catalogCall(Self.catalogUnreadable) { () throws(UpliftError) in try await contexts.context(project) }
    }

    /// Runs `work` off the event loop on a fresh snapshot; a segment that compaction removed between
    /// the snapshot and the read (an I/O error) is answered by one retry on a newer snapshot.
    func compute<T: Sendable>(
        project: ProjectSlug, links: [String: String],
        _ work: @escaping @Sendable (AnalysisEngine, Snapshot, [String: String]) throws(UpliftError) -> T
    ) async throws(UpliftError) -> T {
        var attempt = 0
        while true {
            attempt += 1
            let snapshot = await store.snapshot(project: project)
            // Segments replaced by compaction leave the engine's cache.
            engine.forget(segmentsNotIn: snapshot)
            let engine = self.engine
            do {
                return try await executor.run { () throws(UpliftError) in try work(engine, snapshot, links) }
            } catch  where error.code == .invalidInput {
                throw UpliftError(.invalidQuery, error.message)
            } catch  where attempt == 1 && (error.code == .io || error.code == .notFound) {
                continue
            } catch {
                throw UpliftError(
                    .storageUnavailable, "the events could not be read right now; retry later", cause: error)
            }
        }
    }
}
