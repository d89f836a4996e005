/// When people arrive: spread uniformly over the period, in index order, so the people who
/// have arrived by any instant are a prefix 0..<n of the indices (cheap to sample from).
package struct ArrivalLayout: Sendable {
    package let startMs: Int64
    package let spanMs: Int64
    package let users: Int

    package init(startMs: Int64, days: Int, users: Int) {
        self.startMs = startMs
        self.spanMs = Int64(days) * 86_400_000
        self.users = users
    }

    /// Non-decreasing in `index` for any jitter in [0, 1), and always inside the period.
    package func arrival(of index: Int, jitter: Double) -> Int64 {
        let offset = Int64((Double(index) + jitter) / Double(users) * Double(spanMs))
        return startMs + min(max(offset, 0), spanMs - 1)
    }
}
