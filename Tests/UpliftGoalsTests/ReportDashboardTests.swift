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
}
