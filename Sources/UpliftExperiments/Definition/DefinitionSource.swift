package import UpliftModel
import Yams

/// A document (an experiment or flag definition, a PR/FAQ header) as JSON, with, when it came from YAML,
/// the line of every field, so that an error can say both where (`metrics[1].denominator.event`) and on
/// which line.
package struct DefinitionSource {
    package var value: JSONValue
    /// Field path → 1-based line (YAML only).
    package var lines: [String: Int] = [:]
    /// What the document is called in messages about it as a whole ("the definition", "the header").
    let subject: String

    package init(json: JSONValue, subject: String = "the definition") {
        value = json
        self.subject = subject
    }

    /// Parses YAML into JSON values with YAML 1.2 core scalars: unquoted `true`/`false`, `null`/`~`
    /// and numbers become JSON booleans, null and numbers; everything else (dates included) is text.
    /// The document is held to `YAMLBounds` (size, nodes, depth; no anchors or aliases) before it is composed.
    /// `lineOffset` is added to every line (a YAML header that starts further down a file).
    package init(yaml: String, lineOffset: Int = 0, subject: String = "the definition") throws(UpliftError) {
        self.subject = subject
        try YAMLBounds.check(yaml, lineOffset: lineOffset, subject: subject)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw UpliftError(.invalidInput, "the YAML does not parse: \(Self.describe(error, lineOffset: lineOffset))")
        } catch {
            throw UpliftError(.invalidInput, "the YAML does not parse")
        }
        guard let root else { throw UpliftError(.invalidInput, "the YAML document is empty") }
        var lines: [String: Int] = [:]
        value = try Self.convert(root, path: "", place: (subject, lineOffset), lines: &lines)
        self.lines = lines.mapValues { $0 + lineOffset }
    }

    /// Runs a reader over the document and turns a field error into an `UpliftError` naming the field and line.
    package func decode<T>(_ body: (JSONValue) throws(FieldError) -> T) throws(UpliftError) -> T {
        do {
            return try body(value)
        } catch {
            throw UpliftError(.invalidInput, message(error))
        }
    }

    package func message(_ error: FieldError) -> String {
        let field = error.path.isEmpty ? subject : error.path
        if let line = line(of: error.path) { return "\(field) (line \(line)): \(error.message)" }
        return "\(field): \(error.message)"
    }

    /// The line of the field, or of its nearest ancestor that exists (a missing key points at its parent).
    package func line(of path: String) -> Int? {
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

    /// `place`: the document's name in messages and the offset of its lines.
    private static func convert(
        _ node: Node, path: String, place: (subject: String, lineOffset: Int), lines: inout [String: Int],
        depth: Int = 0
    ) throws(UpliftError) -> JSONValue {
        guard depth < maxDepth else {
            throw UpliftError(
                .invalidInput,
                "\(path) (line \((node.mark?.line ?? 0) + place.lineOffset)): nested more than \(maxDepth) levels deep")
        }
        if let line = node.mark?.line, lines[path] == nil { lines[path] = line }
        switch node {
        case .scalar(let scalar):
            return scalarValue(scalar)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for (i, item) in sequence.enumerated() {
                items.append(try convert(item, path: "\(path)[\(i)]", place: place, lines: &lines, depth: depth + 1))
            }
            return .array(items)
        case .mapping(let mapping):
            var members: [(String, JSONValue)] = []
            for (key, item) in mapping {
                guard case .scalar(let k) = key else {
                    throw UpliftError(
                        .invalidInput,
                        "\(path.isEmpty ? place.subject : path) (line \((key.mark?.line ?? 0) + place.lineOffset)): keys must be plain text"
                    )
                }
                let child = FieldReader.join(path, k.string)
                if let line = key.mark?.line { lines[child] = line }
                members.append(
                    (k.string, try convert(item, path: child, place: place, lines: &lines, depth: depth + 1)))
            }
            return .object(members)
        case .alias:
            throw UpliftError(
                .invalidInput,
                "\(path.isEmpty ? place.subject : path) (line \((node.mark?.line ?? 0) + place.lineOffset)): YAML aliases are not supported; write the value out"
            )
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
        func digits() -> Int {
            var n = 0
            while let c = b.first, c >= 48, c <= 57 {
                b.removeFirst()
                n += 1
            }
            return n
        }
        if let c = b.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") { b.removeFirst() }
        let whole = digits()
        var fraction = 0
        if b.first == UInt8(ascii: ".") {
            b.removeFirst()
            fraction = digits()
        }
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
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return "\(problem) (line \(mark.line + lineOffset))"
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { UpliftError.quote($0) }.joined(separator: ", ")
            return "the key \(keys) is given twice (line \(context.mark.line + lineOffset))"
        case .reader(let problem, _, _, _):
            return problem
        default:
            return "unreadable YAML"
        }
    }
}
