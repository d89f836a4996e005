import Foundation
import TestSupport
import Testing

/// The `uplift` command line, end to end through the built binary.
struct CLITests {
    func uplift(_ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
        let binary = try #require(upliftBinaryPath(), "build the uplift binary first (swift build)")
        return try runProcess(binary, arguments: arguments, stdin: stdin)
    }

    func json(_ result: ProcessResult) throws -> [String: Any] {
        try #require(
            JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "not JSON: \(result.stdoutText)")
    }

    @Test func everyCommandHasHelp() throws {
        let top = try uplift(["--help"])
        #expect(top.exitCode == 0)
        for command in ["generate", "import", "stats", "verify", "compact"] {
            #expect(top.stdoutText.contains(command))
            let help = try uplift([command, "--help"])
            #expect(help.exitCode == 0, "\(command) --help")
            #expect(help.stdoutText.contains("USAGE: uplift \(command)"))
        }
    }

    @Test func importReportsCountsAndRejectedLinesWithTheirNumbers() throws {
        try withTemporaryDirectory { dir in
            let lines = [
                #"{"type":"track","event":"signed_up","userId":"u1","messageId":"m1","timestamp":"2026-03-01T10:00:00Z"}"#,
                #"{"type":"track","event":"signed_up","userId":"u1""#,
                "",
                #"{"event":"search","distinct_id":"d1","uuid":"p1","timestamp":"2026-03-01T11:00:00Z"}"#,
                #"{"type":"track","userId":"u2","messageId":"m2"}"#,
                #"{"batch":[{"type":"page","anonymousId":"a1","messageId":"m3"},{"type":"track","event":"x"}]}"#,
                #"{"type":"track","event":"signed_up","userId":"u1","messageId":"m1","timestamp":"2026-03-01T10:00:00Z"}"#,
            ]
            let data = dir.appendingPathComponent("data").path
            let result = try uplift(
                ["import", "--data", data, "--project", "cli", "--json", "-"],
                stdin: Data(lines.joined(separator: "\n").utf8))
            #expect(result.exitCode == 0, "\(result.stderrText)")
            let report = try json(result)
            #expect(report["imported"] as? Int == 3)
            #expect(report["duplicates"] as? Int == 1)
            #expect(report["rejected"] as? Int == 3)
            let errors = result.stderrText
            #expect(errors.contains("standard input: line 2: invalid_json"))
            #expect(errors.contains("standard input: line 5: missing_event_name"))
            #expect(errors.contains("standard input: line 6, message 1:"))

            let stats = try json(uplift(["stats", "--data", data, "--project", "cli", "--json"]))
            let project = try #require((stats["projects"] as? [[String: Any]])?.first)
            #expect(project["events"] as? Int == 3)
            #expect(try uplift(["verify", "--data", data]).exitCode == 0)
        }
    }

    @Test func gzipInputIsDetectedByItsBytes() throws {
        try withTemporaryDirectory { dir in
            let ndjson = try uplift(["generate", "--events", "500", "--users", "20", "--days", "2", "--seed", "9"])
                .stdout
            let plain = dir.appendingPathComponent("events.ndjson")
            try ndjson.write(to: plain)
            let gzip = try runProcess(URL(fileURLWithPath: "/bin/gzip"), arguments: ["-k", "-c", plain.path])
            // Named without .gz on purpose: the magic bytes decide.
            let packed = dir.appendingPathComponent("events.bin")
            try gzip.stdout.write(to: packed)
            let data = dir.appendingPathComponent("data").path
            let first = try json(uplift(["import", "--data", data, "--project", "gz", "--json", packed.path]))
            #expect(first["imported"] as? Int == 500)
            let again = try json(uplift(["import", "--data", data, "--project", "gz", "--json", plain.path]))
            #expect(again["imported"] as? Int == 0)
            #expect(again["duplicates"] as? Int == 500)
        }
    }

    @Test func generateIsDeterministic() throws {
        let a = try uplift(["generate", "--events", "300", "--users", "10", "--seed", "5"])
        let b = try uplift(["generate", "--events", "300", "--users", "10", "--seed", "5"])
        #expect(a.exitCode == 0)
        #expect(a.stdout == b.stdout)
        #expect(a.stdoutText.split(separator: "\n").count == 300)
    }

    @Test(arguments: [
        (["import", "--project", "Bad Slug", "-"], "--project"),
        (["import", "--project", "ok"], "Missing expected argument"),
        (
            ["import", "--data", "{data}", "--project", "ok", "/nonexistent/file.ndjson"],
            "cannot open /nonexistent/file.ndjson"
        ),
        (["generate", "--dialect", "klingon"], "--dialect"),
        (["generate", "--events", "-5"], "events"),
        (["compact", "--sort", "nonsense", "--data", "{data}"], "--sort"),
    ])
    func badInvocationsFailWithAOneLineReason(_ arguments: [String], _ expected: String) throws {
        // `{data}`: a data folder of this run's own (a fixed path would be shared with other runs and left behind).
        let result = try withTemporaryDirectory { dir in
            try uplift(arguments.map { $0 == "{data}" ? dir.appendingPathComponent("data").path : $0 })
        }
        #expect(result.exitCode != 0)
        #expect(result.stderrText.contains(expected), "\(result.stderrText)")
        #expect(!result.stderrText.contains("Fatal error"))
    }

    @Test func aTruncatedGzipFileIsReportedNotCrashedOn() throws {
        try withTemporaryDirectory { dir in
            let ndjson = try uplift(["generate", "--events", "2000", "--users", "20"]).stdout
            let plain = dir.appendingPathComponent("e.ndjson")
            try ndjson.write(to: plain)
            let gzip = try runProcess(URL(fileURLWithPath: "/bin/gzip"), arguments: ["-c", plain.path]).stdout
            let cut = dir.appendingPathComponent("cut.gz")
            try gzip.prefix(gzip.count / 2).write(to: cut)
            let result = try uplift([
                "import", "--data", dir.appendingPathComponent("d").path, "--project", "p", cut.path,
            ])
            #expect(result.exitCode == 1)
            #expect(result.stderrText.contains("gzip stream is truncated"), "\(result.stderrText)")
        }
    }

    @Test func verifyFailsOnADamagedSegmentAndNamesIt() throws {
        try withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data").path
            let ndjson = try uplift(["generate", "--events", "1000", "--users", "30", "--days", "1"]).stdout
            #expect(try uplift(["import", "--data", data, "--project", "v", "-"], stdin: ndjson).exitCode == 0)
            let segments = FileManager.default.enumerator(atPath: data)!.compactMap { $0 as? String }.filter {
                $0.hasSuffix(".parquet")
            }
            let victim = URL(fileURLWithPath: data).appendingPathComponent(try #require(segments.first))
            var bytes = try Data(contentsOf: victim)
            bytes[bytes.count / 2] ^= 0x10
            try bytes.write(to: victim)
            let result = try uplift(["verify", "--data", data, "--json"])
            #expect(result.exitCode == 1)
            #expect(result.stdoutText.contains(victim.lastPathComponent))
        }
    }

    /// `uplift segments` lists the manifest's live files; `verify` checks each against its row and notes a
    /// file the manifest does not name.
    @Test func segmentsListTheManifestAndVerifyChecksIt() throws {
        try withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data").path
            let ndjson = try uplift([
                "generate", "--events", "3000", "--users", "50", "--days", "3", "--start", "2026-02-01",
            ])
            .stdout
            #expect(try uplift(["import", "--data", data, "--project", "m", "-"], stdin: ndjson).exitCode == 0)
            let listed = try json(try uplift(["segments", "--data", data, "--project", "m", "--json"]))
            let segments = try #require(listed["segments"] as? [[String: Any]])
            #expect(segments.compactMap { $0["rows"] as? Int }.reduce(0, +) == 3000)
            let onDisk = FileManager.default.enumerator(atPath: data)!.compactMap { $0 as? String }
                .filter { $0.hasSuffix(".parquet") && $0.hasPrefix("events/") }.map { data + "/" + $0 }
            #expect(Set(segments.compactMap { $0["path"] as? String }) == Set(onDisk))
            let oneDay = try json(
                try uplift(["segments", "--data", data, "--project", "m", "--day", "2026-02-02", "--json"]))
            #expect(
                (oneDay["segments"] as? [[String: Any]])?.allSatisfy { $0["day"] as? String == "2026-02-02" } == true)

            // A stray file is noted, not counted; a live file gone is a problem naming it.
            let first = try #require(segments.first?["path"] as? String)
            let stray = (first as NSString).deletingLastPathComponent + "/f-00000000000000-00000000.parquet"
            try FileManager.default.copyItem(atPath: first, toPath: stray)
            var report = try json(try uplift(["verify", "--data", data, "--json"]))
            #expect(report["ok"] as? Bool == true && report["events"] as? Int == 3000)
            #expect((report["notes"] as? [[String: Any]])?.contains { ($0["path"] as? String) == stray } == true)
            try FileManager.default.removeItem(atPath: first)
            let damaged = try uplift(["verify", "--data", data, "--json"])
            #expect(damaged.exitCode == 1)
            report = try json(damaged)
            let problems = try #require(report["problems"] as? [[String: Any]])
            #expect(
                problems.contains {
                    ($0["path"] as? String) == first && ($0["message"] as? String)?.contains("missing") == true
                })
        }
    }

    /// `--node` names the segments a command writes and their manifest rows; a bad name is refused.
    @Test func theNodeNamesItsSegments() throws {
        try withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data").path
            let ndjson = try uplift(["generate", "--events", "500", "--users", "20", "--days", "1"]).stdout
            let imported = try uplift(
                ["import", "--data", data, "--project", "n", "--node", "importer-7", "-"], stdin: ndjson)
            #expect(imported.exitCode == 0, "\(imported.stderrText)")
            let segments = try #require(
                try json(try uplift(["segments", "--data", data, "--project", "n", "--json"]))["segments"]
                    as? [[String: Any]])
            #expect(!segments.isEmpty)
            for segment in segments {
                #expect(segment["node"] as? String == "importer-7")
                #expect((segment["path"] as? String)?.contains("-importer-7-") == true)
            }
            let bad = try uplift(["import", "--data", data, "--project", "n", "--node", "Node_1", "-"], stdin: ndjson)
            #expect(bad.exitCode != 0)
            #expect(bad.stderrText.contains("is not a node name: 1 to 63 lower-case letters, digits and hyphens"))
        }
    }
}
