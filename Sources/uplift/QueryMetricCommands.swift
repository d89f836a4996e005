import ArgumentParser
import UpliftAnalysis
import UpliftModel
import UpliftSQL

/// Appends `(key, value)` when the flag was given.
private func add(_ members: inout [(String, JSONValue)], _ key: String, _ value: String?) {
    if let value { members.append((key, .string(value))) }
}

private func add(_ members: inout [(String, JSONValue)], _ key: String, _ value: Int?) {
    if let value { members.append((key, .number(String(value)))) }
}

private let readsFromDisk =
    "Reads the segments on disk (works beside a running server; events it has not flushed yet are not seen). Ids linked by identify/alias count as one person."

struct TrendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trend", abstract: "A time series of events, persons, or the sum or average of a property.",
        discussion: readsFromDisk + " --json prints the same document as POST /v1/query/trend.")

    @OptionGroup var scope: QueryScopeOptions
    @Option(help: "Event to count (default: every event).") var event: String?
    @Option(help: "events (default), persons, sum or average.") var measure: String?
    @Option(help: "Numeric property to sum or average.") var property: String?
    @Option(help: "hour, day (default), week or month.") var interval: String?
    @Option(help: "Property to break the series down by.") var breakdown: String?
    @OptionGroup var sql: SQLOption

    func run() async throws {
        var m: [(String, JSONValue)] = []
        add(&m, "event", event)
        add(&m, "measure", measure)
        add(&m, "property", property)
        add(&m, "interval", interval)
        add(&m, "breakdown", breakdown)
        try await runQuery(
            scope, members: m,
            decode: { (json, zone) throws(UpliftError) in try TrendQuery(json: json, defaultTimeZone: zone) },
            run: { (engine, q, s, l) throws(UpliftError) in try engine.trend(q, snapshot: s, links: l) },
            events: \.eventNames, properties: \.propertyRefs,
            json: \.json, table: QueryTables.trend,
            sql: sql, compiled: .trend)
    }
}

struct AdoptionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adoption",
        abstract: "Adopters of a feature over active persons, in a rolling or calendar window.",
        discussion: readsFromDisk + " --json prints the same document as POST /v1/query/adoption.")

    @OptionGroup var scope: QueryScopeOptions
    @Option(help: "The feature's event.") var feature: String
    @Option(help: "Event that makes a person active (default: any event).") var active: String?
    @Option(help: "Rolling window in days (28d, default) or a calendar week or month.") var window: String?
    @Option(help: "day (default), week or month.") var interval: String?
    @OptionGroup var sql: SQLOption

    func run() async throws {
        var m: [(String, JSONValue)] = [("feature", .string(feature))]
        add(&m, "active", active)
        add(&m, "window", window)
        add(&m, "interval", interval)
        try await runQuery(
            scope, members: m,
            decode: { (json, zone) throws(UpliftError) in try AdoptionQuery(json: json, defaultTimeZone: zone) },
            run: { (engine, q, s, l) throws(UpliftError) in try engine.adoption(q, snapshot: s, links: l) },
            events: \.eventNames, properties: \.propertyRefs,
            json: \.json, table: QueryTables.adoption,
            sql: sql,
            compiled: .adoption)
    }
}

struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Cohorts by their first event and the share that returns in each later period.",
        discussion: readsFromDisk + " --json prints the same document as POST /v1/query/retention.")

    @OptionGroup var scope: QueryScopeOptions
    @Option(help: "Event whose first occurrence puts a person in a cohort.") var cohortEvent: String
    @Option(help: "Event that counts as a return (default: any event).") var returnEvent: String?
    @Option(help: "day (default), week or month.") var interval: String?
    @Option(help: "Periods after the cohort's to report (default 14 days or 8 weeks/months).") var periods: Int?
    @OptionGroup var sql: SQLOption

    func run() async throws {
        var m: [(String, JSONValue)] = [("cohort_event", .string(cohortEvent))]
        add(&m, "return_event", returnEvent)
        add(&m, "interval", interval)
        add(&m, "periods", periods)
        try await runQuery(
            scope, members: m,
            decode: { (json, zone) throws(UpliftError) in try RetentionQuery(json: json, defaultTimeZone: zone) },
            run: { (engine, q, s, l) throws(UpliftError) in try engine.retention(q, snapshot: s, links: l) },
            events: \.eventNames, properties: \.propertyRefs,
            json: \.json, table: QueryTables.retention,
            sql: sql,
            compiled: .retention)
    }
}

struct LifecycleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifecycle", abstract: "New, retained, reactivated, resurrected and dormant persons per period.",
        discussion: readsFromDisk + " --json prints the same document as POST /v1/query/lifecycle.")

    @OptionGroup var scope: QueryScopeOptions
    @Option(help: "Event that makes a person active (default: any event).") var event: String?
    @Option(help: "day, week (default) or month.") var interval: String?
    @Option(help: "Inactive periods after which a returning person counts as resurrected.") var dormantAfter: Int?
    @OptionGroup var sql: SQLOption

    func run() async throws {
        var m: [(String, JSONValue)] = []
        add(&m, "event", event)
        add(&m, "interval", interval)
        add(&m, "dormant_after", dormantAfter)
        try await runQuery(
            scope, members: m,
            decode: { (json, zone) throws(UpliftError) in try LifecycleQuery(json: json, defaultTimeZone: zone) },
            run: { (engine, q, s, l) throws(UpliftError) in try engine.lifecycle(q, snapshot: s, links: l) },
            events: \.eventNames, properties: \.propertyRefs,
            json: \.json, table: QueryTables.lifecycle,
            sql: sql,
            compiled: .lifecycle)
    }
}

struct FeedbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback", abstract: "NPS, CSAT, scores and latest comments of in-app feedback and surveys.",
        discussion: readsFromDisk + " --json prints the same document as POST /v1/query/feedback.")

    @OptionGroup var scope: QueryScopeOptions
    @Option(help: "Only answers about this feature.") var feature: String?
    @Option(help: "Only answers to this survey.") var survey: String?
    @Option(help: "day, week (default) or month.") var interval: String?
    @Option(help: "Latest comments to show per group (default 10).") var comments: Int?
    @OptionGroup var sql: SQLOption

    func run() async throws {
        var m: [(String, JSONValue)] = []
        add(&m, "feature", feature)
        add(&m, "survey", survey)
        add(&m, "interval", interval)
        add(&m, "comments", comments)
        try await runQuery(
            scope, members: m,
            decode: { (json, zone) throws(UpliftError) in try FeedbackQuery(json: json, defaultTimeZone: zone) },
            run: { (engine, q, s, l) throws(UpliftError) in try engine.feedback(q, snapshot: s, links: l) },
            json: \.json, table: QueryTables.feedback,
            sql: sql,
            compiled: .feedback)
    }
}
