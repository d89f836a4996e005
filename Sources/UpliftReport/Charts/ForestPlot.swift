/// Experiment lift estimates with their intervals, one row per metric and variant.
package struct ForestInput: Sendable {
    package enum Verdict: String, Sendable, Hashable {
        case better, worse, inconclusive
    }
    package struct Row: Sendable, Hashable {
        package var metric: String
        package var variant: String
        /// Relative lift as a fraction (0.05 = +5%) against the control.
        package var estimate: Double
        package var lower: Double
        package var upper: Double
        package var verdict: Verdict
        package init(metric: String, variant: String, estimate: Double, lower: Double, upper: Double, verdict: Verdict)
        {
            self.metric = metric
            self.variant = variant
            self.estimate = estimate
            self.lower = lower
            self.upper = upper
            self.verdict = verdict
        }
    }
    package var id: String
    package var title: String
    package var rows: [Row]
    /// The decision in plain words, shown under the title.
    package var decision: String?
    package var intervalLabel: String
    package init(
        id: String, title: String, rows: [Row], decision: String? = nil, intervalLabel: String = "95% interval"
    ) {
        self.id = id
        self.title = title
        self.rows = rows
        self.decision = decision
        self.intervalLabel = intervalLabel
    }
}

package enum ForestPlot {
    static let rowHeight = 36.0

    package static func svg(_ input: ForestInput) -> String {
        let drawable = input.rows.filter { $0.estimate.isFinite }
        guard !drawable.isEmpty else {
            let message = input.rows.isEmpty ? "No experiment results yet." : "No lift estimate could be computed yet."
            return ChartFrame.empty(id: input.id, kind: "forest", title: input.title, message: message)
        }
        var values: [Double] = [0]
        for r in drawable {
            values.append(r.estimate)
            if r.lower.isFinite { values.append(r.lower) }
            if r.upper.isFinite { values.append(r.upper) }
        }
        // Few ticks: the plot is narrow, and "-20%" labels need room. The plot ends well before the
        // right-aligned estimate column (up to ~26 characters, "+33.6% [+15.7%, +51.5%]").
        let scale = LinearScale(min: values.min() ?? 0, max: values.max() ?? 0, targetTicks: 4)
        let top = 92.0
        let plotLeft = 250.0
        let plotRight = 490.0
        let bottom = top + Double(input.rows.count) * rowHeight
        let height = bottom + 58
        func px(_ v: Double) -> Double { scale.position(v, from: plotLeft, to: plotRight) }

        var w = SVGWriter()
        ChartFrame.begin(
            &w, id: input.id, kind: "forest", height: height, title: input.title,
            description: description(input), subtitle: input.decision)
        w.open("g", [("font-size", "12"), ("fill", Palette.grey), ("font-weight", "600")])
        w.label(x: 16, y: top - 10, "Metric · variant")
        w.label(x: (plotLeft + plotRight) / 2, y: top - 10, "Lift vs control", anchor: "middle")
        w.label(x: ChartFrame.width - 16, y: top - 10, "Estimate [\(input.intervalLabel)]", anchor: "end")
        w.close("g")
        // Grid and ticks along the bottom.
        w.open("g", [("class", "axis x-axis"), ("font-size", "12"), ("fill", Palette.grey)])
        for t in scale.ticks {
            let x = px(t)
            w.line(x1: x, y1: top, x2: x, y2: bottom, [("stroke", Palette.lightGrey)])
            w.label(x: x, y: bottom + 18, ValueUnit.percent.tick(t, step: scale.step), anchor: "middle")
        }
        w.close("g")
        w.line(
            x1: px(0), y1: top - 4, x2: px(0), y2: bottom,
            [("class", "zero-line"), ("stroke", Palette.ink), ("stroke-width", "1.5")])

        for (i, row) in input.rows.enumerated() {
            let cy = top + (Double(i) + 0.5) * rowHeight
            if i % 2 == 1 {
                w.rect(
                    x: 8, y: cy - rowHeight / 2, width: ChartFrame.width - 16, height: rowHeight,
                    [("fill", "#F4F4F4"), ("fill-opacity", "0.6")])
            }
            w.open("g", [("class", "forest-row verdict-\(row.verdict.rawValue)")])
            w.label(
                x: 16, y: cy - 2, Escape.truncate(row.metric, maxCharacters: 30),
                [("font-weight", "600"), ("font-size", "12.5")])
            w.label(
                x: 16, y: cy + 13, Escape.truncate(row.variant, maxCharacters: 32),
                [("font-size", "12"), ("fill", Palette.grey)])
            guard row.estimate.isFinite else {
                w.label(
                    x: (plotLeft + plotRight) / 2, y: cy + 4, "no estimate", anchor: "middle", [("fill", Palette.grey)])
                w.close("g")
                continue
            }
            let color = Self.color(row.verdict)
            if row.lower.isFinite && row.upper.isFinite {
                w.line(
                    x1: px(row.lower), y1: cy, x2: px(row.upper), y2: cy,
                    [("stroke", color), ("stroke-width", "3"), ("stroke-linecap", "round")])
                for v in [row.lower, row.upper] {
                    w.line(x1: px(v), y1: cy - 6, x2: px(v), y2: cy + 6, [("stroke", color), ("stroke-width", "2")])
                }
            }
            marker(&w, x: px(row.estimate), y: cy, verdict: row.verdict)
            w.label(x: ChartFrame.width - 16, y: cy + 4, interval(row), anchor: "end", [("font-size", "12.5")])
            w.close("g")
        }
        ChartFrame.legend(
            &w, x: 16, y: bottom + 44,
            items: [
                (.dot(color: Palette.bluishGreen, hollow: false), "Better (significant)"),
                (.square(color: Palette.vermillion), "Worse (significant)"),
                (.dot(color: Palette.grey, hollow: true), "Inconclusive"),
            ])
        ChartFrame.end(&w)
        return w.output
    }

    package static func table(_ input: ForestInput) -> String {
        let rows = input.rows.map { r in
            [r.metric, r.variant, lift(r.estimate), lift(r.lower), lift(r.upper), r.verdict.rawValue]
        }
        return DataTable.render(
            caption: input.title + (input.decision.map { " — " + $0 } ?? ""),
            headers: ["Metric", "Variant", "Lift", "Low", "High", "Verdict"],
            rows: rows, numericColumns: [2, 3, 4])
    }

    static func color(_ v: ForestInput.Verdict) -> String {
        switch v {
        case .better: Palette.bluishGreen
        case .worse: Palette.vermillion
        case .inconclusive: Palette.grey
        }
    }

    /// Shape as well as colour, so the verdict survives grey-scale printing.
    static func marker(_ w: inout SVGWriter, x: Double, y: Double, verdict: ForestInput.Verdict) {
        switch verdict {
        case .better:
            w.empty(
                "circle",
                [
                    ("cx", Num.coord(x)), ("cy", Num.coord(y)), ("r", "6.5"), ("fill", Palette.bluishGreen),
                    ("stroke", "#FFFFFF"), ("stroke-width", "1.5"),
                ])
        case .worse:
            w.rect(
                x: x - 6, y: y - 6, width: 12, height: 12,
                [("fill", Palette.vermillion), ("stroke", "#FFFFFF"), ("stroke-width", "1.5")])
        case .inconclusive:
            w.empty(
                "circle",
                [
                    ("cx", Num.coord(x)), ("cy", Num.coord(y)), ("r", "6"), ("fill", "#FFFFFF"),
                    ("stroke", Palette.grey), ("stroke-width", "2.5"),
                ])
        }
    }

    /// `+6.2%`, `-1.0%`.
    static func lift(_ v: Double) -> String {
        guard v.isFinite else { return "–" }
        let text = ValueUnit.percent.format(v)
        return v > 0 && text != "0.0%" ? "+" + text : text
    }

    static func interval(_ r: ForestInput.Row) -> String {
        guard r.lower.isFinite, r.upper.isFinite else { return lift(r.estimate) + " [no interval]" }
        return "\(lift(r.estimate)) [\(lift(r.lower)), \(lift(r.upper))]"
    }

    static func description(_ input: ForestInput) -> String {
        var text = "Relative lift against control, \(input.intervalLabel), per metric and variant: "
        text += input.rows.map { "\($0.metric) (\($0.variant)) \(interval($0)), \($0.verdict.rawValue)" }.joined(
            separator: "; ")
        if let d = input.decision { text += ". Decision: \(d)" }
        return text
    }
}
