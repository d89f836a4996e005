import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import UpliftAnalysis
import UpliftCatalog
import UpliftExperiments
import UpliftModel
import UpliftSQL
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
/// 503 catalog_unavailable / storage_unavailable (+ Retry-After); 504 query_timeout past the time
/// limit (`--query-timeout`). A query whose client goes away stops (`query_cancelled`, never seen).
struct QueryHandler: Sendable {
    let store: EventStore
    let catalog: Catalog
    let engine: AnalysisEngine
    let authorizer: KeyAuthorizer
    let contexts: QueryContextCache
    let executor: QueryExecutor
    let bodyReader: RequestBodyReader
    /// How long a query runs before its connection is watched for the client going away (see `compute`).
    var watchAfter: Duration = .seconds(1)
    /// Where questions that compile to SQL run instead of the embedded engine (`--engine`).
    var spark: (any SQLEngine)?

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
        if let spark {
            return try await answerOnSpark(spark, query.sql, project: project, query: query, request: request)
        }
        // The answer is written on the pool too: a large one takes a while, and the cooperative pool
        // is what health checks and ingestion need.
        let (document, watched) = try await compute(request, project: project, links: context.links) {
            (engine, snapshot, links, budget) throws(UpliftError) in
            Array(try query.run(engine, snapshot, links, budget).compactText.utf8)
        }
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers[.cacheControl] = "no-store"
        // Watching read the connection to its end: it cannot carry another request.
        if watched { headers[.connection] = "close" }
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document)))
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
    /// The store is told the project's retention, so the snapshots of its questions leave out older days,
    /// and drops the events of persons erased since it last looked (an erasure on another node, too).
    func context(_ project: ProjectSlug) async throws(UpliftError) -> QueryContextCache.Context {
        let context = try await catalogCall(Self.catalogUnreadable) { () throws(UpliftError) in
            try await contexts.context(project)
        }
        await store.retain(project: project, days: context.retentionDays)
        let store = self.store
        try await catalogCall(Self.catalogUnreadable) { () throws(UpliftError) in
            try await store.forgetErased(
                project: project, begun: context.erasures.begun, completed: context.erasures.completed,
                erasing: context.erasing)
        }
        return context
    }

    /// Runs `work` off the event loop on a fresh snapshot, within the query time limit (`compute(_:…)`
    /// without a connection to watch).
    func compute<T: Sendable>(
        project: ProjectSlug, links: PersonMap,
        _ work: @escaping @Sendable (AnalysisEngine, Snapshot, PersonMap, QueryBudget) throws(UpliftError) -> T
    ) async throws(UpliftError) -> T {
        try await compute(nil, project: project, links: links, work).result
    }

    /// Runs `work` off the event loop on a fresh snapshot, with a budget that expires after the
    /// executor's time limit. A query still running after `watchAfter` has the connection of its
    /// `request` watched: a client that closes it cancels the budget, and the engine stops at its next
    /// check. Watching reads the connection (Hummingbird's inbound-close handler), which ends its
    /// keep-alive: only queries that run that long pay for it, and `watched` says so.
    func compute<T: Sendable>(
        _ request: Request?, project: ProjectSlug, links: PersonMap,
        _ work: @escaping @Sendable (AnalysisEngine, Snapshot, PersonMap, QueryBudget) throws(UpliftError) -> T
    ) async throws(UpliftError) -> (result: T, watched: Bool) {
        let budget = QueryBudget(timeout: executor.timeout)
        // The engine stops at its next check of the cancelled budget, and ends with its error.
        return try await watching(request, budget: budget, stopOnClose: false) { () throws(UpliftError) in
            try await attempts(project: project, links: links, budget: budget, work)
        }
    }

    /// Runs `body`, a question another engine answers (Spark), as `compute` runs one the embedded engine
    /// answers: it waits its turn at the executor's gate, it stops past the time limit (`query_timeout`), and,
    /// once it has run `watchAfter`, when its client closes the connection (`query_cancelled`). Stopping
    /// cancels the call to the engine, which ends the question's session there.
    func remote<T: Sendable>(
        _ request: Request?, _ body: @escaping @Sendable () async throws(UpliftError) -> T
    ) async throws(UpliftError) -> (result: T, watched: Bool) {
        let budget = QueryBudget(timeout: executor.timeout)
        let executor = self.executor
        return try await watching(request, budget: budget, stopOnClose: true) { () throws(UpliftError) in
            try await executor.runAsync(budget, body)
        }
    }

    /// Runs `body` alongside, when there is a request, a watch of its connection (`watch`); the first to end
    /// ends the other. A client that closes the connection cancels `budget`, and with `stopOnClose` `body` too.
    private func watching<T: Sendable>(
        _ request: Request?, budget: QueryBudget, stopOnClose: Bool,
        _ body: @escaping @Sendable () async throws(UpliftError) -> T
    ) async throws(UpliftError) -> (result: T, watched: Bool) {
        let watched = WatchFlag()
        let outcome: Result<T, UpliftError> = await withTaskGroup(of: Result<T, UpliftError>?.self) { group in
            group.addTask {
                do throws(UpliftError) {
                    return .success(try await body())
                } catch {
                    return .failure(error)
                }
            }
            if let request {
                group.addTask {
                    let closed = await watch(request, budget: budget, flag: watched)
                    return closed && stopOnClose ? .failure(budget.error) : nil
                }
            }
            while let next = await group.next() {
                guard let next else { continue }
                group.cancelAll()
                return next
            }
            return .failure(budget.error)
        }
        return (try outcome.get(), watched.isSet)
    }

    /// After `watchAfter`, waits for the client to close the connection, then cancels `budget` and returns true;
    /// returns false when the query ends first (this task is then cancelled).
    private func watch(_ request: Request, budget: QueryBudget, flag: WatchFlag) async -> Bool {
        do { try await executor.sleep(watchAfter) } catch { return false }
        flag.set()
        let (closed, signal) = AsyncStream<Void>.makeStream()
        _ = try? await request.body.consumeWithInboundCloseHandler { body in
            // The stream Hummingbird makes for the body is never fed (the body was read already) and
            // must not outlive the call unfinished: ending its one iterator finishes it.
            _ = body.makeAsyncIterator()
            // Until the connection closes (the stream finishes) or the query ends (this task is cancelled).
            for await _ in closed {}
        } onInboundClosed: {
            budget.cancel()
            signal.finish()
        }
        return budget.stop == .cancelled
    }

    private final class WatchFlag: Sendable {
        private let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .relaxed) }
        func set() { value.store(true, ordering: .relaxed) }
    }

    /// Runs `work` on a fresh snapshot; a segment that compaction removed between the snapshot and the
    /// read (an I/O error) is answered by one retry on a newer snapshot. With a shared storage, a question
    /// that needs segments the cache lacks stops naming them (`Snapshot.wanted`): they are downloaded and
    /// it runs again, so it downloads only the days it reads.
    private func attempts<T: Sendable>(
        project: ProjectSlug, links: PersonMap, budget: QueryBudget,
        _ work: @escaping @Sendable (AnalysisEngine, Snapshot, PersonMap, QueryBudget) throws(UpliftError) -> T
    ) async throws(UpliftError) -> T {
        var attempt = 0
        var snapshot: Snapshot?
        while true {
            let current: Snapshot
            if let snapshot {
                current = snapshot
            } else {
                attempt += 1
                do {
                    // With a shared storage: every node's live segments, those in the cache readable.
                    current = try await store.currentSnapshot(project: project)
                } catch {
                    throw UpliftError(
                        .storageUnavailable, "the events could not be read right now; retry later", cause: error)
                }
            }
            // Segments replaced by compaction leave the engine's cache.
            engine.forget(segmentsNotIn: current)
            let engine = self.engine
            do {
                return try await executor.run(budget) { (budget) throws(UpliftError) in
                    try work(engine, current, links, budget)
                }
            } catch  where !current.wanted.all.isEmpty {
                // Each round downloads what the question reached so far; it reaches further or ends.
                do {
                    try budget.check()
                    snapshot = try await store.fetch(current)
                    continue
                } catch  where error.code == .queryTimeout || error.code == .queryCancelled {
                    throw error
                } catch  where attempt == 1 && error.code == .notFound {
                    snapshot = nil
                    continue
                } catch {
                    throw UpliftError(
                        .storageUnavailable, "the events could not be read right now; retry later", cause: error)
                }
            } catch  where error.code == .queryTimeout || error.code == .queryCancelled {
                throw error
            } catch  where error.code == .invalidInput {
                throw UpliftError(.invalidQuery, error.message)
            } catch  where attempt == 1 && (error.code == .io || error.code == .notFound) {
                snapshot = nil
                continue
            } catch {
                throw UpliftError(
                    .storageUnavailable, "the events could not be read right now; retry later", cause: error)
            }
        }
    }
}
