package import UpliftModel

/// What every query has: the project, the time range and its calendar, and global filters.
package struct QueryScope: Sendable {
    /// Set when the query names its project (the HTTP API takes it from the read key).
    package var project: ProjectSlug?
    /// The range, `from` inclusive and `to` exclusive, in microseconds since the epoch.
    package var from: Int64
    package var to: Int64
    package var calendar: LocalCalendar
    /// Conditions every counted event must meet.
    package var filters: [PropertyFilter]

    package init(
        project: ProjectSlug? = nil, from: Int64, to: Int64, calendar: LocalCalendar = .utc,
        filters: [PropertyFilter] = []
    ) {
        self.project = project
        self.from = from
        self.to = to
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
        to = try Self.instant(try f.requiredString("to"), field: f.name("to"), calendar: calendar)
        guard from < to else {
            throw UpliftError(
                .invalidInput,
                "\(f.name("from")) must be before \(f.name("to")) (the range is from inclusive, to exclusive)")
        }
        filters = try f.filters("where")
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
