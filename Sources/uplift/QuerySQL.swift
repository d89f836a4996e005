import ArgumentParser
import Foundation
import UpliftAnalysis
import UpliftCatalog
import UpliftModel
import UpliftSQL
import UpliftServer
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
    var segments: [String]
    var basePath: String
    var personMap: String
    var shredded: [String: ShreddedProperty.Kind]

    static func load(_ options: QueryScopeOptions) async throws -> SQLQuestionInputs {
        let slug = try projectSlug(options.project)
        let directory = options.dataOptions.directory
        let (timeZone, snapshot, personMap) = try await withCatalog(options.dataOptions, options.catalogOptions) {
            catalog in
            guard let project = try await catalog.project(slug) else {
                throw UpliftError(
                    .notFound,
                    "project '\(slug)' does not exist; create it with `uplift project create \(slug)` or import events into it"
                )
            }
            let snapshot = try await liveSnapshot(
                catalog, dataDirectory: directory, storage: options.storageOptions, project: slug)
            let personMap = try await PersonMapLoader.currentFile(
                catalog: catalog, dataDirectory: directory, project: slug)
            return (project.settings.timeZone, snapshot, personMap)
        }
        var shredded: [String: ShreddedProperty.Kind] = [:]
        for path in snapshot.segments {
            for property in try SegmentReader.shredding(path: path).properties where shredded[property.key] == nil {
                shredded[property.key] = property.kind
            }
        }
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : cwd + "/" + path }
        let segments = snapshot.segments.map(absolute)
        // Segments are `<root>/events/project=<slug>/date=<day>/<file>`: their partitions start under `events`.
        let basePath =
            segments.first.flatMap { path in path.range(of: "/events/project=").map { String(path[..<$0.lowerBound]) } }
            .map { $0 + "/events" } ?? absolute(directory) + "/events"
        return SQLQuestionInputs(
            timeZone: timeZone, project: slug, segments: segments, basePath: basePath, personMap: absolute(personMap),
            shredded: shredded)
    }
}

/// Decodes the question as `runQuery` does, then prints its SQL (`compile`) with a header naming what it reads.
func printSQL<Query>(
    _ options: QueryScopeOptions, dialect: SQLDialect, members: [(String, JSONValue)],
    decode: (JSONValue, String) throws(UpliftError) -> Query,
    compile: (Query, SQLDialect, SQLInputs) throws(UpliftError) -> String
) async throws {
    try await reportingErrors {
        let inputs = try await SQLQuestionInputs.load(options)
        let query = try decode(.object(options.scopeMembers() + members), inputs.timeZone)
        let sql: SQLInputs =
            switch dialect {
            case .duckdb:
                .duckdbFiles(segments: inputs.segments, personMap: inputs.personMap, shredded: inputs.shredded)
            // Spark reads the views Uplift's Spark Connect client creates over the same files.
            case .spark: SQLInputs(events: "uplift_events", personMap: "uplift_persons", shredded: inputs.shredded)
            }
        Console.line(
            "-- Uplift: project \(inputs.project), \(inputs.segments.count) live segments (events not yet flushed are not included)"
        )
        Console.line(try compile(query, dialect, sql))
    }
}

/// Runs the question on Spark (`--engine`) and prints the answer as `runQuery` prints the embedded engine's.
func runOnSpark<Query, Result>(
    _ options: QueryScopeOptions, engine: SparkEngine, members: [(String, JSONValue)],
    decode: (JSONValue, String) throws(UpliftError) -> Query,
    compile: (Query, SQLDialect, SQLInputs) throws(UpliftError) -> String,
    answer: (SQLRows, Query) throws(UpliftError) -> Result,
    json: (Result) -> JSONValue, table: (Result) -> String
) async throws {
    try await reportingErrors {
        let inputs = try await SQLQuestionInputs.load(options)
        let query = try decode(.object(options.scopeMembers() + members), inputs.timeZone)
        let rows = try await engine.rows(
            segments: inputs.segments, basePath: inputs.basePath, personMap: inputs.personMap,
            shredded: inputs.shredded
        ) { (sql) throws(UpliftError) in try compile(query, .spark, sql) }
        let result = try answer(rows, query)
        Console.line(options.output.json ? json(result).compactText : table(result))
    }
}
