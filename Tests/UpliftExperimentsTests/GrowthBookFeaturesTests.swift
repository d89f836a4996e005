import Testing
import UpliftExperiments
import UpliftModel

/// `GrowthBookFeatures`: every translated condition gives GrowthBook's answer equal to `FlagCondition.matches`
/// for every kind of attribute value (model-based, against the rules of GrowthBook's evaluator for the operators
/// the translation uses); what cannot be said with the same meaning is left out with its reason; rules keep
/// the hash, seed and coverage of `Decider`. (The official SDK evaluating the payload: Tests/integration/test_sdk_flags.py.)
struct GrowthBookFeaturesTests {
    /// GrowthBook's evaluation of the condition forms the translation emits (`$or`, `$nor`, `$and`, `$exists`,
    /// literal equality: the same JSON type and value, numbers by value), as in its SDKs' `evalCondition`.
    static func growthBook(_ condition: JSONValue, _ attributes: [String: JSONValue]) -> Bool {
        guard case .object(let members) = condition else { return false }
        return members.allSatisfy { key, value in
            switch (key, value) {
            case ("$or", .array(let list)): return list.contains { growthBook($0, attributes) }
            case ("$nor", .array(let list)): return !list.contains { growthBook($0, attributes) }
            case ("$and", .array(let list)): return list.allSatisfy { growthBook($0, attributes) }
            case (let property, .object(let ops)) where ops.allSatisfy({ $0.0.hasPrefix("$") }):
                let actual = attributes[property].flatMap { $0 == .null ? nil : $0 }
                return ops.allSatisfy { op, operand in
                    guard op == "$exists", case .bool(let exists) = operand else { return false }
                    return (actual != nil) == exists
                }
            case (let property, let literal): return attributes[property].map { literalEqual($0, literal) } ?? false
            }
        }
    }

    static func literalEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return Double(x) == Double(y)
        default: return false
        }
    }

    /// Attribute values of every JSON type, including texts that look like numbers, booleans and lists.
    static let values: [JSONValue?] = [
        nil, .null, .string("team"), .string("Team"), .string(""), .string("true"), .string("false"), .string("42"),
        .string("42.0"), .string("[\"team\"]"), .bool(true), .bool(false), .number("42"), .number("4.2e1"),
        .number("0"), .array([.string("team")]), .object([("plan", .string("team"))]),
    ]

    static let translatable: [FlagCondition] = [
        FlagCondition(property: "plan", op: .eq, values: [.string("team")]),
        FlagCondition(property: "plan", op: .neq, values: [.string("team")]),
        FlagCondition(property: "plan", op: .in, values: [.string("team"), .string("pro")]),
        FlagCondition(property: "plan", op: .notIn, values: [.string("team"), .string("")]),
        FlagCondition(property: "plan", op: .eq, values: [.bool(true)]),
        FlagCondition(property: "plan", op: .eq, values: [.string("false")]),
        FlagCondition(property: "plan", op: .notIn, values: [.bool(false), .string("team")]),
        FlagCondition(property: "plan", op: .isSet),
        FlagCondition(property: "plan", op: .isNotSet),
    ]

    @Test(arguments: translatable)
    func translatedConditionsAnswerAsUpliftForEveryValue(_ condition: FlagCondition) throws {
        let flag = FlagDefinition(key: "f", rules: [.init(conditions: [condition])])
        let features = GrowthBookFeatures(Decider(flags: [flag], experiments: []))
        #expect(features.omitted.isEmpty)
        let rule = try #require(
            features.features.first?.1["rules"].flatMap { if case .array(let r) = $0 { r } else { nil } }?.first)
        let translated = try #require(rule["condition"])
        for value in Self.values {
            let attributes = value.map { ["plan": $0] } ?? [:]
            #expect(
                Self.growthBook(translated, attributes) == condition.matches(value),
                "\(condition.op.rawValue) \(condition.values) on \(value.map { $0.compactText } ?? "missing")")
        }
    }

    @Test func severalConditionsAreAnAnd() throws {
        let flag = FlagDefinition(
            key: "f",
            rules: [
                .init(conditions: [
                    FlagCondition(property: "plan", op: .eq, values: [.string("team")]),
                    FlagCondition(property: "country", op: .notIn, values: [.string("FR")]),
                ])
            ])
        let features = GrowthBookFeatures(Decider(flags: [flag], experiments: []))
        let condition = try #require(
            features.features.first?.1["rules"].flatMap {
                if case .array(let r) = $0 { r[0]["condition"] } else { nil }
            })
        #expect(Self.growthBook(condition, ["plan": .string("team"), "country": .string("DE")]))
        #expect(!Self.growthBook(condition, ["plan": .string("team"), "country": .string("FR")]))
        #expect(!Self.growthBook(condition, ["country": .string("DE")]))
    }

    static let untranslatable: [(FlagCondition, String)] = [
        (FlagCondition(property: "email", op: .contains, values: [.string("@acme.com")]), "contains"),
        (FlagCondition(property: "email", op: .regex, values: [.string("acme$")]), "regex"),
        (FlagCondition(property: "seats", op: .gte, values: [.number("10")]), "gte"),
        (FlagCondition(property: "seats", op: .eq, values: [.number("10")]), "compared as a number"),
        (FlagCondition(property: "zip", op: .eq, values: [.string("01234")]), "is a number to Uplift"),
        (FlagCondition(property: "tags", op: .eq, values: [.string("[1]")]), "list or object"),
        (FlagCondition(property: "user.plan", op: .eq, values: [.string("team")]), "nested path"),
        (FlagCondition(property: "$plan", op: .eq, values: [.string("team")]), "operator"),
    ]

    @Test(arguments: untranslatable)
    func untranslatableFlagsAreLeftOutWithTheReason(_ item: (FlagCondition, String)) {
        let ok = FlagDefinition(key: "ok")
        let flag = FlagDefinition(key: "odd", rules: [.init(), .init(conditions: [item.0], rollout: 50)])
        let features = GrowthBookFeatures(Decider(flags: [ok, flag], experiments: []))
        #expect(features.features.map(\.0) == ["ok"])
        #expect(features.omitted.count == 1)
        #expect(features.omitted.first?.key == "odd" && features.omitted.first?.kind == "flag")
        let reason = features.omitted.first?.reason ?? ""
        #expect(reason.hasPrefix("rules[1].conditions[0]: ") && reason.contains(item.1), "\(reason)")
    }

    @Test func rulesHashAsTheDecider() throws {
        let flag = FlagDefinition(
            key: "hero", variants: [.init(key: "a", weight: 0.25), .init(key: "b", weight: 0.75)],
            rules: [
                .init(conditions: [FlagCondition(property: "country", op: .eq, values: [.string("JP")])], variant: "b"),
                .init(rollout: 40),
            ], hashAttribute: "account")
        let boolean = FlagDefinition(key: "nav", rules: [.init(rollout: 20)])
        let experiment = DeciderTests.experiment("checkout", weights: [0.4, 0.6])
        let same = DeciderTests.experiment("nav")  // a flag has the key: the experiment is left out
        let features = GrowthBookFeatures(Decider(flags: [flag, boolean], experiments: [experiment, same]))
        let byKey = Dictionary(uniqueKeysWithValues: features.features)
        #expect(features.features.map(\.0) == ["checkout", "hero", "nav"])
        #expect(features.omitted.map(\.key) == ["nav"] && features.omitted.first?.kind == "experiment")
        let hero = try #require(byKey["hero"])
        #expect(hero["defaultValue"] == .bool(false))
        guard case .array(let heroRules)? = hero["rules"], heroRules.count == 2 else {
            Issue.record("hero: two rules")
            return
        }
        #expect(heroRules[0]["force"] == .string("b") && heroRules[0]["coverage"] == nil)
        #expect(heroRules[1]["variations"] == .array([.string("a"), .string("b")]))
        #expect(heroRules[1]["weights"] == .array([.number("0.25"), .number("0.75")]))
        #expect(heroRules[1]["coverage"] == .number("0.4"))
        for rule in heroRules {
            #expect(rule["hashAttribute"] == .string("account") && rule["seed"] == .string("hero"))
            #expect(rule["hashVersion"] == .number("2"))
        }
        guard case .array(let navRules)? = byKey["nav"]?["rules"] else { return }
        #expect(navRules.first?["force"] == .bool(true) && navRules.first?["coverage"] == .number("0.2"))
        let checkout = try #require(byKey["checkout"])
        #expect(checkout["defaultValue"] == .null)
        guard case .array(let checkoutRules)? = checkout["rules"] else { return }
        #expect(
            checkoutRules.first?["seed"] == .string("checkout") && checkoutRules.first?["key"] == .string("checkout"))
        #expect(checkoutRules.first?["weights"] == .array([.number("0.4"), .number("0.6")]))
    }

    @Test func outcomeReasonsNameTheRule() {
        let flag = FlagDefinition(
            key: "nav",
            rules: [
                .init(conditions: [FlagCondition(property: "plan", op: .eq, values: [.string("team")])]),
                .init(conditions: [FlagCondition(property: "plan", op: .eq, values: [.string("pro")])], rollout: 0),
            ])
        let decider = Decider(flags: [flag], experiments: [])
        func reason(_ plan: String) -> FlagOutcome.Reason {
            decider.outcome(flag, DecideInput(distinctID: "u", attributes: ["plan": .string(plan)])).reason
        }
        #expect(reason("team") == .rule(0))
        #expect(reason("pro") == .outsideRollout)
        #expect(reason("free") == .noRuleMatched)
        var off = flag
        off.enabled = false
        #expect(
            decider.outcome(off, DecideInput(distinctID: "u")) == FlagOutcome(value: .bool(false), reason: .disabled))
        // `evaluate` is the outcome's value.
        for plan in ["team", "pro", "free"] {
            let input = DecideInput(distinctID: "u", attributes: ["plan": .string(plan)])
            #expect(decider.evaluate(flag, input) == decider.outcome(flag, input).value)
        }
    }
}
