import ArgumentParser
import Foundation
import UpliftCatalog
import UpliftExperiments
import UpliftModel

/// `uplift flag …`: feature flag definitions in the catalog.
struct FlagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flag",
        abstract: "Create, list, show, enable and disable feature flags.",
        subcommands: [Create.self, List.self, Show.self, Enable.self, Disable.self])
}

extension FlagCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a flag from a YAML definition file.")

        @OptionGroup var scope: DefinitionScope
        @Option(help: ArgumentHelp("The definition file (YAML).", valueName: "file.yaml")) var definition: String
        @Flag(help: "Replace the definition when the key exists.") var replace = false

        func run() async throws {
            try await reportingErrors {
                let project = try scope.slug()
                let parsed = try FlagDefinition(yaml: try readDefinitionFile(definition))
                let text = parsed.json.compactText
                try await withCatalog(scope.dataOptions, scope.catalogOptions) { catalog in
                    let outcome = try await catalog.saveFlag(
                        project: project, key: parsed.key, enabled: parsed.enabled, definition: text, replace: replace)
                    switch outcome {
                    case .exists:
                        throw UpliftError(
                            .invalidInput,
                            "flag '\(parsed.key)' already exists in \(project); add --replace to replace its definition"
                        )
                    case .created, .replaced:
                        if scope.output.json {
                            print(text)
                        } else {
                            print(
                                "\(outcome == .created ? "created" : "replaced") flag \(parsed.key) (\(parsed.enabled ? "enabled" : "disabled")) in \(project)"
                            )
                        }
                    }
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the project's flags.")

        @OptionGroup var scope: DefinitionScope

        func run() async throws {
            try await reportingErrors {
                let project = try scope.slug()
                try await withCatalog(scope.dataOptions, scope.catalogOptions) { catalog in
                    let flags = try await catalog.flags(project: project)
                    if scope.output.json {
                        print(
                            JSONValue.object([
                                (
                                    "flags",
                                    .array(
                                        flags.map { f in
                                            .object([
                                                ("key", .string(f.key)), ("enabled", .bool(f.enabled)),
                                                ("description", storedJSON(f.definition)["description"] ?? .string("")),
                                                ("updated_at", .string(isoTime(f.updatedAt))),
                                            ])
                                        })
                                )
                            ]).compactText)
                    } else if flags.isEmpty {
                        print(
                            Hint.complete(
                                "no flags in \(project); create one with `uplift flag create --definition FILE.yaml --project \(project)`"
                            )
                        )
                    } else {
                        var table = Table(header: ["flag", "enabled", "updated", "description"])
                        for f in flags {
                            table.rows.append([
                                f.key, f.enabled ? "yes" : "no", isoTime(f.updatedAt),
                                String(jsonText(storedJSON(f.definition)["description"]).prefix(60)),
                            ])
                        }
                        print(table.render())
                    }
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a flag's definition (JSON).")

        @OptionGroup var scope: DefinitionScope
        @Argument(help: "Flag key.") var key: String

        func run() async throws {
            try await reportingErrors {
                let project = try scope.slug()
                try await withCatalog(scope.dataOptions, scope.catalogOptions) { catalog in
                    guard let stored = try await catalog.flag(project: project, key: key) else {
                        throw UpliftError(
                            .notFound, "no flag '\(key)' in \(project); see `uplift flag list --project \(project)`")
                    }
                    if scope.output.json {
                        print(stored.definition)
                    } else {
                        print(
                            "flag \(stored.key) (\(stored.enabled ? "enabled" : "disabled")), updated \(isoTime(stored.updatedAt))"
                        )
                        print(stored.definition)
                    }
                }
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn a flag on.")
        @OptionGroup var scope: DefinitionScope
        @Argument(help: "Flag key.") var key: String
        func run() async throws { try await reportingErrors { try await switchFlag(scope, key: key, true) } }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn a flag off (everyone gets its off value).")
        @OptionGroup var scope: DefinitionScope
        @Argument(help: "Flag key.") var key: String
        func run() async throws { try await reportingErrors { try await switchFlag(scope, key: key, false) } }
    }
}

private func switchFlag(_ scope: DefinitionScope, key: String, _ enabled: Bool) async throws {
    let project = try scope.slug()
    try await withCatalog(scope.dataOptions, scope.catalogOptions) { catalog in
        guard let updated = try await catalog.setFlagEnabled(project: project, key: key, enabled) else {
            throw UpliftError(.notFound, "no flag '\(key)' in \(project); see `uplift flag list --project \(project)`")
        }
        print(scope.output.json ? updated.definition : "flag \(key) is \(enabled ? "enabled" : "disabled")")
    }
}
