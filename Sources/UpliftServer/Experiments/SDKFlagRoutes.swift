import Hummingbird

/// The flag endpoints of other vendors' SDKs, over the decide cache of `/v1/decide` (one evaluator, the
/// same answers): PostHog's `/flags` and `/decide` (`PostHogFlagsHandler`) and GrowthBook's
/// `/api/features/{client key}` (`GrowthBookFeaturesHandler`). Added to the CORS-open ingestion group:
/// browser SDKs call them from any origin with the public write key.
struct SDKFlagRoutes: Sendable {
    let postHog: PostHogFlagsHandler
    let growthBook: GrowthBookFeaturesHandler

    init(authorizer: KeyAuthorizer, cache: DecideCache, bodyReader: RequestBodyReader) {
        postHog = PostHogFlagsHandler(authorizer: authorizer, cache: cache, bodyReader: bodyReader)
        growthBook = GrowthBookFeaturesHandler(authorizer: authorizer, cache: cache)
    }

    func add(to router: some RouterMethods<BasicRequestContext>) {
        for (path, endpoint) in [("/flags", PostHogFlagsHandler.Endpoint.flags), ("/decide", .decide)] {
            router.post(RouterPath(path)) { request, _ in try await postHog.answer(request, endpoint: endpoint) }
            router.on(RouterPath(path), method: .options) { _, _ in
                OpenCORSMiddleware<BasicRequestContext>.preflight()
            }
        }
        router.get("/api/features/:key") { request, context in try await growthBook.features(request, context: context)
        }
    }
}
