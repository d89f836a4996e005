import HTTPTypes
import Hummingbird
import UpliftCatalog
import UpliftModel

/// Lets a signed-in browser open the read-key GET pages (`/v1/reports…`, `/v1/goals…`,
/// `/v1/experiments…`, `/v1/flags…`) with its session cookie: a GET or HEAD without an
/// `Authorization` header whose cookie names a live session goes on with the session's read key as
/// Bearer credentials, so the routes check the key as they check any other (a revoked key is
/// refused within the key cache's lifetime). A request with its own `Authorization` is left as it
/// is (API clients), and so is every other method and path: POSTs never take the cookie.
///
/// A report asked for with a cookie whose session has ended, or whose key no longer reads, is
/// redirected to the sign-in page instead of answering 401 (which would make the browser offer its
/// Basic-auth dialog); the JSON routes answer 401 as to any other refused key.
struct SessionCredentials<Context: RequestContext>: RouterMiddleware {
    let sessions: SessionStore
    let authorizer: KeyAuthorizer

    static var paths: [String] { ["/v1/reports", "/v1/goals", "/v1/experiments", "/v1/flags"] }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.method == .get || request.method == .head, request.headers[.authorization] == nil,
            Self.takesSession(request.uri.path), let id = SessionCookie.id(request)
        else {
            return try await next(request, context)
        }
        let isPage = request.uri.path.hasPrefix("/v1/reports")
        guard let session = sessions.session(id) else {
            guard isPage else { return try await next(request, context) }
            return FrontDoorRoutes.signedOut(request, reason: .ended)
        }
        if isPage {
            do throws(UpliftError) {
                _ = try await authorizer.project(for: session.key, access: .read)
            } catch {
                guard error.code == .unauthorized else { throw error }
                sessions.close(id)
                return FrontDoorRoutes.signedOut(request, reason: .keyRefused)
            }
        }
        var head = request.head
        head.headerFields[.authorization] = "Bearer " + session.key
        return try await next(Request(head: head, body: request.body), context)
    }

    static func takesSession(_ path: String) -> Bool {
        paths.contains { path == $0 || path.hasPrefix($0 + "/") }
    }
}
