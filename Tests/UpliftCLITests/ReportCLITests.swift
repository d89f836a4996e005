import Foundation
import TestSupport
import Testing

/// `uplift report` end to end through the built binary: one PR/FAQ to a file, and a folder of them with an index.
struct ReportCLITests {
    static let dashboards = Paths.packageRoot.appendingPathComponent("dashboards")

    func uplift(_ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
        let binary = try #require(upliftBinaryPath(), "build the uplift binary first (swift build)")
        return try runProcess(
            binary, arguments: arguments, stdin: stdin,
            environment: ["UPLIFT_CATALOG": "", "UPLIFT_CATALOG_SECRET": ""])
    }

    @Test func rendersOneReportAndAFolderWithAnIndex() throws {
        try withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data").path
            let generated = try uplift([
                "generate", "--events", "20000", "--users", "1000", "--days", "60", "--seed", "5",
            ])
            #expect(generated.exitCode == 0)
            let imported = try uplift(["import", "--data", data, "--project", "demo", "-"], stdin: generated.stdout)
            #expect(imported.exitCode == 0, "\(imported.stderrText)")

            let file = dir.appendingPathComponent("report.html").path
            let prfaq = Self.dashboards.appendingPathComponent("new-checkout.md").path
            let one = try uplift([
                "report", "--data", data, "--project", "demo", "--prfaq", prfaq, "--out", file, "--now", "2026-03-02",
            ])
            #expect(one.exitCode == 0, "\(one.stderrText)")
            let html = try String(contentsOfFile: file, encoding: .utf8)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains("<nav id=\"summary\""))
            #expect(html.contains("<section id=\"goal-"))
            #expect(html.contains("<section id=\"experiment-checkout-redesign\""))
            #expect(!html.lowercased().contains("<script"))

            let folder = dir.appendingPathComponent("reports").path
            let all = try uplift([
                "report", "--data", data, "--project", "demo", "--dashboards", Self.dashboards.path,
                "--out", folder, "--now", "2026-03-02",
            ])
            #expect(all.exitCode == 0, "\(all.stderrText)")
            let index = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
            let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            let reports = names.filter { $0 != "index.html" }
            #expect(reports.count >= 3)
            for name in reports { #expect(index.contains("href=\"\(name)\""), "index links \(name)") }

            // Errors say what is wrong: an unknown project, a missing PR/FAQ.
            let missing = try uplift([
                "report", "--data", data, "--project", "demo", "--prfaq", dir.appendingPathComponent("nope.md").path,
                "--out", file,
            ])
            #expect(missing.exitCode != 0)
            #expect(missing.stderrText.contains("nope.md"))
            let unknown = try uplift(["report", "--data", data, "--project", "other", "--prfaq", prfaq, "--out", file])
            #expect(unknown.exitCode != 0)
            #expect(unknown.stderrText.contains("other"))
        }
    }
}
