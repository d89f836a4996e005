package import UpliftModel

/// One mistake in a PR/FAQ: the field as the user would point at it (`goals[2].target`), its line
/// in the file when known, and what is wrong and what to do.
package struct PrfaqProblem: Sendable, Hashable, CustomStringConvertible {
    package var field: String
    package var line: Int?
    package var message: String

    package init(field: String, line: Int?, message: String) {
        self.field = field
        self.line = line
        self.message = message
    }

    /// `goals[2].target (line 17): must be a number`.
    package var description: String {
        let name = field.isEmpty ? "the document" : field
        return line.map { "\(name) (line \($0)): \(message)" } ?? "\(name): \(message)"
    }

    package var json: JSONValue {
        .object([
            ("field", .string(field)), ("line", line.map { .number(String($0)) } ?? .null),
            ("message", .string(message)),
        ])
    }
}

/// Every mistake found in one PR/FAQ, in the order of the file.
package struct PrfaqErrors: Error, Sendable, CustomStringConvertible {
    package var path: String
    package var problems: [PrfaqProblem]

    package init(path: String, problems: [PrfaqProblem]) {
        self.path = path
        self.problems = problems
    }

    package var description: String {
        "\(path): \(problems.count) problem\(problems.count == 1 ? "" : "s")\n"
            + problems.map { "  \($0)" }.joined(separator: "\n")
    }

    /// The same as one error for callers that report a single message.
    package var upliftError: UpliftError { UpliftError(.invalidInput, description) }
}
