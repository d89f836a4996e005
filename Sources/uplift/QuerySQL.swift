import ArgumentParser
import Foundation
import UpliftAnalysis
import UpliftCatalog
import UpliftGoals
import UpliftModel
import UpliftSQL
import UpliftServer
import UpliftSpark
import UpliftStorage

/// `--sql ENGINE` on a question: print the question as one SQL statement over the project's live
/// segment files and its person map (written anew when the links changed), instead of answering it.
/// The statement's rows are what the engine's answer is built from (each compiler documents them).
struct SQLOption: ParsableArguments {
    @Option(
        name: .customLong("sql"),
        help: ArgumentHelp(
            "Print the question as SQL for ENGINE (duckdb or spark) over the live segment files, instead of answering it.",
            valueName: "engine"))
    var dialect: String?

    func parsed() throws(UpliftError) -> SQLDialect? {
        guard let dialect else { return nil }
        guard let parsed = SQLDialect(rawValue: dialect) else {
            throw UpliftError(
                .invalidInput,
                "--sql: \(UpliftError.quote(dialect)) is not a SQL engine Uplift writes for; write duckdb or spark")
        }
        return parsed
    }
}

/// What a question compiled to SQL reads: the live segment files (absolute paths, so that the statement runs
/// anywhere), the directory their Hive partitions are under, the person map file at the catalog's links, and
/// the typed property columns the segments have.
struct SQLQuestionInputs {
    var timeZone: String
    var project: ProjectSlug
    /// The segments the files are (for the data warnings, which read their metadata only).
    var snapshot: Snapshot
    var files: SegmentFiles
    var basePath: String
    var personMap: String

    static func load(_ options: QueryScopeOptions) async throws -> SQLQuestionInputs {
        try await load(
            data: options.dataOptions, catalog: options.catalogOptions, storage: options.storageOptions,
            project: options.project)
    }

    static func load(
        data: DataOptions, catalog catalogOptions: CatalogOptions, storage: StorageOptions, project: String
    ) async throws -> SQLQuestionInputs {
        let slug = try projectSlug(project)
        let directory = data.directory
        let (timeZone, snapshot, personMap) = try await withCatalog(data, catalogOptions) {
            catalog in
            let project = try await existingProject(catalog, slug)
            let snapshot = try await liveSnapshot(
                catalog, dataDirectory: directory, storage: storage, project: slug)
            let personMap = try await PersonMapLoader.currentFile(
                catalog: catalog, dataDirectory: directory, project: slug)
            return (project.settings.timeZone, snapshot, personMap)
        }
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : cwd + "/" + path }
        let segments = snapshot.segments.map(absolute)

        // Segments are `<root>/events/project=<slug>/date=<day>/<file>`: their partitions start under `events`.
        let basePath =
            segments.first.flatMap { path in path.range(of: "/events/project=").map { String(path[..<$0.lowerBound]) } }
            .map { $0 + "/events" } ?? absolute(directory) + "/events"
        return SQLQuestionInputs(
            timeZone: timeZone, project: slug, snapshot: snapshot, files: try SegmentFiles(reading: segments),
            basePath: basePath,
            personMap: absolute(personMap))
    }
}

extension SQLQuestionInputs {
    /// What a printed statement reads: DuckDB the files themselves, Spark the views Uplift's Spark Connect client
    /// creates over the same files (`SparkEngine`).
    func sqlInputs(_ dialect: SQLDialect) -> SQLInputs {
        switch dialect {
        case .duckdb: .duckdbFiles(files, personMap: personMap)
        case .spark:
            SQLInputs(
                events: files.events(.spark) { "uplift_events_\($0)" }, personMap: "uplift_persons",
                shredded: files.shredded)
        }
    }
}

/// A question that compiles to SQL: its compiler and the builder of its answer from the statement's rows.
struct CompiledQuestion<Query, Result> {
    /// The question's name in messages (`trend`).
    var name: String
    var compile: (Query, SQLDialect, SQLInputs) throws(UpliftError) -> String
    var answer: (SQLRows, Query) throws(UpliftError) -> Result
}

// The questions that compile, each with its compiler and answer builder.
extension CompiledQuestion where Query == TrendQuery, Result == TrendResult {
    static var trend: Self { Self(name: "trend", compile: TrendSQL.compile, answer: TrendSQL.result) }
}

extension CompiledQuestion where Query == AdoptionQuery, Result == AdoptionResult {
    static var adoption: Self { Self(name: "adoption", compile: AdoptionSQL.compile, answer: AdoptionSQL.result) }
}

extension CompiledQuestion where Query == FunnelQuery, Result == FunnelResult {
    static var funnel: Self { Self(name: "funnel", compile: FunnelSQL.compile, answer: FunnelSQL.result) }
}

extension CompiledQuestion where Query == RetentionQuery, Result == RetentionResult {
    static var retention: Self { Self(name: "retention", compile: RetentionSQL.compile, answer: RetentionSQL.result) }
}

extension CompiledQuestion where Query == LifecycleQuery, Result == LifecycleResult {
    static var lifecycle: Self { Self(name: "lifecycle", compile: LifecycleSQL.compile, answer: LifecycleSQL.result) }
}

extension CompiledQuestion where Query == FeedbackQuery, Result == FeedbackResult {
    static var feedback: Self { Self(name: "feedback", compile: FeedbackSQL.compile, answer: FeedbackSQL.result) }
}

/// Prints the question's SQL with a header naming what it reads.
func printSQL<Query, Result>(
    _ options: QueryScopeOptions, _ question: CompiledQuestion<Query, Result>, dialect: SQLDialect,
    members: [(String, JSONValue)], decode: (JSONValue, String) throws(UpliftError) -> Query
) async throws {
    let inputs = try await SQLQuestionInputs.load(options)
    let query = try decode(.object(options.scopeMembers() + members), inputs.timeZone)
    let sql = inputs.sqlInputs(dialect)
    Console.line(
        "-- Uplift: project \(inputs.project), \(inputs.files.paths.count) live segments (events not yet flushed are not included)"
    )
    Console.line(try question.compile(query, dialect, sql))
}

/// Runs the question on Spark (`--engine`) and prints the answer as `runQuery` prints the embedded engine's, with
/// the same data warnings (from the segments' metadata).
func answerOnSpark<Query, Result>(
    _ options: QueryScopeOptions, _ question: CompiledQuestion<Query, Result>, engine: SparkEngine,
    members: [(String, JSONValue)], decode: (JSONValue, String) throws(UpliftError) -> Query,
    events: (Query) -> [String], properties: (Query) -> [PropertyRef],
    json: (Result) -> JSONValue, table: (Result) -> String
) async throws {
    let inputs = try await SQLQuestionInputs.load(options)
    let query = try decode(.object(options.scopeMembers() + members), inputs.timeZone)
    let rows = try await engine.rows(
        question: question.name, files: inputs.files, basePath: inputs.basePath, personMap: inputs.personMap
    ) { (sql) throws(UpliftError) in try question.compile(query, .spark, sql) }
    let result = try question.answer(rows, query)
    let warnings = try AnalysisEngine(cacheBytes: 0).warnings(
        events: events(query), properties: properties(query), snapshot: inputs.snapshot)
    printWarnings(warnings, project: inputs.project)
    Console.line(options.output.json ? json(result).adding(warnings: warnings).compactText : table(result))
}

/// `--engine sc://…` (or `$UPLIFT_ENGINE`): the questions of a command run on Apache Spark; none, on the embedded
/// engine.
struct EngineOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Run the questions on Apache Spark through Spark Connect: sc://HOST:PORT[/;token=…;use_ssl=true;user_id=…] (also $UPLIFT_ENGINE).",
            valueName: "sc://…"))
    var engine: String?

    /// The Spark engine, nil for the embedded engine. A command line waits for an answer as long as Spark takes,
    /// up to ten minutes a call.
    func spark() throws(UpliftError) -> SparkEngine? { try sparkEngine(engine) }
}

/// `--engine` or `$UPLIFT_ENGINE` as a Spark engine whose calls may take `timeout`; nil for the embedded engine.
func sparkEngine(_ option: String?, timeout: Duration = .seconds(600)) throws(UpliftError) -> SparkEngine? {
    guard let text = option ?? ProcessInfo.processInfo.environment["UPLIFT_ENGINE"], !text.isEmpty else { return nil }
    return try SparkEngine(parsing: text, timeout: timeout)
}

/// Runs a goal evaluation or a report with its questions answered on Spark (`answeringOnEngine`).
func evaluateOnSpark<T>(
    _ engine: SparkEngine, _ inputs: SQLQuestionInputs, _ evaluate: (AnswerSheet) throws(UpliftError) -> T
) async throws(UpliftError) -> T {
    try await answeringOnEngine { (sheet) throws(UpliftError) in
        try evaluate(sheet)
    } answer: { (question) throws(UpliftError) in
        try await question.answer(
            on: engine, files: inputs.files, basePath: inputs.basePath, personMap: inputs.personMap)
    }
}
