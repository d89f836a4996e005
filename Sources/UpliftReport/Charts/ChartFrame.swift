/// The parts every chart shares: the accessible `<svg>` root, the visible title, the legend and
/// the empty state used for degenerate input.
enum ChartFrame {
    static let width = 720.0
    static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"

    /// Opens the root element. `title` and `description` are user text, escaped by the writer;
    /// screen readers announce them through `aria-labelledby` and `aria-label`.
    static func begin(
        _ w: inout SVGWriter, id: String, kind: String, height: Double,
        title: String, description: String, subtitle: String? = nil
    ) {
        let base = "\(Escape.anchor(id))-\(kind)"
        // Assistive technology needs a name even when the caller gave none.
        let title = title.allSatisfy(\.isWhitespace) ? "Untitled chart" : title
        w.open(
            "svg",
            [
                ("xmlns", "http://www.w3.org/2000/svg"),
                ("id", base),
                ("class", "chart chart-\(kind)"),
                ("viewBox", "0 0 \(Num.coord(width)) \(Num.coord(height))"),
                ("width", "100%"),
                ("preserveAspectRatio", "xMidYMid meet"),
                ("role", "img"),
                ("aria-label", title),
                ("aria-describedby", "\(base)-desc"),
                ("font-family", fontFamily),
                ("font-size", "13"),
                ("fill", Palette.ink),
            ])
        w.element("title", [("id", "\(base)-title")], text: title)
        w.element("desc", [("id", "\(base)-desc")], text: description)
        w.rect(x: 0, y: 0, width: width, height: height, [("fill", "#FFFFFF")])
        w.label(x: 16, y: 26, Escape.truncate(title, maxCharacters: 80), [("font-size", "17"), ("font-weight", "600")])
        if let subtitle {
            w.label(
                x: 16, y: 46, Escape.truncate(subtitle, maxCharacters: 110),
                [("font-size", "12.5"), ("fill", Palette.grey)])
        }
    }

    /// A white outline under a label so it stays readable where it crosses lines or bands.
    static let halo = [
        ("stroke", "#FFFFFF"), ("stroke-width", "4"), ("paint-order", "stroke"), ("stroke-linejoin", "round"),
    ]

    static func end(_ w: inout SVGWriter) { w.close("svg") }

    /// A whole chart that says why there is nothing to draw, so a report never shows a blank box.
    static func empty(id: String, kind: String, title: String, message: String, height: Double = 200) -> String {
        var w = SVGWriter()
        begin(&w, id: id, kind: kind, height: height, title: title, description: message)
        w.rect(
            x: 16, y: 44, width: width - 32, height: height - 60,
            [
                ("fill", "#F7F7F7"), ("stroke", Palette.lightGrey), ("stroke-dasharray", "6 4"), ("rx", "6"),
            ])
        w.label(
            x: width / 2, y: 44 + (height - 60) / 2 + 5, Escape.truncate(message, maxCharacters: 100),
            anchor: "middle", [("class", "empty-message"), ("fill", Palette.grey), ("font-size", "15")])
        end(&w)
        return w.output
    }

    /// A legend entry's marker.
    enum Swatch {
        case line(color: String, dash: String?)
        case band(color: String)
        case dot(color: String, hollow: Bool)
        case square(color: String)
    }

    /// The legend from `x` on the row at `y`: swatches and labels left to right, wrapping onto more rows
    /// (18 px apart) rather than shortening a label; a label wider than a whole row breaks between words.
    /// Returns the baseline of its last row, so a chart can start its plot below it.
    @discardableResult
    static func legend(_ w: inout SVGWriter, x: Double, y: Double, items: [(Swatch, String)]) -> Double {
        // Approximate text width: 7.4 px per character at 12.5 px (DejaVu Sans, the widest common fallback).
        let perCharacter = 7.4
        let swatchWidth = 28.0
        let gap = 16.0
        let rowHeight = 18.0
        let right = width - 8
        var cx = x
        var cy = y
        w.open("g", [("class", "legend"), ("font-size", "12.5")])
        for (swatch, text) in items {
            let lines = wrap(text, characters: max(8, Int((right - x - swatchWidth) / perCharacter)))
            let itemWidth = swatchWidth + Double(lines.map(\.count).max() ?? 0) * perCharacter
            if cx > x, cx + itemWidth > right {
                cx = x
                cy += rowHeight
            }
            switch swatch {
            case .line(let color, let dash):
                var attrs = [("stroke", color), ("stroke-width", "2.5")]
                if let dash { attrs.append(("stroke-dasharray", dash)) }
                w.line(x1: cx, y1: cy - 4, x2: cx + 22, y2: cy - 4, attrs)
            case .band(let color):
                w.rect(x: cx, y: cy - 11, width: 22, height: 12, [("fill", color), ("fill-opacity", "0.35")])
            case .dot(let color, let hollow):
                w.empty(
                    "circle",
                    [
                        ("cx", Num.coord(cx + 11)), ("cy", Num.coord(cy - 4)), ("r", "5"),
                        ("fill", hollow ? "#FFFFFF" : color), ("stroke", color), ("stroke-width", "2"),
                    ])
            case .square(let color):
                w.rect(x: cx + 5, y: cy - 10, width: 12, height: 12, [("fill", color)])
            }
            for (i, line) in lines.enumerated() {
                if i > 0 { cy += rowHeight }
                w.label(x: cx + swatchWidth, y: cy, line)
            }
            cx = lines.count > 1 ? right : cx + itemWidth + gap
        }
        w.close("g")
        return cy
    }

    /// `text` in lines of at most `characters`, broken between words (a word longer than a line gets one
    /// of its own).
    static func wrap(_ text: String, characters: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !line.isEmpty, line.count + 1 + word.count > characters {
                lines.append(line)
                line = String(word)
            } else {
                line += line.isEmpty ? String(word) : " " + word
            }
        }
        return lines + [line]
    }

    /// Horizontal grid lines and y tick labels for a linear scale.
    static func yAxis(
        _ w: inout SVGWriter, scale: LinearScale, unit: ValueUnit,
        left: Double, right: Double, top: Double, bottom: Double
    ) {
        w.open("g", [("class", "axis y-axis"), ("font-size", "12")])
        for t in scale.ticks {
            let y = scale.position(t, from: bottom, to: top)
            w.line(
                x1: left, y1: y, x2: right, y2: y,
                [("stroke", t == 0 ? Palette.grey : Palette.lightGrey), ("stroke-width", "1")])
            w.label(x: left - 8, y: y + 4, unit.tick(t, step: scale.step), anchor: "end", [("fill", Palette.grey)])
        }
        w.close("g")
    }
}
