import HTTPTypes
import Hummingbird
import UpliftModel

/// Keeps pages on other sites from using the read key through a browser. A browser that opened a
/// report keeps the read key as Basic credentials and attaches them to any request to this server,
/// including one that a page on another site makes it send (a form post, a `no-cors` fetch). So the
/// routes that take the read key by POST (definitions, which change what users see, and queries,
/// which cost CPU) refuse, in this order:
/// - a request a browser marks as sent for another site (`Sec-Fetch-Site: cross-site` or `same-site`),
///   or whose `Origin` is not this server's: 403 `cross_origin`;
/// - the key as Basic credentials (what browsers remember): 401, the key must come as
///   `Authorization: Bearer`, a header that a page on another site can only set after a CORS preflight,
///   which these routes never grant;
/// - a body that is not declared `application/json` (or YAML, where the routes read YAML): 415
///   `unsupported_media_type`, so what an HTML form can send (`text/plain`, form encodings) is refused.
/// GET and HEAD pass: they change nothing, and reports are opened in a browser with Basic credentials.
/// A 401 of a guarded request asks for Bearer, so a browser does not offer its login dialog.
struct CrossSiteGuard<Context: RequestContext>: RouterMiddleware {
    let errors: ErrorResponder
    /// Whether YAML bodies are read too (`application/yaml` …, the definition routes).
    let acceptsYAML: Bool

    static var jsonTypes: Set<String> { ["application/json"] }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        var response: Response
        do {
            try check(request)
            response = try await next(request, context)
        } catch {
            response = errors.response(to: error)
        }
        if response.status == .unauthorized { response.headers[.wwwAuthenticate] = #"Bearer realm="uplift""# }
        return response
    }

    func check(_ request: Request) throws(UpliftError) {
        if !Self.isSameOrigin(request) {
            throw UpliftError(
                .crossOrigin,
                "this route does not take requests that a browser sends for a page of another site;"
                    + " send it from a program (curl, an SDK, a script) with `Authorization: Bearer <read key>`")
        }
        if Credentials.scheme(request) == "basic" {
            throw UpliftError(
                .unauthorized,
                "this route takes the read key only as `Authorization: Bearer <key>`;"
                    + " Basic credentials (what a browser remembers) are accepted by GET routes only")
        }
        try checkContentType(request)
    }

    /// The body's declared type must be one the route reads. A request without a body may leave
    /// `Content-Type` out (`curl -X POST …/start`).
    private func checkContentType(_ request: Request) throws(UpliftError) {
        guard let value = request.headers[.contentType] else {
            let declaredLength = request.headers[.contentLength].flatMap { Int($0) }
            if declaredLength == 0 || (declaredLength == nil && request.headers[.transferEncoding] == nil) { return }
            throw unsupportedType()
        }
        let mediaType = value.split(separator: ";", maxSplits: 1).first.map(Self.trimmed) ?? ""
        if Self.jsonTypes.contains(mediaType) || (acceptsYAML && DefinitionRequest.yamlTypes.contains(mediaType)) {
            return
        }
        throw unsupportedType()
    }

    private func unsupportedType() -> UpliftError {
        UpliftError(
            .unsupportedMediaType,
            acceptsYAML
                ? "send the body with Content-Type: application/json (or application/yaml for a YAML definition)"
                : "send the body with Content-Type: application/json")
    }

    private static func trimmed(_ text: Substring) -> String {
        var text = text
        while let c = text.first, c == " " || c == "\t" { text = text.dropFirst() }
        while let c = text.last, c == " " || c == "\t" { text = text.dropLast() }
        return text.lowercased()
    }

    /// Whether nothing says that a browser sent the request for another site: `Sec-Fetch-Site` is absent,
    /// `same-origin` or `none` (typed by the user), and `Origin` is absent or this server's own (its
    /// host and port are the request's `Host`).
    static func isSameOrigin(_ request: Request) -> Bool {
        if let site = request.headers[.secFetchSite].map({ trimmed($0[...]) }), site != "same-origin", site != "none" {
            return false
        }
        guard let origin = request.headers[.origin] else { return true }
        return isOrigin(origin, of: request.head.authority)
    }

    /// `origin` (`scheme://host[:port]`) names `authority` (`host[:port]`, the request's `Host`), ports
    /// compared with the scheme's default filled in. `null` (a sandboxed or file page) names nothing.
    static func isOrigin(_ origin: String, of authority: String?) -> Bool {
        guard let authority, let colon = origin.firstIndex(of: ":"), origin[colon...].hasPrefix("://") else {
            return false
        }
        let scheme = origin[..<colon].lowercased()
        let defaultPort: String
        switch scheme {
        case "http": defaultPort = ":80"
        case "https": defaultPort = ":443"
        default: return false
        }
        func normalized(_ text: Substring) -> String {
            let text = trimmed(text)
            return text.hasSuffix(defaultPort) ? String(text.dropLast(defaultPort.count)) : text
        }
        return normalized(origin[colon...].dropFirst(3)) == normalized(authority[...])
    }
}

extension HTTPField.Name {
    static var secFetchSite: Self { Self("Sec-Fetch-Site")! }
}
