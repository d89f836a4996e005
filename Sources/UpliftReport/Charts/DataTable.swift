/// The companion table behind each chart: the same numbers as text, folded in
/// `<details><summary>Data</summary>` so the page stays compact and screen readers get a table.
package enum DataTable {
    /// Renders a table; every header and cell is escaped. Columns listed in `numericColumns`
    /// are right-aligned (class `num`).
    package static func render(
        caption: String, headers: [String], rows: [[String]],
        numericColumns: Set<Int> = [], summary: String = "Data"
    ) -> String {
        var out = "<details class=\"data-table\"><summary>\(Escape.text(summary))</summary>"
        out += "<table><caption>\(Escape.text(caption))</caption><thead><tr>"
        for (i, h) in headers.enumerated() {
            out += "<th scope=\"col\"\(numericColumns.contains(i) ? " class=\"num\"" : "")>\(Escape.text(h))</th>"
        }
        out += "</tr></thead><tbody>"
        if rows.isEmpty {
            out += "<tr><td colspan=\"\(max(1, headers.count))\">No data</td></tr>"
        }
        for row in rows {
            out += "<tr>"
            for (i, cell) in row.enumerated() {
                let tag = i == 0 ? "th scope=\"row\"" : "td"
                let close = i == 0 ? "th" : "td"
                out += "<\(tag)\(numericColumns.contains(i) ? " class=\"num\"" : "")>\(Escape.text(cell))</\(close)>"
            }
            out += "</tr>"
        }
        out += "</tbody></table></details>"
        return out
    }
}
