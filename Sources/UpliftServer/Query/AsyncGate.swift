import Synchronization

/// Lets at most `limit` callers through at once; the others wait in line, in arrival order, as
/// suspended tasks: no thread is parked per waiter (a `DispatchSemaphore` parks one each).
final class AsyncGate: Sendable {
    private struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
        var head = 0

        mutating func take() -> Bool {
            guard available > 0 else { return false }
            available -= 1
            return true
        }
    }

    private let state: Mutex<State>

    init(limit: Int) {
        state = Mutex(State(available: max(1, limit)))
    }

    /// Callers waiting for a place.
    var waiting: Int { state.withLock { $0.waiters.count - $0.head } }

    /// Runs `body` once a place is free, and frees it after.
    func withPermit<T, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if state.withLock({ $0.take() }) { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // A place may have been freed since the first look.
            let admitted = state.withLock { state in
                if state.take() { return true }
                state.waiters.append(continuation)
                return false
            }
            if admitted { continuation.resume() }
        }
    }

    /// Hands the place to the longest waiter, if any.
    private func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard state.head < state.waiters.count else {
                state.available += 1
                return nil
            }
            let next = state.waiters[state.head]
            state.head += 1
            if state.head == state.waiters.count {
                state.waiters.removeAll(keepingCapacity: true)
                state.head = 0
            }
            return next
        }
        next?.resume()
    }
}
