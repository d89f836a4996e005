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

/// Decodes the question as `runQuery` does, then prints its SQL (`compile`) with a header naming what it reads.
func printSQL<Query>(
    _ options: QueryScopeOptions, dialect: SQLDialect, members: [(String, JSONValue)],
    decode: (JSONValue, String) throws(UpliftError) -> Query,
    compile: (Query, SQLDialect, SQLInputs) throws(UpliftError) -> String
) async throws {
    try await reportingErrors {
        let slug = try projectSlug(options.project)
        let (timeZone, snapshot, personMap) = try await withCatalog(options.dataOptions, options.catalogOptions) {
            catalog in
            guard let project = try await catalog.project(slug) else {
                throw UpliftError(
                    .notFound,
                    "project '\(slug)' does not exist; create it with `uplift project create \(slug)` or import events into it"
                )
            }
            let snapshot = try await liveSnapshot(
                catalog, dataDirectory: options.dataOptions.directory, storage: options.storageOptions, project: slug)
            let personMap = try await PersonMapLoader.currentFile(
                catalog: catalog, dataDirectory: options.dataOptions.directory, project: slug)
            return (project.settings.timeZone, snapshot, personMap)
        }
        let query = try decode(.object(options.scopeMembers() + members), timeZone)
        var shredded: [String: ShreddedProperty.Kind] = [:]
        for path in snapshot.segments {
            for property in try SegmentReader.shredding(path: path).properties where shredded[property.key] == nil {
                shredded[property.key] = property.kind
            }
        }
        // Absolute paths: the statement runs wherever it is pasted.
        let directory = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : directory + "/" + path }
        let inputs: SQLInputs =
            switch dialect {
            case .duckdb:
                .duckdbFiles(
                    segments: snapshot.segments.map(absolute), personMap: absolute(personMap), shredded: shredded)
            // Spark reads the views Uplift's Spark Connect client creates over the same files.
            case .spark: SQLInputs(events: "uplift_events", personMap: "uplift_persons", shredded: shredded)
            }
        Console.line(
            "-- Uplift: project \(slug), \(snapshot.segments.count) live segments (events not yet flushed are not included)"
        )
        Console.line(try compile(query, dialect, inputs))
    }
}
