package import UpliftModel

/// A goal metric over time: the observed series, the target line, the baseline, the deadline
/// and the forecast to the deadline with its interval.
package struct GoalSeriesInput: Sendable {
    package struct Point: Sendable, Hashable {
        package var day: UTCDay
        package var value: Double
        package init(day: UTCDay, value: Double) {
            self.day = day
            self.value = value
        }
    }
    package struct ForecastPoint: Sendable, Hashable {
        package var day: UTCDay
        package var value: Double
        package var lower: Double
        package var upper: Double
        package init(day: UTCDay, value: Double, lower: Double, upper: Double) {
            self.day = day
            self.value = value
            self.lower = lower
            self.upper = upper
        }
    }

    /// The goal id; it names the chart's element ids and links (`#goal-<id>`).
    package var goalID: String
    package var title: String
    package var metricName: String
    package var unit: ValueUnit
    package var points: [Point]
    package var target: Double?
    package var baseline: Double?
    package var deadline: UTCDay?
    package var forecast: [ForecastPoint]
    /// A short line under the title, such as the status in words.
    package var subtitle: String?

    package init(
        goalID: String, title: String, metricName: String, unit: ValueUnit, points: [Point],
        target: Double? = nil, baseline: Double? = nil, deadline: UTCDay? = nil,
        forecast: [ForecastPoint] = [], subtitle: String? = nil
    ) {
        self.goalID = goalID
        self.title = title
        self.metricName = metricName
        self.unit = unit
        self.points = points
        self.target = target
        self.baseline = baseline
        self.deadline = deadline
        self.forecast = forecast
        self.subtitle = subtitle
    }
}

package enum GoalSeriesChart {
    static let height = 360.0

    /// The chart as an inline `<svg>` element.
    package static func svg(_ input: GoalSeriesInput) -> String {
        let points = input.points.filter { $0.value.isFinite }.sorted { $0.day < $1.day }
        let forecast = input.forecast.filter { $0.value.isFinite && $0.lower.isFinite && $0.upper.isFinite }
            .sorted { $0.day < $1.day }
        let target = input.target.flatMap { $0.isFinite ? $0 : nil }
        let baseline = input.baseline.flatMap { $0.isFinite ? $0 : nil }
        guard points.count >= 2 else {
            let message =
                points.count == 1
                ? "Only one measurement so far (\(input.unit.format(points[0].value)) on \(DateAxis.long(points[0].day))); a trend needs two."
                : "No data yet for \(input.metricName)."
            return ChartFrame.empty(id: input.goalID, kind: "series", title: input.title, message: message)
        }

        // Domains: everything drawn must fit; counts and percentages start at zero.
        var values = points.map(\.value) + forecast.flatMap { [$0.lower, $0.upper] }
        if let target { values.append(target) }
        if let baseline { values.append(baseline) }
        var lo = values.min() ?? 0
        let hi = values.max() ?? 1
        if input.unit != .number { lo = min(lo, 0) }
        let y = LinearScale(min: lo, max: hi, targetTicks: 5)
        var lastDay = points[points.count - 1].day
        if let f = forecast.last, f.day > lastDay { lastDay = f.day }
        if let d = input.deadline, d > lastDay { lastDay = d }
        var firstDay = points[0].day
        if let d = input.deadline, d < firstDay { firstDay = d }  // a deadline already passed stays visible
        let x = DateAxis(first: firstDay, last: lastDay, maxTicks: 8)

        let left = 72.0
        let right = ChartFrame.width - 28
        let bottom = height - 42

        var w = SVGWriter()
        let allZero = points.allSatisfy { $0.value == 0 }
        let subtitle =
            allZero ? (input.subtitle.map { $0 + " · " } ?? "") + "Every measurement so far is zero." : input.subtitle
        ChartFrame.begin(
            &w, id: input.goalID, kind: "series", height: height, title: input.title,
            description: description(input, points: points, forecast: forecast, target: target),
            subtitle: subtitle)
        var legend: [(ChartFrame.Swatch, String)] = [(.line(color: Palette.blue, dash: nil), input.metricName)]
        if target != nil { legend.append((.line(color: Palette.orange, dash: "8 5"), "Target")) }
        if baseline != nil { legend.append((.line(color: Palette.grey, dash: "2 4"), "Baseline")) }
        if !forecast.isEmpty { legend.append((.band(color: Palette.skyBlue), "Forecast interval")) }
        if input.deadline != nil { legend.append((.line(color: Palette.vermillion, dash: "3 3"), "Deadline")) }
        // The plot starts below the legend, however many rows its labels need (they are never cut short).
        // (A second row needs more room: the target's label sits just above the plot's top.)
        let legendEnd = ChartFrame.legend(&w, x: 16, y: 64, items: legend)
        let top = legendEnd > 64 ? legendEnd + 26 : 78.0
        func px(_ d: UTCDay) -> Double { x.position(d, from: left, to: right) }
        func py(_ v: Double) -> Double { y.position(v, from: bottom, to: top) }

        ChartFrame.yAxis(&w, scale: y, unit: input.unit, left: left, right: right, top: top, bottom: bottom)
        w.open("g", [("class", "axis x-axis"), ("font-size", "12"), ("fill", Palette.grey)])
        for t in x.ticks {
            let tx = px(t)
            w.line(x1: tx, y1: bottom, x2: tx, y2: bottom + 5, [("stroke", Palette.grey)])
            w.label(x: tx, y: bottom + 20, x.label(t), anchor: "middle")
        }
        w.close("g")

        if forecast.count >= 1 {
            // Start the band at the last observation so it visibly continues the series.
            let last = points[points.count - 1]
            let band =
                [GoalSeriesInput.ForecastPoint(day: last.day, value: last.value, lower: last.value, upper: last.value)]
                + forecast.filter { $0.day > last.day }
            let outline = band.map { (px($0.day), py($0.upper)) } + band.reversed().map { (px($0.day), py($0.lower)) }
            w.empty(
                "path",
                [
                    ("class", "forecast-band"), ("d", SVGWriter.path(outline) + " Z"),
                    ("fill", Palette.skyBlue), ("fill-opacity", "0.35"), ("stroke", "none"),
                ])
            w.empty(
                "path",
                [
                    ("class", "forecast-line"), ("d", SVGWriter.path(band.map { (px($0.day), py($0.value)) })),
                    ("fill", "none"), ("stroke", Palette.blue), ("stroke-width", "2"), ("stroke-dasharray", "6 4"),
                ])
        }
        if let baseline {
            w.line(
                x1: left, y1: py(baseline), x2: right, y2: py(baseline),
                [("class", "baseline"), ("stroke", Palette.grey), ("stroke-width", "1.5"), ("stroke-dasharray", "2 4")])
        }
        if let target {
            let ty = py(target)
            w.line(
                x1: left, y1: ty, x2: right, y2: ty,
                [("class", "target"), ("stroke", Palette.orange), ("stroke-width", "2.5"), ("stroke-dasharray", "8 5")])
            // At the left end: the right end is where the forecast band and the deadline meet.
            w.label(
                x: left + 8, y: ty - 7, "Target \(input.unit.format(target))",
                [("font-weight", "600"), ("fill", "#8A5A00")] + ChartFrame.halo)
        }
        if let deadline = input.deadline {
            let dx = px(deadline)
            w.line(
                x1: dx, y1: top, x2: dx, y2: bottom,
                [
                    ("class", "deadline"), ("stroke", Palette.vermillion), ("stroke-width", "2"),
                    ("stroke-dasharray", "3 3"),
                ])
            let nearRight = dx > right - 110
            w.label(
                x: nearRight ? dx - 6 : dx + 6, y: top + 14, "Deadline \(DateAxis.long(deadline))",
                anchor: nearRight ? "end" : "start", [("font-size", "12"), ("fill", "#9A4400")] + ChartFrame.halo)
        }
        w.empty(
            "path",
            [
                ("class", "series"), ("d", SVGWriter.path(points.map { (px($0.day), py($0.value)) })),
                ("fill", "none"), ("stroke", Palette.blue), ("stroke-width", "2.5"),
                ("stroke-linejoin", "round"),
            ])
        let last = points[points.count - 1]
        w.empty(
            "circle",
            [
                ("cx", Num.coord(px(last.day))), ("cy", Num.coord(py(last.value))), ("r", "4.5"),
                ("fill", Palette.blue),
            ])
        w.label(
            x: px(last.day) - 8, y: py(last.value) - 10, input.unit.format(last.value), anchor: "end",
            [("font-weight", "600"), ("fill", Palette.blue)] + ChartFrame.halo)
        ChartFrame.end(&w)
        return w.output
    }

    /// The numbers behind the chart.
    package static func table(_ input: GoalSeriesInput) -> String {
        var byDay: [UTCDay: (Double?, GoalSeriesInput.ForecastPoint?)] = [:]
        for p in input.points { byDay[p.day, default: (nil, nil)].0 = p.value }
        for f in input.forecast { byDay[f.day, default: (nil, nil)].1 = f }
        let u = input.unit
        let rows = byDay.keys.sorted().map { day -> [String] in
            let (v, f) = byDay[day] ?? (nil, nil)
            return [
                day.description, v.map(u.format) ?? "", f.map { u.format($0.value) } ?? "",
                f.map { u.format($0.lower) } ?? "", f.map { u.format($0.upper) } ?? "",
            ]
        }
        var caption = input.title
        if let t = input.target { caption += " · target \(u.format(t))" }
        if let d = input.deadline { caption += " by \(d)" }
        return DataTable.render(
            caption: caption, headers: ["Date", input.metricName, "Forecast", "Low", "High"],
            rows: rows, numericColumns: [1, 2, 3, 4])
    }

    static func description(
        _ input: GoalSeriesInput, points: [GoalSeriesInput.Point],
        forecast: [GoalSeriesInput.ForecastPoint], target: Double?
    ) -> String {
        let u = input.unit
        let last = points[points.count - 1]
        var text =
            "\(input.metricName) from \(DateAxis.long(points[0].day)) to \(DateAxis.long(last.day)): "
            + "latest \(u.format(last.value)) on \(DateAxis.long(last.day))."
        if let target {
            text += " Target \(u.format(target))" + (input.deadline.map { " by \(DateAxis.long($0))" } ?? "") + "."
        }
        if let f = forecast.last {
            text +=
                " Forecast \(u.format(f.value)) (\(u.format(f.lower)) to \(u.format(f.upper))) on \(DateAxis.long(f.day))."
        }
        return text
    }
}
