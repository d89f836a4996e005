import Synchronization
import UpliftStorage

/// Slows down guessing keys at the sign-in form: each refused key uses a token of one bucket for the
/// whole server (requests carry no client address here), `burst` tokens refilling at `perSecond`.
/// While the bucket is empty every sign-in, right or wrong, is answered 429 with the wait. Keys are
/// 128 random bits, so this is against noise more than against a search that could not finish anyway.
final class SignInThrottle: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Duration
    }

    private let burst: Double
    private let perSecond: Double
    private let bucket: Mutex<Bucket>
    private let stopwatch: Stopwatch

    init(burst: Int, perSecond: Double, clock: any Clock<Duration> = ContinuousClock()) {
        self.burst = Double(max(burst, 1))
        self.perSecond = perSecond
        self.stopwatch = Stopwatch(clock)
        self.bucket = Mutex(Bucket(tokens: Double(max(burst, 1)), updated: stopwatch.elapsed))
    }

    /// nil when a sign-in may be tried now, else the seconds to wait.
    func wait() -> Int? {
        let now = stopwatch.elapsed
        return bucket.withLock { bucket in
            refill(&bucket, now: now)
            guard bucket.tokens < 1 else { return nil }
            return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
    }

    /// Counts a refused key.
    func failed() {
        let now = stopwatch.elapsed
        bucket.withLock { bucket in
            refill(&bucket, now: now)
            bucket.tokens = max(0, bucket.tokens - 1)
        }
    }

    private func refill(_ bucket: inout Bucket, now: Duration) {
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(burst, bucket.tokens + seconds * perSecond)
        bucket.updated = now
    }
}
