import UpliftModel
import Yams

/// The PR/FAQ header as JSON with the line of every field, so that an error can say both where
/// (`goals[2].target`) and on which line of the Markdown file.
///
/// Adapted from UpliftExperiments' `DefinitionSource` (internal there): the same YAML 1.2 core
/// scalars, plus a line offset (the header starts after the opening `---`).
struct HeaderSource {
    var value: JSONValue
    /// Field path → 1-based line (YAML only).
    var lines: [String: Int] = [:]

    /// Parses YAML into JSON values with YAML 1.2 core scalars: unquoted `true`/`false`, `null`/`~`
    /// and numbers become JSON booleans, null and numbers; everything else (dates included) is text.
    /// `lineOffset` is added to every line (the header's first line in the file, minus one).
    init(yaml: String, lineOffset: Int = 0) throws(UpliftError) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw UpliftError(.invalidInput, "the YAML header does not parse: \(Self.describe(error, lineOffset: lineOffset))")
        } catch {
            throw UpliftError(.invalidInput, "the YAML does not parse")
        }
        guard let root else { throw UpliftError(.invalidInput, "the YAML header is empty") }
        var lines: [String: Int] = [:]
        value = try Self.convert(root, path: "", lines: &lines)
        self.lines = lines.mapValues { $0 + lineOffset }
    }

    /// The line of the field, or of its nearest ancestor that exists (a missing key points at its parent).
    func line(of path: String) -> Int? {
        guard !lines.isEmpty else { return nil }
        var p = Substring(path)
        while true {
            if let line = lines[String(p)] { return line }
            if p.isEmpty { return nil }
            if p.hasSuffix("]"), let open = p.lastIndex(of: "[") {
                p = p[..<open]
            } else if let dot = p.lastIndex(of: ".") {
                p = p[..<dot]
            } else {
                p = ""
            }
        }
    }

    /// Definitions nest a few levels; a far deeper document is malformed or hostile (and would recurse deeply).
    static let maxDepth = 32

    private static func convert(_ node: Node, path: String, lines: inout [String: Int], depth: Int = 0) throws(UpliftError) -> JSONValue {
        guard depth < maxDepth else {
            throw UpliftError(.invalidInput, "\(path) (line \(node.mark?.line ?? 0)): nested more than \(maxDepth) levels deep")
        }
        if let line = node.mark?.line, lines[path] == nil { lines[path] = line }
        switch node {
        case .scalar(let scalar):
            return scalarValue(scalar)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for (i, item) in sequence.enumerated() {
                items.append(try convert(item, path: "\(path)[\(i)]", lines: &lines, depth: depth + 1))
            }
            return .array(items)
        case .mapping(let mapping):
            var members: [(String, JSONValue)] = []
            for (key, item) in mapping {
                guard case .scalar(let k) = key else {
                    throw UpliftError(.invalidInput, "\(path.isEmpty ? "the header" : path) (line \(key.mark?.line ?? 0)): keys must be plain text")
                }
                let child = FieldReader.join(path, k.string)
                if let line = key.mark?.line { lines[child] = line }
                members.append((k.string, try convert(item, path: child, lines: &lines, depth: depth + 1)))
            }
            return .object(members)
        case .alias:
            throw UpliftError(.invalidInput, "\(path.isEmpty ? "the header" : path) (line \(node.mark?.line ?? 0)): YAML aliases are not supported; write the value out")
        }
    }

    private static func scalarValue(_ scalar: Node.Scalar) -> JSONValue {
        let text = scalar.string
        guard scalar.style == .plain else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if isYAMLNumber(text), let d = Double(text), d.isFinite {
            return .number(isJSONNumber(text) ? text : "\(d)")
        }
        return .string(text)
    }

    /// YAML 1.2 core schema decimal numbers: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
    static func isYAMLNumber(_ text: String) -> Bool {
        var b = Array(text.utf8)[...]
        func digits() -> Int { var n = 0; while let c = b.first, c >= 48, c <= 57 { b.removeFirst(); n += 1 }; return n }
        if let c = b.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") { b.removeFirst() }
        let whole = digits()
        var fraction = 0
        if b.first == UInt8(ascii: ".") { b.removeFirst(); fraction = digits() }
        guard whole > 0 || fraction > 0 else { return false }
        if let c = b.first, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            b.removeFirst()
            if let s = b.first, s == UInt8(ascii: "-") || s == UInt8(ascii: "+") { b.removeFirst() }
            guard digits() > 0 else { return false }
        }
        return b.isEmpty
    }

    /// RFC 8259 number text (no `+`, no leading zeros, digits on both sides of `.`).
    static func isJSONNumber(_ text: String) -> Bool {
        (try? JSONValue(parsing: Array(text.utf8))).map { if case .number = $0 { true } else { false } } ?? false
    }

    private static func describe(_ error: YamlError, lineOffset: Int) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "\(problem) (line \(mark.line + lineOffset))"
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "the key \(duplicates.joined(separator: ", ")) is given twice (line \(context.mark.line + lineOffset))"
        case .reader(let problem, _, _, _):
            return problem
        default:
            return "unreadable YAML"
        }
    }
}
