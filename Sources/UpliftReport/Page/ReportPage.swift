/// A self-contained HTML report: inline CSS, no scripts, no external requests. A summary strip
/// of goals links to one section per goal (`#goal-<id>`); each goal's chart links back.
///
/// The output is also well-formed XML (polyglot markup), so tests can parse it strictly.
package struct ReportPage: Sendable {
    package var title: String
    package var subtitle: String?
    /// Shown in the footer, e.g. "Generated 2026-11-25 08:00 UTC from 10,000,000 events".
    package var footer: String?
    package var goals: [GoalSummary]
    package var sections: [ReportSection]

    package init(
        title: String, subtitle: String? = nil, footer: String? = nil,
        goals: [GoalSummary] = [], sections: [ReportSection] = []
    ) {
        self.title = title
        self.subtitle = subtitle
        self.footer = footer
        self.goals = goals
        self.sections = sections
    }

    /// The fragment id of a goal's section: `goal-<id>` with the id made safe by `Escape.anchor`.
    package static func goalAnchor(_ goalID: String) -> String { "goal-" + Escape.anchor(goalID) }

    /// What the page may load: nothing but its own stylesheet, named by hash, so no injected
    /// markup could run a script, load a resource, submit a form or change the base URL.
    /// Served reports send it as a header, with `frame-ancestors 'none'` added (a meta element
    /// cannot carry that directive).
    package static let contentSecurityPolicy =
        "default-src 'none'; style-src '\(ReportStyle.hash)'; base-uri 'none'; form-action 'none'"

    /// The whole document.
    package func render() -> String {
        var out =
            "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>"
        // Belt and braces for a file opened from disk; the server also sends the header.
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(Self.contentSecurityPolicy)\"/>"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
        out += "<title>\(Escape.text(title))</title><style>\(ReportStyle.css)</style></head><body>"
        out += "<header id=\"top\"><h1>\(Escape.text(title))</h1>"
        if let subtitle { out += "<p class=\"subtitle\">\(Escape.text(subtitle))</p>" }
        out += "</header><main>"
        if !goals.isEmpty { out += summaryStrip() }
        for section in sections { out += render(section) }
        out += "</main>"
        if let footer { out += "<footer><p>\(Escape.text(footer))</p></footer>" }
        out += "</body></html>\n"
        return out
    }

    private func summaryStrip() -> String {
        var out = "<nav id=\"summary\" aria-label=\"Goals\"><h2>Goals</h2><ul class=\"goal-strip\">"
        for g in goals {
            let anchor = Self.goalAnchor(g.id)
            out += "<li class=\"goal-card status-\(g.status.rawValue)\"><a href=\"#\(anchor)\">"
            out += "<span class=\"badge\">\(Escape.text(g.status.label))</span>"
            out += "<strong class=\"goal-title\">\(Escape.text(g.title))</strong>"
            out += "<span class=\"goal-value\">\(Escape.text(g.current))</span>"
            out += "<span class=\"goal-target\">target \(Escape.text(g.target))</span>"
            if let note = g.note { out += "<span class=\"goal-note\">\(Escape.text(note))</span>" }
            out += "</a></li>"
        }
        return out + "</ul></nav>"
    }

    private func render(_ section: ReportSection) -> String {
        let anchor: String
        var backLink = ""
        switch section.kind {
        case .goal(let id):
            anchor = Self.goalAnchor(id)
            backLink = "<p class=\"back\"><a href=\"#summary\">↑ All goals</a></p>"
        case .other(let id):
            anchor = Escape.anchor(id)
        }
        var out = "<section id=\"\(anchor)\" class=\"report-section\"><h2><a class=\"self\" href=\"#\(anchor)\">"
        out += "\(Escape.text(section.heading))</a>"
        if let status = section.status {
            out += " <span class=\"badge status-\(status.rawValue)\">\(Escape.text(status.label))</span>"
        }
        out += "</h2>"
        for block in section.blocks {
            switch block {
            case .paragraph(let text):
                out += "<p>\(Escape.text(text))</p>"
            case .warning(let text):
                out += "<p class=\"warning\" role=\"note\"><strong>Warning:</strong> \(Escape.text(text))</p>"
            case .facts(let pairs):
                out += "<ul class=\"facts\">"
                for f in pairs {
                    out += "<li><span>\(Escape.text(f.label))</span> <strong>\(Escape.text(f.value))</strong></li>"
                }
                out += "</ul>"
            case .chart(let chart):
                out += "<figure class=\"chart\">\(chart.svg)<figcaption>"
                if case .goal = section.kind {
                    out += "<a href=\"#\(anchor)\">Goal: \(Escape.text(section.heading))</a> · "
                }
                out += "\(Escape.text(chart.caption))</figcaption>\(chart.table)</figure>"
            case .comments(let comments):
                out += "<ul class=\"comments\">"
                for c in comments {
                    out += "<li><span class=\"score\">\(Escape.text(c.score))</span> "
                    out += "<blockquote>\(Escape.text(c.text))</blockquote>"
                    if let meta = c.meta { out += "<span class=\"meta\">\(Escape.text(meta))</span>" }
                    out += "</li>"
                }
                out += "</ul>"
            case .trustedHTML(let html):
                out += html
            }
        }
        return out + backLink + "</section>"
    }
}
