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
public struct FlagDefinition: Sendable, Hashable {
    public struct Variant: Sendable, Hashable {
        public var key: String
        public var weight: Double
        public init(key: String, weight: Double) {
            self.key = key
            self.weight = weight
        }
    }

    /// One release condition: the rules' conditions all hold, and the person is within `rollout`.
    public struct Rule: Sendable, Hashable {
        public var conditions: [FlagCondition]
        /// Percentage of matching persons that get the flag, 0–100.
        public var rollout: Double
        /// The variant this rule serves (multivariate flags only); nil = by hash among all variants.
        public var variant: String?
        public init(conditions: [FlagCondition] = [], rollout: Double = 100, variant: String? = nil) {
            self.conditions = conditions
            self.rollout = rollout
            self.variant = variant
        }
    }

    public var key: String
    public var description: String
    public var enabled: Bool
    /// Empty for a boolean flag.
    public var variants: [Variant]
    public var rules: [Rule]
    /// The attribute hashed for rollouts; `id` (the default) is the stable id, see `Decider`.
    public var hashAttribute: String

    public init(key: String, description: String = "", enabled: Bool = true, variants: [Variant] = [],
                rules: [Rule] = [], hashAttribute: String = "id") {
        self.key = key
        self.description = description
        self.enabled = enabled
        self.variants = variants
        self.rules = rules
        self.hashAttribute = hashAttribute
    }

    public var isMultivariate: Bool { !variants.isEmpty }
}
