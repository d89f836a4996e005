import Crypto
import Foundation

/// A page of the server's front door (sign-in, a project's home): the reports' stylesheet and
/// markup with a few rules for forms, no scripts, nothing loaded. Its policy differs from a
/// report's in one directive: forms may post to this server (`form-action 'self'`), because the
/// sign-in and sign-out buttons are forms.
package struct FrontDoorPage: Sendable {
    package var title: String
    package var subtitle: String?
    /// Markup (already escaped) shown at the header's end, e.g. the sign-out form.
    package var actions: String
    /// The page's content (already escaped), inside `<main>`.
    package var main: String
    package var footer: String?

    package init(title: String, subtitle: String? = nil, actions: String = "", main: String, footer: String? = nil) {
        self.title = title
        self.subtitle = subtitle
        self.actions = actions
        self.main = main
        self.footer = footer
    }

    /// The reports' rules, then the front door's: a skip link, visible focus, form controls,
    /// messages, and a print view without forms.
    static let css =
        ReportStyle.css + "\n"
            + """
            .skip{position:absolute;left:-10000px;top:8px}
            .skip:focus{left:12px;background:#fff;padding:6px 10px;border:2px solid #0072B2;border-radius:4px;z-index:1}
            a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #0072B2;outline-offset:2px}
            .topbar{display:flex;justify-content:space-between;align-items:flex-start;gap:16px;flex-wrap:wrap}
            form.sign-in{display:flex;flex-direction:column;gap:8px;max-width:440px}
            form.sign-in label{font-weight:600}
            form.sign-in input{font:inherit;padding:8px 10px;border:1.5px solid #767676;border-radius:6px;background:#fff;color:var(--ink)}
            button{font:inherit;font-weight:600;padding:7px 16px;border-radius:6px;border:1.5px solid #0060a0;background:#0060a0;color:#fff;cursor:pointer;align-self:flex-start}
            button.quiet{background:#fff;color:#0060a0}
            .hint{color:var(--muted);font-size:.9rem;margin:0}
            .message{font-weight:600;border-left:5px solid var(--off-track);padding:8px 12px;background:#fdf0e9;color:#7a2607;margin:0 0 14px}
            .page-nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:6px 18px;padding:0;margin:0 0 18px}
            .prfaq-meta{color:var(--muted);margin:0 0 10px}
            .goal-strip{margin:0 0 8px}
            @media print{form,.skip,.page-nav{display:none}}
            """

    /// The stylesheet's CSP source expression.
    static let hash = "sha256-" + Data(SHA256.hash(data: Data(css.utf8))).base64EncodedString()

    /// Nothing but the page's own stylesheet; forms post only to this server. Served with
    /// `frame-ancestors 'none'` added, as the reports are.
    package static let contentSecurityPolicy =
        "default-src 'none'; style-src '\(hash)'; base-uri 'none'; form-action 'self'"

    package func render() -> String {
        var out =
            "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
        // Not `no-referrer`: under it a browser sends `Origin: null` with the page's form posts, which
        // the server cannot tell from a post of another site. Other sites still learn nothing.
        out += "<meta name=\"referrer\" content=\"same-origin\"/>"
        out += "<title>\(Escape.text(title))</title><style>\(Self.css)</style></head><body>"
        out += "<a class=\"skip\" href=\"#main\">Skip to content</a>"
        out += "<header id=\"top\" class=\"topbar\"><div><h1>\(Escape.text(title))</h1>"
        if let subtitle { out += "<p class=\"subtitle\">\(Escape.text(subtitle))</p>" }
        out += "</div>\(actions)</header><main id=\"main\">\(main)</main>"
        if let footer { out += "<footer><p>\(Escape.text(footer))</p></footer>" }
        out += "</body></html>\n"
        return out
    }

    /// Goal cards as the report's summary strip draws them, each linking to `href(goal)`.
    package static func goalStrip(_ goals: [GoalSummary], label: String, href: (GoalSummary) -> String) -> String {
        var out = "<ul class=\"goal-strip\" aria-label=\"\(Escape.attribute(label))\">"
        for g in goals {
            out += "<li class=\"goal-card status-\(g.status.rawValue)\"><a href=\"\(Escape.attribute(href(g)))\">"
            out += "<span class=\"badge\">\(Escape.text(g.status.label))</span>"
            out += "<strong class=\"goal-title\">\(Escape.text(g.title))</strong>"
            out += "<span class=\"goal-value\">\(Escape.text(g.current))</span>"
            out += "<span class=\"goal-target\">target \(Escape.text(g.target))</span>"
            if let note = g.note { out += "<span class=\"goal-note\">\(Escape.text(note))</span>" }
            out += "</a></li>"
        }
        return out + "</ul>"
    }
}
