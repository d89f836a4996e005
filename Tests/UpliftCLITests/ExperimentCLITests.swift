import Foundation
import TestSupport
import Testing

/// `uplift experiment …` and `uplift flag …` end to end through the built binary, on a SQLite catalog.
struct ExperimentCLITests {
    static let yaml = """
        key: checkout-v2
        hypothesis: The one-page checkout raises purchases.
        variants:
          - key: control
            weight: 0.5
          - key: treatment
            weight: 0.5
        exposure:
          event: $exposure
        metrics:
          - id: conversion
            kind: proportion
            event: purchase
          - id: revenue
            kind: mean
            event: purchase
            property: amount
        method: frequentist
        """

    func uplift(_ arguments: [String]) throws -> ProcessResult {
        let binary = try #require(upliftBinaryPath(), "build the uplift binary first (swift build)")
        return try runProcess(
            binary, arguments: arguments, environment: ["UPLIFT_CATALOG": "", "UPLIFT_CATALOG_SECRET": ""])
    }

    func object(_ result: ProcessResult) throws -> [String: Any] {
        try #require(
            JSONSerialization.jsonObject(with: result.stdout) as? [String: Any],
            "not JSON: \(result.stdoutText) \(result.stderrText)")
    }

    /// Planning: persons per variant for a lift (checked by hand: 2.8016² × 4 × (1 + 1.05²) / 0.05² ≈ 26,404 at a
    /// 20% rate), the lift a number of persons can see, and refusals that say what to give.
    @Test func planPersonsAndDetectableLift() throws {
        let needed = try object(
            try uplift([
                "experiment", "plan", "--baseline-rate", "0.2", "--mde", "0.05", "--persons-per-day", "800", "--json",
            ]))
        #expect(needed["persons_per_variant"] as? Int == 26_404)
        #expect(needed["days"] as? Int == 34)
        let lift = try object(
            try uplift(["experiment", "plan", "--baseline-rate", "0.2", "--persons", "26404", "--json"]))
        let mde = try #require(lift["minimum_detectable_effect"] as? Double)
        #expect(abs(mde - 0.05) < 0.0005)
        let bad = try uplift(["experiment", "plan", "--baseline-rate", "1.5", "--mde", "0.05"])
        #expect(bad.exitCode != 0)
        #expect(bad.stderrText.contains("--baseline-rate"))
        let neither = try uplift(["experiment", "plan", "--baseline-rate", "0.2"])
        #expect(neither.stderrText.contains("--mde"))
    }

    @Test func createListShowStartStop() throws {
        try withTemporaryDirectory { dir in
            let data = ["--data", dir.appendingPathComponent("data").path]
            let scope = data + ["--project", "shop"]
            #expect(try uplift(["project", "create", "shop"] + data).exitCode == 0)
            let file = dir.appendingPathComponent("checkout.yaml")
            try Self.yaml.write(to: file, atomically: true, encoding: .utf8)

            let created = try uplift(["experiment", "create", "--definition", file.path] + scope)
            #expect(created.exitCode == 0, "\(created.stderrText)")
            #expect(created.stdoutText.contains("created experiment checkout-v2 (draft)"))
            let again = try uplift(["experiment", "create", "--definition", file.path] + scope)
            #expect(again.exitCode == 1)
            #expect(again.stderrText.contains("already exists") && again.stderrText.contains("--replace"))
            let replaced = try uplift(
                ["experiment", "create", "--definition", file.path, "--replace", "--json"] + scope)
            #expect(replaced.exitCode == 0)
            #expect(try object(replaced)["key"] as? String == "checkout-v2")

            let list = try object(uplift(["experiment", "list", "--json"] + scope))
            let items = try #require(list["experiments"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["status"] as? String == "draft")
            #expect((items.first?["variants"] as? [Any])?.count == 2)
            let table = try uplift(["experiment", "list"] + scope)
            #expect(table.stdoutText.contains("checkout-v2") && table.stdoutText.contains("control 50%, treatment 50%"))

            let shown = try uplift(["experiment", "show", "checkout-v2"] + scope)
            #expect(shown.exitCode == 0)
            #expect(shown.stdoutText.contains("metrics: conversion (proportion), revenue (mean)"))
            #expect(
                try object(uplift(["experiment", "show", "checkout-v2", "--json"] + scope))["method"] as? String
                    == "frequentist")

            #expect(try uplift(["experiment", "start", "checkout-v2"] + scope).stdoutText.contains("is running"))
            let badShip = try uplift(["experiment", "stop", "checkout-v2", "--ship", "purple"] + scope)
            #expect(badShip.exitCode == 1 && badShip.stderrText.contains("not a variant"))
            let shipped = try uplift(["experiment", "stop", "checkout-v2", "--ship", "treatment", "--json"] + scope)
            #expect(shipped.exitCode == 0)
            let definition = try object(shipped)
            #expect(definition["status"] as? String == "shipped")
            #expect(definition["shipped_variant"] as? String == "treatment")

            let unknown = try uplift(["experiment", "show", "nope"] + scope)
            #expect(unknown.exitCode == 1 && unknown.stderrText.contains("no experiment 'nope'"))
        }
    }

    @Test func invalidDefinitionFilesNameTheField() throws {
        try withTemporaryDirectory { dir in
            let data = ["--data", dir.appendingPathComponent("data").path]
            #expect(try uplift(["project", "create", "shop"] + data).exitCode == 0)
            let file = dir.appendingPathComponent("bad.yaml")
            try Self.yaml.replacingOccurrences(of: "kind: proportion", with: "kind: median").write(
                to: file, atomically: true, encoding: .utf8)
            let result = try uplift(["experiment", "create", "--definition", file.path, "--project", "shop"] + data)
            #expect(result.exitCode == 1)
            #expect(result.stderrText.contains("metrics[0].kind"), "\(result.stderrText)")
            let missing = try uplift(
                [
                    "experiment", "create", "--definition", dir.appendingPathComponent("none.yaml").path, "--project",
                    "shop",
                ] + data)
            #expect(missing.exitCode == 1 && missing.stderrText.contains("cannot read"))
            #expect(
                try object(uplift(["experiment", "list", "--json", "--project", "shop"] + data))["experiments"]
                    as? [Any] != nil)
        }
    }
}
