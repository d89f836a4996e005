import ArgumentParser
import Foundation
import UpliftAnalysis
import UpliftCatalog
import UpliftExperiments
import UpliftGoals
import UpliftModel
import UpliftServer
import UpliftSpark
import UpliftStorage

/// `uplift report`: the HTML report of one PR/FAQ, or of every PR/FAQ in a folder with an index page.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render PR/FAQ reports as self-contained HTML (inline SVG charts, no scripts, no external requests).",
        discussion: """
            With --prfaq FILE, --out is the HTML file to write. Without it, every *.md PR/FAQ in --dashboards is \
            rendered into the folder --out, with an index.html linking them.
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var storageOptions: StorageOptions
    @Option(help: "Project whose events are measured.") var project: String
    @Option(help: ArgumentHelp("One PR/FAQ file; default: every PR/FAQ in --dashboards.", valueName: "file")) var prfaq:
        String?
    @Option(help: ArgumentHelp("Folder of PR/FAQ files.", valueName: "dir")) var dashboards = "dashboards"
    @Option(help: ArgumentHelp("The HTML file (with --prfaq) or the folder to write.", valueName: "path")) var out:
        String
    @Option(help: ArgumentHelp("Report as of this date (YYYY-MM-DD or a date-time); default: now.", valueName: "date"))
    var now: String?
    @OptionGroup var engine: EngineOption

    func run() async throws {
        try await reportingErrors {
            let documents = try loadDocuments()
            let slug = try projectSlug(project)
            let (timeZone, links, experiments, snapshot) = try await withCatalog(dataOptions, catalogOptions) {
                catalog in
                let p = try await existingProject(catalog, slug)
                // Experiments named without a definition file come from the catalog.
                var experiments: [String: ExperimentDefinition] = [:]
                for reference in documents.flatMap(\.experiments) where reference.definition == nil {
                    if let stored = try await catalog.experiment(project: slug, key: reference.key) {
                        experiments[reference.key] = try ExperimentDefinition(
                            json: try JSONValue(parsing: Array(stored.definition.utf8)))
                    }
                }
                return (
                    p.settings.timeZone,
                    try await PersonMapLoader.load(
                        catalog: catalog, dataDirectory: dataOptions.directory, project: slug), experiments,
                    try await liveSnapshot(
                        catalog, dataDirectory: dataOptions.directory, storage: storageOptions, project: slug)
                )
            }
            let calendar = try LocalCalendar(timeZone: timeZone)
            let instant =
                try now.map { text throws(UpliftError) in
                    try QueryScope.instant(text, field: "--now", calendar: calendar)
                }
                ?? Int64(Date().timeIntervalSince1970 * 1_000_000)
            let builder = ReportBuilder(
                engine: AnalysisEngine(cacheBytes: 1 << 30), links: links, calendar: calendar,
                storedExperiments: experiments)
            let spark = try engine.spark()
            let inputs =
                spark == nil
                ? nil
                : try await SQLQuestionInputs.load(
                    data: dataOptions, catalog: catalogOptions, storage: storageOptions, project: project)
            /// The document's report, its questions answered by the embedded engine or on Spark.
            func render(_ document: PrfaqDocument) async throws(UpliftError) -> String {
                guard let spark, let inputs else {
                    return try builder.render(document, snapshot: snapshot, now: instant)
                }
                var onSpark = builder
                onSpark.engineNote = "Questions answered by \(spark.label)."
                return try await evaluateOnSpark(spark, inputs) { (sheet) throws(UpliftError) in
                    onSpark.answers = sheet
                    return try onSpark.render(document, snapshot: snapshot, now: instant)
                }
            }
            if prfaq != nil, let document = documents.first {
                try Self.write(try await render(document), to: out)
                Console.line("wrote \(out)")
                return
            }
            do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
                throw UpliftError(
                    .io, "cannot create folder \(out): \(error.localizedDescription); give a writable --out folder")
            }
            var entries: [ReportIndex.Entry] = []
            for document in documents {
                let file = ReportIndex.fileName(document.id)
                try Self.write(try await render(document), to: (out as NSString).appendingPathComponent(file))
                entries.append(
                    ReportIndex.Entry(
                        file: file, title: document.title, owner: document.owner, goals: document.goals.count))
            }
            try Self.write(ReportIndex.html(entries), to: (out as NSString).appendingPathComponent("index.html"))
            Console.line("wrote \(documents.count) report(s) and index.html to \(out)")
        }
    }

    private func loadDocuments() throws(UpliftError) -> [PrfaqDocument] {
        try PrfaqDocument.load(file: prfaq, orEveryFileIn: dashboards)
    }

    static func write(_ html: String, to path: String) throws(UpliftError) {
        do { try Data(html.utf8).write(to: URL(fileURLWithPath: path)) } catch {
            throw UpliftError(.io, "cannot write \(path): \(error.localizedDescription); check the --out path")
        }
    }
}
