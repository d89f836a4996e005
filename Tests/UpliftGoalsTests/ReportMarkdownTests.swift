import TestSupport
import Testing

@testable import UpliftGoals

/// The PR/FAQ body's Markdown: the subset we render, and everything else shown as text.
struct ReportMarkdownTests {
    @Test func rendersTheSubset() {
        let html = Markdown.html(
            """
            # Title
            A *new* **bold** `code` [site](https://example.com) and [faq](#q1).

            - one
            - two

            1. first
            2. second

            ```
            let x = <y>
            ```
            """)
        #expect(html.contains("<h3>Title</h3>"))
        #expect(html.contains("<em>new</em>"))
        #expect(html.contains("<strong>bold</strong>"))
        #expect(html.contains("<code>code</code>"))
        #expect(html.contains("<a href=\"https://example.com\">site</a>"))
        #expect(html.contains("<a href=\"#q1\">faq</a>"))
        #expect(html.contains("<ul><li>one</li><li>two</li></ul>"))
        #expect(html.contains("<ol><li>first</li><li>second</li></ol>"))
        #expect(html.contains("<pre><code>let x = &lt;y&gt;</code></pre>"))
    }

    @Test func underscoresInsideWordsStayLetters() {
        #expect(Markdown.inline("feature_x_used and _this_") == "feature_x_used and <em>this</em>")
        #expect(Markdown.inline("2 * 3 * 4") == "2 * 3 * 4")
        #expect(Markdown.inline("unclosed [link](https://x") == "unclosed [link](https://x")
    }

    @Test func rawHTMLAndUnsafeLinksAreText() {
        let html = Markdown.html(
            """
            <script>alert(1)</script> "><img src=x onerror=alert(1)>
            [click](javascript:alert(1)) [data](data:text/html,<b>x</b>) [rel](../secret) [sp](java\tscript:x)
            """)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;"))
        #expect(!html.lowercased().contains("href=\"javascript"))
        #expect(!html.contains("href=\"data"))
        #expect(!html.contains("href=\"../"))
        #expect(html.contains("click"))
        let xml = XMLCheck.parse("<div>" + html + "</div>")
        #expect(xml.error == nil)
        #expect(Set(xml.elements).isSubset(of: ["div", "p", "a", "em", "strong", "code"]))
    }
}
