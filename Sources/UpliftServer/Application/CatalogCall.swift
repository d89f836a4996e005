import UpliftModel

/// Runs a catalog call for a request: a failure is answered 503 `catalog_unavailable` with `message`
/// (what could not be done, and to retry later), whatever the catalog threw; the catalog's error stays
/// the cause, which the log shows and the answer never does. `refusal` keeps the catalog's refusals
/// of the request itself (a missing key, a definition too large) as the route answers them.
func catalogCall<T>(
    _ message: String, refusal: (UpliftError) -> UpliftError? = { _ in nil },
    _ body: () async throws(UpliftError) -> T
) async throws(UpliftError) -> T {
    do {
        return try await body()
    } catch {
        throw refusal(error) ?? UpliftError(.catalogUnavailable, message, cause: error)
    }
}
