package import UpliftModel

/// A time series of one event: how many, how many persons, or the sum or average of a number.
package struct TrendQuery: Sendable {
    package enum Measure: String, Sendable, Hashable, CaseIterable {
        case events, persons, sum, average
    }

    package var scope: QueryScope
    /// The event counted; nil counts every event except identify/alias/group messages.
    package var event: String?
    package var eventFilters: [PropertyFilter]
    package var measure: Measure
    /// The number summed or averaged (`sum`, `average`).
    package var property: PropertyRef?
    package var interval: Interval
    package var breakdown: PropertyRef?

    package static let maxBreakdownValues = 25

    package init(
        scope: QueryScope, event: String?, eventFilters: [PropertyFilter] = [], measure: Measure = .events,
        property: PropertyRef? = nil, interval: Interval = .day, breakdown: PropertyRef? = nil
    ) {
        self.scope = scope
        self.event = event
        self.eventFilters = eventFilters
        self.measure = measure
        self.property = property
        self.interval = interval
        self.breakdown = breakdown
    }

    package init(json: JSONValue, defaultTimeZone: String = "UTC") throws(UpliftError) {
        var f = try QueryFields(json)
        scope = try QueryScope(&f, defaultTimeZone: defaultTimeZone)
        event = try f.string("event")
        eventFilters = try f.filters("event_where")
        measure = try f.choice("measure", Measure.self) ?? .events
        property = try f.string("property").map(PropertyRef.init)
        if (measure == .sum || measure == .average) && property == nil {
            throw UpliftError(
                .invalidInput,
                "property is required with measure \(measure.rawValue): the number to \(measure == .sum ? "sum" : "average")"
            )
        }
        interval = try f.choice("interval", Interval.self) ?? .day
        breakdown = try f.string("breakdown").map(PropertyRef.init)
        try Self.checkPoints(scope, interval)
        try f.finish()
    }

    /// Points of a series at most (each question refuses more): an hourly series over years is a
    /// mistake, and the answer's size must stay bounded.
    package static let maxPoints = 10_000

    /// Refuses series of more than `maxPoints` points; `field` names the interval in the message.
    static func checkPoints(_ scope: QueryScope, _ interval: Interval, field: String = "interval") throws(UpliftError) {
        let perPoint: Int64 =
            switch interval {
            case .hour: 3_600_000_000
            case .day: 86_400_000_000
            case .week: 7 * 86_400_000_000
            case .month: 28 * 86_400_000_000
            }
        guard (scope.to - scope.from) / perPoint <= maxPoints else {
            throw UpliftError(
                .invalidInput,
                "\(field): \(interval.rawValue) over this range gives more than 10,000 points; use a longer interval or a shorter range"
            )
        }
    }
}

/// Feature adoption: adopters (persons who did the feature event) over active persons, as a series.
package struct AdoptionQuery: Sendable {
    package enum Window: Sendable, Hashable {
        /// The point for local day d covers the `days` days ending with d (as WAU and MAU do).
        case rolling(days: Int)
        /// Calendar weeks or months: one point per period, covering it.
        case calendar(Interval)
    }

    package var scope: QueryScope
    package var feature: String
    package var featureFilters: [PropertyFilter]
    /// Nil: a person is active with any event except identify/alias/group messages.
    package var active: String?
    package var activeFilters: [PropertyFilter]
    package var window: Window
    /// Spacing of the points of a rolling window: every day, or the last day of each week / month.
    package var interval: Interval

    package init(
        scope: QueryScope, feature: String, featureFilters: [PropertyFilter] = [], active: String? = nil,
        activeFilters: [PropertyFilter] = [], window: Window = .rolling(days: 28), interval: Interval = .day
    ) {
        self.scope = scope
        self.feature = feature
        self.featureFilters = featureFilters
        self.active = active
        self.activeFilters = activeFilters
        self.window = window
        self.interval = interval
    }

    package init(json: JSONValue, defaultTimeZone: String = "UTC") throws(UpliftError) {
        var f = try QueryFields(json)
        scope = try QueryScope(&f, defaultTimeZone: defaultTimeZone)
        feature = try f.requiredString("feature")
        featureFilters = try f.filters("feature_where")
        active = try f.string("active")
        activeFilters = try f.filters("active_where")
        let text = try f.string("window") ?? "28d"
        switch text {
        case "week": window = .calendar(.week)
        case "month": window = .calendar(.month)
        default:
            guard let d = TimeLength(text), let days = d.wholeDays else {
                throw UpliftError(
                    .invalidInput,
                    "window: \(UpliftError.quote(text)) must be a whole number of days (7d, 28d) for a rolling window, or week or month for calendar periods"
                )
            }
            window = .rolling(days: days)
        }
        interval = try f.choice("interval", Interval.self) ?? .day
        guard interval != .hour else {
            throw UpliftError(.invalidInput, "interval must be day, week or month for adoption")
        }
        if case .calendar(let period) = window { interval = period }
        try TrendQuery.checkPoints(scope, interval)
        try f.finish()
    }
}

/// Retention: cohorts by the period of each person's first occurrence of an event, and how many
/// come back (with an event) in each later period.
package struct RetentionQuery: Sendable {
    package var scope: QueryScope
    package var cohortEvent: String
    package var cohortFilters: [PropertyFilter]
    /// Nil: any event except identify/alias/group messages.
    package var returnEvent: String?
    package var returnFilters: [PropertyFilter]
    package var interval: Interval
    /// Periods after the cohort's own period (period 0) to report.
    package var periods: Int

    package init(
        scope: QueryScope, cohortEvent: String, cohortFilters: [PropertyFilter] = [], returnEvent: String? = nil,
        returnFilters: [PropertyFilter] = [], interval: Interval = .day, periods: Int = 7
    ) {
        self.scope = scope
        self.cohortEvent = cohortEvent
        self.cohortFilters = cohortFilters
        self.returnEvent = returnEvent
        self.returnFilters = returnFilters
        self.interval = interval
        self.periods = periods
    }

    package init(json: JSONValue, defaultTimeZone: String = "UTC") throws(UpliftError) {
        var f = try QueryFields(json)
        scope = try QueryScope(&f, defaultTimeZone: defaultTimeZone)
        cohortEvent = try f.requiredString("cohort_event")
        cohortFilters = try f.filters("cohort_where")
        returnEvent = try f.string("return_event")
        returnFilters = try f.filters("return_where")
        interval = try f.choice("interval", Interval.self) ?? .day
        guard interval != .hour else {
            throw UpliftError(.invalidInput, "interval must be day, week or month for retention")
        }
        periods = try f.int("periods", in: 1...366) ?? (interval == .day ? 14 : 8)
        try TrendQuery.checkPoints(scope, interval)
        try Self.checkCells(scope, interval, periods: periods)
        try f.finish()
    }

    /// Cells of a retention table at most: cohorts × (periods + 1).
    package static let maxCells = 100_000

    /// Refuses tables of more than `maxCells` cells (a daily cohort over years, each with a year of periods).
    static func checkCells(_ scope: QueryScope, _ interval: Interval, periods: Int) throws(UpliftError) {
        let perCohort: Int64 =
            switch interval {
            case .hour: 3_600_000_000
            case .day: 86_400_000_000
            case .week: 7 * 86_400_000_000
            case .month: 28 * 86_400_000_000
            }
        let cohorts = (scope.to - scope.from) / perCohort + 1
        guard cohorts * Int64(periods + 1) <= Int64(maxCells) else {
            throw UpliftError(
                .invalidInput,
                "periods: \(cohorts) cohorts × \(periods + 1) periods is more than 100,000 cells; ask for fewer periods, a longer interval or a shorter range"
            )
        }
    }
}

/// Growth accounting per period (Duolingo's model).
package struct LifecycleQuery: Sendable {
    package var scope: QueryScope
    /// Nil: any event except identify/alias/group messages makes a person active.
    package var event: String?
    package var eventFilters: [PropertyFilter]
    package var interval: Interval
    /// A person returning after more than this many inactive periods is resurrected; after fewer,
    /// reactivated. Default: 30 days, 4 weeks, 2 months.
    package var dormantAfter: Int

    package init(
        scope: QueryScope, event: String? = nil, eventFilters: [PropertyFilter] = [], interval: Interval = .week,
        dormantAfter: Int? = nil
    ) {
        self.scope = scope
        self.event = event
        self.eventFilters = eventFilters
        self.interval = interval
        self.dormantAfter = dormantAfter ?? Self.defaultDormantAfter(interval)
    }

    static func defaultDormantAfter(_ interval: Interval) -> Int {
        switch interval {
        case .hour: 24
        case .day: 30
        case .week: 4
        case .month: 2
        }
    }

    package init(json: JSONValue, defaultTimeZone: String = "UTC") throws(UpliftError) {
        var f = try QueryFields(json)
        scope = try QueryScope(&f, defaultTimeZone: defaultTimeZone)
        event = try f.string("event")
        eventFilters = try f.filters("event_where")
        interval = try f.choice("interval", Interval.self) ?? .week
        guard interval != .hour else {
            throw UpliftError(.invalidInput, "interval must be day, week or month for lifecycle")
        }
        dormantAfter = try f.int("dormant_after", in: 1...1000) ?? Self.defaultDormantAfter(interval)
        try TrendQuery.checkPoints(scope, interval)
        try f.finish()
    }
}

/// In-app feedback: responses, NPS and CSAT per feature or survey and per period, with comments.
package struct FeedbackQuery: Sendable {
    package var scope: QueryScope
    /// Only this feature (`feature` of `/v1/feedback`); nil: all.
    package var feature: String?
    /// Only this survey (`survey`, or PostHog's `$survey_id`); nil: all.
    package var survey: String?
    package var interval: Interval
    /// How many of the latest comments to return per group.
    package var comments: Int

    package init(
        scope: QueryScope, feature: String? = nil, survey: String? = nil, interval: Interval = .week, comments: Int = 10
    ) {
        self.scope = scope
        self.feature = feature
        self.survey = survey
        self.interval = interval
        self.comments = comments
    }

    package init(json: JSONValue, defaultTimeZone: String = "UTC") throws(UpliftError) {
        var f = try QueryFields(json)
        scope = try QueryScope(&f, defaultTimeZone: defaultTimeZone)
        feature = try f.string("feature")
        survey = try f.string("survey")
        interval = try f.choice("interval", Interval.self) ?? .week
        guard interval != .hour else {
            throw UpliftError(.invalidInput, "interval must be day, week or month for feedback")
        }
        comments = try f.int("comments", in: 0...100) ?? 10
        try TrendQuery.checkPoints(scope, interval)
        try f.finish()
    }

    /// Groups (feature, survey) an answer lists at most: 100, fewer over many periods so that groups ×
    /// periods stays within 100,000; the rest are counted in `groups_omitted` (and in the total).
    package static func maxGroups(periods: Int) -> Int { min(100, max(1, 100_000 / max(1, periods))) }

    /// Comments an answer lists at most, over all its groups (the groups with the most responses first).
    package static let maxComments = 1_000
    /// Unicode scalars of one listed comment at most; a longer one is cut and ends with "…".
    package static let maxCommentScalars = 1_000
}
