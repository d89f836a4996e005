import HTTPTypes
import Hummingbird
import UpliftCatalog
import UpliftExperiments
import UpliftModel

/// `POST /v1/decide`: which variant of every running experiment and which value of every enabled
/// flag a person gets. Called by apps, so it takes the WRITE key the way ingestion does (Basic or
/// Bearer header, or `token` / `api_key` / `writeKey` in the body) and answers browsers (CORS).
///
/// Body: `{"distinct_id": "…", "anonymous_id"?: "…", "properties"?: {…}}`; the answer is
/// `DecideResult.json`. Definitions come from `DecideCache` (at most a second old), so a decide
/// costs no catalog query in the steady state.
struct DecideHandler: Sendable {
    let authorizer: KeyAuthorizer
    let cache: DecideCache
    let bodyReader: RequestBodyReader

    static let tokenMembers = ["token", "api_key", "writeKey"]

    func decide(_ request: Request) async throws(UpliftError) -> Response {
        let headerToken = Credentials.headerToken(request)
        var project: ProjectSlug?
        if let headerToken { project = try await authorizer.project(for: headerToken, access: .ingest) }
        let body = try await bodyReader.read(request)
        let json = try DefinitionRequest.json(body)
        guard case .object(let members) = json else {
            throw UpliftError(.invalidBody, "the body must be a JSON object {\"distinct_id\": …, \"properties\": {…}}")
        }
        if project == nil {
            var token: String?
            for name in Self.tokenMembers {
                if case .string(let t)? = json[name] {
                    token = t
                    break
                }
            }
            project = try await authorizer.project(for: token, access: .ingest)
        }
        guard let project else { throw UpliftError(.unauthorized, "no write key") }
        let input = try Self.input(members)
        let decider = try await catalogCall("the catalog cannot be read right now; retry later") {
            () throws(UpliftError) in try await cache.decider(project)
        }
        let result = decider.decide(input)
        return DefinitionRequest.response(.ok, result.json)
    }

    /// The decide input, every field checked with a message naming it.
    static func input(_ members: [(String, JSONValue)]) throws(UpliftError) -> DecideInput {
        var distinctID: String?
        var anonymousID: String?
        var properties: [(String, JSONValue)] = []
        for (name, value) in members {
            switch name {
            case "distinct_id", "distinctId":
                guard case .string(let id) = value else { throw invalid("\(name): must be a string") }
                distinctID = id
            case "anonymous_id", "anonymousId":
                switch value {
                case .string(let id): anonymousID = id.isEmpty ? nil : id
                case .null: anonymousID = nil
                default: throw invalid("\(name): must be a string")
                }
            case "properties", "attributes":
                switch value {
                case .object(let list): properties = list
                case .null: properties = []
                default: throw invalid("\(name): must be an object of person or event properties")
                }
            default:
                continue  // the key members, and fields of newer SDKs
            }
        }
        guard let distinctID, !distinctID.isEmpty else {
            throw invalid("distinct_id: is required (the id the events are sent with)")
        }
        guard distinctID.utf8.count <= 1024, (anonymousID?.utf8.count ?? 0) <= 1024 else {
            throw invalid("distinct_id / anonymous_id: at most 1024 bytes")
        }
        return DecideInput(
            distinctID: distinctID, anonymousID: anonymousID,
            attributes: Dictionary(properties, uniquingKeysWith: { $1 }))
    }

    private static func invalid(_ message: String) -> UpliftError {
        UpliftError(.invalidBody, message)
    }
}
