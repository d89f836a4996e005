package import UpliftModel

/// What every query has: the project, the time range and its calendar, and global filters.
package struct QueryScope: Sendable {
    /// Set when the query names its project (the HTTP API takes it from the read key).
    package var project: ProjectSlug?
    /// The range, `from` inclusive and `to` exclusive, in microseconds since the epoch. A query's
    /// `to` written as a date includes that day: it is read as the start of the next day.
    package var from: Int64
    package var to: Int64
    /// When the question is asked: a period holding it is still running (`isPartial`).
    package var now: Int64
    package var calendar: LocalCalendar
    /// Conditions every counted event must meet.
    package var filters: [PropertyFilter]

    package init(
        project: ProjectSlug? = nil, from: Int64, to: Int64, calendar: LocalCalendar = .utc,
        filters: [PropertyFilter] = [], now: Int64 = Timestamp.now()
    ) {
        self.project = project
        self.from = from
        self.to = to
        self.now = now
        self.calendar = calendar
        self.filters = filters
    }

    /// Reads `project`, `from`, `to`, `time_zone` and `where`.
    init(_ f: inout QueryFields, defaultTimeZone: String) throws(UpliftError) {
        if let text = try f.string("project") {
            do { project = try ProjectSlug(text) } catch {
                throw UpliftError(.invalidInput, "\(f.name("project")): \(error.message)")
            }
        }
        calendar = try LocalCalendar(timeZone: try f.string("time_zone") ?? defaultTimeZone, field: f.name("time_zone"))
        from = try Self.instant(try f.requiredString("from"), field: f.name("from"), calendar: calendar)
        to = try Self.end(try f.requiredString("to"), field: f.name("to"), calendar: calendar)
        guard from < to else {
            throw UpliftError(
                .invalidInput,
                "\(f.name("from")) must be before \(f.name("to")) (a date includes its whole day; a date-time is an instant: from inclusive, to exclusive)"
            )
        }
        filters = try f.filters("where")
        now = Timestamp.now()
    }

    /// The end of a range: a date (`2026-01-31`) includes that whole local day, so the range ends at
    /// the next local midnight (a user asking for January writes the 31st); a date-time is that
    /// instant, exclusive.
    package static func end(_ text: String, field: String, calendar: LocalCalendar) throws(UpliftError) -> Int64 {
        let instant = try instant(text, field: field, calendar: calendar)
        guard let day = UTCDay(text) else { return instant }
        return calendar.start(of: day.adding(days: 1))
    }

    /// Whether period `n` (`LocalCalendar.periodNumber`) is partial: it starts before `from`, ends
    /// after `to`, or has not ended by `now` (still running, or not yet begun). Every series marks
    /// such periods `"partial": true`.
    package func isPartial(periodNumber n: Int64, _ interval: Interval) -> Bool {
        let (start, end) = calendar.bounds(periodNumber: n, interval)
        return start < from || end > min(to, now)
    }

    /// `isPartial` of the period labelled `label` (`LocalCalendar.label`: its first day, or hour).
    package func isPartial(label: String, _ interval: Interval) -> Bool {
        guard let day = UTCDay(String(label.prefix(10))) else { return false }
        if interval == .hour, let hour = Int64(label.dropFirst(11).prefix(2)) {
            return isPartial(periodNumber: day.daysSinceEpoch * 24 + hour, .hour)
        }
        return isPartial(periodNumber: calendar.periodNumber(ofDay: day, interval), interval)
    }

    /// A date (`2026-01-31`, local midnight) or a date-time (`2026-01-31T12:00:00`, local time; with
    /// `Z` or an offset, that instant).
    package static func instant(_ text: String, field: String, calendar: LocalCalendar) throws(UpliftError) -> Int64 {
        if let day = UTCDay(text) {
            guard day.components.year >= 1970 else {
                throw UpliftError(.invalidInput, "\(field): \(day) is before 1970; events start in 1970")
            }
            return calendar.start(of: day)
        }
        let hasZone =
            text.count > 10
            && (text.hasSuffix("Z") || text.hasSuffix("z") || text.dropFirst(10).contains("+")
                || text.dropFirst(16).contains("-"))
        guard let utc = Timestamp.parse(text), utc >= 0 else {
            throw UpliftError(
                .invalidInput,
                "\(field): \(UpliftError.quote(text)) is not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm[:ss][Z|±hh:mm])"
            )
        }
        if hasZone { return utc }
        // A local date-time: shift by the zone's offset on that day.
        let day = UTCDay(microseconds: utc)
        return utc - (day.startMicroseconds - calendar.start(of: day))
    }
}
