/// Reads an injected clock as the time elapsed since the stopwatch was made, so that code holding
/// `any Clock<Duration>` (ContinuousClock in production, a test clock in tests) can keep deadlines
/// and ages as plain durations and compare them.
package struct Stopwatch: Sendable {
    private let read: @Sendable () -> Duration

    package init(_ clock: any Clock<Duration>) {
        read = Self.reader(clock)
    }

    private static func reader<C: Clock<Duration>>(_ clock: C) -> @Sendable () -> Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }

    /// Time since the stopwatch was made, on its clock.
    package var elapsed: Duration { read() }
}
