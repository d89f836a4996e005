import ArgumentParser
import Foundation
import UpliftAnalysis
import UpliftCatalog
import UpliftModel
import UpliftSQL
import UpliftServer
import UpliftSpark
import UpliftStorage

/// Options every query command shares: where the data is, which project, which range.
struct QueryScopeOptions: ParsableArguments {
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var storageOptions: StorageOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Project to query.") var project: String
    @Option(
        help: ArgumentHelp(
            "Start of the range, inclusive: YYYY-MM-DD (local midnight) or a date-time.", valueName: "date"))
    var from: String
    @Option(
        help: ArgumentHelp(
            "End of the range: YYYY-MM-DD includes that day; a date-time is an exclusive instant.", valueName: "date"))
    var to: String
    @Option(
        name: .customLong("where"),
        help: ArgumentHelp(
            "A condition every counted event meets: prop=value, prop!=value, prop>3, … (repeatable; context.x reads the context).",
            valueName: "condition"))
    var conditions: [String] = []
    @Option(help: ArgumentHelp("IANA time zone of days and weeks; defaults to the project's.", valueName: "zone"))
    var timeZone: String?
    @OptionGroup var engine: EngineOption

    /// The Spark engine of `--engine` or `$UPLIFT_ENGINE`, nil for the embedded engine.
    func sparkEngine() throws(UpliftError) -> SparkEngine? { try engine.spark() }

    /// The members of the query body every kind shares.
    func scopeMembers() -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [
            ("project", .string(project)), ("from", .string(from)), ("to", .string(to)),
        ]
        if !conditions.isEmpty { members.append(("where", .array(conditions.map { .string($0) }))) }
        if let timeZone { members.append(("time_zone", .string(timeZone))) }
        return members
    }
}

/// What running a query from the command line needs: the project's time zone and person links
/// from the catalog, and the segments on disk (read-only and without the store's lock, so it works
/// beside a running server; events still only in the server's log are not seen).
struct QueryInputs {
    var timeZone: String
    var snapshot: Snapshot
    var links: PersonMap

    static func load(_ options: QueryScopeOptions) async throws -> QueryInputs {
        let slug = try projectSlug(options.project)
        let (timeZone, links, snapshot) = try await withCatalog(options.dataOptions, options.catalogOptions) {
            catalog in
            let project = try await existingProject(catalog, slug)
            let links = try await PersonMapLoader.load(
                catalog: catalog, dataDirectory: options.dataOptions.directory, project: slug)
            let snapshot = try await liveSnapshot(
                catalog, dataDirectory: options.dataOptions.directory, storage: options.storageOptions, project: slug)
            return (project.settings.timeZone, links, snapshot)
        }
        return QueryInputs(timeZone: timeZone, snapshot: snapshot, links: links)
    }
}

/// Decodes a query body built from flags with the same `XQuery(json:defaultTimeZone:)` the HTTP
/// API uses, runs it, and prints the result document (`--json`) or a table. Each warning (an event
/// in `events` or a property in `properties` the project never had) is a line on standard error
/// and, with `--json`, a member of the document, as the HTTP API answers it.
func runQuery<Query, Result>(
    _ options: QueryScopeOptions, members: [(String, JSONValue)],
    decode: (JSONValue, String) throws(UpliftError) -> Query,
    run: (AnalysisEngine, Query, Snapshot, PersonMap) throws(UpliftError) -> Result,
    events: (Query) -> [String] = { _ in [] }, properties: (Query) -> [PropertyRef] = { _ in [] },
    json: (Result) -> JSONValue, table: (Result) -> String,
    sql: SQLOption, compiled: CompiledQuestion<Query, Result>
) async throws {
    try await reportingErrors {
        if let dialect = try sql.parsed() {
            try await printSQL(options, compiled, dialect: dialect, members: members, decode: decode)
            return
        }
        if let engine = try options.sparkEngine() {
            try await answerOnSpark(
                options, compiled, engine: engine, members: members, decode: decode, events: events,
                properties: properties, json: json, table: table)
            return
        }
        let inputs = try await QueryInputs.load(options)
        let query = try decode(.object(options.scopeMembers() + members), inputs.timeZone)
        // The command runs one query and exits: a cache would only cost memory.
        let engine = AnalysisEngine(cacheBytes: 0)
        let result = try run(engine, query, inputs.snapshot, inputs.links)
        let warnings = try engine.warnings(
            events: events(query), properties: properties(query), snapshot: inputs.snapshot)
        printWarnings(warnings, project: inputs.snapshot.project)
        if options.output.json {
            Console.line(json(result).adding(warnings: warnings).compactText)
        } else {
            Console.line(table(result))
        }
    }
}

/// One line on standard error per warning: `warning: no event "signedup" in project demo; did you mean …?`
func printWarnings(_ warnings: [QueryWarning], project: ProjectSlug) {
    for warning in warnings { Console.error("warning: " + warning.message(project: project)) }
}

/// `3GiB`, `512MiB`, `64KiB` or a plain number of bytes (also `GB`/`MB`/`KB`, taken as binary units).
func parseByteSize(_ text: String) -> Int? {
    let units: [(String, Int)] = [
        ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10),
        ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10),
    ]
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
        guard let n = Int(trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), n >= 0 else {
            return nil
        }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: scale)
        return overflow ? nil : bytes
    }
    guard let n = Int(trimmed), n >= 0 else { return nil }
    return n
}

/// `5s`, `30s`, `2m`, `1h` or a plain number of seconds, from 1 s to 1 h; nil otherwise.
func parseInterval(_ text: String) -> Duration? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let units: [(String, Int)] = [("ms", 0), ("s", 1), ("m", 60), ("h", 3600)]
    var seconds: Int?
    for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
        // `ms` is not a unit here (it would read as minutes otherwise): refused.
        guard scale > 0, let n = Int(trimmed.dropLast(suffix.count)) else { return nil }
        seconds = n.multipliedReportingOverflow(by: scale).overflow ? nil : n * scale
        break
    }
    guard let seconds = seconds ?? Int(trimmed), (1...3600).contains(seconds) else { return nil }
    return .seconds(seconds)
}
