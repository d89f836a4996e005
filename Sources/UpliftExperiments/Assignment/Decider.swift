package import UpliftModel

/// Answers "which flags and experiment variants does this person get", deterministically and without
/// state, so that any server (and any GrowthBook SDK with the same definitions) gives the same answer.
///
/// The hash attribute `id` (the default for flags and experiments) means the *stable id*:
/// `anonymousID ?? distinctID`. SDKs keep sending the anonymous id they started with after the user
/// identifies, so a person's variant never changes at identify; a client that has no anonymous id
/// (server-side calls with the user id only) hashes the distinct id. Any other hash attribute name
/// reads that attribute (a string, or a number or boolean as written); when it is missing, null or
/// empty the person is in no experiment and in no partial rollout of that flag.
package struct Decider: Sendable {
    package var flags: [FlagDefinition]
    package var experiments: [ExperimentDefinition]

    package init(flags: [FlagDefinition], experiments: [ExperimentDefinition]) {
        self.flags = flags
        self.experiments = experiments
    }

    package func decide(_ input: DecideInput) -> DecideResult {
        var result = DecideResult()
        for flag in flags { result.flags[flag.key] = evaluate(flag, input) }
        for experiment in experiments where experiment.status == .running {
            if let variant = assign(experiment, input) { result.experiments[experiment.key] = variant }
        }
        return result
    }

    /// The variant key of a running or not running experiment for this person (nil without a hash value).
    package func assign(_ experiment: ExperimentDefinition, _ input: DecideInput) -> String? {
        guard let value = Self.hashValue(experiment.hashAttribute, input),
            let index = GrowthBookHash.assign(
                seed: experiment.seed ?? experiment.key, hashValue: value,
                weights: experiment.variants.map(\.weight)),
            experiment.variants.indices.contains(index)
        else { return nil }
        return experiment.variants[index].key
    }

    /// The flag's answer: `true`/`false`, or a variant key (see `FlagDefinition` for the rules).
    package func evaluate(_ flag: FlagDefinition, _ input: DecideInput) -> JSONValue {
        outcome(flag, input).value
    }

    /// The flag's answer and why (the rule that served it, or why none did), for SDK endpoints that
    /// report a reason (PostHog's `/flags`). `evaluate` is this answer's value: there is one evaluator.
    package func outcome(_ flag: FlagDefinition, _ input: DecideInput) -> FlagOutcome {
        guard flag.enabled else { return FlagOutcome(value: .bool(false), reason: .disabled) }
        let hashValue = Self.hashValue(flag.hashAttribute, input)
        let rules = flag.rules.isEmpty ? [FlagDefinition.Rule()] : flag.rules
        var conditionsHeld = false
        for (index, rule) in rules.enumerated()
        where rule.conditions.allSatisfy({ $0.matches(input.attributes[$0.property]) }) {
            conditionsHeld = true
            if let answer = serve(flag, rule, hashValue) {
                return FlagOutcome(value: answer, reason: .rule(index))
            }
        }
        return FlagOutcome(value: .bool(false), reason: conditionsHeld ? .outsideRollout : .noRuleMatched)
    }

    /// The rule's answer for this person, or nil when they fall outside its rollout.
    private func serve(_ flag: FlagDefinition, _ rule: FlagDefinition.Rule, _ hashValue: String?) -> JSONValue? {
        let coverage = rule.rollout / 100
        if !flag.isMultivariate || rule.variant != nil {
            // The whole population needs no hash; anything less does.
            if coverage < 1 {
                guard let hashValue, let n = GrowthBookHash.hash(seed: flag.key, value: hashValue), n < coverage else {
                    return nil
                }
            }
            return rule.variant.map(JSONValue.string) ?? .bool(true)
        }
        guard let hashValue,
            let index = GrowthBookHash.assign(
                seed: flag.key, hashValue: hashValue, weights: flag.variants.map(\.weight), coverage: coverage),
            flag.variants.indices.contains(index)
        else { return nil }
        return .string(flag.variants[index].key)
    }

    /// The text hashed for `attribute`: the stable id for `id`, else the attribute's value.
    package static func hashValue(_ attribute: String, _ input: DecideInput) -> String? {
        if attribute == "id" {
            let id = input.anonymousID.flatMap { $0.isEmpty ? nil : $0 } ?? input.distinctID
            return id.isEmpty ? nil : id
        }
        switch input.attributes[attribute] {
        case .string(let s) where !s.isEmpty: return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
}
