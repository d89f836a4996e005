import Clocks

/// A test clock that also tells when something starts sleeping on it: a background loop that sleeps
/// again has finished its round. Time moves only when the test advances it.
final class WatchedClock: Clock, Sendable {
    typealias Duration = Swift.Duration
    typealias Instant = TestClock<Duration>.Instant

    private let base = TestClock()
    /// One element each time a sleep starts.
    let sleeps: AsyncStream<Void>
    private let sleepStarted: AsyncStream<Void>.Continuation

    init() {
        (sleeps, sleepStarted) = AsyncStream.makeStream(of: Void.self)
    }

    var now: Instant { base.now }
    var minimumResolution: Duration { base.minimumResolution }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        sleepStarted.yield()
        try await base.sleep(until: deadline, tolerance: tolerance)
    }

    /// Moves time forward, waking the sleeps it passes. Advance past a deadline rather than onto it:
    /// a sleep announced but not yet begun then returns at once instead of waiting for the next advance.
    func advance(by duration: Duration) async {
        await base.advance(by: duration)
    }
}
