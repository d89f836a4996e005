import Foundation
import UpliftExperiments
package import UpliftModel

extension PrfaqDocument {
    /// The outcome of checking one file: the document when it is valid, and every problem found.
    package struct Check: Sendable {
        package var path: String
        package var document: PrfaqDocument?
        package var problems: [PrfaqProblem]

        package var json: JSONValue {
            .object([
                ("file", .string(path)), ("valid", .bool(problems.isEmpty)),
                ("id", document.map { .string($0.id) } ?? .null),
                ("goals", .number(String(document?.goals.count ?? 0))),
                ("problems", .array(problems.map(\.json))),
            ])
        }
    }

    /// Reads and checks a PR/FAQ file, then the experiment definition files it names (inside the
    /// document's folder, see `PrfaqFiles`): a definition that is missing, outside the folder or does
    /// not parse is a problem at its `experiments[i].definition` line. `details`: whether a problem
    /// inside a definition file says what it is (`uplift prfaq validate`, run by whoever owns the
    /// files); the server says only that the file is invalid, so that no answer quotes a file.
    package static func check(file path: String, details: Bool = true) -> Check {
        let text: String
        do { text = try PrfaqFiles.document(path) } catch {
            let problem = PrfaqProblem(field: "", line: nil, message: error.message)
            return Check(path: path, document: nil, problems: [problem])
        }
        let document: PrfaqDocument
        do { document = try PrfaqDocument(text: text, path: path) } catch {
            return Check(path: path, document: nil, problems: error.problems)
        }
        let problems = document.checkDefinitions(details: details)
        return Check(path: path, document: problems.isEmpty ? document : nil, problems: problems)
    }

    /// Loads a valid PR/FAQ or throws one error listing every problem.
    package static func load(file path: String) throws(UpliftError) -> PrfaqDocument {
        let check = check(file: path)
        guard let document = check.document else { throw PrfaqErrors(path: path, problems: check.problems).upliftError }
        return document
    }

    /// The folder the document's definition files are confined to: the document's own.
    package var folder: String { (path as NSString).deletingLastPathComponent }

    /// The experiment definition files this document names, each parsed as `uplift experiment create` would.
    package func checkDefinitions(details: Bool = true) -> [PrfaqProblem] {
        var problems: [PrfaqProblem] = []
        for (i, experiment) in experiments.enumerated() {
            guard let definition = experiment.definition else { continue }
            func problem(_ message: String) {
                problems.append(
                    PrfaqProblem(field: "experiments[\(i)].definition", line: experiment.line, message: message))
            }
            let text: String
            do { text = try PrfaqFiles.definition(definition, folder: folder) } catch {
                problem(error.message)
                continue
            }
            do {
                let parsed = try ExperimentDefinition(yaml: text)
                if parsed.key != experiment.key {
                    problem(
                        details
                            ? "\(definition) defines experiment '\(parsed.key)', not '\(experiment.key)'"
                            : "the file defines another experiment than '\(experiment.key)'")
                }
            } catch {
                problem(
                    details
                        ? "\(definition): \(error.message)"
                        : "the file is not a valid experiment definition; "
                            + "`uplift prfaq validate` on this PR/FAQ says why")
            }
        }
        return problems
    }
}

extension PrfaqDocument {
    /// The PR/FAQ `file` if given, else every PR/FAQ of `folder` (see `files(in:)`); any invalid file is an error.
    package static func load(file: String?, orEveryFileIn folder: String) throws(UpliftError) -> [PrfaqDocument] {
        if let file { return [try load(file: file)] }
        let files = try files(in: folder)
        guard !files.isEmpty else { throw UpliftError(.notFound, "no PR/FAQ (*.md) in \(folder); give --prfaq FILE") }
        var out: [PrfaqDocument] = []
        for path in files { out.append(try load(file: path)) }
        return out
    }

    /// The paths of every `*.md` of `folder` but its README, in name order.
    package static func files(in folder: String) throws(UpliftError) -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw UpliftError(.notFound, "cannot list \(folder); give --prfaq FILE or --dashboards DIR")
        }
        return names.filter { $0.hasSuffix(".md") && $0.lowercased() != "readme.md" }.sorted()
            .map { (folder as NSString).appendingPathComponent($0) }
    }
}

/// Every PR/FAQ of a folder, read as it is now (the server reads it on each request, so an edited
/// file shows without a restart): the valid documents, and the files that do not validate with
/// their problems, so one broken file does not hide the others.
package struct DashboardFolder: Sendable {
    package var documents: [PrfaqDocument]
    package var invalid: [PrfaqDocument.Check]

    package init(_ folder: String) throws(UpliftError) {
        let checks = try PrfaqDocument.files(in: folder).map { PrfaqDocument.check(file: $0, details: false) }
        documents = checks.compactMap(\.document)
        invalid = checks.filter { $0.document == nil }
    }

    package func document(id: String) -> PrfaqDocument? {
        documents.first { $0.id == id }
    }
}
