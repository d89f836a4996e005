import ArgumentParser
import Foundation
import UpliftAnalysis
import UpliftCatalog
import UpliftExperiments
import UpliftModel
import UpliftSQL
import UpliftServer
import UpliftSpark
import UpliftStorage

extension ExperimentCommand {
    /// `uplift experiment analyze KEY [--definition FILE.yaml] [--from D --to D] [--json]`: the same query and
    /// document as `POST /v1/query/experiment`, read-only beside a running server.
    struct Analyze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Analyse an experiment: exposures, sample ratio, each metric per variant, and the decision.",
            discussion:
                "The definition is the catalog's, or --definition FILE.yaml. The range defaults to the definition's start and stop (or now)."
        )

        @OptionGroup var dataOptions: DataOptions
        @OptionGroup var catalogOptions: CatalogOptions
        @OptionGroup var storageOptions: StorageOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Project slug.") var project: String
        @Argument(help: "The experiment's key.") var key: String
        @Option(help: ArgumentHelp("Analyse this definition (YAML) instead of the catalog's.", valueName: "file.yaml"))
        var definition: String?
        @Option(help: ArgumentHelp("Start of the range, inclusive: YYYY-MM-DD or a date-time.", valueName: "date"))
        var from: String?
        @Option(
            help: ArgumentHelp(
                "End of the range: YYYY-MM-DD includes that day; a date-time is an exclusive instant.",
                valueName: "date"))
        var to: String?
        @Option(help: ArgumentHelp("IANA time zone of the dates; defaults to the project's.", valueName: "zone"))
        var timeZone: String?
        @Option(
            help: ArgumentHelp(
                "Correction across primary metrics × variants: holm, benjamini-hochberg or none.", valueName: "name"))
        var correction: String?
        @OptionGroup var sql: SQLOption
        @OptionGroup var engine: EngineOption

        func run() async throws {
            try await reportingErrors {
                let slug = try projectSlug(project)
                var members: [(String, JSONValue)] = [("project", .string(project))]
                if let definition {
                    let parsed = try ExperimentDefinition(yaml: try readDefinitionFile(definition))
                    guard parsed.key == key else {
                        throw UpliftError(
                            .invalidInput, "the definition file \(definition) is for '\(parsed.key)', not '\(key)'")
                    }
                    members.append(("definition", parsed.json))
                } else {
                    members.append(("experiment", .string(key)))
                }
                if let from { members.append(("from", .string(from))) }
                if let to { members.append(("to", .string(to))) }
                if let timeZone { members.append(("time_zone", .string(timeZone))) }
                if let correction { members.append(("correction", .string(correction))) }

                let (zone, links, stored, snapshot) = try await withCatalog(dataOptions, catalogOptions) { catalog in
                    let settings = try await existingProject(catalog, slug).settings
                    let stored = definition == nil ? try await catalog.experiment(project: slug, key: key) : nil
                    return (
                        settings.timeZone,
                        try await PersonMapLoader.load(
                            catalog: catalog, dataDirectory: dataOptions.directory, project: slug), stored,
                        try await liveSnapshot(
                            catalog, dataDirectory: dataOptions.directory, storage: storageOptions, project: slug)
                    )
                }
                let query = try ExperimentQuery(json: .object(members), defaultTimeZone: zone)
                let resolved: ExperimentDefinition
                switch query.source {
                case .definition(let inline): resolved = inline
                case .key:
                    guard let stored else {
                        throw UpliftError(
                            .notFound,
                            "no experiment '\(key)' in \(slug); create it with `uplift experiment create --definition FILE.yaml` or pass --definition"
                        )
                    }
                    resolved = try ExperimentDefinition(json: try JSONValue(parsing: Array(stored.definition.utf8)))
                }
                let range = try query.range(of: resolved, now: Timestamp.now())
                if let dialect = try sql.parsed() {
                    let inputs = try await SQLQuestionInputs.load(
                        data: dataOptions, catalog: catalogOptions, storage: storageOptions, project: project)
                    Console.line(
                        "-- Uplift: project \(slug), \(inputs.files.paths.count) live segments (events not yet flushed are not included)"
                    )
                    Console.line(
                        try ExperimentSQL.compile(
                            resolved, from: range.from, to: range.to, dialect: dialect,
                            inputs: inputs.sqlInputs(dialect)))
                    return
                }
                if let spark = try engine.spark() {
                    let inputs = try await SQLQuestionInputs.load(
                        data: dataOptions, catalog: catalogOptions, storage: storageOptions, project: project)
                    let rows = try await spark.rows(
                        question: "experiment analysis", files: inputs.files, basePath: inputs.basePath,
                        personMap: inputs.personMap
                    ) { (sql) throws(UpliftError) in
                        try ExperimentSQL.compile(
                            resolved, from: range.from, to: range.to, dialect: .spark, inputs: sql)
                    }
                    let data = try ExperimentSQL.data(rows, resolved, from: range.from, to: range.to)
                    let result = ExperimentAnalysis.analyze(resolved, data: data, correction: query.correction)
                    let warnings = try AnalysisEngine(cacheBytes: 0).warnings(
                        events: resolved.eventNames, properties: resolved.propertyRefs, snapshot: inputs.snapshot)
                    printWarnings(warnings, project: slug)
                    Console.line(
                        output.json
                            ? result.json.adding(warnings: warnings).compactText : ExperimentTable.render(result))
                    return
                }
                // One analysis, then exit: a cache would only cost memory.
                let engine = AnalysisEngine(cacheBytes: 0)
                let result = try ExperimentAnalysis.run(
                    resolved, from: range.from, to: range.to, snapshot: snapshot, links: links,
                    engine: engine, correction: query.correction)
                let warnings = try engine.warnings(
                    events: resolved.eventNames, properties: resolved.propertyRefs, snapshot: snapshot)
                printWarnings(warnings, project: slug)
                Console.line(
                    output.json ? result.json.adding(warnings: warnings).compactText : ExperimentTable.render(result))
            }
        }
    }
}
