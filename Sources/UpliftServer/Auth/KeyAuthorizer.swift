import HTTPTypes
import Synchronization
import UpliftCatalog
import UpliftModel
import UpliftStorage

extension KeyCheck {
    var isGranted: Bool {
        if case .granted = self { return true }
        return false
    }
}

/// Checks API keys against the catalog, remembering answers for a short time so that a busy
/// ingestion endpoint costs the catalog one query per key per `ttl`, not one per request.
/// A revoked key therefore stops working within `ttl` (10 s by default) on every node.
final class KeyAuthorizer: Sendable {
    private struct Entry {
        var check: KeyCheck
        /// On `stopwatch`.
        var expires: Duration
    }

    private struct CacheKey: Hashable {
        var token: String
        var ingest: Bool
    }

    private let catalog: Catalog
    private let ttl: Duration
    /// Bounded: a flood of made-up keys must not grow memory without end.
    private let maxEntries = 10_000
    private let cache = Mutex<[CacheKey: Entry]>([:])
    private let stopwatch: Stopwatch

    init(catalog: Catalog, ttl: Duration, clock: any Clock<Duration> = ContinuousClock()) {
        self.catalog = catalog
        self.ttl = ttl
        self.stopwatch = Stopwatch(clock)
    }

    /// The project a token may write to (`.ingest`) or read (`.read`), or the 401 to answer.
    func project(for token: String?, access: KeyAccess) async throws(UpliftError) -> ProjectSlug {
        guard let token, !token.isEmpty else {
            throw UpliftError(
                .unauthorized,
                access == .ingest
                    ? "no write key: send it as the Basic-auth user name, a Bearer token, or `writeKey` / `api_key` / `token` in the body"
                    : "no read key: send it as `Authorization: Bearer <key>`")
        }
        let key = CacheKey(token: token, ingest: access == .ingest)
        let now = stopwatch.elapsed
        let check: KeyCheck
        if let cached = cache.withLock({ $0[key] }), cached.expires > now {
            check = cached.check
        } else {
            check = try await catalogCall("the catalog cannot check keys right now; retry later") {
                () throws(UpliftError) in try await catalog.checkKey(token, for: access)
            }
            // Refusals are remembered for a second only: a key created just now works at once.
            let entry = Entry(check: check, expires: now + (check.isGranted ? ttl : min(ttl, .seconds(1))))
            cache.withLock { entries in
                if entries.count >= maxEntries { entries.removeAll(keepingCapacity: true) }
                entries[key] = entry
            }
        }
        switch check {
        case .granted(let project): return project
        case .unknownKey: throw UpliftError(.unauthorized, "the key is not known; check it with `uplift key list`")
        case .revoked:
            throw UpliftError(.unauthorized, "the key has been revoked; create a new one with `uplift key create`")
        case .wrongKind:
            throw UpliftError(
                .unauthorized,
                access == .ingest
                    ? "a read key cannot send events; use the project's write key (upw_…)"
                    : "a write key cannot read; use the project's read key (upr_…)")
        case .otherProject: throw UpliftError(.unauthorized, "the key belongs to another project")
        }
    }
}
