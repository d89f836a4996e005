import Foundation
import TestSupport
import Testing

/// Item 10 of the hardening issue with the real binary: a crash during compaction after its outputs
/// were written but before its sources were deleted, then `verify` and `stats` before any restart.
/// They must report what the next open serves (each event once), exit 0, and change nothing.
struct InterruptedCompactionCLITests {
    func uplift(_ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
        let binary = try #require(upliftBinaryPath(), "build the uplift binary first (swift build)")
        return try runProcess(binary, arguments: arguments, stdin: stdin)
    }

    @Test func verifyAndStatsBeforeTheRestartTellTheTruth() throws {
        try withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data").path
            let lines = (0..<300).map {
                #"{"type":"track","event":"e","userId":"u\#($0 % 9)","messageId":"m\#($0)","timestamp":"2026-03-01T10:00:00Z"}"#
            }
            let imported = try uplift(
                ["import", "--data", data, "--project", "crash", "--flush-events", "100", "-"],
                stdin: Data(lines.joined(separator: "\n").utf8))
            #expect(imported.exitCode == 0, "\(imported.stderrText)")
            let partition = data + "/events/project=crash/date=2026-03-01"
            let fm = FileManager.default
            let sources = try fm.contentsOfDirectory(atPath: partition).filter { $0.hasSuffix(".parquet") }
            #expect(!sources.isEmpty)
            // Keep the flushed segments aside, compact, and put them back: the state a crash leaves
            // between writing the compacted segment and deleting what it replaces.
            let aside = dir.appendingPathComponent("aside").path
            try fm.createDirectory(atPath: aside, withIntermediateDirectories: true)
            for name in sources { try fm.copyItem(atPath: partition + "/" + name, toPath: aside + "/" + name) }
            #expect(try uplift(["compact", "--data", data, "--force"]).exitCode == 0)
            for name in sources where !fm.fileExists(atPath: partition + "/" + name) {
                try fm.copyItem(atPath: aside + "/" + name, toPath: partition + "/" + name)
            }
            let crashed = Set(try fm.contentsOfDirectory(atPath: partition))
            #expect(crashed.count > sources.count)

            let verify = try uplift(["verify", "--data", data, "--json"])
            #expect(verify.exitCode == 0, "\(verify.stdoutText) \(verify.stderrText)")
            let report = try #require(try JSONSerialization.jsonObject(with: verify.stdout) as? [String: Any])
            #expect(report["events"] as? Int == 300)
            #expect((report["notes"] as? [Any])?.count == sources.count)
            let stats = try uplift(["stats", "--data", data, "--project", "crash", "--json"])
            let counted = try #require(try JSONSerialization.jsonObject(with: stats.stdout) as? [String: Any])
            #expect((counted["projects"] as? [[String: Any]])?.first?["events"] as? Int == 300)
            #expect(Set(try fm.contentsOfDirectory(atPath: partition)) == crashed, "inspection changed nothing")

            // The open that finishes the compaction agrees.
            #expect(try uplift(["compact", "--data", data]).exitCode == 0)
            #expect(try fm.contentsOfDirectory(atPath: partition).filter { $0.hasSuffix(".parquet") }.count == 1)
            let after =
                try JSONSerialization.jsonObject(
                    with: try uplift(["verify", "--data", data, "--json"]).stdout) as? [String: Any]
            #expect(after?["events"] as? Int == 300 && after?["ok"] as? Bool == true)
        }
    }
}
