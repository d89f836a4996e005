package import UpliftModel

/// Which wire dialect the generated lines use.
package enum Dialect: String, Sendable, Hashable, CaseIterable {
    /// Segment messages only (`type`, `messageId`, `userId` / `anonymousId`).
    case segment
    /// PostHog events only (`event`, `uuid`, `distinct_id`).
    case posthog
    /// About `Truth.posthogShare` of users send PostHog events, the rest Segment; fixed per user.
    case mixed
}

/// Parameters of a synthetic workload. Same parameters give byte-identical output.
package struct GeneratorConfig: Sendable, Hashable {
    /// Exactly this many NDJSON lines (identify and alias messages included).
    package var events: Int
    /// Distinct people. Capped at one per `Truth.minEventsPerUser` events so every person can
    /// live through a whole first session (see `effectiveUsers`).
    package var users: Int
    /// Length of the period in days; people arrive uniformly over it.
    package var days: Int
    package var seed: UInt64
    /// Start of the period, seconds since the Unix epoch (UTC).
    package var start: Int64
    package var dialect: Dialect
    /// Whether people answer the NPS and CSAT surveys (`$feedback` events, see `Truth.feedbackEvent`).
    package var feedback: Bool

    /// 2026-01-01T00:00:00Z.
    package static let defaultStart: Int64 = 1_767_225_600

    package init(
        events: Int = 100_000, users: Int = 1_000, days: Int = 30, seed: UInt64 = 42,
        start: Int64 = GeneratorConfig.defaultStart, dialect: Dialect = .mixed,
        feedback: Bool = true
    ) {
        self.events = events
        self.users = users
        self.days = days
        self.seed = seed
        self.start = start
        self.dialect = dialect
        self.feedback = feedback
    }

    /// The number of people actually generated.
    package var effectiveUsers: Int {
        max(1, min(users, events / Truth.minEventsPerUser))
    }

    /// Throws when a parameter is out of range, saying which and what is allowed.
    package func validate() throws(UpliftError) {
        if events < 0 {
            throw UpliftError(.invalidInput, "events must be 0 or more; pass a non-negative --events")
        }
        if users < 1 || users > 100_000_000 {
            throw UpliftError(.invalidInput, "users must be between 1 and 100000000; adjust --users")
        }
        if days < 1 || days > 3_660 {
            throw UpliftError(.invalidInput, "days must be between 1 and 3660; adjust --days")
        }
        // Keep every generated time inside years 1970...9999 so timestamps format as ISO-8601.
        if start < 0 || start > 253_000_000_000 - Int64(days) * 86_400 {
            throw UpliftError(.invalidInput, "start must lie between 1970-01-01 and year 9999; adjust --start")
        }
    }

    /// Parses `YYYY-MM-DD` (UTC midnight) into seconds since the epoch.
    package static func parseStartDate(_ text: String) throws(UpliftError) -> Int64 {
        guard let day = UTCDay(text), day.components.year >= 1970 else {
            throw UpliftError(.invalidInput, "start date must be a valid YYYY-MM-DD date from 1970 on, e.g. 2026-01-01")
        }
        return day.daysSinceEpoch * 86_400
    }
}
