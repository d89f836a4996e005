import HTTPTypes
import Hummingbird
import NIOCore
import UpliftCatalog
import UpliftModel
import UpliftStorage

/// What is stored about one person, over the read key's project:
///
/// - `GET /v1/persons/{distinct_id}/export[?project=P]` → every stored event and feedback answer of the person
///   (every id linked to `distinct_id`), events still only in this node's write-ahead log included, as NDJSON
///   in the stored record's schema (`schemas/event-record.schema.json`), by time. An id with no events gives
///   an empty body. `project`, when given, must be the key's.
struct PersonRoutes: Sendable {
    let queries: QueryHandler

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/persons/:id/export") { request, context in
            try await export(request, id: PathParameter.get("id", in: context))
        }
    }

    func export(_ request: Request, id: String) async throws(UpliftError) -> Response {
        let project = try await queries.authorizer.project(for: Credentials.headerToken(request), access: .read)
        if let named = request.uri.queryParameters.get("project").map({ String($0) }), named != project.value {
            throw UpliftError(
                .forbidden, "this read key is for project '\(project)', not \(UpliftError.quote(named))")
        }
        guard !id.isEmpty, id.utf8.count <= WireLimits().maxIDBytes else {
            throw UpliftError(.invalidPath, "the distinct id must be 1 to \(WireLimits().maxIDBytes) bytes")
        }
        // The project's retention reaches the store first: days past it are not exported.
        _ = try await queries.context(project)
        let catalog = queries.catalog
        let ids = try await catalogCall(QueryHandler.catalogUnreadable) { () throws(UpliftError) in
            try await catalog.personIds(project: project, of: id)
        }
        let snapshot: Snapshot
        do {
            snapshot = try await queries.store.completeSnapshot(project: project)
        } catch {
            throw UpliftError(.storageUnavailable, "the events could not be read right now; retry later", cause: error)
        }
        let events = try await WorkPool.shared.run(.interactive) { () throws(UpliftError) in
            try PersonEvents.events(of: Set(ids), in: snapshot)
        }
        var body = ByteBuffer()
        for event in events {
            body.writeString(event.jsonRecord)
            body.writeString("\n")
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/x-ndjson; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"person-export.ndjson\"",
            ],
            body: .init(byteBuffer: body))
    }
}
