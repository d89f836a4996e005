import Foundation
import TestSupport
import Testing

/// `uplift prfaq validate` and `uplift goals` end to end through the built binary.
struct PrfaqCLITests {
    static let dashboards = Paths.packageRoot.appendingPathComponent("dashboards")

    func uplift(_ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
        let binary = try #require(upliftBinaryPath(), "build the uplift binary first (swift build)")
        return try runProcess(
            binary, arguments: arguments, stdin: stdin,
            environment: ["UPLIFT_CATALOG": "", "UPLIFT_CATALOG_SECRET": ""])
    }

    func dashboardFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Self.dashboards.path)
            .filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted()
            .map { Self.dashboards.appendingPathComponent($0).path }
    }

    @Test func validatesTheShippedDashboards() throws {
        let files = try dashboardFiles()
        let result = try uplift(["prfaq", "validate"] + files)
        #expect(result.exitCode == 0, "\(result.stderrText)")
        #expect(result.stdoutText.split(separator: "\n").filter { $0.contains(": ok (") }.count == files.count)
    }

    @Test func validatesAFolderButItsReadme() throws {
        let files = try dashboardFiles()
        let result = try uplift(["prfaq", "validate", Self.dashboards.path])
        #expect(result.exitCode == 0, "\(result.stderrText)")
        #expect(result.stdoutText.split(separator: "\n").filter { $0.contains(": ok (") }.count == files.count)
        #expect(!result.stdoutText.contains("README") && !result.stderrText.contains("README"))
        try withTemporaryDirectory { dir in
            let empty = try uplift(["prfaq", "validate", dir.path])
            #expect(empty.exitCode != 0)
            #expect(empty.stderrText.contains("no PR/FAQ"), "\(empty.stderrText)")
        }
    }

    @Test func explainsEveryMistakeWithItsLine() throws {
        try withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("bad.md")
            try """
            ---
            id: bad
            title: t
            owner: o
            feature: f
            launch: 2026-01-01
            goals:
              - id: a
                metric: funnel_conversion
                steps: [only_one]
                target: 0.5
                deadline: 2026-03-01
              - id: b
                metric: nps
                target: 300
                deadline: 2026-03-01
                colour: red
            experiments:
              - key: x
                definition: missing.yaml
            ---
            body
            """.write(to: file, atomically: true, encoding: .utf8)
            let text = try uplift(["prfaq", "validate", file.path])
            #expect(text.exitCode == 1)
            #expect(text.stderrText.contains("goals[0].steps (line 10): must list 2 to 20 steps"), "\(text.stderrText)")
            #expect(text.stderrText.contains("goals[1].target (line 15)"))
            #expect(text.stderrText.contains("goals[1].colour (line 17): is not a known field"))

            let json = try uplift(["prfaq", "validate", "--json", file.path])
            #expect(json.exitCode == 1)
            let object = try #require(JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
            #expect(object["valid"] as? Bool == false)
            let files = try #require(object["files"] as? [[String: Any]])
            let problems = try #require(files.first?["problems"] as? [[String: Any]])
            #expect(problems.count == 3)
            #expect(problems.first?["field"] as? String == "goals[0].steps" && problems.first?["line"] as? Int == 10)

            // Valid header, missing experiment definition: found once the header parses.
            try String(contentsOf: file, encoding: .utf8)
                .replacingOccurrences(of: "[only_one]", with: "[a, b]")
                .replacingOccurrences(of: "target: 300", with: "target: 30")
                .replacingOccurrences(of: "    colour: red\n", with: "")
                .write(to: file, atomically: true, encoding: .utf8)
            let missing = try uplift(["prfaq", "validate", file.path])
            #expect(missing.exitCode == 1)
            #expect(
                missing.stderrText.contains("experiments[0].definition (line 19): cannot read missing.yaml"),
                "\(missing.stderrText)")
        }
    }

    @Test func goalsOnGeneratedData() throws {
        try withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data").path
            let generated = try uplift([
                "generate", "--events", "30000", "--users", "1200", "--days", "60", "--seed", "5",
            ])
            #expect(generated.exitCode == 0)
            let imported = try uplift(["import", "--data", data, "--project", "demo", "-"], stdin: generated.stdout)
            #expect(imported.exitCode == 0, "\(imported.stderrText)")
            let base = [
                "goals", "--data", data, "--project", "demo", "--dashboards", Self.dashboards.path, "--now",
                "2026-03-02",
            ]

            let table = try uplift(base)
            #expect(table.exitCode == 0, "\(table.stderrText)")
            #expect(table.stdoutText.contains("status") && table.stdoutText.contains("checkout-conversion"))

            let json = try uplift(
                base + ["--prfaq", Self.dashboards.appendingPathComponent("new-checkout.md").path, "--json"])
            #expect(json.exitCode == 0, "\(json.stderrText)")
            let object = try #require(JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
            let prfaqs = try #require(object["prfaqs"] as? [[String: Any]])
            #expect(prfaqs.count == 1 && prfaqs.first?["id"] as? String == "new-checkout")
            let goals = try #require(prfaqs.first?["goals"] as? [[String: Any]])
            #expect(goals.map { $0["id"] as? String } == ["checkout-conversion", "weekly-revenue", "checkout-errors"])
            let states = ["achieved", "on_track", "at_risk", "off_track"]
            // Eight complete weeks (2026-01-05 … 02-23; the week of Dec 29 started before the data); the
            // conversion's last week has not had its 7-day window yet.
            for (goal, fitted) in zip(goals, [7, 8, 8]) {
                #expect(states.contains(goal["status"] as? String ?? ""), "\(goal)")
                #expect(goal["current"] is Double || goal["current"] is Int)
                let forecast = try #require(goal["forecast"] as? [String: Any])
                #expect(forecast["periods_fitted"] as? Int == fitted, "\(goal["id"] ?? "")")
            }
        }
    }

    /// Weeks after the data's last day (2026-03-01) are no data, not zero: with `--now 2026-05-01` and
    /// without `--now` (today), "fewer errors" is not "achieved" by zero errors and "more conversion" is not
    /// judged on empty weeks: every goal is no_data, "no events since 2026-03-01", as `GET /v1/goals` says it
    /// (`GoalRouteTests.goalsPastTheDataHaveNoData`).
    @Test func goalsPastTheDataHaveNoData() throws {
        try withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data").path
            let generated = try uplift([
                "generate", "--events", "20000", "--users", "1000", "--days", "60", "--start", "2026-01-01", "--seed",
                "5",
            ])
            let imported = try uplift(["import", "--data", data, "--project", "demo", "-"], stdin: generated.stdout)
            #expect(imported.exitCode == 0, "\(imported.stderrText)")
            let file = Self.dashboards.appendingPathComponent("new-checkout.md").path
            let base = ["goals", "--data", data, "--project", "demo", "--prfaq", file]
            for now in [["--now", "2026-05-01"], []] {
                let json = try uplift(base + now + ["--json"])
                #expect(json.exitCode == 0, "\(json.stderrText)")
                let object = try #require(JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
                let goals = try #require((object["prfaqs"] as? [[String: Any]])?.first?["goals"] as? [[String: Any]])
                #expect(goals.count == 3)
                for goal in goals {
                    #expect(goal["status"] as? String == "no_data", "\(now) \(goal)")
                    #expect(goal["explanation"] as? String == "no events since 2026-03-01")
                    #expect(goal["data_until"] as? String == "2026-03-01")
                    let after = ((goal["series"] as? [[String: Any]]) ?? []).filter {
                        $0["date"] as? String ?? "" > "2026-03-01"
                    }
                    #expect(!after.isEmpty && after.allSatisfy { $0["value"] is NSNull }, "\(after)")
                }
                let table = try uplift(base + now)
                #expect(table.exitCode == 0, "\(table.stderrText)")
                let errors = try #require(
                    table.stdoutText.split(separator: "\n").first { $0.contains("checkout-errors") })
                #expect(errors.hasSuffix("no_data") && !errors.contains("achieved"), "\(errors)")
                #expect(table.stdoutText.contains("new-checkout/checkout-errors: no_data, no events since 2026-03-01"))
            }
        }
    }

    @Test func goalsRefusesAnInvalidPrfaq() throws {
        try withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("x.md")
            try "no header".write(to: file, atomically: true, encoding: .utf8)
            let data = dir.appendingPathComponent("data").path
            #expect(try uplift(["project", "create", "demo", "--data", data]).exitCode == 0)
            let result = try uplift(["goals", "--data", data, "--project", "demo", "--prfaq", file.path])
            #expect(result.exitCode == 1)
            #expect(result.stderrText.contains("(line 1)"))
        }
    }

    /// `uplift prfaq validate`, `goals` and `report` read definitions only inside the PR/FAQ's folder.
    @Test func definitionsOutsideThePrfaqsFolderAreRefused() throws {
        try withTemporaryDirectory { dir in
            let secret = "SECRET-a41b"
            try "root:x:0:0:\(secret):/root:/bin/sh\n".write(
                to: dir.appendingPathComponent("passwd"), atomically: true, encoding: .utf8)
            let folder = dir.appendingPathComponent("dashboards")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent("link.yaml"),
                withDestinationURL: dir.appendingPathComponent("passwd"))
            let header = """
                ---
                id: x
                title: t
                owner: o
                feature: f
                launch: 2026-01-01
                goals:
                  - id: a
                    metric: funnel_conversion
                    steps: [a, b]
                    target: 0.5
                    deadline: 2026-03-01
                experiments:
                  - key: x
                    definition: DEFINITION
                ---
                body
                """
            let file = folder.appendingPathComponent("x.md")
            for (definition, says) in [
                ("../passwd", "leads outside the PR/FAQ's folder"), ("link.yaml", "leads outside the PR/FAQ's folder"),
                (dir.appendingPathComponent("passwd").path, "not an absolute path"),
            ] {
                try header.replacingOccurrences(of: "DEFINITION", with: definition).write(
                    to: file, atomically: true, encoding: .utf8)
                let result = try uplift(["prfaq", "validate", file.path])
                #expect(result.exitCode == 1)
                #expect(result.stderrText.contains("experiments[0].definition (line 15): "), "\(result.stderrText)")
                #expect(result.stderrText.contains(says), "\(definition): \(result.stderrText)")
                #expect(!result.stderrText.contains(secret))
                let data = dir.appendingPathComponent("data").path
                let report = try uplift([
                    "report", "--data", data, "--project", "demo", "--dashboards", folder.path, "--out",
                    dir.appendingPathComponent("out").path,
                ])
                #expect(report.exitCode != 0)
                #expect(report.stderrText.contains(says), "\(definition): \(report.stderrText)")
                #expect(!report.stderrText.contains(secret))
            }
        }
    }
}
