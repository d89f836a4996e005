import Synchronization
package import UpliftModel

/// Whether a running query should go on: the server stops it when its time limit passes (`expire`)
/// or its client goes away (`cancel`). The engine's loops call `check()` between segments, blocks and
/// every few hundred rows that read properties, so a stopped query gives its cores back within
/// milliseconds; the check is one relaxed atomic load.
package final class QueryBudget: Sendable {
    package enum Stop: UInt8, Sendable {
        case running = 0
        case cancelled = 1
        case expired = 2
    }

    private let state = Atomic<UInt8>(Stop.running.rawValue)
    /// The time limit, for the message of the error a check throws.
    package let timeout: Duration?

    package init(timeout: Duration? = nil) {
        self.timeout = timeout
    }

    package var stop: Stop { Stop(rawValue: state.load(ordering: .relaxed)) ?? .running }

    /// The client went away: nobody will read the answer.
    package func cancel() {
        _ = state.compareExchange(expected: 0, desired: Stop.cancelled.rawValue, ordering: .relaxed)
    }

    /// The query's time limit passed.
    package func expire() { _ = state.compareExchange(expected: 0, desired: Stop.expired.rawValue, ordering: .relaxed) }

    /// Throws `query_timeout` or `query_cancelled` once the query should stop.
    @inline(__always)
    package func check() throws(UpliftError) {
        guard state.load(ordering: .relaxed) != 0 else { return }
        throw error
    }

    /// The error a stopped query ends with.
    package var error: UpliftError {
        switch stop {
        case .running, .cancelled:
            return UpliftError(.queryCancelled, "the query was stopped: its client went away")
        case .expired:
            let limit = timeout.map { " of \(Self.seconds($0)) (--query-timeout)" } ?? ""
            return UpliftError(
                .queryTimeout,
                "the query ran past the server's time limit\(limit); narrow it: a shorter range, fewer or more selective filters, a shorter `contains` text, or no breakdown"
            )
        }
    }

    private static func seconds(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}
