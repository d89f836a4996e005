import Foundation
import UpliftExperiments
public import UpliftModel

extension PrfaqDocument {
    /// The outcome of checking one file: the document when it is valid, and every problem found.
    public struct Check: Sendable {
        public var path: String
        public var document: PrfaqDocument?
        public var problems: [PrfaqProblem]

        public var json: JSONValue {
            .object([("file", .string(path)), ("valid", .bool(problems.isEmpty)),
                     ("id", document.map { .string($0.id) } ?? .null),
                     ("goals", .number(String(document?.goals.count ?? 0))),
                     ("problems", .array(problems.map(\.json)))])
        }
    }

    /// Reads and checks a PR/FAQ file, then the experiment definition files it names (relative to
    /// the document's folder): a definition that is missing or does not parse is a problem at its
    /// `experiments[i].definition` line.
    public static func check(file path: String) -> Check {
        guard let data = FileManager.default.contents(atPath: path) else {
            return Check(path: path, document: nil, problems: [PrfaqProblem(field: "", line: nil, message: "cannot read \(path); check the path")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return Check(path: path, document: nil, problems: [PrfaqProblem(field: "", line: nil, message: "\(path) is not UTF-8 text")])
        }
        let document: PrfaqDocument
        do { document = try PrfaqDocument(text: text, path: path) } catch {
            return Check(path: path, document: nil, problems: error.problems)
        }
        let problems = document.checkDefinitions()
        return Check(path: path, document: problems.isEmpty ? document : nil, problems: problems)
    }

    /// Loads a valid PR/FAQ or throws one error listing every problem.
    public static func load(file path: String) throws(UpliftError) -> PrfaqDocument {
        let check = check(file: path)
        guard let document = check.document else { throw PrfaqErrors(path: path, problems: check.problems).upliftError }
        return document
    }

    /// The experiment definition files this document names, each parsed as `uplift experiment create` would.
    public func checkDefinitions() -> [PrfaqProblem] {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var problems: [PrfaqProblem] = []
        for (i, experiment) in experiments.enumerated() {
            guard let definition = experiment.definition else { continue }
            let field = "experiments[\(i)].definition"
            let file = definition.hasPrefix("/") ? URL(fileURLWithPath: definition) : folder.appendingPathComponent(definition)
            guard let data = FileManager.default.contents(atPath: file.path), let text = String(data: data, encoding: .utf8) else {
                problems.append(PrfaqProblem(field: field, line: experiment.line, message: "cannot read \(definition) (relative to the PR/FAQ's folder); check the path"))
                continue
            }
            do {
                let parsed = try ExperimentDefinition(yaml: text)
                if parsed.key != experiment.key {
                    problems.append(PrfaqProblem(field: field, line: experiment.line, message: "\(definition) defines experiment '\(parsed.key)', not '\(experiment.key)'"))
                }
            } catch {
                problems.append(PrfaqProblem(field: field, line: experiment.line, message: "\(definition): \(error.message)"))
            }
        }
        return problems
    }
}

extension PrfaqDocument {
    /// The PR/FAQ `file` if given, else every `*.md` of `folder` but its README, in name order.
    public static func load(file: String?, orEveryFileIn folder: String) throws(UpliftError) -> [PrfaqDocument] {
        if let file { return [try load(file: file)] }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw UpliftError(.notFound, "cannot list \(folder); give --prfaq FILE or --dashboards DIR")
        }
        let files = names.filter { $0.hasSuffix(".md") && $0.lowercased() != "readme.md" }.sorted()
        guard !files.isEmpty else { throw UpliftError(.notFound, "no PR/FAQ (*.md) in \(folder); give --prfaq FILE") }
        var out: [PrfaqDocument] = []
        for name in files { out.append(try load(file: (folder as NSString).appendingPathComponent(name))) }
        return out
    }
}
