package import UpliftModel

/// How long a project keeps its events (`retention_days`): the current UTC day and the `days` days
/// before it. A day is deleted once it is more than `days` days old; 0 keeps everything.
package struct Retention: Sendable, Equatable {
    package var days: Int

    package init(days: Int) { self.days = days }

    /// The oldest day kept at `now` (µs since the epoch), nil when everything is kept.
    package func firstKeptDay(now: Int64) -> UTCDay? {
        days > 0 ? UTCDay(microseconds: now).adding(days: -Int64(days)) : nil
    }
}

extension Snapshot {
    /// The snapshot without the days before `first` (segments of older days, events still in the log from
    /// before its start). `nil` keeps everything.
    package func retaining(from first: UTCDay?) -> Snapshot {
        guard let first else { return self }
        var kept = self
        kept.segments = segments.filter { path in Snapshot.day(ofSegment: path).map { $0 >= first } ?? true }
        kept.pending = pending.filter { $0.timestamp >= first.startMicroseconds }
        return kept
    }
}
