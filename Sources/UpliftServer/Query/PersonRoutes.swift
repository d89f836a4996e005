import Foundation
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
/// - `DELETE /v1/persons/{distinct_id}[?project=P]` → begins erasing the person (`PersonErasure`) and answers
///   `202` once no question on any node sees them: `{"erasure": {…}}` with its id (`Location:` its URL); the
///   events are then removed for good in the background (`ErasureRunner`).
/// - `GET /v1/erasures/{id}` → one erasure of the key's project, as the erasure log keeps it: `running`, then
///   `completed` with how many events went.
struct PersonRoutes: Sendable {
    let queries: QueryHandler
    let erasures: ErasureRunner

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/persons/:id/export") { request, context in
            try await export(request, id: PathParameter.get("id", in: context))
        }
        router.delete("/v1/persons/:id") { request, context in
            try await erase(request, id: PathParameter.get("id", in: context))
        }
        router.get("/v1/erasures/:id") { request, context in
            try await erasure(request, id: PathParameter.get("id", in: context))
        }
    }

    /// The read key's project, refusing a `?project=` that names another, and the distinct id, checked.
    private func person(_ request: Request, id: String) async throws(UpliftError) -> ProjectSlug {
        let project = try await queries.authorizer.project(for: Credentials.headerToken(request), access: .read)
        if let named = request.uri.queryParameters.get("project").map({ String($0) }), named != project.value {
            throw UpliftError(
                .forbidden, "this read key is for project '\(project)', not \(UpliftError.quote(named))")
        }
        guard !id.isEmpty, id.utf8.count <= WireLimits().maxIDBytes else {
            throw UpliftError(.invalidPath, "the distinct id must be 1 to \(WireLimits().maxIDBytes) bytes")
        }
        return project
    }

    func erase(_ request: Request, id: String) async throws(UpliftError) -> Response {
        let project = try await person(request, id: id)
        let requestedBy = String((Credentials.headerToken(request) ?? "").prefix(12))
        let catalog = queries.catalog
        let erasure = try await catalogCall(QueryHandler.catalogUnreadable) { () throws(UpliftError) in
            try await PersonErasure.begin(project: project, ids: [id], requestedBy: requestedBy, catalog: catalog)
        }
        // Hidden here from the next question on, and on every other node once its cached context expires.
        queries.contexts.invalidate(project)
        _ = try await queries.context(project)
        try? await Task.sleep(for: queries.contexts.ttl)
        erasures.start()
        var response = Self.json(["erasure": Self.document(erasure)])
        response.status = .accepted
        response.headers[.location] = "/v1/erasures/\(erasure.id)"
        return response
    }

    func erasure(_ request: Request, id: String) async throws(UpliftError) -> Response {
        let project = try await queries.authorizer.project(for: Credentials.headerToken(request), access: .read)
        let catalog = queries.catalog
        let erasures = try await catalogCall(QueryHandler.catalogUnreadable) { () throws(UpliftError) in
            try await catalog.erasures(project: project)
        }
        guard let found = erasures.first(where: { $0.id == id }) else {
            throw UpliftError(.notFound, "no erasure \(UpliftError.quote(id)) in project '\(project)'")
        }
        return Self.json(["erasure": Self.document(found)])
    }

    static func document(_ e: Erasure) -> JSONValue {
        .object([
            ("id", .string(e.id)), ("status", .string(e.completedAt == nil ? "running" : "completed")),
            ("requested_at", .string(Timestamp.formatSeconds(epochSeconds: e.requestedAt.timeIntervalSince1970))),
            ("requested_by", .string(e.requestedBy)), ("ids", .int(e.idHashes.count)),
            ("id_hashes", .array(e.idHashes.map(JSONValue.string))),
            ("events_removed", .number(String(e.eventsRemoved))),
            (
                "completed_at",
                e.completedAt.map { .string(Timestamp.formatSeconds(epochSeconds: $0.timeIntervalSince1970)) } ?? .null
            ),
        ])
    }

    static func json(_ members: KeyValuePairs<String, JSONValue>) -> Response {
        var writer = JSONWriter()
        writer.write(.object(members.map { ($0.key, $0.value) }))
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }

    func export(_ request: Request, id: String) async throws(UpliftError) -> Response {
        let project = try await person(request, id: id)
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
