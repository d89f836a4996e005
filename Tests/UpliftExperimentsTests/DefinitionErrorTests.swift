import Testing
import UpliftExperiments
import UpliftModel

/// Every validation, each naming the field path and (YAML) the line.
struct DefinitionErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        /// The start of the message: the field path and line.
        var at: String
        /// A phrase the message must contain.
        var says: String
        var testDescription: String { name }
    }

    static let head = "key: exp\nvariants:\n  - key: a\n    weight: 0.5\n  - key: b\n    weight: 0.5\n"
    static let metric = "metrics:\n  - id: m\n    kind: proportion\n    event: e\n"

    static let cases: [Case] = [
        Case(
            name: "unknown top-level field", yaml: head + metric + "hash_atribute: x\n", at: "hash_atribute (line 11)",
            says: "not a known field"),
        Case(
            name: "unknown metric field", yaml: head + metric + "    evnt: x\n", at: "metrics[0].evnt (line 11)",
            says: "not a known field"),
        Case(
            name: "missing key", yaml: "variants: [{key: a}, {key: b}]\n" + metric, at: "key (line 1)",
            says: "is required"),
        Case(
            name: "key not a slug", yaml: "key: Checkout V2\nvariants: [{key: a}, {key: b}]\n" + metric,
            at: "key (line 1)", says: "not a slug"),
        Case(
            name: "one variant", yaml: "key: k\nvariants:\n  - key: a\n" + metric, at: "variants (line 2)",
            says: "2 to 20"),
        Case(
            name: "21 variants",
            yaml: "key: k\nvariants: [" + (0..<21).map { "{key: v\($0)}" }.joined(separator: ", ") + "]\n" + metric,
            at: "variants (line 2)", says: "not 21"),
        Case(
            name: "duplicate variant key", yaml: "key: k\nvariants:\n  - key: a\n  - key: a\n" + metric,
            at: "variants[1].key (line 4)", says: "unique"),
        Case(
            name: "negative weight",
            yaml: "key: k\nvariants:\n  - key: a\n    weight: -0.5\n  - key: b\n    weight: 1.5\n" + metric,
            at: "variants[0].weight (line 4)", says: "negative"),
        Case(
            name: "weights not summing to 1",
            yaml: "key: k\nvariants:\n  - key: a\n    weight: 0.5\n  - key: b\n    weight: 0.6\n" + metric,
            at: "variants (line 2)", says: "sum to 1"),
        Case(
            name: "some weights missing", yaml: "key: k\nvariants:\n  - key: a\n    weight: 0.5\n  - key: b\n" + metric,
            at: "variants[1].weight (line 5)", says: "all weights or none"),
        Case(name: "missing metrics", yaml: head, at: "metrics (line 1)", says: "is required"),
        Case(
            name: "duplicate metric ids", yaml: head + metric + "  - id: m\n    kind: mean\n    event: f\n",
            at: "metrics[1].id (line 11)", says: "unique"),
        Case(
            name: "guardrail reusing a metric id",
            yaml: head + metric + "guardrails:\n  - id: m\n    kind: mean\n    event: f\n",
            at: "guardrails[0].id (line 12)", says: "unique"),
        Case(
            name: "ratio without denominator", yaml: head + "metrics:\n  - id: m\n    kind: ratio\n    event: e\n",
            at: "metrics[0].denominator (line 8)", says: "required for ratio"),
        Case(
            name: "denominator without event",
            yaml: head
                + "metrics:\n  - id: r\n    kind: proportion\n    event: e\n  - id: m\n    kind: ratio\n    event: e\n    denominator:\n      property: p\n",
            at: "metrics[1].denominator.event (line 14)", says: "is required"),
        Case(
            name: "funnel with one step",
            yaml: head + "metrics:\n  - id: f\n    kind: funnel\n    steps:\n      - event: a\n",
            at: "metrics[0].steps (line 10)", says: "2 to 20"),
        Case(
            name: "funnel without steps", yaml: head + "metrics:\n  - id: f\n    kind: funnel\n",
            at: "metrics[0].steps (line 8)", says: "required for funnel"),
        Case(
            name: "funnel step without event",
            yaml: head + "metrics:\n  - id: f\n    kind: funnel\n    steps:\n      - event: a\n      - where: [x=1]\n",
            at: "metrics[0].steps[1].event (line 12)", says: "is required"),
        Case(
            name: "proportion with property", yaml: head + metric + "    property: amount\n",
            at: "metrics[0].property (line 11)", says: "not used by proportion"),
        Case(
            name: "denominator on a mean",
            yaml: head + "metrics:\n  - id: m\n    kind: mean\n    event: e\n    denominator:\n      event: s\n",
            at: "metrics[0].denominator (line 11)", says: "only used by ratio"),
        Case(
            name: "unknown kind", yaml: head + "metrics:\n  - id: m\n    kind: median\n    event: e\n",
            at: "metrics[0].kind (line 9)", says: "proportion, mean, ratio, funnel"),
        Case(
            name: "missing kind", yaml: head + "metrics:\n  - id: m\n    event: e\n", at: "metrics[0].kind (line 8)",
            says: "is required"),
        Case(
            name: "unknown method", yaml: head + metric + "method: bootstrap\n", at: "method (line 11)",
            says: "frequentist, bayesian, sequential"),
        Case(
            name: "unknown status", yaml: head + metric + "status: paused\n", at: "status (line 11)",
            says: "draft, running, stopped, shipped"),
        Case(
            name: "unknown direction", yaml: head + metric + "    direction: up\n",
            at: "metrics[0].direction (line 11)", says: "increase, decrease"),
        Case(
            name: "confidence 0.5", yaml: head + metric + "confidence: 0.5\n", at: "confidence (line 11)",
            says: "above 0.5"),
        Case(
            name: "confidence 0.9995", yaml: head + metric + "confidence: 0.9995\n", at: "confidence (line 11)",
            says: "at most 0.999"),
        Case(
            name: "confidence as text", yaml: head + metric + "confidence: high\n", at: "confidence (line 11)",
            says: "must be a number"),
        Case(
            name: "MDE zero", yaml: head + metric + "minimum_detectable_effect: 0\n",
            at: "minimum_detectable_effect (line 11)", says: "above 0"),
        Case(
            name: "stop before start", yaml: head + metric + "start: 2026-03-02\nstop: 2026-03-01\n",
            at: "stop (line 12)", says: "after start"),
        Case(
            name: "stop equal to start", yaml: head + metric + "start: 2026-03-01\nstop: 2026-03-01T00:00:00Z\n",
            at: "stop (line 12)", says: "after start"),
        Case(
            name: "bad timestamp", yaml: head + metric + "start: March 1st\n", at: "start (line 11)", says: "ISO-8601"),
        Case(
            name: "bad window", yaml: head + metric + "    window: 2 weeks\n", at: "metrics[0].window (line 11)",
            says: "length of time"),
        Case(
            name: "bad filter op",
            yaml: head + metric + "    where:\n      - property: plan\n        op: like\n        value: x\n",
            at: "metrics[0].where[0].op (line 13)", says: "eq, neq"),
        Case(
            name: "bad filter text", yaml: head + metric + "    where: [plan]\n", at: "metrics[0].where[0] (line 11)",
            says: "not a filter"),
        Case(
            name: "gt without a number", yaml: head + metric + "    where: [{property: n, op: gt, value: abc}]\n",
            at: "metrics[0].where[0] (line 11)", says: "needs one number"),
        Case(
            name: "bad cuped", yaml: head + metric + "cuped: sometimes\n", at: "cuped (line 11)", says: "true, false or"
        ),
        Case(
            name: "bad pre-exposure window", yaml: head + metric + "cuped:\n  pre_exposure_window: forever\n",
            at: "cuped.pre_exposure_window (line 12)", says: "length of time"),
        Case(
            name: "unknown exposure field", yaml: head + metric + "exposure:\n  event: seen\n  variant: v\n",
            at: "exposure.variant (line 13)", says: "not a known field"),
        Case(name: "not a mapping", yaml: "- a\n- b\n", at: "the definition (line 1)", says: "must be an object"),
        Case(
            name: "duplicate YAML key", yaml: head + metric + "method: bayesian\nmethod: sequential\n",
            at: "the YAML does not parse", says: "method"),
        Case(name: "malformed YAML", yaml: "key: [a\nvariants:\n", at: "the YAML does not parse", says: "line"),
        Case(
            name: "nested too deep",
            yaml: head + metric + "owner: " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
                + "\n",
            at: "owner", says: "nested more than 32"),
        Case(name: "empty document", yaml: "", at: "the YAML document is empty", says: "empty"),
    ]

    @Test(arguments: cases)
    func rejects(_ c: Case) {
        do {
            let d = try ExperimentDefinition(yaml: c.yaml)
            Issue.record("accepted: \(d.key)")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.hasPrefix(c.at), "\(error.message)")
            #expect(error.message.contains(c.says), "\(error.message)")
        }
    }

    /// The JSON form names the same path, without a line.
    @Test func jsonErrorsNameThePath() throws {
        let text =
            #"{"key":"k","variants":[{"key":"a"},{"key":"b"}],"metrics":[{"id":"p","kind":"proportion","event":"e"},{"id":"m","kind":"ratio","event":"e","denominator":{"where":[]}}]}"#
        do {
            _ = try ExperimentDefinition(json: try JSONValue(parsing: Array(text.utf8)))
            Issue.record("accepted")
        } catch {
            #expect(error.message.hasPrefix("metrics[1].denominator.event: is required"), "\(error.message)")
        }
    }

    @Test func weightsWithinToleranceAreAccepted() throws {
        let d = try ExperimentDefinition(
            yaml:
                "key: k\nvariants:\n  - {key: a, weight: 0.3333333}\n  - {key: b, weight: 0.3333333}\n  - {key: c, weight: 0.3333334}\n"
                + Self.metric)
        #expect(d.variants.count == 3)
    }
}
