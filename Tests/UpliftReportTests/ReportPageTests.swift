import Foundation
import TestSupport
import Testing
import UpliftReport

struct ReportPageTests {
    @Test func pageIsWellFormedSelfContainedAndLinked() throws {
        let html = SamplePage.page().render()
        let check = ChartChecks.assertSafe(html)
        #expect(
            !check.elements.contains("script") && !check.elements.contains("link") && !check.elements.contains("img"))
        // No URL anywhere but fragments: nothing to fetch.
        #expect(!html.contains("http://") || html.contains("xmlns=\"http://www.w3.org/"))
        for a in check.attributes where ["src", "href", "xlink:href"].contains(a.name) {
            #expect(a.value.hasPrefix("#"))
        }
        #expect(!html.contains("url("))
        // Summary links to every goal section, and each goal section exists exactly once.
        let ids = check.attributes.filter { $0.name == "id" }.map(\.value)
        #expect(Set(ids).count == ids.count, "duplicate ids")
        for goal in ["checklist-adoption", "invites-sent", "checkout-conv"] {
            #expect(html.contains("href=\"#goal-\(goal)\""))
            #expect(ids.contains("goal-\(goal)"))
        }
        // Every goal chart links back to its goal and to the summary.
        #expect(html.contains("<a href=\"#goal-checklist-adoption\">Goal: Checklist adoption</a>"))
        #expect(ChartChecks.count("href=\"#summary\"", in: html) == 3)
        #expect(ChartChecks.count("<details class=\"data-table\">", in: html) == 5)
        #expect(html.contains("Content-Security-Policy"))
        #expect(html.contains("@media print"))
    }

    @Test func renderingIsDeterministic() {
        #expect(SamplePage.page().render() == SamplePage.page().render())
    }

    @Test(arguments: Payloads.corpus)
    func payloadsInEveryTextSlotStayText(_ payload: String) {
        let html = SamplePage.page(goalID: payload, text: payload).render()
        let check = ChartChecks.assertSafe(html)
        #expect(check.elements.filter { $0 == "html" }.count == 1)
        #expect(check.elements.filter { $0 == "section" }.count == 6)
        #expect(
            !check.elements.contains("script") && !check.elements.contains("img") && !check.elements.contains("iframe"))
    }

    /// Writes the sample page where the browser harness looks for it
    /// (Tests/browser/out/sample-report.html, ignored by git), so `pytest Tests/browser` can
    /// screenshot exactly what this library renders.
    @Test func writesSamplePageForTheBrowserHarness() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("browser/out")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("sample-report.html")
        try Data(SamplePage.page().render().utf8).write(to: file)
        let payloadFile = dir.appendingPathComponent("payload-report.html")
        let payloads = Payloads.corpus.prefix(Payloads.corpus.count - 1).joined(separator: " | ")
        try Data(SamplePage.page(goalID: "payload", text: payloads).render().utf8).write(to: payloadFile)
        #expect(FileManager.default.fileExists(atPath: file.path))
    }
}
