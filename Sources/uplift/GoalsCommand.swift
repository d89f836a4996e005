import ArgumentParser
import Foundation
import UpliftAnalysis
import UpliftCatalog
import UpliftGoals
import UpliftModel
import UpliftServer
import UpliftStorage

/// `uplift goals`: every goal of the PR/FAQs with its current value, target, forecast and status.
struct GoalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goals",
        abstract: "List PR/FAQ goals with current value, target, forecast to the deadline and status.",
        discussion: """
            Reads one PR/FAQ (--prfaq) or every *.md PR/FAQ in --dashboards, and evaluates each goal over the \
            project's events: complete periods only, a linear trend on the last 8 periods with an 80% prediction \
            interval (see dashboards/README.md).
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var storageOptions: StorageOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Project whose events are measured.") var project: String
    @Option(help: ArgumentHelp("One PR/FAQ file; default: every PR/FAQ in --dashboards.", valueName: "file")) var prfaq:
        String?
    @Option(help: ArgumentHelp("Folder of PR/FAQ files.", valueName: "dir")) var dashboards = "dashboards"
    @Option(
        help: ArgumentHelp("Evaluate as of this date (YYYY-MM-DD or a date-time); default: now.", valueName: "date"))
    var now: String?
    @OptionGroup var engine: EngineOption

    func run() async throws {
        try await reportingErrors {
            let documents = try loadDocuments()
            let slug = try projectSlug(project)
            let (timeZone, links, snapshot) = try await withCatalog(dataOptions, catalogOptions) { catalog in
                let p = try await existingProject(catalog, slug)
                return (
                    p.settings.timeZone,
                    try await PersonMapLoader.load(
                        catalog: catalog, dataDirectory: dataOptions.directory, project: slug),
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
            var evaluator = GoalEvaluator(engine: AnalysisEngine(cacheBytes: 1 << 30), links: links, calendar: calendar)
            func evaluate() throws(UpliftError) -> [(PrfaqDocument, [GoalStatus])] {
                try documents.map { (d) throws(UpliftError) in
                    (d, try evaluator.evaluate(d, snapshot: snapshot, now: instant))
                }
            }
            let results: [(PrfaqDocument, [GoalStatus])]
            if let spark = try engine.spark() {
                let inputs = try await SQLQuestionInputs.load(
                    data: dataOptions, catalog: catalogOptions, storage: storageOptions, project: project)
                results = try await evaluateOnSpark(spark, inputs) { (sheet) throws(UpliftError) in
                    evaluator.answers = sheet
                    return try evaluate()
                }
            } else {
                results = try evaluate()
            }
            for (document, goals) in results {
                for goal in goals {
                    for w in goal.warnings {
                        Console.error("warning: goal \(goal.goal.id) of \(document.id): " + w.message(project: slug))
                    }
                }
            }
            if output.json {
                Console.line(
                    JSONValue.object([("prfaqs", .array(results.map { d, goals in d.json(goals: goals) }))]).compactText
                )
            } else {
                Console.line(Self.table(results))
            }
        }
    }

    private func loadDocuments() throws(UpliftError) -> [PrfaqDocument] {
        try PrfaqDocument.load(file: prfaq, orEveryFileIn: dashboards)
    }

    static func table(_ results: [(PrfaqDocument, [GoalStatus])]) -> String {
        var t = Table(header: [
            "prfaq", "goal", "metric", "current", "target", "deadline", "forecast", "interval", "status",
        ])
        for (document, goals) in results {
            for g in goals {
                let f = g.forecast
                let interval =
                    f.flatMap { f in
                        f.low.flatMap { low in
                            f.high.map { "\(value(low, g.goal.metric)) – \(value($0, g.goal.metric))" }
                        }
                    } ?? ""
                t.rows.append([
                    document.id, g.goal.id, g.goal.metric.rawValue, g.current.map { value($0, g.goal.metric) } ?? "–",
                    value(g.goal.target, g.goal.metric), g.goal.deadline.description,
                    f.map { value($0.value, g.goal.metric) } ?? "", interval, g.status.rawValue,
                ])
            }
        }
        // A goal without recent data says since when under the table (as `explanation` says it in --json).
        let notes = results.flatMap { document, goals in
            goals.filter { $0.status == .noData }.map { "\(document.id)/\($0.goal.id): no_data, \($0.explanation)" }
        }
        return ([t.render()] + notes).joined(separator: "\n")
    }

    static func value(_ x: Double, _ metric: Goal.Metric) -> String {
        switch metric {
        case .adoptionRate, .funnelConversion, .retention: String(format: "%.1f%%", x * 100)
        case .nps, .csat, .propertyAverage: String(format: "%.1f", x)
        case .uniquePersons, .events, .propertySum:
            abs(x) >= 100 ? String(format: "%.0f", x) : String(format: "%.1f", x)
        }
    }
}
