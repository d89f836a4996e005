package import UpliftModel

/// What `POST /v1/decide` receives: who is asking, and the attributes rules can target.
package struct DecideInput: Sendable, Hashable {
    /// The id the SDK sends now (after identify, the user id).
    package var distinctID: String
    /// The id the SDK kept from before identify; when present it is the stable id (see `Decider`).
    package var anonymousID: String?
    /// Person or event properties (country, plan, tenant …) for flag conditions and other hash attributes.
    package var attributes: [String: JSONValue]

    package init(distinctID: String, anonymousID: String? = nil, attributes: [String: JSONValue] = [:]) {
        self.distinctID = distinctID
        self.anonymousID = anonymousID
        self.attributes = attributes
    }
}

/// What `POST /v1/decide` answers.
package struct DecideResult: Sendable, Hashable {
    /// Flag key → `true`/`false` (boolean flags) or the variant key (multivariate flags, `false` when off).
    package var flags: [String: JSONValue]
    /// Experiment key → variant key, for the running experiments the person is in.
    package var experiments: [String: String]

    package init(flags: [String: JSONValue] = [:], experiments: [String: String] = [:]) {
        self.flags = flags
        self.experiments = experiments
    }

    /// `{"flags": {...}, "experiments": {...}}`, keys sorted so that the document is reproducible.
    package var json: JSONValue {
        .object([
            ("flags", .object(flags.keys.sorted().map { ($0, flags[$0] ?? .null) })),
            ("experiments", .object(experiments.keys.sorted().map { ($0, .string(experiments[$0] ?? "")) })),
        ])
    }
}
