/// Builds SVG markup. Attribute values always go through `Escape.attribute` and text content
/// through `Escape.text`, so a chart cannot forget to escape; names are literals in our code.
struct SVGWriter {
    private(set) var output = ""

    init() { output.reserveCapacity(8192) }

    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        output += "<\(name)"
        write(attributes)
        output += ">"
    }

    mutating func close(_ name: String) { output += "</\(name)>" }

    /// An element without children.
    mutating func empty(_ name: String, _ attributes: [(String, String)]) {
        output += "<\(name)"
        write(attributes)
        output += "/>"
    }

    /// An element holding escaped text.
    mutating func element(_ name: String, _ attributes: [(String, String)] = [], text: String) {
        open(name, attributes)
        output += Escape.text(text)
        close(name)
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, _ attributes: [(String, String)]) {
        empty(
            "line",
            [("x1", Num.coord(x1)), ("y1", Num.coord(y1)), ("x2", Num.coord(x2)), ("y2", Num.coord(y2))] + attributes)
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, _ attributes: [(String, String)]) {
        empty(
            "rect",
            [
                ("x", Num.coord(x)), ("y", Num.coord(y)), ("width", Num.coord(max(0, width))),
                ("height", Num.coord(max(0, height))),
            ] + attributes)
    }

    mutating func label(
        x: Double, y: Double, _ text: String, anchor: String = "start",
        _ attributes: [(String, String)] = []
    ) {
        var attrs = [("x", Num.coord(x)), ("y", Num.coord(y))]
        if anchor != "start" { attrs.append(("text-anchor", anchor)) }
        element("text", attrs + attributes, text: text)
    }

    /// `M x y L x y …` for a polyline path.
    static func path(_ points: [(Double, Double)]) -> String {
        var d = ""
        for (i, p) in points.enumerated() {
            d += (i == 0 ? "M" : " L") + Num.coord(p.0) + " " + Num.coord(p.1)
        }
        return d
    }

    private mutating func write(_ attributes: [(String, String)]) {
        for (name, value) in attributes {
            output += " \(name)=\"\(Escape.attribute(value))\""
        }
    }
}
