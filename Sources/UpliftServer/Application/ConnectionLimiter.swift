import NIOCore
import UpliftStorage

/// Caps the connections the server keeps open (`--max-connections`), so that a flood of idle
/// connections cannot use up the file descriptors and leave `/healthz` unanswered.
///
/// A new connection is always accepted; when it brings the count over the cap, the connections that have
/// waited the longest for their client (idle keep-alives, and requests whose head or body is still
/// arriving, by the last bytes they sent) are closed to make room, and only when every connection is busy
/// is the new one closed instead. Under pressure (more than `pressureFraction` of the cap open) a
/// connection that has waited `pressureIdleTimeout` is closed at the next arrival, instead of after the
/// full idle timeout. A request the server is working on (read whole, not yet answered) is never cut.
final class ConnectionLimiter: Sendable {
    struct Configuration: Sendable {
        var maxConnections: Int
        var pressureIdleTimeout: Duration
        /// Above this share of `maxConnections` open, idle connections get `pressureIdleTimeout`.
        var pressureFraction = 0.75
    }

    private struct Entry {
        var channel: any Channel
        var lastActive: ContinuousClock.Instant
        var busy: Bool
    }

    private struct State {
        var open: [ObjectIdentifier: Entry] = [:]
    }

    let configuration: Configuration
    private let metrics: ServerMetrics?
    /// Every event loop takes it for each read of each connection: a pthread mutex, which ThreadSanitizer
    /// sees under contention (see `PThreadMutex`).
    private let state = PThreadMutex(State())

    init(_ configuration: Configuration, metrics: ServerMetrics? = nil) {
        self.configuration = configuration
        self.metrics = metrics
    }

    /// Connections open now.
    var count: Int { state.withLock { $0.open.count } }

    /// A connection was opened. Returns false when it must be closed (every other connection is busy);
    /// closes the idle connections it displaces.
    func opened(_ channel: any Channel, now: ContinuousClock.Instant = .now) -> Bool {
        let id = ObjectIdentifier(channel)
        let cap = max(1, configuration.maxConnections)
        let pressure = Int(Double(cap) * configuration.pressureFraction)
        let (admitted, victims, open): (Bool, [any Channel], Int) = state.withLock { state in
            var victims: [any Channel] = []
            if state.open.count + 1 > pressure {
                // Keys first, removal after: removing while iterating would copy the table.
                let stale = state.open.compactMap { key, entry in
                    !entry.busy && entry.lastActive.duration(to: now) >= configuration.pressureIdleTimeout ? key : nil
                }
                for key in stale {
                    if let entry = state.open.removeValue(forKey: key) { victims.append(entry.channel) }
                }
            }
            // Over the cap: the longest idle make room, oldest first.
            var excess = state.open.count + 1 - cap
            while excess > 0, let (key, entry) = Self.longestIdle(state.open) {
                victims.append(entry.channel)
                state.open[key] = nil
                excess -= 1
            }
            guard excess <= 0 else { return (false, victims, state.open.count) }
            state.open[id] = Entry(channel: channel, lastActive: now, busy: false)
            return (true, victims, state.open.count)
        }
        for victim in victims { victim.close(promise: nil) }
        metrics?.connections(open: open, closedIdle: victims.count, refused: admitted ? 0 : 1)
        return admitted
    }

    /// One pass, not a sort: an arrival over the cap usually displaces one connection.
    private static func longestIdle(_ open: [ObjectIdentifier: Entry]) -> (ObjectIdentifier, Entry)? {
        var found: (ObjectIdentifier, Entry)?
        for (key, entry) in open where !entry.busy {
            if let current = found, current.1.lastActive <= entry.lastActive { continue }
            found = (key, entry)
        }
        return found
    }

    /// A connection closed (by either side, or by `opened`).
    func closed(_ channel: any Channel) {
        let open: Int? = state.withLock { state in
            guard state.open.removeValue(forKey: ObjectIdentifier(channel)) != nil else { return nil }
            return state.open.count
        }
        if let open { metrics?.connections(open: open, closedIdle: 0, refused: 0) }
    }

    /// The client sent something; `busy`: the server owes it a response to a request read whole.
    func activity(_ channel: any Channel, busy: Bool, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            let id = ObjectIdentifier(channel)
            guard state.open[id] != nil else { return }
            state.open[id]?.busy = busy
            state.open[id]?.lastActive = now
        }
    }
}
