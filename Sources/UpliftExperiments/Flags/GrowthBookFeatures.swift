package import UpliftModel

/// Uplift's flags and running experiments as GrowthBook features (the `features` of GrowthBook's SDK payload),
/// so that a GrowthBook SDK evaluates them locally and answers as `Decider` does for the same attributes.
///
/// - A flag is a feature with `defaultValue: false` and one rule per flag rule, in order: a force rule
///   (`true`, or the rule's fixed variant) with `coverage` = rollout / 100, or, for a multivariate flag's rule
///   without a fixed variant, an experiment rule over the flag's variants. Both hash as `Decider` does: seed
///   the flag key, hash version 2, the flag's hash attribute.
/// - A running experiment is a feature of the same key with `defaultValue: null` and one experiment rule
///   (seed, weights and hash attribute from its definition), so `getFeatureValue(key, fallback)` is the
///   variant `/v1/decide` answers under `experiments`, or the fallback when it answers none.
/// - The hash attribute `id` is the stable id of `Decider`: the app passes the anonymous id it kept (or the
///   user id when it never had one) as the GrowthBook attribute `id`. Hash values agree for texts and integers;
///   GrowthBook does not hash a boolean and writes a number as JavaScript does (`42.0` → `42`).
///
/// Conditions are translated only where GrowthBook's evaluation gives the same answer for every attribute
/// value: `eq`/`neq`/`in`/`not_in` on texts and booleans, `is_set`/`is_not_set`. A flag with any other
/// condition is left out (`omitted`, with the reason), never served with a different meaning.
package struct GrowthBookFeatures: Sendable {
    /// A flag or experiment that is not in the payload, and why.
    package struct Omission: Sendable, Hashable {
        package var key: String
        /// `flag` or `experiment`.
        package var kind: String
        package var reason: String

        package var json: JSONValue {
            .object([("key", .string(key)), ("kind", .string(kind)), ("reason", .string(reason))])
        }
    }

    /// Feature key → GrowthBook feature definition, sorted by key.
    package var features: [(String, JSONValue)] = []
    package var omitted: [Omission] = []

    package init(_ decider: Decider) {
        var features: [String: JSONValue] = [:]
        for flag in decider.flags {
            do {
                features[flag.key] = try Self.feature(flag)
            } catch {
                omitted.append(Omission(key: flag.key, kind: "flag", reason: error.reason))
            }
        }
        for experiment in decider.experiments where experiment.status == .running {
            guard features[experiment.key] == nil else {
                omitted.append(
                    Omission(
                        key: experiment.key, kind: "experiment",
                        reason: "a flag has the same key; GrowthBook has one namespace of features"))
                continue
            }
            do {
                features[experiment.key] = try Self.feature(experiment)
            } catch {
                omitted.append(Omission(key: experiment.key, kind: "experiment", reason: error.reason))
            }
        }
        self.features = features.keys.sorted().map { ($0, features[$0] ?? .null) }
        omitted.sort { ($0.kind, $0.key) < ($1.kind, $1.key) }
    }

    /// Why a definition cannot be expressed in GrowthBook's terms with the same meaning.
    struct Untranslatable: Error {
        var reason: String
    }

    static func feature(_ flag: FlagDefinition) throws(Untranslatable) -> JSONValue {
        let hashAttribute = try attribute(flag.hashAttribute, what: "hash_attribute")
        var rules: [JSONValue] = []
        if flag.enabled {
            let flagRules = flag.rules.isEmpty ? [FlagDefinition.Rule()] : flag.rules
            for (index, rule) in flagRules.enumerated() {
                var members: [(String, JSONValue)] = [("id", .string("\(flag.key)-\(index)"))]
                if let condition = try condition(rule.conditions, rule: index) {
                    members.append(("condition", condition))
                }
                let coverage = rule.rollout / 100
                if !flag.isMultivariate || rule.variant != nil {
                    members.append(("force", rule.variant.map(JSONValue.string) ?? .bool(true)))
                    // Without a coverage GrowthBook serves everyone without hashing, as `Decider` does at 100%.
                    if coverage < 1 { members.append(("coverage", .double(coverage))) }
                } else {
                    members.append(("key", .string(flag.key)))
                    members.append(("variations", .array(flag.variants.map { .string($0.key) })))
                    members.append(("weights", .array(flag.variants.map { .double($0.weight) })))
                    members.append(("coverage", .double(coverage)))
                    members.append(("meta", meta(flag.variants.map(\.key))))
                }
                members += hashing(hashAttribute, seed: flag.key)
                rules.append(.object(members))
            }
        }
        return .object([("defaultValue", .bool(false)), ("rules", .array(rules))])
    }

    static func feature(_ experiment: ExperimentDefinition) throws(Untranslatable) -> JSONValue {
        let hashAttribute = try attribute(experiment.hashAttribute, what: "hash_attribute")
        var rule: [(String, JSONValue)] = [
            ("id", .string(experiment.key)),
            ("key", .string(experiment.key)),
            ("variations", .array(experiment.variants.map { .string($0.key) })),
            ("weights", .array(experiment.variants.map { .double($0.weight) })),
            ("coverage", .double(1)),
            ("meta", meta(experiment.variants.map(\.key))),
        ]
        if !experiment.hypothesis.isEmpty { rule.append(("name", .string(experiment.hypothesis))) }
        rule += hashing(hashAttribute, seed: experiment.seed ?? experiment.key)
        return .object([("defaultValue", .null), ("rules", .array([.object(rule)]))])
    }

    private static func hashing(_ attribute: String, seed: String) -> [(String, JSONValue)] {
        [("hashAttribute", .string(attribute)), ("seed", .string(seed)), ("hashVersion", .number("2"))]
    }

    private static func meta(_ keys: [String]) -> JSONValue {
        .array(keys.map { .object([("key", .string($0)), ("name", .string($0))]) })
    }

    /// An attribute name GrowthBook reads as the same single attribute.
    private static func attribute(_ name: String, what: String) throws(Untranslatable) -> String {
        if name.hasPrefix("$") {
            throw Untranslatable(reason: "\(what) \(UpliftError.quote(name)) starts with $, an operator to GrowthBook")
        }
        if name.contains(".") {
            throw Untranslatable(
                reason: "\(what) \(UpliftError.quote(name)) contains a dot, a nested path to GrowthBook")
        }
        return name
    }

    /// The rule's conditions (all must hold) as one GrowthBook condition; nil when there are none.
    static func condition(_ conditions: [FlagCondition], rule: Int) throws(Untranslatable) -> JSONValue? {
        var parts: [JSONValue] = []
        for (index, condition) in conditions.enumerated() {
            do {
                parts.append(try Self.condition(condition))
            } catch {
                throw Untranslatable(reason: "rules[\(rule)].conditions[\(index)]: \(error.reason)")
            }
        }
        switch parts.count {
        case 0: return nil
        case 1: return parts[0]
        default: return .object([("$and", .array(parts))])
        }
    }

    /// One condition. Equality is spelt as GrowthBook's literal match (`{"plan": "team"}`: same JSON type and
    /// value), never `$in`, which also matches a list holding the value where Uplift compares the list's text.
    static func condition(_ condition: FlagCondition) throws(Untranslatable) -> JSONValue {
        let property = try attribute(condition.property, what: "property")
        func equalities() throws(Untranslatable) -> JSONValue {
            var alternatives: [JSONValue] = []
            for value in condition.values {
                for form in try equalForms(value) { alternatives.append(.object([(property, form)])) }
            }
            return .array(alternatives)
        }
        switch condition.op {
        case .isSet: return .object([(property, .object([("$exists", .bool(true))]))])
        case .isNotSet: return .object([(property, .object([("$exists", .bool(false))]))])
        case .eq, .in: return .object([("$or", try equalities())])
        // A missing or null attribute matches neither equality, so `$nor` holds for it, as `neq` does.
        case .neq, .notIn: return .object([("$nor", try equalities())])
        case .contains:
            throw Untranslatable(
                reason:
                    "contains tests the attribute's text (numbers and lists too), GrowthBook's $regex only strings")
        case .regex:
            throw Untranslatable(
                reason: "regex patterns are Swift regular expressions; GrowthBook SDKs use their language's dialect")
        case .gt, .gte, .lt, .lte:
            throw Untranslatable(
                reason:
                    "\(condition.op.rawValue) also reads numbers sent as text (\"42\");"
                    + " GrowthBook compares only numbers"
            )
        }
    }

    /// The JSON values GrowthBook must see to match what `FlagCondition` counts as equal to `value`.
    static func equalForms(_ value: JSONValue) throws(Untranslatable) -> [JSONValue] {
        switch value {
        case .bool(let b): return [.bool(b), .string(b ? "true" : "false")]
        case .string("true"): return [.string("true"), .bool(true)]
        case .string("false"): return [.string("false"), .bool(false)]
        case .string(let s):
            if Double(s) != nil {
                throw Untranslatable(
                    reason:
                        "\(UpliftError.quote(s)) is a number to Uplift, which also matches it sent as a number or as"
                        + " other numerals; GrowthBook compares exact types"
                )
            }
            if s.hasPrefix("[") || s.hasPrefix("{") {
                throw Untranslatable(
                    reason:
                        "\(UpliftError.quote(s)) could equal the JSON text of a list or object, which Uplift"
                        + " compares and GrowthBook does not"
                )
            }
            return [.string(s)]
        case .number(let n):
            throw Untranslatable(
                reason:
                    "\(n) is compared as a number, also when sent as text (\"\(n)\"); GrowthBook compares exact types")
        case .null, .array, .object:
            throw Untranslatable(reason: "only texts, numbers and booleans are compared")
        }
    }
}
