import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UpliftCatalog
import UpliftModel
import UpliftReport

/// The front door for people: server-rendered pages in the reports' style, no scripts.
///
/// - `GET /` → the sign-in form (the read key; the key names its project), or 303 to `/home` when
///   signed in
/// - `POST /sign-in` (form: `key`) → 303 to `/home` with the session cookie (`SessionCookie`); a key
///   that cannot read re-renders the form with the reason (401), too many refused keys 429
/// - `GET /home` → the project's home page (`FrontDoorRoutes+Home`), or 303 to `/` without a session
/// - `POST /sign-out` (form: `token`, the session's form token) → ends the session, 303 to `/`
///
/// Both forms refuse what a page of another site can make a browser send (`Origin` or
/// `Sec-Fetch-Site` naming another site: 403), and the cookie is `SameSite=Strict`. Sign-out also
/// needs the session's own form token, which only a page of this server has shown.
struct FrontDoorRoutes: Sendable {
    let queries: QueryHandler
    let catalog: Catalog
    /// The folder of PR/FAQ files; nil when the server was started without one.
    let folder: String?
    let sessions: SessionStore
    let throttle: SignInThrottle
    /// Form bodies are a key or a token: a few hundred bytes.
    let bodyReader: RequestBodyReader

    static let formType = "application/x-www-form-urlencoded"

    func add(to router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in signInForm(request) }
        router.post("/sign-in") { request, _ in await signIn(request) }
        router.get("/home") { request, _ in await home(request) }
        router.post("/sign-out") { request, _ in await signOut(request) }
    }

    /// Why the sign-in form is shown again; fixed texts, chosen by `?reason=` (never echoed).
    enum Notice: String {
        case signedOut = "signed-out"
        case ended
        case keyRefused = "key-refused"

        var text: String {
            switch self {
            case .signedOut: "You have signed out."
            case .ended: "Your session has ended; sign in again."
            case .keyRefused: "The key of your session no longer works; sign in with a current read key."
            }
        }
    }

    func signInForm(_ request: Request) -> Response {
        if sessions.session(SessionCookie.id(request)) != nil { return Self.redirect("/home") }
        let notice = request.uri.queryParameters.get("reason").flatMap(Notice.init(rawValue:))
        return Self.signInPage(status: .ok, message: notice?.text, isError: false)
    }

    func signIn(_ request: Request) async -> Response {
        guard CrossSiteGuard<BasicRequestContext>.isSameOrigin(request) else { return Self.crossSite() }
        if let wait = throttle.wait() {
            var response = Self.signInPage(
                status: .tooManyRequests,
                message: "Too many keys were refused; wait \(wait) s before signing in again.", isError: true)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        let form: [String: String]
        do {
            form = try await readForm(request)
        } catch {
            return Self.signInPage(status: error.status, message: error.message, isError: true)
        }
        let key = (form["key"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let project: ProjectSlug
        do throws(UpliftError) {
            guard !key.isEmpty else { throw UpliftError(.unauthorized, "enter the project's read key (upr_…)") }
            project = try await queries.authorizer.project(for: key, access: .read)
        } catch {
            if error.code == .unauthorized { throttle.failed() }
            return Self.signInPage(status: error.status, message: Self.sentence(error.message), isError: true)
        }
        // A new id at every sign-in: an id known before it (planted, or of an earlier session) gets nothing.
        if let old = SessionCookie.id(request) { sessions.close(old) }
        let session = sessions.open(key: key, project: project)
        var response = Self.redirect("/home")
        response.headers[.setCookie] = SessionCookie.setting(
            session.id, maxAge: sessions.lifetime, secure: SessionCookie.isSecure(request))
        return response
    }

    func signOut(_ request: Request) async -> Response {
        guard CrossSiteGuard<BasicRequestContext>.isSameOrigin(request) else { return Self.crossSite() }
        guard let id = SessionCookie.id(request), let session = sessions.session(id) else {
            return Self.signedOut(request, reason: .signedOut)
        }
        let form = (try? await readForm(request)) ?? [:]
        guard let token = form["token"], APIKeyToken.constantTimeEqual(token, session.formToken) else {
            return Self.page(
                status: .forbidden, title: "Not signed out",
                main: Self.message(
                    "This sign-out form is not one this server showed you; use the Sign out button of your home page."
                ) + "<p><a href=\"/home\">Back to your home page</a></p>")
        }
        sessions.close(id)
        return Self.signedOut(request, reason: .signedOut)
    }

    // MARK: - Shared steps

    /// The fields of a URL-encoded form body (the first of each name). 415 for another type.
    func readForm(_ request: Request) async throws(UpliftError) -> [String: String] {
        let type = request.headers[.contentType]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard type == Self.formType else {
            throw UpliftError(.unsupportedMediaType, "send the form as \(Self.formType), as the page's form does")
        }
        let bytes = try await bodyReader.read(request)
        var fields: [String: String] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.formDecoded(parts[0]), fields[name] == nil else { continue }
            fields[name] = parts.count == 2 ? Self.formDecoded(parts[1]) ?? "" : ""
        }
        return fields
    }

    private static func formDecoded(_ bytes: ArraySlice<UInt8>) -> String? {
        let text = String(decoding: bytes.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
        return text.removingPercentEncoding
    }

    /// The error messages of the API are sentences without a capital or a full stop.
    static func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst() + (text.hasSuffix(".") ? "" : ".")
    }

    static func signedOut(_ request: Request, reason: Notice) -> Response {
        var response = redirect("/?reason=\(reason.rawValue)")
        response.headers[.setCookie] = SessionCookie.clearing(secure: SessionCookie.isSecure(request))
        return response
    }

    static func crossSite() -> Response {
        page(
            status: .forbidden, title: "Refused",
            main: message(
                "This form was sent from a page of another site. Open this server's own page and use its form."))
    }

    static func signInPage(status: HTTPResponse.Status, message text: String?, isError: Bool) -> Response {
        var main = "<section class=\"report-section\" aria-labelledby=\"sign-in-heading\">"
        main += "<h2 id=\"sign-in-heading\">Sign in</h2>"
        if let text {
            // An error is announced (role=alert) and tied to the field; a notice is a plain status line.
            main +=
                isError
                ? "<p class=\"message\" id=\"key-error\" role=\"alert\">\(Escape.text(text))</p>"
                : "<p class=\"message\" role=\"status\">\(Escape.text(text))</p>"
        }
        main += "<form class=\"sign-in\" method=\"post\" action=\"/sign-in\">"
        main += "<label for=\"key\">Read key</label>"
        main +=
            "<input id=\"key\" name=\"key\" type=\"password\" required=\"required\" autocomplete=\"current-password\""
        main += " spellcheck=\"false\" aria-describedby=\"key-hint\(isError && text != nil ? " key-error" : "")\""
        if isError && text != nil { main += " aria-invalid=\"true\"" }
        main += "/>"
        main += "<p class=\"hint\" id=\"key-hint\">The project's read key (upr_…) names the project. "
        main += "Make one with <code>uplift key create --project NAME --kind read</code>.</p>"
        main += "<button type=\"submit\">Sign in</button></form></section>"
        return page(status: status, title: "Uplift", subtitle: "Goals, reports, experiments and flags", main: main)
    }

    static func message(_ text: String) -> String {
        "<p class=\"message\" role=\"alert\">\(Escape.text(text))</p>"
    }

    static func page(
        status: HTTPResponse.Status, title: String, subtitle: String? = nil, actions: String = "", main: String
    ) -> Response {
        let html = FrontDoorPage(
            title: title, subtitle: subtitle, actions: actions, main: main,
            footer:
                "Uplift. A session lasts until you sign out or it ends; your browser keeps only a random session id."
        ).render()
        var response = GoalRoutes.html(html)
        response.status = status
        response.headers[.contentSecurityPolicy] = FrontDoorPage.contentSecurityPolicy + "; frame-ancestors 'none'"
        // The form posts must carry this server's Origin (`no-referrer` would make it `null`).
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return response
    }

    /// 303 See Other: after a form post, the browser follows with a GET.
    static func redirect(_ location: String) -> Response {
        var headers: HTTPFields = [.location: location]
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }
}
