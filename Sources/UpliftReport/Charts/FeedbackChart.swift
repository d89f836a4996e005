package import UpliftModel

/// Survey answers: the distribution of scores and the headline score over time.
package struct FeedbackInput: Sendable {
    package enum Scale: String, Sendable, Hashable {
        /// Net Promoter Score: answers 0…10; NPS = % promoters (9–10) − % detractors (0–6), on −100…100.
        case nps
        /// Customer satisfaction: answers 1…5; CSAT = share answering 4 or 5.
        case csat
        var scores: ClosedRange<Int> { self == .nps ? 0...10 : 1...5 }
    }
    package struct TrendPoint: Sendable, Hashable {
        package var day: UTCDay
        /// NPS on −100…100, or CSAT as a fraction 0…1.
        package var score: Double
        package init(day: UTCDay, score: Double) {
            self.day = day
            self.score = score
        }
    }
    package var id: String
    package var title: String
    package var scale: Scale
    /// Respondents per score (each one's latest answer, as the score counts them), lowest score first:
    /// 11 entries for NPS, 5 for CSAT.
    package var counts: [Int]
    package var trend: [TrendPoint]
    package init(id: String, title: String, scale: Scale, counts: [Int], trend: [TrendPoint] = []) {
        self.id = id
        self.title = title
        self.scale = scale
        self.counts = counts
        self.trend = trend
    }
}

package enum FeedbackChart {
    static let height = 330.0

    /// The groups a score falls in, low to high: detractors/passives/promoters or
    /// dissatisfied/neutral/satisfied, with the colour each is drawn in.
    static func group(_ score: Int, scale: FeedbackInput.Scale) -> Int {
        switch scale {
        case .nps: score <= 6 ? 0 : score <= 8 ? 1 : 2
        case .csat: score <= 2 ? 0 : score == 3 ? 1 : 2
        }
    }
    static let groupColors = [Palette.vermillion, Palette.orange, Palette.bluishGreen]
    static func groupNames(_ scale: FeedbackInput.Scale) -> [String] {
        scale == .nps
            ? ["Detractors (0–6)", "Passives (7–8)", "Promoters (9–10)"]
            : ["Dissatisfied (1–2)", "Neutral (3)", "Satisfied (4–5)"]
    }

    /// Group shares and the headline score, or nil when there are no answers.
    package static func summary(_ input: FeedbackInput) -> (responses: Int, shares: [Double], score: Double)? {
        let range = input.scale.scores
        guard input.counts.count == range.count else { return nil }
        let counts = input.counts.map { max(0, $0) }
        let total = counts.reduce(0, +)
        guard total > 0 else { return nil }
        var groups = [0, 0, 0]
        for (i, c) in counts.enumerated() { groups[group(range.lowerBound + i, scale: input.scale)] += c }
        let shares = groups.map { Double($0) / Double(total) }
        let score = input.scale == .nps ? (shares[2] - shares[0]) * 100 : shares[2]
        return (total, shares, score)
    }

    static func headline(_ scale: FeedbackInput.Scale, _ score: Double) -> String {
        scale == .nps ? (score > 0 ? "+" : "") + Num.fixed(score, decimals: 0) : ValueUnit.percent.format(score)
    }

    package static func svg(_ input: FeedbackInput) -> String {
        let range = input.scale.scores
        let trend = input.trend.filter { $0.score.isFinite }.sorted { $0.day < $1.day }
        guard let s = summary(input) else {
            let message =
                input.counts.count != range.count
                ? "Expected \(range.count) answer counts for \(input.scale.rawValue.uppercased()), got \(input.counts.count)."
                : "No survey answers yet."
            return ChartFrame.empty(id: input.id, kind: "feedback", title: input.title, message: message)
        }
        let name = input.scale.rawValue.uppercased()
        let names = groupNames(input.scale)
        let subtitle =
            "\(name) \(headline(input.scale, s.score)) from \(ValueUnit.count.format(Double(s.responses))) respondents · "
            + (0..<3).map {
                "\(ValueUnit.percent.format(s.shares[$0])) \(names[$0].split(separator: " ")[0].lowercased())"
            }
            .joined(separator: ", ")
        var w = SVGWriter()
        ChartFrame.begin(
            &w, id: input.id, kind: "feedback", height: height, title: input.title,
            description: subtitle + ".", subtitle: subtitle)
        ChartFrame.legend(&w, x: 16, y: 68, items: (0..<3).map { (.square(color: groupColors[$0]), names[$0]) })

        // Left panel: one bar per score.
        let counts = input.counts.map { max(0, $0) }
        let yScale = LinearScale(min: 0, max: Double(counts.max() ?? 1), targetTicks: 4)
        let left = 64.0
        let right = 400.0
        let top = 96.0
        let bottom = height - 40
        ChartFrame.yAxis(&w, scale: yScale, unit: .count, left: left, right: right, top: top, bottom: bottom)
        let slot = (right - left) / Double(counts.count)
        for (i, c) in counts.enumerated() {
            let score = range.lowerBound + i
            let x = left + Double(i) * slot + slot * 0.15
            let y = yScale.position(Double(c), from: bottom, to: top)
            w.rect(
                x: x, y: y, width: slot * 0.7, height: bottom - y,
                [("fill", groupColors[group(score, scale: input.scale)]), ("class", "score-bar")])
            w.label(
                x: x + slot * 0.35, y: bottom + 18, String(score), anchor: "middle",
                [("font-size", "12"), ("fill", Palette.grey)])
        }
        w.label(
            x: (left + right) / 2, y: bottom + 34, "Score", anchor: "middle",
            [("font-size", "12"), ("fill", Palette.grey)])

        // Right panel: the headline score over time.
        let pLeft = 470.0
        let pRight = ChartFrame.width - 20
        w.label(x: pLeft, y: top - 4, "\(name) over time", [("font-size", "12.5"), ("font-weight", "600")])
        if trend.count >= 2, let first = trend.first, let last = trend.last {
            let unit: ValueUnit = input.scale == .nps ? .number : .percent
            let values = trend.map(\.score)
            let ts = LinearScale(
                min: min(0, values.min() ?? 0), max: max(values.max() ?? 1, input.scale == .nps ? 10 : 0.1),
                targetTicks: 4)
            ChartFrame.yAxis(&w, scale: ts, unit: unit, left: pLeft, right: pRight, top: top + 10, bottom: bottom)
            let axis = DateAxis(first: first.day, last: last.day, maxTicks: 4)
            for t in axis.ticks {
                w.label(
                    x: axis.position(t, from: pLeft, to: pRight), y: bottom + 18, axis.label(t), anchor: "middle",
                    [("font-size", "12"), ("fill", Palette.grey)])
            }
            let pts = trend.map {
                (axis.position($0.day, from: pLeft, to: pRight), ts.position($0.score, from: bottom, to: top + 10))
            }
            w.empty(
                "path",
                [
                    ("class", "score-trend"), ("d", SVGWriter.path(pts)), ("fill", "none"),
                    ("stroke", Palette.blue), ("stroke-width", "2.5"), ("stroke-linejoin", "round"),
                ])
            for p in pts {
                w.empty(
                    "circle", [("cx", Num.coord(p.0)), ("cy", Num.coord(p.1)), ("r", "3.5"), ("fill", Palette.blue)])
            }
        } else {
            w.label(
                x: (pLeft + pRight) / 2, y: (top + bottom) / 2, "Not enough periods for a trend yet.", anchor: "middle",
                [("class", "empty-panel"), ("fill", Palette.grey)])
        }
        ChartFrame.end(&w)
        return w.output
    }

    package static func table(_ input: FeedbackInput) -> String {
        let range = input.scale.scores
        let counts = input.counts.count == range.count ? input.counts.map { max(0, $0) } : []
        var rows = counts.enumerated().map { i, c in
            let score = range.lowerBound + i
            return [
                String(score), ValueUnit.count.format(Double(c)),
                groupNames(input.scale)[group(score, scale: input.scale)],
            ]
        }
        let unit: ValueUnit = input.scale == .nps ? .number : .percent
        for p in input.trend.sorted(by: { $0.day < $1.day }) {
            rows.append(["\(input.scale.rawValue.uppercased()) on \(p.day)", unit.format(p.score), "trend"])
        }
        let caption =
            input.title
            + (summary(input).map { " · \(input.scale.rawValue.uppercased()) \(headline(input.scale, $0.score))" } ?? "")
        return DataTable.render(
            caption: caption, headers: ["Score", "Respondents", "Group"], rows: rows, numericColumns: [1])
    }
}
