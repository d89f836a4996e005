import HTTPTypes
import Hummingbird

/// The outermost middleware: answers every error through `UpliftError`'s one exit (an unexpected
/// error is logged and answered 500 without details) and records each request's route, status and duration.
struct ObservingMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let errors: ErrorResponder

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = errors.response(to: error)
        }
        // Unmatched paths share one label (Hummingbird's "NotFound"), so a scan of random URLs cannot grow the metrics.
        metrics.request(
            route: context.endpointPath ?? "unmatched", status: response.status.code, duration: start.duration(to: .now)
        )
        return response
    }
}
