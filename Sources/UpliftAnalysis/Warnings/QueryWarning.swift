package import UpliftModel

/// Something a question names that the project has never seen: the answer is still given (zeros
/// for an unknown event, no value for an unknown property), with a warning saying so and the
/// closest name the project does have.
package struct QueryWarning: Sendable, Hashable {
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String {
            case unknownEvent = "unknown_event"
            case unknownProperty = "unknown_property"
        }
        private let value: Value

        /// An event name no event of the project has.
        package static let unknownEvent = Code(value: .unknownEvent)
        /// A property (or `context.<key>`) no event of the project has.
        package static let unknownProperty = Code(value: .unknownProperty)

        package var description: String { value.rawValue }
    }

    package var code: Code
    /// The name as the question wrote it (a context key as `context.<key>`).
    package var name: String
    /// The closest known name (`NameMatcher`); nil when none is close.
    package var didYouMean: String?

    package init(code: Code, name: String, didYouMean: String? = nil) {
        self.code = code
        self.name = name
        self.didYouMean = didYouMean
    }

    /// `{"code":"unknown_event","event":"signedup","did_you_mean":"signed_up"}` or
    /// `{"code":"unknown_property","property":"plan_typ","did_you_mean":"plan_type"}` (`did_you_mean`
    /// only when there is one).
    package var json: JSONValue {
        var members: [(String, JSONValue)] = [("code", .string(code.description)), (noun, .string(name))]
        if let didYouMean { members.append(("did_you_mean", .string(didYouMean))) }
        return .object(members)
    }

    /// What the name is: `event` or `property`.
    private var noun: String { code == .unknownProperty ? "property" : "event" }

    /// One line for a person: `no event "signedup" in project demo; did you mean "signed_up"?`,
    /// `no property "plan_typ" in project demo; did you mean "plan_type"?`
    package func message(project: ProjectSlug?) -> String {
        var text = "no \(noun) \(Self.quoted(name))"
        if let project { text += " in project \(project.value)" }
        if let didYouMean { text += "; did you mean \(Self.quoted(didYouMean))?" }
        return text
    }

    /// A name in double quotes, cut after 80 characters (a line stays a line).
    private static func quoted(_ name: String) -> String {
        let cut = name.count > 80 ? name.prefix(80) + "…" : Substring(name)
        return "\"" + String(cut.map { $0.isNewline ? " " : $0 }) + "\""
    }
}

extension [QueryWarning] {
    /// `"warnings": [...]` for an answer's document.
    package var json: JSONValue { .array(map(\.json)) }
}

extension JSONValue {
    /// This object with a `warnings` member appended when there are any (an answer without
    /// warnings keeps its shape).
    package func adding(warnings: [QueryWarning]) -> JSONValue {
        guard !warnings.isEmpty, case .object(let members) = self else { return self }
        return .object(members + [("warnings", warnings.json)])
    }
}
