import Foundation
import TestSupport
import Testing
import UpliftAnalysis
import UpliftExperiments
import UpliftModel

@testable import UpliftGoals

/// The files a PR/FAQ names stay inside its folder; no problem quotes a file's content.
struct PrfaqFileTests {
    /// A valid PR/FAQ whose one experiment names `definition` (line 15).
    static func prfaq(definition: String) -> String {
        """
        ---
        id: conf
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
          - key: checkout-redesign
            definition: \(definition)
        ---
        body
        """
    }

    static let shippedDefinition = Paths.packageRoot.appendingPathComponent(
        "dashboards/experiments/checkout-redesign.yaml")
    static let secret = "SECRET-9f2c"

    /// `outer/secret.yaml` (a valid definition holding a secret), and `outer/dashboards/` with the PR/FAQ.
    func layout(_ body: (_ outer: URL, _ folder: URL) throws -> Void) throws {
        try withTemporaryDirectory { outer in
            let folder = outer.appendingPathComponent("dashboards")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let valid = try String(contentsOf: Self.shippedDefinition, encoding: .utf8)
            try (valid + "owner: \(Self.secret)\n").write(
                to: outer.appendingPathComponent("secret.yaml"), atomically: true, encoding: .utf8)
            try "root:x:0:0:\(Self.secret):/root:/bin/sh\n".write(
                to: outer.appendingPathComponent("passwd"), atomically: true, encoding: .utf8)
            try body(outer, folder)
        }
    }

    func check(_ folder: URL, definition: String, details: Bool = true) throws -> PrfaqDocument.Check {
        let file = folder.appendingPathComponent("conf.md")
        try Self.prfaq(definition: definition).write(to: file, atomically: true, encoding: .utf8)
        return PrfaqDocument.check(file: file.path, details: details)
    }

    @Test func aDefinitionInsideTheFolderIsRead() throws {
        try layout { _, folder in
            let sub = folder.appendingPathComponent("experiments")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.shippedDefinition, to: sub.appendingPathComponent("c.yaml"))
            let check = try check(folder, definition: "experiments/c.yaml")
            #expect(check.problems.isEmpty, "\(check.problems)")
            // `..` that stays inside is inside.
            #expect(try self.check(folder, definition: "experiments/../experiments/c.yaml").problems.isEmpty)
        }
    }

    @Test(arguments: ["../secret.yaml", "../passwd", "experiments/../../secret.yaml"])
    func aParentPathIsRefusedUnread(_ definition: String) throws {
        try layout { _, folder in
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent("experiments"), withIntermediateDirectories: true)
            let problems = try check(folder, definition: definition).problems
            let problem = try #require(problems.first)
            #expect(problems.count == 1)
            #expect(problem.field == "experiments[0].definition" && problem.line == 15)
            #expect(problem.message.contains("outside the PR/FAQ's folder"), "\(problem.message)")
            #expect(!problem.message.contains(Self.secret))
        }
    }

    @Test func anAbsolutePathIsRefusedUnread() throws {
        try layout { outer, folder in
            let problem = try #require(
                check(folder, definition: outer.appendingPathComponent("secret.yaml").path).problems.first)
            #expect(problem.field == "experiments[0].definition" && problem.line == 15)
            #expect(problem.message.contains("not an absolute path"), "\(problem.message)")
        }
    }

    /// A symlink inside the folder that points out of it (to a file, or a folder) is outside.
    @Test func aSymlinkPointingOutIsRefused() throws {
        try layout { outer, folder in
            try FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent("link.yaml"),
                withDestinationURL: outer.appendingPathComponent("secret.yaml"))
            try FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent("up"), withDestinationURL: outer)
            for definition in ["link.yaml", "up/secret.yaml"] {
                let problem = try #require(try check(folder, definition: definition).problems.first)
                #expect(problem.message.contains("outside the PR/FAQ's folder"), "\(definition): \(problem.message)")
                #expect(!problem.message.contains(Self.secret))
            }
            // A symlink that stays inside is followed.
            try FileManager.default.copyItem(at: Self.shippedDefinition, to: folder.appendingPathComponent("c.yaml"))
            try FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent("alias.yaml"),
                withDestinationURL: folder.appendingPathComponent("c.yaml"))
            #expect(try check(folder, definition: "alias.yaml").problems.isEmpty)
        }
    }

    /// A FIFO would block the reader forever, a huge file fill its memory: both refused at once.
    @Test func onlyRegularFilesUpToTheLimitAreRead() throws {
        try layout { _, folder in
            let fifo = folder.appendingPathComponent("fifo.yaml")
            #expect(mkfifo(fifo.path, 0o600) == 0)
            let start = ContinuousClock.now
            let problem = try #require(try check(folder, definition: "fifo.yaml").problems.first)
            #expect(ContinuousClock.now - start < .seconds(2))
            #expect(problem.message.contains("not a regular file"), "\(problem.message)")

            try Data(count: YAMLBounds.maxBytes + 1).write(to: folder.appendingPathComponent("big.yaml"))
            let big = try #require(try check(folder, definition: "big.yaml").problems.first)
            #expect(big.message.contains("larger than 65536 bytes"), "\(big.message)")
        }
    }

    /// On the server (`details: false`) a definition inside the folder that does not parse is named
    /// by its field and line only; `uplift prfaq validate` (details) says what is wrong.
    @Test func theServersProblemsNeverQuoteADefinition() throws {
        try layout { _, folder in
            try "key: \(Self.secret)\nvariants: [{key: a}, {key: b}]\n".write(
                to: folder.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
            let quiet = try #require(try check(folder, definition: "bad.yaml", details: false).problems.first)
            #expect(quiet.field == "experiments[0].definition" && quiet.line == 15)
            #expect(quiet.message.contains("not a valid experiment definition"), "\(quiet.message)")
            #expect(!quiet.message.contains(Self.secret))
            let detailed = try #require(try check(folder, definition: "bad.yaml").problems.first)
            #expect(detailed.message.contains("key (line 1)"), "\(detailed.message)")

            let dashboards = try DashboardFolder(folder.path)
            #expect(dashboards.documents.isEmpty)
            let listed = dashboards.invalid.flatMap(\.problems).map(\.description).joined(separator: "\n")
            #expect(listed.contains("experiments[0].definition (line 15)"), "\(listed)")
            #expect(!listed.contains(Self.secret))
        }
    }

    /// A PR/FAQ's header is YAML like a definition: the same refusal, at the header's line in the file.
    @Test func aHeaderWithAliasesIsRefused() throws {
        try withTemporaryDirectory { folder in
            let file = folder.appendingPathComponent("laughs.md")
            let header = Self.prfaq(definition: "x.yaml").replacingOccurrences(
                of: "title: t", with: "title: &t t\nowner2: *t")
            try header.write(to: file, atomically: true, encoding: .utf8)
            let start = ContinuousClock.now
            let check = PrfaqDocument.check(file: file.path)
            #expect(ContinuousClock.now - start < .seconds(1))
            let problem = try #require(check.problems.first)
            #expect(problem.message.contains("the header (line 3): YAML anchors and aliases"), "\(problem.message)")
        }
    }

    /// The report of a daily goal says "Daily values" (it said "Dayly").
    @Test func aDailyGoalsReportSaysDaily() throws {
        try withTemporaryDirectory { folder in
            let text = try String(
                contentsOf: Paths.packageRoot.appendingPathComponent("dashboards/feature-x.md"), encoding: .utf8)
            #expect(text.contains("interval: week"))
            let file = folder.appendingPathComponent("daily.md")
            try text.replacingOccurrences(of: "interval: week", with: "interval: day").write(
                to: file, atomically: true, encoding: .utf8)
            let document = try PrfaqDocument.load(file: file.path)
            let now = UTCDay(year: 2026, month: 3, day: 2)!.startMicroseconds
            let html = try ReportBuilder().render(document, snapshot: try DashboardTests.generated(), now: now)
            #expect(html.contains("Daily values, complete periods only"))
            #expect(!html.contains("Dayly"))
        }
    }

    @Test(arguments: [(Interval.hour, "Hourly"), (.day, "Daily"), (.week, "Weekly"), (.month, "Monthly")])
    func reportCaptionsNameThePeriod(_ interval: Interval, _ word: String) {
        #expect(ReportBuilder.adjective(interval) == word)
    }
}
