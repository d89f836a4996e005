import Foundation
import TestSupport
import Testing

/// `uplift funnel|trend|adoption|retention|lifecycle|feedback`: the flags become the same JSON
/// query the HTTP API takes, refused with one line naming the field, exit code 1.
struct QueryCLITests {
    static let commands = ["funnel", "trend", "adoption", "retention", "lifecycle", "feedback"]

    func uplift(_ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
        let binary = try #require(upliftBinaryPath(), "build the uplift binary first (swift build)")
        return try runProcess(binary, arguments: arguments, stdin: stdin)
    }

    /// A data directory with project `demo` and a few imported events (a1 becomes u1 by identify).
    func withDemo(_ body: (String) throws -> Void) throws {
        try withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data").path
            #expect(try uplift(["project", "create", "demo", "--data", data]).exitCode == 0)
            let lines = [
                #"{"type":"track","event":"signed_up","anonymousId":"a1","messageId":"m1","timestamp":"2026-03-02T10:00:00Z"}"#,
                #"{"type":"identify","anonymousId":"a1","userId":"u1","messageId":"m2","timestamp":"2026-03-02T10:05:00Z"}"#,
                #"{"type":"track","event":"paid","userId":"u1","messageId":"m3","timestamp":"2026-03-03T10:00:00Z"}"#,
                #"{"type":"track","event":"signed_up","userId":"u2","messageId":"m4","timestamp":"2026-03-04T09:00:00Z"}"#,
            ]
            let imported = try uplift(
                ["import", "--data", data, "--project", "demo", "-"], stdin: Data(lines.joined(separator: "\n").utf8))
            #expect(imported.exitCode == 0, "\(imported.stderrText)")
            try body(data)
        }
    }

    @Test func everyQueryCommandHasHelp() throws {
        let top = try uplift(["--help"])
        for command in Self.commands {
            #expect(top.stdoutText.contains(command), "\(command)")
            let help = try uplift([command, "--help"])
            #expect(help.exitCode == 0, "\(command) --help")
            #expect(help.stdoutText.contains("USAGE: uplift \(command)"))
            #expect(help.stdoutText.contains("--json"))
        }
        #expect(try uplift(["serve", "--help"]).stdoutText.contains("--query-cache-memory"))
        #expect(try uplift(["serve", "--help"]).stdoutText.contains("--query-timeout"))
    }

    @Test(arguments: [
        (["--steps", "signed_up,paid", "--from", "2026-03-01", "--to", "2026-03-08", "--window", "7x"], "window"),
        (["--steps", "signed_up,paid", "--from", "2026-03-08", "--to", "2026-03-01"], "from must be before to"),
        (
            [
                "--steps", (1...21).map { "e\($0)" }.joined(separator: ","), "--from", "2026-03-01", "--to",
                "2026-03-08",
            ], "steps must list 2 to 20"
        ),
        (
            ["--steps", "signed_up,paid", "--from", "2026-03-01", "--to", "2026-03-08", "--order", "sideways"],
            "order must be one of"
        ),
        (["--steps", "signed_up,,paid", "--from", "2026-03-01", "--to", "2026-03-08"], "steps[1]"),
        (["--steps", "signed_up,paid", "--from", "2026-03-01", "--to", "2026-03-08", "--where", "plan"], "where[0]"),
        (
            ["--steps", "signed_up,paid", "--from", "2026-03-01", "--to", "2026-03-08", "--time-zone", "Mars/Olympus"],
            "time_zone"
        ),
        (
            [
                "--steps", "signed_up,paid", "--from", "2026-03-01", "--to", "2026-03-08", "--conversion-interval",
                "month",
            ], "conversion_interval"
        ),
    ])
    func badFunnelFlagsAreOneLineNamingTheField(_ flags: [String], _ says: String) throws {
        try withDemo { data in
            let result = try uplift(["funnel", "--data", data, "--project", "demo"] + flags)
            #expect(result.exitCode == 1)
            #expect(result.stdout.isEmpty)
            let lines = result.stderrText.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderrText)")
            #expect(result.stderrText.hasPrefix("error: "))
            #expect(result.stderrText.contains(says), "\(result.stderrText)")
        }
    }

    @Test func badMetricFlagsAreRefused() throws {
        let cases: [([String], String)] = [
            (["trend", "--measure", "sum"], "property is required"),
            (["trend", "--interval", "fortnight"], "interval"),
            (["adoption", "--feature", "paid", "--window", "3h"], "window"),
            (["retention", "--cohort-event", "signed_up", "--periods", "0"], "periods"),
            (["lifecycle", "--interval", "hour"], "interval"),
            (["feedback", "--comments", "1000"], "comments"),
        ]
        try withDemo { data in
            for (args, says) in cases {
                let result = try uplift(
                    args + ["--data", data, "--project", "demo", "--from", "2026-03-01", "--to", "2026-03-08"])
                #expect(result.exitCode == 1, "\(args)")
                #expect(result.stderrText.contains(says), "\(args): \(result.stderrText)")
            }
        }
    }

    @Test func aBadQueryCacheSizeStopsServeBeforeItStarts() throws {
        try withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data").path
            for size in ["3 lots", "-1", "GiB", "99999999999GiB"] {
                let result = try uplift(["serve", "--data", data, "--port", "0", "--query-cache-memory", size])
                #expect(result.exitCode != 0, "\(size)")
                #expect(result.stderrText.contains("--query-cache-memory"), "\(size): \(result.stderrText)")
                #expect(!result.stdoutText.contains("listening"))
            }
        }
    }

    @Test func aBadQueryTimeoutStopsServeBeforeItStarts() throws {
        try withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data").path
            for seconds in ["0", "-5", "soon", "100000"] {
                let result = try uplift(["serve", "--data", data, "--port", "0", "--query-timeout", seconds])
                #expect(result.exitCode != 0, "\(seconds)")
                #expect(result.stderrText.contains("--query-timeout"), "\(seconds): \(result.stderrText)")
                #expect(!result.stdoutText.contains("listening"))
            }
        }
    }

    @Test func anUnknownProjectIsAnError() throws {
        try withDemo { data in
            let result = try uplift([
                "trend", "--data", data, "--project", "nope", "--from", "2026-03-01", "--to", "2026-03-08",
            ])
            #expect(result.exitCode == 1)
            #expect(result.stderrText.contains("project 'nope' does not exist"), "\(result.stderrText)")
        }
    }

    @Test
    func jsonIsTheResultDocument() throws {
        try withDemo { data in
            let base = ["--data", data, "--project", "demo", "--from", "2026-03-01", "--to", "2026-03-08", "--json"]
            let funnel = try uplift(["funnel", "--steps", "signed_up,paid"] + base)
            #expect(funnel.exitCode == 0, "\(funnel.stderrText)")
            let doc = try #require(JSONSerialization.jsonObject(with: funnel.stdout) as? [String: Any])
            #expect(Set(doc.keys) == ["steps", "breakdown", "conversion_over_time", "time_to_convert"])
            let steps = try #require(doc["steps"] as? [[String: Any]])
            #expect(steps.map { $0["persons"] as? Int } == [2, 1])
            #expect(funnel.stdoutText.split(separator: "\n").count == 1)

            let table = try uplift(["funnel", "--steps", "signed_up,paid"] + base.dropLast())
            #expect(table.exitCode == 0)
            #expect(table.stdoutText.contains("1. signed_up"))
            #expect(table.stdoutText.contains("50.0%"))

            for (command, extra, keys) in [
                ("trend", [String](), Set(["series", "total", "breakdown"])),
                ("adoption", ["--feature", "paid"], ["series"]),
                ("retention", ["--cohort-event", "signed_up"], ["cohorts", "average"]),
                ("lifecycle", [], ["periods"]),
                ("feedback", [], ["total", "groups"]),
            ] {
                let result = try uplift([command] + extra + base)
                #expect(result.exitCode == 0, "\(command): \(result.stderrText)")
                let doc = try #require(
                    JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "\(command)")
                #expect(Set(doc.keys) == keys, "\(command)")
                #expect(try uplift([command] + extra + base.dropLast()).exitCode == 0, "\(command) table")
            }
        }
    }
}
