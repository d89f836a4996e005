/// A feature flag: off, on for everyone, or on for the persons its rules select, optionally with
/// variants (multivariate). Evaluated by `Decider`:
///
/// - A disabled flag is `false` for everybody.
/// - With no rules, an enabled flag is on for everybody (a multivariate flag then picks a variant by hash).
/// - Otherwise the rules are tried in order; a rule matches a person when all its conditions hold and
///   the person's hash falls within its rollout. The first matching rule decides; when none does, `false`.
/// - The rollout hash is GrowthBook's v2 hash with the flag key as seed over the `hashAttribute` value,
///   so a person's answer is stable, and raising a rollout (10% → 20%) keeps everyone already in.
/// - A matching rule gives its fixed `variant` if it has one, else (multivariate) the variant whose
///   bucket range, scaled by the rollout as GrowthBook's coverage, holds the hash; (boolean) `true`.
package struct FlagDefinition: Sendable, Hashable {
    package struct Variant: Sendable, Hashable {
        package var key: String
        package var weight: Double
        package init(key: String, weight: Double) {
            self.key = key
            self.weight = weight
        }
    }

    /// One release condition: the rules' conditions all hold, and the person is within `rollout`.
    package struct Rule: Sendable, Hashable {
        package var conditions: [FlagCondition]
        /// Percentage of matching persons that get the flag, 0–100.
        package var rollout: Double
        /// The variant this rule serves (multivariate flags only); nil = by hash among all variants.
        package var variant: String?
        package init(conditions: [FlagCondition] = [], rollout: Double = 100, variant: String? = nil) {
            self.conditions = conditions
            self.rollout = rollout
            self.variant = variant
        }
    }

    package var key: String
    package var description: String
    package var enabled: Bool
    /// Empty for a boolean flag.
    package var variants: [Variant]
    package var rules: [Rule]
    /// The attribute hashed for rollouts; `id` (the default) is the stable id, see `Decider`.
    package var hashAttribute: String

    package init(
        key: String, description: String = "", enabled: Bool = true, variants: [Variant] = [],
        rules: [Rule] = [], hashAttribute: String = "id"
    ) {
        self.key = key
        self.description = description
        self.enabled = enabled
        self.variants = variants
        self.rules = rules
        self.hashAttribute = hashAttribute
    }

    package var isMultivariate: Bool { !variants.isEmpty }
}
