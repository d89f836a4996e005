import HTTPTypes
import Hummingbird

/// CORS for the ingestion routes only: browser SDKs post from any origin, with no credentials
/// (keys are public write keys). Other routes send no CORS headers, so browsers keep them closed.
struct OpenCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    let errors: ErrorResponder

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = errors.response(to: error)
        }
        response.headers[.accessControlAllowOrigin] = "*"
        response.headers[.accessControlExposeHeaders] = "Retry-After"
        return response
    }

    /// The answer to a preflight `OPTIONS` request.
    static func preflight() -> Response {
        Response(
            status: .noContent,
            headers: [
                .accessControlAllowOrigin: "*",
                .accessControlAllowMethods: "POST, OPTIONS",
                .accessControlAllowHeaders: "Content-Type, Content-Encoding, Authorization",
                .accessControlMaxAge: "86400",
            ])
    }
}
