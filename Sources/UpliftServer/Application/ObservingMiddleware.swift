import HTTPTypes
import Hummingbird
import Logging

/// The outermost middleware: turns every error into the JSON error document (an unexpected error
/// is logged and answered 500 without details) and records each request's route, status and duration.
struct ObservingMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = APIError.from(error, logger: logger).response(from: request, context: context)
        }
        // Unmatched paths share one label (Hummingbird's "NotFound"), so a scan of random URLs cannot grow the metrics.
        metrics.request(route: context.endpointPath ?? "unmatched", status: response.status.code, duration: start.duration(to: .now))
        return response
    }
}

extension APIError {
    /// The API error for anything a handler or Hummingbird threw.
    static func from(_ error: any Error, logger: Logger) -> APIError {
        if let error = error as? APIError { return error }
        if let error = error as? HTTPError {
            switch error.status {
            case .notFound:
                return APIError(.notFound, "not_found", "no such route (or not with this method); the routes are listed in schemas/openapi.yaml")
            case .contentTooLarge:
                return APIError(.contentTooLarge, "body_too_large", "the body is too large")
            default:
                return APIError(error.status, "http_\(error.status.code)", error.status.reasonPhrase)
            }
        }
        logger.error("unexpected error", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
        return APIError(.internalServerError, "internal_error", "the server failed unexpectedly; the error is logged")
    }
}
