package import UpliftModel

/// A flag's answer for one person, with the reason for it.
package struct FlagOutcome: Sendable, Hashable {
    package enum Reason: Sendable, Hashable {
        /// The rule at this index (0-based, in the flag's order; a flag without rules has one, index 0) served it.
        case rule(Int)
        /// Some rule's conditions held, but the person fell outside its rollout (or had no hash value).
        case outsideRollout
        /// No rule's conditions held.
        case noRuleMatched
        /// The flag is disabled.
        case disabled
    }

    /// `true`/`false` or a variant key, as `Decider.evaluate` answers.
    package var value: JSONValue
    package var reason: Reason

    package init(value: JSONValue, reason: Reason) {
        self.value = value
        self.reason = reason
    }
}
