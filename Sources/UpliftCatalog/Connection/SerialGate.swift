/// A FIFO async lock. The catalog talks over one connection; a transaction must not interleave
/// with another caller's statements, and an actor alone would allow that at every `await`.
actor SerialGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            // Hand the lock over directly: `busy` stays true.
            waiters.removeFirst().resume()
        }
    }
}
