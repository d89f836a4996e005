import Foundation
import TestSupport
import Testing
import UpliftAnalysis
import UpliftGoals
import UpliftModel
import UpliftStorage

/// Script, HTML and attribute-breaking payloads in the PR/FAQ (titles, body, goal titles) and in
/// events and comments render as text: no element or attribute comes from them.
struct ReportPayloadTests {
    static let script = "<script>alert(1)</script>"
    static let img = "\"><img src=x onerror=alert(1)>"
    static let quote = "' onmouseover='alert(1)"

    static func yaml(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    static func document(folder: URL) throws -> PrfaqDocument {
        let text = """
            ---
            id: payload
            title: \(yaml("Title " + script + img))
            owner: \(yaml("Owner " + img + quote))
            feature: fx
            launch: 2026-01-01
            goals:
              - id: count
                title: \(yaml("Goal " + script + img))
                metric: events
                event: \(yaml(script))
                interval: week
                target: 100
                deadline: 2026-04-30
              - id: nps
                title: \(yaml("NPS " + img))
                metric: nps
                feature: fx
                interval: week
                target: 40
                deadline: 2026-04-30
            funnels:
              - id: f
                title: \(yaml("Funnel " + script))
                steps: [\(yaml(script)), \(yaml(img))]
            feedback:
              - feature: fx
            ---
            # Heading \(script)
            Body \(img) and [click](javascript:alert(1)) and [x](JaVaScRiPt:alert(1)) and <b onclick="alert(1)">bold</b>
            - item \(quote)
            """
        let file = folder.appendingPathComponent("payload.md")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try PrfaqDocument.load(file: file.path)
    }

    static func snapshot() throws -> Snapshot {
        let start = UTCDay(year: 2026, month: 1, day: 1)!.startMicroseconds
        let day = UTCDay.microsecondsPerDay
        func json(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var events: [Event] = []
        for d in 0..<50 {
            for p in 0..<4 {
                let t = start + Int64(d) * day + Int64(p) * 1_000_000
                let person = "person-\(p)" + (p == 3 ? ReportPayloadTests.img : "")
                events.append(
                    Event(
                        eventID: "a\(d)-\(p)", type: .track, event: script, distinctID: person, timestamp: t,
                        receivedAt: t))
                events.append(
                    Event(
                        eventID: "b\(d)-\(p)", type: .track, event: img, distinctID: person, timestamp: t + 1000,
                        receivedAt: t + 1000))
                let props =
                    "{\"feature\":\"fx\",\"score\":\((d + p) % 11),\"comment\":\(json("Comment " + script + img + quote))}"
                events.append(
                    Event(
                        eventID: "c\(d)-\(p)", type: .track, event: "$feedback", distinctID: person,
                        timestamp: t + 2000, receivedAt: t + 2000, properties: props))
            }
        }
        return Snapshot(project: try ProjectSlug("demo"), segments: [], pending: events)
    }

    /// A report's queries stop when the server's time limit passes (`query_timeout`).
    @Test func anExpiredBudgetStopsTheReport() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "report-budget-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let document = try Self.document(folder: folder)
        let budget = QueryBudget(timeout: .milliseconds(50))
        budget.expire()
        #expect {
            try ReportBuilder(budget: budget).render(
                document, snapshot: try Self.snapshot(), now: UTCDay(year: 2026, month: 2, day: 20)!.startMicroseconds)
        } throws: { ($0 as? UpliftError)?.code == .queryTimeout }
    }

    @Test func payloadsRenderAsText() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "report-payload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let document = try Self.document(folder: folder)
        let html = try ReportBuilder().render(
            document, snapshot: try Self.snapshot(), now: UTCDay(year: 2026, month: 2, day: 20)!.startMicroseconds)
        let xml = XMLCheck.parse(html)
        #expect(xml.error == nil, "\(xml.error ?? "")")
        let unexpected = Set(xml.elements).subtracting(XMLCheck.allowedElements)
        #expect(unexpected.isEmpty, "elements from payloads: \(unexpected)")
        #expect(!xml.elements.contains("script") && !xml.elements.contains("img") && !xml.elements.contains("b"))
        for a in xml.attributes {
            #expect(!a.name.lowercased().hasPrefix("on"), "event-handler attribute \(a.element) \(a.name)")
            #expect(!a.value.lowercased().contains("javascript:"), "\(a.element) \(a.name)=\(a.value)")
            if a.name == "href" { #expect(a.value.hasPrefix("#"), "href \(a.value)") }
        }
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<img"))
        // The payloads are there, as text: titles, goal titles, body, event names and comments.
        #expect(xml.text.contains("Title " + Self.script + Self.img))
        #expect(xml.text.contains("Goal " + Self.script + Self.img))
        #expect(xml.text.contains("Heading " + Self.script))
        #expect(xml.text.contains("<b onclick=\"alert(1)\">bold</b>"))
        #expect(xml.text.contains("Comment " + Self.script + Self.img + Self.quote))
        #expect(xml.text.contains("click"))
        #expect(xml.ids.contains("goal-count") && xml.ids.contains("goal-nps"))
    }
}
