public import UpliftModel

/// One mistake in a PR/FAQ: the field as the user would point at it (`goals[2].target`), its line
/// in the file when known, and what is wrong and what to do.
public struct PrfaqProblem: Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var line: Int?
    public var message: String

    public init(field: String, line: Int?, message: String) {
        self.field = field; self.line = line; self.message = message
    }

    /// `goals[2].target (line 17): must be a number`.
    public var description: String {
        let name = field.isEmpty ? "the document" : field
        return line.map { "\(name) (line \($0)): \(message)" } ?? "\(name): \(message)"
    }

    public var json: JSONValue {
        .object([("field", .string(field)), ("line", line.map { .number(String($0)) } ?? .null), ("message", .string(message))])
    }
}

/// Every mistake found in one PR/FAQ, in the order of the file.
public struct PrfaqErrors: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var problems: [PrfaqProblem]

    public init(path: String, problems: [PrfaqProblem]) {
        self.path = path; self.problems = problems
    }

    public var description: String {
        "\(path): \(problems.count) problem\(problems.count == 1 ? "" : "s")\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }

    /// The same as one error for callers that report a single message.
    public var upliftError: UpliftError { UpliftError(.invalidInput, description) }
}
