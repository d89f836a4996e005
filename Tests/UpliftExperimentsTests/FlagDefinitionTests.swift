import Testing
import UpliftExperiments
import UpliftModel

struct FlagDefinitionTests {
    static let multivariate = """
        key: new-checkout
        description: The one-page checkout.
        variants:
          - key: control
            weight: 0.5
          - key: one-page
            weight: 0.5
        rules:
          - conditions:
              - property: email
                op: regex
                value: "@example\\\\.com$"
            variant: one-page
          - conditions:
              - property: country
                op: in
                value: [DE, FR]
              - property: plan
                op: neq
                value: enterprise
              - property: seats
                op: gte
                value: 5
            rollout: 20
          - conditions:
              - property: beta
                op: is_set
        hash_attribute: tenant
        """

    @Test func parses() throws {
        let f = try FlagDefinition(yaml: Self.multivariate)
        #expect(f.key == "new-checkout" && f.enabled && f.isMultivariate && f.hashAttribute == "tenant")
        #expect(f.variants.map(\.key) == ["control", "one-page"])
        #expect(f.rules.count == 3)
        #expect(
            f.rules[0].conditions == [
                FlagCondition(property: "email", op: .regex, values: [.string("@example\\.com$")])
            ])
        #expect(f.rules[0].variant == "one-page" && f.rules[0].rollout == 100)
        #expect(f.rules[1].rollout == 20 && f.rules[1].conditions.map(\.op) == [.in, .neq, .gte])
        #expect(f.rules[1].conditions[0].values == [.string("DE"), .string("FR")])
        #expect(f.rules[2].conditions == [FlagCondition(property: "beta", op: .isSet)])
    }

    @Test func booleanDefaults() throws {
        let f = try FlagDefinition(yaml: "key: dark-mode\n")
        #expect(f == FlagDefinition(key: "dark-mode"))
        #expect(!f.isMultivariate && f.rules.isEmpty && f.enabled)
    }

    @Test func roundTrips() throws {
        for yaml in [Self.multivariate, "key: dark-mode\nenabled: false\n", "key: b\nrules:\n  - rollout: 12.5\n"] {
            let f = try FlagDefinition(yaml: yaml)
            #expect(try FlagDefinition(json: f.json) == f)
            #expect(try FlagDefinition(json: try JSONValue(parsing: Array(f.json.compactText.utf8))) == f)
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var at: String
        var says: String
        var testDescription: String { name }
    }

    static let bad: [Case] = [
        Case(name: "unknown field", yaml: "key: f\nrollout: 10\n", at: "rollout (line 2)", says: "not a known field"),
        Case(name: "key not a slug", yaml: "key: New Checkout\n", at: "key (line 1)", says: "not a slug"),
        Case(
            name: "rollout above 100", yaml: "key: f\nrules:\n  - rollout: 150\n", at: "rules[0].rollout (line 3)",
            says: "0 to 100"),
        Case(
            name: "negative rollout", yaml: "key: f\nrules:\n  - rollout: -1\n", at: "rules[0].rollout (line 3)",
            says: "0 to 100"),
        Case(
            name: "unknown op", yaml: "key: f\nrules:\n  - conditions:\n      - {property: a, op: like, value: x}\n",
            at: "rules[0].conditions[0].op (line 4)", says: "not_in"),
        Case(
            name: "in without a list",
            yaml: "key: f\nrules:\n  - conditions:\n      - property: a\n        op: in\n        value: x\n",
            at: "rules[0].conditions[0].value (line 6)", says: "non-empty list"),
        Case(
            name: "gt without a number",
            yaml: "key: f\nrules:\n  - conditions:\n      - {property: a, op: gt, value: big}\n",
            at: "rules[0].conditions[0].value (line 4)", says: "one number"),
        Case(
            name: "eq without a value", yaml: "key: f\nrules:\n  - conditions:\n      - property: a\n",
            at: "rules[0].conditions[0].value (line 4)", says: "needs a value"),
        Case(
            name: "is_set with a value",
            yaml: "key: f\nrules:\n  - conditions:\n      - {property: a, op: is_set, value: 1}\n",
            at: "rules[0].conditions[0].value (line 4)", says: "not used by is_set"),
        Case(
            name: "invalid regex",
            yaml: "key: f\nrules:\n  - conditions:\n      - {property: a, op: regex, value: \"([a\"}\n",
            at: "rules[0].conditions[0].value (line 4)", says: "not a valid regular expression"),
        Case(
            name: "condition without property", yaml: "key: f\nrules:\n  - conditions:\n      - {op: eq, value: 1}\n",
            at: "rules[0].conditions[0].property (line 4)", says: "is required"),
        Case(
            name: "variant on a boolean flag", yaml: "key: f\nrules:\n  - variant: on\n",
            at: "rules[0].variant (line 3)", says: "only used by flags with variants"),
        Case(
            name: "unknown variant", yaml: "key: f\nvariants: [{key: a}, {key: b}]\nrules:\n  - variant: c\n",
            at: "rules[0].variant (line 4)", says: "not one of"),
        Case(name: "one variant", yaml: "key: f\nvariants: [{key: a}]\n", at: "variants (line 2)", says: "2 to 20"),
        Case(
            name: "duplicate variants", yaml: "key: f\nvariants:\n  - key: a\n  - key: a\n",
            at: "variants[1].key (line 4)", says: "unique"),
        Case(
            name: "weights not summing to 1",
            yaml: "key: f\nvariants:\n  - {key: a, weight: 0.2}\n  - {key: b, weight: 0.2}\n", at: "variants (line 2)",
            says: "sum to 1"),
        Case(name: "enabled as text", yaml: "key: f\nenabled: yes\n", at: "enabled (line 2)", says: "true or false"),
    ]

    @Test(arguments: bad)
    func rejects(_ c: Case) {
        do {
            let f = try FlagDefinition(yaml: c.yaml)
            Issue.record("accepted: \(f.key)")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.hasPrefix(c.at), "\(error.message)")
            #expect(error.message.contains(c.says), "\(error.message)")
        }
    }

    /// Condition semantics, one operator at a time.
    @Test func conditions() {
        func c(_ op: FlagCondition.Operator, _ values: [JSONValue] = []) -> FlagCondition {
            FlagCondition(property: "p", op: op, values: values)
        }
        #expect(c(.eq, [.string("DE")]).matches(.string("DE")))
        #expect(!c(.eq, [.string("DE")]).matches(.string("de")))
        #expect(c(.eq, [.number("5")]).matches(.number("5.0")))
        #expect(c(.eq, [.number("5")]).matches(.string("5")))
        #expect(c(.eq, [.bool(true)]).matches(.bool(true)))
        #expect(!c(.eq, [.string("x")]).matches(nil))
        #expect(c(.neq, [.string("x")]).matches(nil) && c(.neq, [.string("x")]).matches(.string("y")))
        #expect(c(.in, [.string("a"), .string("b")]).matches(.string("b")))
        #expect(!c(.in, [.string("a")]).matches(.null))
        #expect(c(.notIn, [.string("a")]).matches(.null) && !c(.notIn, [.string("a")]).matches(.string("a")))
        #expect(c(.contains, [.string("exam")]).matches(.string("example")))
        #expect(c(.gt, [.number("3")]).matches(.number("4")) && !c(.gt, [.number("3")]).matches(.number("3")))
        #expect(c(.gte, [.number("3")]).matches(.string("3")))
        #expect(c(.lt, [.number("3")]).matches(.number("-1")) && c(.lte, [.number("3")]).matches(.number("3")))
        #expect(!c(.lt, [.number("3")]).matches(.string("abc")))
        #expect(c(.isSet).matches(.string("")) && !c(.isSet).matches(nil) && !c(.isSet).matches(.null))
        #expect(c(.isNotSet).matches(nil) && !c(.isNotSet).matches(.number("0")))
        #expect(
            c(.regex, [.string("^pro-")]).matches(.string("pro-annual"))
                && !c(.regex, [.string("^pro-")]).matches(.string("a-pro-")))
    }

    /// A regex is tried on attributes of at most 1 KiB: a caller of /v1/decide cannot make a backtracking
    /// pattern (`(a+)+$`) run on a megabyte of "aaa…b".
    @Test func regexIsTriedOnBoundedTextOnly() {
        let c = FlagCondition(property: "p", op: .regex, values: [.string("(a+)+$")])
        let limit = FlagCondition.maxRegexText
        #expect(c.matches(.string(String(repeating: "a", count: limit))))
        #expect(!c.matches(.string(String(repeating: "a", count: limit + 1))))
        #expect(!c.matches(.string(String(repeating: "a", count: 1 << 20) + "b")))
    }
}
