import Foundation
import TestSupport
import Testing
import UpliftGoals
import UpliftModel
import UpliftStorage

/// The report of every PR/FAQ in dashboards/ over a small generated workload.
struct ReportDashboardTests {
    @Test func everyDashboardRendersAWellFormedLinkedReport() throws {
        let snapshot = try DashboardTests.generated()
        let now = UTCDay(year: 2026, month: 3, day: 2)!.startMicroseconds
        for file in try DashboardTests.files() {
            let document = try PrfaqDocument.load(file: file)
            let html = try ReportBuilder().render(document, snapshot: snapshot, now: now)
            let xml = XMLCheck.parse(html)
            #expect(xml.error == nil, "\(file): \(xml.error ?? "")")
            #expect(!html.lowercased().contains("<script"))
            #expect(html.contains(document.title.replacingOccurrences(of: "&", with: "&amp;")))
            let ids = xml.ids
            for goal in document.goals {
                let anchor = "goal-" + goal.id
                // One section per goal, linked from the summary strip and linking back from its chart.
                #expect(ids.filter { $0 == anchor }.count == 1, "\(file): section \(anchor)")
                #expect(html.contains("<section id=\"\(anchor)\""), "\(file): \(anchor) is a section")
                #expect(html.contains("<li class=\"goal-card status-"), "\(file)")
                #expect(xml.hrefs.filter { $0 == "#" + anchor }.count >= 2, "\(file): links to \(anchor)")
                #expect(
                    html.contains("<figcaption><a href=\"#\(anchor)\">"),
                    "\(file): chart of \(anchor) links to its goal")
            }
            // Every in-page link lands on an element of the page.
            for href in xml.hrefs where href.hasPrefix("#") {
                #expect(ids.contains(String(href.dropFirst())), "\(file): dangling link \(href)")
            }
            // No external resource: no attribute other than the XHTML namespace holds a URL.
            for a in xml.attributes where a.name != "xmlns" {
                let v = a.value.lowercased()
                #expect(
                    !v.contains("http://") && !v.contains("https://") && !v.hasPrefix("//"),
                    "\(file): \(a.element) \(a.name)=\(a.value)")
            }
            for f in document.funnels { #expect(ids.contains("funnel-" + f.id), "\(file): funnel \(f.id)") }
            for e in document.experiments {
                #expect(ids.contains("experiment-" + e.key), "\(file): experiment \(e.key)")
            }
            #expect(
                xml.elements.filter { $0 == "svg" }.count >= document.goals.count + document.funnels.count
                    + document.experiments.count)
            #expect(ids.contains("press-release"))
        }
    }

    @Test func indexLinksEveryReport() throws {
        let entries = [
            ReportIndex.Entry(file: ReportIndex.fileName("feature-x"), title: "Feature <X>", owner: "Lena", goals: 3),
            ReportIndex.Entry(file: ReportIndex.fileName("new-checkout"), title: "Checkout", owner: "Sam", goals: 1),
        ]
        let html = ReportIndex.html(entries)
        let xml = XMLCheck.parse(html)
        #expect(xml.error == nil)
        #expect(xml.hrefs.contains("feature-x.html"))
        #expect(xml.hrefs.contains("new-checkout.html"))
        #expect(xml.text.contains("Feature <X>"))
        #expect(!xml.elements.contains("X"))
    }

    /// Issue 22's demo inconsistencies: a funnel footer no earlier than the data's first day (the range
    /// starts at launch − 28 days, 2025-12-04, before the data), "data to" the data's last day, the
    /// checkout guardrail and the error goal told apart, a goal title that says its target.
    @Test func theDemoReportsSayWhatTheyMeasure() throws {
        let snapshot = try DashboardTests.generated()
        let now = UTCDay(year: 2026, month: 3, day: 2)!.startMicroseconds
        let checkout = try PrfaqDocument.load(
            file: DashboardTests.folder.appendingPathComponent("new-checkout.md").path)
        let html = try ReportBuilder().render(checkout, snapshot: snapshot, now: now)
        #expect(html.contains("From 2026-01-01 to 2026-03-01; conversion and drop-off"), "footer")
        #expect(!html.contains("From 2025-"))
        #expect(html.contains("data to 2026-03-01"))
        #expect(html.contains("Guardrail errors is the share of exposed persons with at least one error_shown event"))
        #expect(html.contains("goal “Fewer errors on the way to paying” is weekly events error_shown (where code"))
        let featureX = try PrfaqDocument.load(file: DashboardTests.folder.appendingPathComponent("feature-x.md").path)
        let adoption = try #require(featureX.goals.first { $0.id == "adoption" })
        #expect(adoption.target == 0.25 && adoption.title?.hasPrefix("A quarter of") == true)
    }
}
