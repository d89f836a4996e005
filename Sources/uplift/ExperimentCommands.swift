import ArgumentParser
import Foundation
import UpliftCatalog
import UpliftExperiments
import UpliftModel

/// `uplift experiment …`: definitions in the catalog. (`analyze` joins these subcommands.)
struct ExperimentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Create, list, show, start, stop, analyse and plan experiments.",
        discussion:
            "Definitions are YAML files (schemas/experiment.schema.json); the server's /v1/experiments routes see the same catalog.",
        subcommands: [Create.self, List.self, Show.self, Start.self, Stop.self, Analyze.self, Plan.self])
}

/// `--project`, the data directory and the catalog: what every definition command needs.
struct DefinitionScope: ParsableArguments {
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Project slug.") var project: String

    func slug() throws(UpliftError) -> ProjectSlug { try ProjectSlug(project) }
}

/// Reads a definition file (YAML, or JSON, which YAML includes).
func readDefinitionFile(_ path: String) throws(UpliftError) -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw UpliftError(.notFound, "cannot read the definition file \(path); check the path")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw UpliftError(.invalidUTF8, "the definition file \(path) is not UTF-8 text")
    }
    return text
}

/// A stored definition as parsed JSON (nil members when unreadable).
func storedJSON(_ text: String) -> JSONValue { (try? JSONValue(parsing: Array(text.utf8))) ?? .object([]) }

func jsonText(_ value: JSONValue?) -> String {
    switch value {
    case .string(let s)?: return s
    case .number(let n)?: return n
    case .bool(let b)?: return b ? "true" : "false"
    case nil, .null?: return ""
    default: return value?.compactText ?? ""
    }
}

extension ExperimentCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an experiment from a YAML definition file.")

        @OptionGroup var scope: DefinitionScope
        @Option(help: ArgumentHelp("The definition file (YAML).", valueName: "file.yaml")) var definition: String
        @Flag(help: "Replace the definition when the key exists.") var replace = false

        func run() async throws {
            try await reportingErrors {
                let project = try scope.slug()
                let parsed = try ExperimentDefinition(yaml: try readDefinitionFile(definition))
                let status = StoredExperiment.Status(rawValue: parsed.status.rawValue) ?? .draft
                let text = parsed.json.compactText
                try await withCatalog(scope.dataOptions, scope.catalogOptions) { catalog in
                    let outcome = try await catalog.saveExperiment(
                        project: project, key: parsed.key, status: status, definition: text, replace: replace)
                    switch outcome {
                    case .exists:
                        throw UpliftError(
                            .invalidInput,
                            "experiment '\(parsed.key)' already exists in \(project); add --replace to replace its definition"
                        )
                    case .created, .replaced:
                        if scope.output.json {
                            print(text)
                        } else {
                            print(
                                "\(outcome == .created ? "created" : "replaced") experiment \(parsed.key) (\(status.rawValue)) in \(project)"
                            )
                            if status == .draft {
                                print(
                                    Hint.complete(
                                        "Start it with `uplift experiment start \(parsed.key) --project \(project)`."))
                            }
                        }
                    }
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the project's experiments.")

        @OptionGroup var scope: DefinitionScope

        func run() async throws {
            try await reportingErrors {
                let project = try scope.slug()
                try await withCatalog(scope.dataOptions, scope.catalogOptions) { catalog in
                    let experiments = try await catalog.experiments(project: project)
                    if scope.output.json {
                        print(
                            JSONValue.object([
                                (
                                    "experiments",
                                    .array(
                                        experiments.map { e in
                                            let d = storedJSON(e.definition)
                                            return .object([
                                                ("key", .string(e.key)), ("status", .string(e.status.rawValue)),
                                                ("hypothesis", d["hypothesis"] ?? .string("")),
                                                ("variants", d["variants"] ?? .array([])),
                                                ("updated_at", .string(isoTime(e.updatedAt))),
                                            ])
                                        })
                                )
                            ]).compactText)
                    } else if experiments.isEmpty {
                        print(
                            Hint.complete(
                                "no experiments in \(project); create one with `uplift experiment create --definition FILE.yaml --project \(project)`"
                            )
                        )
                    } else {
                        var table = Table(header: ["experiment", "status", "variants", "updated", "hypothesis"])
                        for e in experiments {
                            let d = storedJSON(e.definition)
                            table.rows.append([
                                e.key, e.status.rawValue, variantSummary(d), isoTime(e.updatedAt),
                                String(jsonText(d["hypothesis"]).prefix(60)),
                            ])
                        }
                        print(table.render())
                    }
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an experiment's definition.")

        @OptionGroup var scope: DefinitionScope
        @Argument(help: "Experiment key.") var key: String

        func run() async throws {
            try await reportingErrors {
                let project = try scope.slug()
                try await withCatalog(scope.dataOptions, scope.catalogOptions) { catalog in
                    guard let stored = try await catalog.experiment(project: project, key: key) else {
                        throw UpliftError(
                            .notFound,
                            "no experiment '\(key)' in \(project); see `uplift experiment list --project \(project)`")
                    }
                    if scope.output.json {
                        print(stored.definition)
                        return
                    }
                    let d = storedJSON(stored.definition)
                    var lines = ["experiment \(stored.key) (\(stored.status.rawValue))"]
                    lines.append("hypothesis: \(jsonText(d["hypothesis"]))")
                    if let owner = d["owner"] { lines.append("owner: \(jsonText(owner))") }
                    lines.append("variants: \(variantSummary(d))")
                    if let shipped = d["shipped_variant"] { lines.append("shipped: \(jsonText(shipped))") }
                    if case .array(let metrics)? = d["metrics"] {
                        lines.append(
                            "metrics: "
                                + metrics.map { "\(jsonText($0["id"])) (\(jsonText($0["kind"])))" }.joined(
                                    separator: ", "))
                    }
                    if case .array(let guardrails)? = d["guardrails"], !guardrails.isEmpty {
                        lines.append("guardrails: " + guardrails.map { jsonText($0["id"]) }.joined(separator: ", "))
                    }
                    lines.append("method: \(jsonText(d["method"])), confidence \(jsonText(d["confidence"]))")
                    lines.append("created \(isoTime(stored.createdAt)), updated \(isoTime(stored.updatedAt))")
                    print(lines.joined(separator: "\n"))
                }
            }
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start an experiment: /v1/decide assigns its variants from now on.")

        @OptionGroup var scope: DefinitionScope
        @Argument(help: "Experiment key.") var key: String

        func run() async throws {
            try await reportingErrors {
                try await changeStatus(scope, key: key, .running, shipped: nil)
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop an experiment, optionally shipping one variant.")

        @OptionGroup var scope: DefinitionScope
        @Argument(help: "Experiment key.") var key: String
        @Option(help: ArgumentHelp("The variant to ship (the status becomes shipped).", valueName: "variant")) var ship:
            String?

        func run() async throws {
            try await reportingErrors {
                try await changeStatus(scope, key: key, ship == nil ? .stopped : .shipped, shipped: ship)
            }
        }
    }
}

private func changeStatus(
    _ scope: DefinitionScope, key: String, _ status: StoredExperiment.Status, shipped: String?
) async throws {
    let project = try scope.slug()
    try await withCatalog(scope.dataOptions, scope.catalogOptions) { catalog in
        guard let stored = try await catalog.experiment(project: project, key: key) else {
            throw UpliftError(
                .notFound, "no experiment '\(key)' in \(project); see `uplift experiment list --project \(project)`")
        }
        if let shipped {
            guard case .array(let variants)? = storedJSON(stored.definition)["variants"],
                variants.contains(where: { jsonText($0["key"]) == shipped })
            else {
                throw UpliftError(
                    .invalidInput,
                    "--ship: '\(shipped)' is not a variant of \(key); its variants are \(variantSummary(storedJSON(stored.definition)))"
                )
            }
        }
        guard
            let updated = try await catalog.setExperimentStatus(
                project: project, key: key, status: status, shippedVariant: shipped)
        else {
            throw UpliftError(.notFound, "no experiment '\(key)' in \(project)")
        }
        if scope.output.json {
            print(updated.definition)
        } else {
            print("experiment \(key) is \(status.rawValue)" + (shipped.map { " (variant \($0))" } ?? ""))
        }
    }
}

/// `control 50%, treatment 50%`.
private func variantSummary(_ definition: JSONValue) -> String {
    guard case .array(let variants)? = definition["variants"] else { return "" }
    let weights = variants.map { $0["weight"]?.doubleValue ?? 0 }
    let total = weights.reduce(0, +)
    return zip(variants, weights).map { v, w in
        let share = total > 0 ? w / total * 100 : 0
        return "\(jsonText(v["key"])) \(String(format: "%g", (share * 10).rounded() / 10))%"
    }.joined(separator: ", ")
}
