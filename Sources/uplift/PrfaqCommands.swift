import ArgumentParser
import UpliftGoals
import UpliftModel

/// `uplift prfaq …`: PR/FAQ documents (Markdown with a YAML header of goals; schemas/prfaq.schema.json).
struct PrfaqCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prfaq",
        abstract: "Check PR/FAQ documents.",
        discussion: "A PR/FAQ is a Markdown file with a YAML header naming its goals (see dashboards/README.md).",
        subcommands: [Validate.self])
}

extension PrfaqCommand {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain every mistake in PR/FAQ files, with its field and line; exit 1 when any.")

        @OptionGroup var output: OutputOptions
        @Argument(help: ArgumentHelp("PR/FAQ Markdown files.", valueName: "file")) var files: [String]

        func run() async throws {
            let checks = files.map { PrfaqDocument.check(file: $0) }
            if output.json {
                let valid = checks.allSatisfy(\.problems.isEmpty)
                Console.line(JSONValue.object([("valid", .bool(valid)), ("files", .array(checks.map(\.json)))]).compactText)
            } else {
                for check in checks {
                    if let document = check.document {
                        Console.line("\(check.path): ok (\(document.id), \(document.goals.count) goal\(document.goals.count == 1 ? "" : "s"))")
                    } else {
                        Console.error(PrfaqErrors(path: check.path, problems: check.problems).description)
                    }
                }
            }
            if checks.contains(where: { !$0.problems.isEmpty }) { throw ExitCode.failure }
        }
    }
}
