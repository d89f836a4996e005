import Foundation
import Synchronization
import UpliftModel
import UpliftStorage

/// The front door's sign-in sessions, kept in this process's memory: a restart signs everyone out,
/// and several server processes behind one address do not share them. The browser holds only a
/// random session id (`SessionCookie`); the read key it was opened with stays here, so the key is
/// checked again (through the key cache) on every request and a revoked key ends its sessions
/// within the key cache's lifetime.
///
/// A session ends at a fixed time after sign-in (`lifetime`, not extended by use), on sign-out, or
/// when its key stops working. Bounded: past `maxSessions` the expired ones are dropped, then the
/// ones that end soonest.
final class SessionStore: Sendable {
    struct Session: Sendable {
        /// The cookie's value: 32 random bytes, base64url.
        var id: String
        /// The read key the session was opened with (never sent back to the browser).
        var key: String
        var project: ProjectSlug
        /// Sent in the session's forms and checked when they come back (sign-out).
        var formToken: String
        /// On the store's stopwatch.
        var expires: Duration
        /// For display only ("signed in until …").
        var expiresAt: Date
    }

    let lifetime: Duration
    private let maxSessions: Int
    private let sessions = Mutex<[String: Session]>([:])
    private let stopwatch: Stopwatch

    init(lifetime: Duration, maxSessions: Int = 10_000, clock: any Clock<Duration> = ContinuousClock()) {
        self.lifetime = lifetime
        self.maxSessions = maxSessions
        self.stopwatch = Stopwatch(clock)
    }

    /// Opens a session for a key already checked to read `project`.
    func open(key: String, project: ProjectSlug) -> Session {
        let now = stopwatch.elapsed
        let seconds = Double(lifetime.components.seconds) + Double(lifetime.components.attoseconds) / 1e18
        let session = Session(
            id: Self.randomToken(), key: key, project: project, formToken: Self.randomToken(),
            expires: now + lifetime, expiresAt: Date().addingTimeInterval(seconds))
        sessions.withLock { sessions in
            if sessions.count >= maxSessions {
                sessions = sessions.filter { $0.value.expires > now }
            }
            if sessions.count >= maxSessions, let soonest = sessions.min(by: { $0.value.expires < $1.value.expires }) {
                sessions[soonest.key] = nil
            }
            sessions[session.id] = session
        }
        return session
    }

    /// The live session of `id`; nil for an unknown, malformed or expired id (an expired one is deleted).
    func session(_ id: String?) -> Session? {
        guard let id, SessionCookie.isWellFormed(id) else { return nil }
        let now = stopwatch.elapsed
        return sessions.withLock { sessions in
            guard let session = sessions[id] else { return nil }
            guard session.expires > now else {
                sessions[id] = nil
                return nil
            }
            return session
        }
    }

    func close(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// How many sessions are held (expired ones included until they are looked up or pushed out).
    var count: Int { sessions.withLock { $0.count } }

    /// 32 bytes from the system's cryptographic generator, base64url without padding (43 characters).
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
