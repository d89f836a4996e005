package import UpliftModel
package import UpliftStorage

/// The UTC days on which a project has events, from the store's metadata: the segments' partition
/// directories (`…/date=YYYY-MM-DD/…`, one per day with events) and the days of the events still only
/// in the log. No segment is opened.
///
/// Goals use it to tell "no data" from "zero": a period in which the project has no event at all
/// (before its first event, after its last, or in a gap) measured nothing, and one that only part of
/// the data reaches (the data starts or stops inside it) would read low.
package struct DataCoverage: Sendable, Equatable {
    /// Sorted, each day once.
    package let days: [UTCDay]

    package init(days: some Sequence<UTCDay>) {
        self.days = Array(Set(days)).sorted()
    }

    package init(_ snapshot: Snapshot) {
        var days = Set<UTCDay>()
        for path in snapshot.segments {
            if let day = Snapshot.day(ofSegment: path) { days.insert(day) }
        }
        for event in snapshot.pending { days.insert(UTCDay(microseconds: event.timestamp)) }
        self.days = days.sorted()
    }

    package var first: UTCDay? { days.first }
    package var last: UTCDay? { days.last }

    /// The days with events that overlap [from, to), as indices into `days`.
    package func overlapping(from: Int64, to: Int64) -> Range<Int> {
        guard from < to else { return 0..<0 }
        let lower = index(from: UTCDay(microseconds: from))
        let upper = index(from: UTCDay(microseconds: to - 1).adding(days: 1))
        return lower..<max(lower, upper)
    }

    /// The last day with events that starts before `time`.
    package func lastDay(before time: Int64) -> UTCDay? {
        let i = index(from: UTCDay(microseconds: time - 1).adding(days: 1))
        return i > 0 ? days[i - 1] : nil
    }

    /// The start of the data (its first day), and its end (the start of the day after its last).
    package var start: Int64? { first?.startMicroseconds }
    package var end: Int64? { last.map { $0.adding(days: 1).startMicroseconds } }

    /// Which of the consecutive periods `[bounds[i].start, bounds[i].end)` the data covers whole.
    ///
    /// The periods with events form runs, split by periods without any; a period is covered when its run's
    /// data starts no later than it does and ends no earlier (and no later than `now`): the first and last
    /// periods of a run are the ones the data may reach only in part. Give one period before and one
    /// after those you ask about, so a run that goes on beyond them is seen to.
    package func covered(_ bounds: [(start: Int64, end: Int64)], now: Int64) -> [Bool] {
        var out = [Bool](repeating: false, count: bounds.count)
        var i = 0
        while i < bounds.count {
            let head = overlapping(from: bounds[i].start, to: bounds[i].end)
            guard !head.isEmpty else {
                i += 1
                continue
            }
            var tail = head
            var j = i + 1
            while j < bounds.count {
                let r = overlapping(from: bounds[j].start, to: bounds[j].end)
                guard !r.isEmpty else { break }
                tail = r
                j += 1
            }
            let runStart = days[head.lowerBound].startMicroseconds
            let runEnd = min(now, days[tail.upperBound - 1].adding(days: 1).startMicroseconds)
            for k in i..<j { out[k] = runStart <= bounds[k].start && bounds[k].end <= runEnd }
            i = j
        }
        return out
    }

    /// The index of the first day on or after `day`.
    private func index(from day: UTCDay) -> Int {
        var lo = 0
        var hi = days.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if days[mid] < day { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
