import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UpliftCatalog
import UpliftModel

/// What the definition routes share: reading a definition body (JSON, or YAML by its content
/// type), answering JSON, and the catalog's refusals of a definition request.
enum DefinitionRequest {
    /// A definition as sent: YAML text when the content type says YAML, else parsed JSON.
    enum Body {
        case json(JSONValue)
        case yaml(String)
    }

    static let yamlTypes: Set<String> = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"]

    static func body(_ request: Request, reader: RequestBodyReader) async throws(UpliftError) -> Body {
        let bytes = try await reader.read(request)
        let mediaType =
            request.headers[.contentType]?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if yamlTypes.contains(mediaType) {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw UpliftError(.invalidUTF8, "the YAML body is not valid UTF-8")
            }
            return .yaml(text)
        }
        return .json(try json(bytes))
    }

    /// The body as JSON; an empty body is nil (for routes whose body is optional).
    /// Reads the body (JSON, or YAML by Content-Type) and parses it with the definition's own parser:
    /// 400 invalid_definition with the parser's message (field path, YAML line) when it is wrong.
    static func definition<T>(
        _ request: Request, reader: RequestBodyReader, json: (JSONValue) throws(UpliftError) -> T,
        yaml: (String) throws(UpliftError) -> T
    ) async throws(UpliftError) -> T {
        let body = try await body(request, reader: reader)
        do {
            switch body {
            case .json(let value): return try json(value)
            case .yaml(let text): return try yaml(text)
            }
        } catch {
            throw UpliftError(.invalidDefinition, error.message)
        }
    }

    static func optionalJSON(_ request: Request, reader: RequestBodyReader) async throws(UpliftError) -> JSONValue? {
        let bytes = try await reader.read(request)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        return try json(bytes)
    }

    static func json(_ bytes: [UInt8]) throws(UpliftError) -> JSONValue {
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            throw UpliftError(
                error.code,
                "the body is not valid JSON (\(error.message)); send a JSON object, or YAML with Content-Type: application/yaml"
            )
        }
    }

    /// `?replace=true` (also `1`, `yes`).
    static func replace(_ request: Request) throws(UpliftError) -> Bool {
        guard let value = request.uri.queryParameters.get("replace")?.lowercased() else { return false }
        switch value {
        case "true", "1", "yes", "": return true
        case "false", "0", "no": return false
        default: throw UpliftError(.invalidQuery, "replace must be true or false")
        }
    }

    static func key(_ context: some RequestContext) throws(UpliftError) -> String {
        let key = try PathParameter.get("key", in: context)
        guard !key.isEmpty else {
            throw UpliftError(.notFound, "no key in the path")
        }
        return key
    }

    static func response(_ status: HTTPResponse.Status, _ value: JSONValue, location: String? = nil) -> Response {
        response(status, text: value.compactText, location: location)
    }

    static func response(_ status: HTTPResponse.Status, text: String, location: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        if let location { headers[.location] = location }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Array(text.utf8))))
    }

    static let catalogUnusable = "the catalog cannot be used right now; retry later"

    /// The catalog's refusals of a definition request itself, as the API answers them (for `catalogCall`).
    static func refusal(_ error: UpliftError) -> UpliftError? {
        switch error.code {
        case .notFound: UpliftError(.notFound, error.message)
        case .invalidInput, .invalidJSON, .invalidUTF8: UpliftError(.invalidDefinition, error.message)
        case .tooLarge: UpliftError(.bodyTooLarge, error.message)
        default: nil
        }
    }

    /// A catalog call of a definition route: its refusals of the request as above, any other failure
    /// 503 `catalog_unavailable`.
    static func catalogCall<T>(_ body: () async throws(UpliftError) -> T) async throws(UpliftError) -> T {
        try await UpliftServer.catalogCall(catalogUnusable, refusal: refusal, body)
    }

    static func iso(_ date: Date) -> JSONValue {
        .string(Timestamp.formatSeconds(epochSeconds: date.timeIntervalSince1970))
    }
}
