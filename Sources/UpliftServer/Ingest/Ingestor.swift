import HTTPTypes
import Hummingbird
import Prometheus
import UpliftCatalog
import UpliftModel
import UpliftStorage

/// Which wire format a route speaks.
enum IngestRoute: Sendable {
    /// Segment; the type is implied by single-message paths (`/v1/track` …), nil for `/v1/batch`.
    case segment(EventType?)
    case postHog
    case feedback
}

/// One ingestion request from bytes to acknowledgement: read (bounded, inflated), decode, authorize,
/// rate-limit, apply the project's personal-data controls, store durably, link persons, answer. A 2xx is written only after the store's
/// fsynced log has every accepted event and the catalog has every person link.
///
/// Partial success (as Mixpanel's import does it): valid messages of a batch are stored even when
/// others are refused; the answer is 200 and lists the refused ones by index with a reason, so an
/// SDK does not resend (and duplicate nothing) while the developer sees what to fix. When every
/// message is refused the answer is 400 with the same list.
struct Ingestor: Sendable {
    let store: EventStore
    let authorizer: KeyAuthorizer
    let linker: PersonLinker
    /// The project's personal-data controls, applied before anything is stored.
    let privacy: PrivacyFilterCache
    let limiter: RateLimiter?
    let metrics: ServerMetrics
    let bodyReader: RequestBodyReader
    let decoder = WireDecoder()

    func ingest(_ request: Request, route: IngestRoute) async throws(UpliftError) -> Response {
        let headerToken = Credentials.headerToken(request)
        // With a key in the header, a bad key is answered before the body is even read.
        var headerProject: ProjectSlug?
        if let headerToken { headerProject = try await authorize(headerToken) }

        let body = try await bodyReader.read(request)
        let receivedAt = Timestamp.now()
        let result: DecodeResult
        switch route {
        case .feedback:
            result = decoder.decodeFeedback(body, receivedAt: receivedAt)
        case .segment(let implied):
            var decoder = self.decoder
            decoder.impliedType = implied
            result = decoder.decode(body, receivedAt: receivedAt)
        case .postHog:
            result = decoder.decode(body, receivedAt: receivedAt)
        }
        let project: ProjectSlug
        if let headerProject { project = headerProject } else { project = try await authorize(result.writeKey) }

        if let rejection = result.bodyRejection {
            metrics.rejected(reason: rejection.code, count: max(1, result.messageCount))
            throw UpliftError(rejection)
        }
        for rejected in result.rejections { metrics.rejected(reason: rejected.reason.code) }
        if result.events.isEmpty, !result.rejections.isEmpty {
            var error = UpliftError(.allRejected, "every message of the body was refused; see `rejected` for why")
            error.rejected = result.rejections
            throw error
        }

        var events = result.events
        if let filter = try await privacy.filter(project) {
            let (filtered, counts) = filter.apply(events)
            events = filtered
            metrics.privacy(counts)
        }
        let stored: EventStore.AppendResult
        do {
            stored = try await store.append(project: project, events: events)
        } catch  where error.code == .storageUnavailable {
            throw error
        } catch {
            throw UpliftError(
                .storageUnavailable, "the events could not be written durably and were not accepted; retry later",
                cause: error)
        }
        let links = result.events.compactMap { event in event.linkedIDs.map { PersonLink($0.0, $0.1) } }
        // The events are stored; a retry is acknowledged as duplicates and writes the links.
        let linksUnsaved =
            "the person links could not be saved; retry later (events already stored are not stored twice)"
        try await catalogCall(linksUnsaved) { () throws(UpliftError) in try await linker.link(project: project, links) }
        metrics.accepted.increment(by: Int64(stored.accepted))
        metrics.duplicates.increment(by: Int64(stored.duplicates))
        if result.clampedCount > 0 { metrics.clamped.increment(by: Int64(result.clampedCount)) }
        return Self.acknowledgement(stored, clamped: result.clampedCount, rejected: result.rejections)
    }

    private func authorize(_ token: String?) async throws(UpliftError) -> ProjectSlug {
        let project = try await authorizer.project(for: token, access: .ingest)
        if let limiter, let token, let wait = limiter.admit(token) {
            var error = UpliftError(.rateLimited, "this key sends more requests than allowed; retry after \(wait) s")
            error.retryAfter = .seconds(wait)
            throw error
        }
        return project
    }

    /// `{"status":1,"success":true,"accepted":N,"duplicates":N,"clamped":N,"rejected":[…]}`:
    /// `status` is what PostHog's SDKs expect, `success` what Segment's do.
    static func acknowledgement(
        _ stored: EventStore.AppendResult, clamped: Int, rejected: [RejectedMessage]
    ) -> Response {
        var body = JSONWriter(capacity: 128)
        body.object {
            $0.member("status", 1)
            $0.member("success", true)
            $0.member("accepted", stored.accepted)
            $0.member("duplicates", stored.duplicates)
            $0.member("clamped", clamped)
            $0.member("rejected") { $0.rejections(rejected) }
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: body.buffer))
    }
}
