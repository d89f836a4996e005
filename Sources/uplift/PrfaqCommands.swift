import ArgumentParser
import Foundation
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
        @Argument(
            help: ArgumentHelp(
                "PR/FAQ Markdown files, or folders: every *.md in them but README.md.", valueName: "file"))
        var files: [String]

        func run() async throws {
            var paths: [String] = []
            for file in files {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), isFolder.boolValue {
                    do { paths += try PrfaqDocument.files(in: file) } catch {
                        Console.error("uplift: \(error.message)")
                        throw ExitCode.failure
                    }
                } else {
                    paths.append(file)
                }
            }
            guard !paths.isEmpty else {
                Console.error(
                    "uplift: no PR/FAQ (*.md) in \(files.joined(separator: ", ")); give PR/FAQ files or a folder of them"
                )
                throw ExitCode.failure
            }
            let checks = paths.map { PrfaqDocument.check(file: $0) }
            if output.json {
                let valid = checks.allSatisfy(\.problems.isEmpty)
                Console.line(
                    JSONValue.object([("valid", .bool(valid)), ("files", .array(checks.map(\.json)))]).compactText)
            } else {
                for check in checks {
                    if let document = check.document {
                        Console.line(
                            "\(check.path): ok (\(document.id), \(document.goals.count) goal\(document.goals.count == 1 ? "" : "s"))"
                        )
                    } else {
                        Console.error(PrfaqErrors(path: check.path, problems: check.problems).description)
                    }
                }
            }
            if checks.contains(where: { !$0.problems.isEmpty }) { throw ExitCode.failure }
        }
    }
}
