import Testing
import UpliftExperiments
import UpliftModel

struct DeciderTests {
    static func experiment(
        _ key: String, status: ExperimentDefinition.Status = .running, weights: [Double] = [0.5, 0.5],
        hashAttribute: String = "id"
    ) -> ExperimentDefinition {
        ExperimentDefinition(
            key: key, variants: weights.enumerated().map { .init(key: "v\($0.offset)", weight: $0.element) },
            status: status, metrics: [MetricDefinition(id: "m", kind: .proportion, measure: .init(event: "e"))],
            hashAttribute: hashAttribute)
    }

    /// 100,000 ids land in each variant within 1 percentage point of its weight.
    @Test(arguments: [[0.5, 0.5], [0.1, 0.9], [0.2, 0.3, 0.5], [0.25, 0.25, 0.25, 0.25]])
    func bucketDistribution(_ weights: [Double]) {
        let e = Self.experiment("dist-\(weights.count)", weights: weights)
        let decider = Decider(flags: [], experiments: [e])
        var counts = Array(repeating: 0, count: weights.count)
        let n = 100_000
        for i in 0..<n {
            guard let v = decider.assign(e, DecideInput(distinctID: "user-\(i)")), let index = Int(v.dropFirst()) else {
                Issue.record("user-\(i) unassigned")
                return
            }
            counts[index] += 1
        }
        for (i, w) in weights.enumerated() {
            #expect(abs(Double(counts[i]) / Double(n) - w) < 0.01, "variant \(i): \(counts[i]) of \(n) for weight \(w)")
        }
    }

    /// Identify does not move anyone: the SDK keeps sending the anonymous id, which is what `id` hashes.
    @Test func stableAcrossIdentify() {
        let e = Self.experiment("checkout-v2")
        let flag = FlagDefinition(key: "half", rules: [.init(rollout: 50)])
        let decider = Decider(flags: [flag], experiments: [e])
        for i in 0..<2_000 {
            let before = decider.decide(DecideInput(distinctID: "anon-\(i)"))
            let after = decider.decide(DecideInput(distinctID: "user-\(i)@example.com", anonymousID: "anon-\(i)"))
            #expect(before == after)
        }
        // Without the anonymous id the answer follows the distinct id (so some differ), proving it is hashed at all.
        let moved = (0..<2_000).filter { i in
            decider.decide(DecideInput(distinctID: "anon-\(i)")).experiments
                != decider.decide(DecideInput(distinctID: "user-\(i)")).experiments
        }.count
        #expect(moved > 500)
    }

    /// Raising a rollout keeps everyone already in; the share is about the percentage.
    @Test func rolloutIsMonotone() {
        let steps: [Double] = [0, 1, 10, 20, 50, 99, 100]
        var previous: Set<Int> = []
        for pct in steps {
            let decider = Decider(
                flags: [FlagDefinition(key: "rollout", rules: [.init(rollout: pct)])], experiments: [])
            let on = Set(
                (0..<20_000).filter {
                    decider.decide(DecideInput(distinctID: "p\($0)")).flags["rollout"] == .bool(true)
                })
            #expect(previous.isSubset(of: on), "\(pct)% dropped someone")
            #expect(abs(Double(on.count) / 20_000 - pct / 100) < 0.015, "\(pct)%: \(on.count)")
            previous = on
        }
        #expect(previous.count == 20_000)
    }

    /// Multivariate rollouts widen each variant's range: people keep their variant as coverage grows.
    @Test func multivariateRolloutKeepsVariants() {
        func answers(_ pct: Double) -> [Int: JSONValue] {
            let flag = FlagDefinition(
                key: "mv", variants: [.init(key: "a", weight: 0.5), .init(key: "b", weight: 0.5)],
                rules: [.init(rollout: pct)])
            let decider = Decider(flags: [flag], experiments: [])
            var out: [Int: JSONValue] = [:]
            for i in 0..<10_000 { out[i] = decider.decide(DecideInput(distinctID: "p\(i)")).flags["mv"] }
            return out
        }
        let low = answers(20)
        let high = answers(60)
        for (i, v) in low where v != .bool(false) { #expect(high[i] == v) }
        let inLow = low.values.filter { $0 != .bool(false) }.count
        #expect(abs(Double(inLow) / 10_000 - 0.2) < 0.02)
        #expect(Set(high.values) == [.bool(false), .string("a"), .string("b")])
    }

    @Test func flagRules() throws {
        let flag = try FlagDefinition(yaml: FlagDefinitionTests.multivariate)
        let decider = Decider(
            flags: [flag, FlagDefinition(key: "off", enabled: false), FlagDefinition(key: "on")], experiments: [])
        // Rule 1: fixed variant, no hash needed at 100%.
        let staff = decider.decide(DecideInput(distinctID: "u", attributes: ["email": .string("a@example.com")]))
        #expect(staff.flags == ["new-checkout": .string("one-page"), "off": .bool(false), "on": .bool(true)])
        // Nothing matches.
        #expect(
            decider.decide(DecideInput(distinctID: "u", attributes: ["country": .string("US")])).flags["new-checkout"]
                == .bool(false))
        // Rule 3 (is_set) without a tenant: a by-hash variant needs the hash attribute, so no answer.
        #expect(
            decider.decide(DecideInput(distinctID: "u", attributes: ["beta": .bool(true)])).flags["new-checkout"]
                == .bool(false))
        // Rule 3 with a tenant: one of the variants, always the same for the tenant.
        let beta = decider.decide(
            DecideInput(distinctID: "u", attributes: ["beta": .bool(true), "tenant": .string("acme")]))
        #expect(beta.flags["new-checkout"] == .string("control") || beta.flags["new-checkout"] == .string("one-page"))
        #expect(
            decider.decide(
                DecideInput(distinctID: "other", attributes: ["beta": .bool(true), "tenant": .string("acme")])) == beta)
        // Rule 2 at 20% over tenants: about a fifth of tenants get a variant, and a rule that does not
        // include someone lets the next rule decide.
        var included = 0
        for i in 0..<5_000 {
            let attrs: [String: JSONValue] = [
                "country": .string("DE"), "plan": .string("pro"), "seats": .number("9"), "tenant": .string("t\(i)"),
            ]
            if decider.decide(DecideInput(distinctID: "u", attributes: attrs)).flags["new-checkout"] != .bool(false) {
                included += 1
            }
        }
        #expect(abs(Double(included) / 5_000 - 0.2) < 0.03)
        let enterprise: [String: JSONValue] = [
            "country": .string("DE"), "plan": .string("enterprise"), "seats": .number("9"), "tenant": .string("t1"),
        ]
        #expect(
            decider.decide(DecideInput(distinctID: "u", attributes: enterprise)).flags["new-checkout"] == .bool(false))
    }

    /// The first rule that matches (conditions and rollout) decides, even when later rules match too.
    @Test func firstMatchingRuleWins() throws {
        let flag = try FlagDefinition(yaml: FlagDefinitionTests.multivariate)
        let decider = Decider(flags: [flag], experiments: [])
        for tenant in ["t1", "t2", "t3", "t4"] {
            let both: [String: JSONValue] = [
                "email": .string("x@example.com"), "beta": .bool(true), "tenant": .string(tenant),
            ]
            #expect(
                decider.decide(DecideInput(distinctID: "u", attributes: both)).flags["new-checkout"]
                    == .string("one-page"))
        }
        // A rule at 0% never matches, so the next one decides.
        let zero = FlagDefinition(
            key: "z", variants: [.init(key: "a", weight: 0.5), .init(key: "b", weight: 0.5)],
            rules: [.init(rollout: 0, variant: "a"), .init(variant: "b")])
        #expect(Decider(flags: [zero], experiments: []).decide(DecideInput(distinctID: "u")).flags["z"] == .string("b"))
    }

    @Test func experimentsInTheAnswer() {
        let running = Self.experiment("running")
        let draft = Self.experiment("draft", status: .draft)
        let stopped = Self.experiment("stopped", status: .stopped)
        let byTenant = Self.experiment("by-tenant", hashAttribute: "tenant")
        let decider = Decider(flags: [], experiments: [running, draft, stopped, byTenant])
        let plain = decider.decide(DecideInput(distinctID: "u1"))
        #expect(Array(plain.experiments.keys) == ["running"])
        let withTenant = decider.decide(DecideInput(distinctID: "u1", attributes: ["tenant": .string("acme")]))
        #expect(Set(withTenant.experiments.keys) == ["running", "by-tenant"])
        // Numbers hash as written, like GrowthBook's String(value).
        let numeric = decider.decide(DecideInput(distinctID: "u1", attributes: ["tenant": .number("42")]))
        #expect(
            numeric.experiments["by-tenant"]
                == decider.decide(DecideInput(distinctID: "u1", attributes: ["tenant": .string("42")])).experiments[
                    "by-tenant"])
        #expect(
            decider.decide(DecideInput(distinctID: "u1", attributes: ["tenant": .string("")])).experiments["by-tenant"]
                == nil)
    }

    /// The assignment is GrowthBook's: seed = key (or the seed), v2 hash, weights as ranges.
    @Test func matchesGrowthBookAssignment() {
        var e = Self.experiment("key", weights: [0.5, 0.5])
        e.seed = "foo"
        // GrowthBook's "Uses seed with default weights/coverage": id "1" → variation 1.
        #expect(Decider(flags: [], experiments: [e]).assign(e, DecideInput(distinctID: "1")) == "v1")
    }

    @Test func resultJSON() {
        let r = DecideResult(flags: ["b": .bool(true), "a": .string("x")], experiments: ["e": "v1"])
        #expect(r.json.compactText == #"{"flags":{"a":"x","b":true},"experiments":{"e":"v1"}}"#)
    }
}
