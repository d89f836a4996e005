import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UpliftAnalysis
import UpliftCatalog
import UpliftExperiments
import UpliftGoals
import UpliftModel
import UpliftReport
import UpliftSQL
import UpliftStorage

/// PR/FAQ goals and reports over the read key's project, from the PR/FAQs in the dashboards folder
/// (`uplift serve --dashboards DIR`). The folder is read on every request, so an edited PR/FAQ shows
/// without a restart; a file that does not validate is listed with its problems, not fatal.
///
/// - `GET /v1/goals[?prfaq=ID][&now=DATE]` → `{"prfaqs":[…], "invalid":[…]}` (as `uplift goals --json`)
/// - `GET /v1/goals/{id}[?prfaq=ID][&now=DATE]` → one goal, with its PR/FAQ and the report link; 409 when
///   several PR/FAQs have a goal of that id and `prfaq` does not say which
/// - `GET /v1/reports` → an HTML index of the reports
/// - `GET /v1/reports/{prfaq-id}[?now=DATE]` → the self-contained HTML report, sent with a strict
///   Content-Security-Policy (no scripts, nothing loaded, only the page's own stylesheet) and nosniff
///
/// The read key comes in the Authorization header (Bearer, or Basic with the key as user name): a
/// browser asked by the 401's `WWW-Authenticate: Basic` can open a report with the key as user name.
struct GoalRoutes: Sendable {
    let queries: QueryHandler
    let catalog: Catalog
    /// The folder of PR/FAQ files; nil when the server was started without one.
    let folder: String?

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/goals") { request, _ in try await goals(request) }
        router.get("/v1/goals/:id") { request, context in
            try await goal(request, id: PathParameter.get("id", in: context))
        }
        router.get("/v1/reports") { request, _ in try await index(request) }
        router.get("/v1/reports/:id") { request, context in
            try await report(request, id: PathParameter.get("id", in: context))
        }
    }

    /// The header sent with every HTML page: the page's own policy plus what only a header can say.
    static let contentSecurityPolicy = ReportPage.contentSecurityPolicy + "; frame-ancestors 'none'"

    func goals(_ request: Request) async throws(UpliftError) -> Response {
        let (project, dashboards) = try await open(request)
        let documents = try selected(dashboards, request)
        let context = try await queries.context(project)
        let now = try instant(request, timeZone: context.timeZone)
        let calendar = try calendar(context.timeZone)
        let (items, engine) = try await evaluate(project: project, links: context.links) {
            (engine, snapshot, links, budget, answers) throws(UpliftError) in
            let evaluator = GoalEvaluator(
                engine: engine, links: links, calendar: calendar, budget: budget, answers: answers)
            var items: [JSONValue] = []
            for document in documents {
                items.append(document.json(goals: try evaluator.evaluate(document, snapshot: snapshot, now: now)))
            }
            return items
        }
        let invalid: [JSONValue] = dashboards.invalid.map { check in
            .object([
                ("file", .string((check.path as NSString).lastPathComponent)),
                ("problems", .array(check.problems.map(\.json))),
            ])
        }
        return Self.json(
            .object(
                [("prfaqs", .array(items)), ("invalid", .array(invalid))] + (engine.map { [("engine", $0)] } ?? [])))
    }

    func goal(_ request: Request, id: String) async throws(UpliftError) -> Response {
        let (project, dashboards) = try await open(request)
        let matches = try selected(dashboards, request).filter { d in d.goals.contains { $0.id == id } }
        guard let document = matches.first else {
            throw UpliftError(
                .notFound,
                "no goal \(UpliftError.quote(id)) in the PR/FAQs of the dashboards folder; list them with GET /v1/goals"
            )
        }
        guard matches.count == 1 else {
            throw UpliftError(
                .ambiguousGoal,
                "goal \(UpliftError.quote(id)) is in several PR/FAQs (\(matches.map(\.id).joined(separator: ", "))); say which with ?prfaq=ID"
            )
        }
        let context = try await queries.context(project)
        let now = try instant(request, timeZone: context.timeZone)
        let calendar = try calendar(context.timeZone)
        let (status, engine) = try await evaluate(project: project, links: context.links) {
            (engine, snapshot, links, budget, answers) throws(UpliftError) in
            try GoalEvaluator(engine: engine, links: links, calendar: calendar, budget: budget, answers: answers)
                .evaluate(document, snapshot: snapshot, now: now)
                .first { $0.goal.id == id }
        }
        guard let status, case .object(var members) = status.json else {
            throw UpliftError(.notFound, "no goal \(UpliftError.quote(id)) in PR/FAQ '\(document.id)'")
        }
        members.append(
            (
                "prfaq",
                .object([
                    ("id", .string(document.id)), ("title", .string(document.title)),
                    ("file", .string((document.path as NSString).lastPathComponent)),
                ])
            ))
        // The report as of the same `now`: without it, the link would show the report as of today.
        members.append(
            ("report", .string("/v1/reports/\(document.id)\(Self.nowQuery(request))#\(ReportPage.goalAnchor(id))")))
        if let engine { members.append(("engine", engine)) }
        return Self.json(.object(members))
    }

    func index(_ request: Request) async throws(UpliftError) -> Response {
        let (project, dashboards) = try await open(request)
        // The reports are as of the index's `now`, when it has one (checked like the reports check it).
        if request.uri.queryParameters.get("now") != nil {
            _ = try instant(request, timeZone: try await queries.context(project).timeZone)
        }
        let query = Self.nowQuery(request)
        // Relative links, so they also work behind a path prefix: from /v1/reports, "reports/x" is
        // /v1/reports/x; from /v1/reports/ (the same route), "x" is.
        let folder = request.uri.path.hasSuffix("/") ? "" : "reports/"
        let entries = dashboards.documents.map { d in
            ReportIndex.Entry(file: folder + d.id + query, title: d.title, owner: d.owner, goals: d.goals.count)
        }
        return Self.html(ReportIndex.html(entries))
    }

    /// `?now=…` as the request gave it (percent-encoded again), or nothing: every link a goal route answers
    /// carries the `now` it was asked with.
    static func nowQuery(_ request: Request) -> String {
        guard let now = request.uri.queryParameters.get("now") else { return "" }
        return "?now=" + (now.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")
    }

    /// What a query value keeps unencoded (RFC 3986 unreserved, plus `:` of a time): `+` of an offset is encoded.
    private static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:")

    func report(_ request: Request, id: String) async throws(UpliftError) -> Response {
        let (project, dashboards) = try await open(request)
        guard let document = dashboards.document(id: id) else {
            let broken =
                dashboards.invalid.isEmpty
                ? ""
                : " (\(dashboards.invalid.count) file(s) there do not validate; check them with `uplift prfaq validate`)"
            throw UpliftError(
                .notFound,
                "no PR/FAQ \(UpliftError.quote(id)) in the dashboards folder\(broken); list them with GET /v1/goals")
        }
        let context = try await queries.context(project)
        let now = try instant(request, timeZone: context.timeZone)
        let calendar = try calendar(context.timeZone)
        let experiments = try await storedExperiments(document, project: project)
        let label = queries.spark?.label
        let (html, _) = try await evaluate(project: project, links: context.links) {
            (engine, snapshot, links, budget, answers) throws(UpliftError) in
            let note = label.map { label in
                "Questions answered by \(label)"
                    + (snapshot.pending.isEmpty
                        ? "." : "; \(snapshot.pending.count) events not yet flushed are not included.")
            }
            return try ReportBuilder(
                engine: engine, links: links, calendar: calendar, storedExperiments: experiments, budget: budget,
                answers: answers, engineNote: answers == nil ? nil : note
            )
            .render(document, snapshot: snapshot, now: now)
        }
        return Self.html(html)
    }

    // MARK: - Shared steps

    /// Runs `work` on the embedded engine, or, on a server with `--engine`, with its questions answered by
    /// Spark (given an answer sheet); then also the `engine` member of the answer (`QueryHandler.engineMember`).
    private func evaluate<T: Sendable>(
        project: ProjectSlug, links: PersonMap,
        _ work:
            @escaping @Sendable (AnalysisEngine, Snapshot, PersonMap, QueryBudget, AnswerSheet?) throws(UpliftError)
            -> T
    ) async throws(UpliftError) -> (result: T, engine: JSONValue?) {
        guard let spark = queries.spark else {
            let result = try await queries.compute(project: project, links: links) {
                (engine, snapshot, links, budget) throws(UpliftError) in
                try work(engine, snapshot, links, budget, nil)
            }
            return (result, nil)
        }
        let (result, snapshot) = try await queries.computeOnSpark(spark, project: project, links: links) {
            (engine, snapshot, links, budget, answers) throws(UpliftError) in
            try work(engine, snapshot, links, budget, answers)
        }
        return (result, QueryHandler.engineMember(spark, snapshot))
    }

    /// The key's project and the dashboards folder as it is now.
    private func open(_ request: Request) async throws(UpliftError) -> (ProjectSlug, DashboardFolder) {
        let project = try await queries.authorizer.project(for: Credentials.headerToken(request), access: .read)
        guard let folder else {
            throw UpliftError(
                .noDashboards, "this server has no PR/FAQ folder; start it with `uplift serve --dashboards DIR`")
        }
        do {
            return (project, try DashboardFolder(folder))
        } catch {
            throw UpliftError(
                .dashboardsUnavailable, "the PR/FAQ folder cannot be read right now; retry later", cause: error)
        }
    }

    /// The documents `?prfaq=ID` names (all when absent).
    private func selected(_ dashboards: DashboardFolder, _ request: Request) throws(UpliftError) -> [PrfaqDocument] {
        guard let id = request.uri.queryParameters.get("prfaq") else { return dashboards.documents }
        guard let document = dashboards.document(id: id) else {
            throw UpliftError(
                .notFound, "no PR/FAQ \(UpliftError.quote(id)) in the dashboards folder; list them with GET /v1/goals")
        }
        return [document]
    }

    /// `?now=` (a date or date-time in the project's time zone), else the current time.
    private func instant(_ request: Request, timeZone: String) throws(UpliftError) -> Int64 {
        guard let text = request.uri.queryParameters.get("now") else {
            return Int64(Date().timeIntervalSince1970 * 1_000_000)
        }
        do {
            return try QueryScope.instant(text, field: "now", calendar: try LocalCalendar(timeZone: timeZone))
        } catch {
            throw UpliftError(.invalidQuery, error.message)
        }
    }

    private func calendar(_ timeZone: String) throws(UpliftError) -> LocalCalendar {
        // The time zone comes from the catalog: one that does not load is the catalog's failure.
        do { return try LocalCalendar(timeZone: timeZone) } catch {
            throw UpliftError(
                .catalogUnavailable, "the project's time zone cannot be read: \(error.message)", cause: error)
        }
    }

    /// Definitions from the catalog of the experiments the document names without a definition file.
    private func storedExperiments(
        _ document: PrfaqDocument, project: ProjectSlug
    ) async throws(UpliftError) -> [String: ExperimentDefinition] {
        var out: [String: ExperimentDefinition] = [:]
        for reference in document.experiments where reference.definition == nil {
            let stored = try await catalogCall(DefinitionRequest.catalogUnusable, refusal: DefinitionRequest.refusal) {
                () throws(UpliftError) in try await catalog.experiment(project: project, key: reference.key)
            }
            // A stored definition that no longer parses shows as a missing one in the report.
            if let stored, let definition = try? StoredExperimentText.definition(stored) {
                out[reference.key] = definition
            }
        }
        return out
    }

    static func json(_ value: JSONValue) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers[.cacheControl] = "no-store"
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Array(value.compactText.utf8))))
    }

    /// An HTML page with the headers that keep it inert: the CSP, no MIME sniffing, no referrer,
    /// not cached (it holds the project's data and was fetched with a key).
    static func html(_ text: String) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Array(text.utf8))))
    }
}
