import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UpliftCatalog
import UpliftExperiments
import UpliftModel

/// `GET /api/features/{client key}`: GrowthBook's SDK endpoint, so GrowthBook SDKs (`apiHost` = the server,
/// `clientKey` = the project's write key) evaluate Uplift's flags and running experiments locally, with the
/// assignments of `/v1/decide` (`GrowthBookFeatures` says how, and what it leaves out).
///
/// The client key is the write key. A GrowthBook client key is public (it ships in every app and page) and
/// only reads the feature payload; Uplift's write key is public in the same way and already answers
/// `/v1/decide`, while the read key administers the project and must never ride in a URL an app exposes.
/// The payload shows every enabled flag's rules to whoever has the write key, as GrowthBook's unencrypted
/// payloads do: conditions must not hold secrets.
///
/// Answer: `{"status":200,"features":{…},"experiments":[],"dateUpdated":"…"}` plus `uplift.omitted`, the
/// flags and experiments that could not be expressed with the same meaning (SDKs ignore unknown members),
/// with an `ETag` (a matching `If-None-Match` gets 304, as the SDKs' refresh expects). CORS-open like ingestion.
struct GrowthBookFeaturesHandler: Sendable {
    let authorizer: KeyAuthorizer
    let cache: DecideCache

    func features(_ request: Request, context: some RequestContext) async throws(UpliftError) -> Response {
        let key = try PathParameter.get("key", in: context)
        let project: ProjectSlug
        do {
            project = try await authorizer.project(for: key, access: .ingest)
        } catch let error where error.code == .unauthorized {
            throw UpliftError(.unauthorized, "GrowthBook's client key is the project's write key: \(error.message)")
        }
        let (decider, updated) = try await catalogCall("the catalog cannot be read right now; retry later") {
            () throws(UpliftError) in try await cache.definitions(project)
        }
        let payload = GrowthBookFeatures(decider)
        let document = JSONValue.object([
            ("status", .number("200")),
            ("features", .object(payload.features)),
            ("experiments", .array([])),
            ("dateUpdated", DefinitionRequest.iso(updated ?? Date(timeIntervalSince1970: 0))),
            ("uplift", .object([("omitted", .array(payload.omitted.map(\.json)))])),
        ])
        let text = document.compactText
        let etag = "\"\(String(GrowthBookHash.fnv1a32(text), radix: 16))-\(text.utf8.count)\""
        if let match = request.headers[.ifNoneMatch],
            match.split(separator: ",").contains(where: {
                $0.trimmingCharacters(in: .whitespaces) == etag
            })
        {
            return Response(status: .notModified, headers: [.eTag: etag])
        }
        var response = DefinitionRequest.response(.ok, text: text)
        response.headers[.eTag] = etag
        return response
    }
}
