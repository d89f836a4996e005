/// Funnel steps with the persons who reached each, for horizontal funnel bars.
package struct FunnelInput: Sendable {
    package struct Step: Sendable, Hashable {
        package var name: String
        package var persons: Int
        /// Median seconds from step 1 to this step, when known (table only).
        package var medianSecondsToConvert: Double?
        package init(name: String, persons: Int, medianSecondsToConvert: Double? = nil) {
            self.name = name
            self.persons = persons
            self.medianSecondsToConvert = medianSecondsToConvert
        }
    }
    /// The funnel id (element ids, anchors).
    package var id: String
    package var title: String
    package var steps: [Step]
    package var subtitle: String?
    package init(id: String, title: String, steps: [Step], subtitle: String? = nil) {
        self.id = id
        self.title = title
        self.steps = steps
        self.subtitle = subtitle
    }
}

package enum FunnelChart {
    static let rowHeight = 72.0

    package static func svg(_ input: FunnelInput) -> String {
        let steps = input.steps
        guard let first = steps.first else {
            return ChartFrame.empty(
                id: input.id, kind: "funnel", title: input.title, message: "This funnel has no steps.")
        }
        let entered = max(0, first.persons)
        guard entered > 0 else {
            return ChartFrame.empty(
                id: input.id, kind: "funnel", title: input.title,
                message: "No one entered the funnel in this period.")
        }
        let top = 70.0
        let height = top + Double(steps.count) * rowHeight + 8
        var w = SVGWriter()
        ChartFrame.begin(
            &w, id: input.id, kind: "funnel", height: height, title: input.title,
            description: description(input, entered: entered), subtitle: input.subtitle)
        let left = 16.0
        let barMax = ChartFrame.width - 16 - 220
        for (i, step) in steps.enumerated() {
            let persons = max(0, step.persons)
            let share = min(1, Double(persons) / Double(entered))
            let y0 = top + Double(i) * rowHeight
            w.open("g", [("class", "funnel-step")])
            w.label(
                x: left, y: y0 + 14, "\(i + 1). " + Escape.truncate(step.name, maxCharacters: 70),
                [("font-weight", "600")])
            w.rect(x: left, y: y0 + 22, width: barMax, height: 24, [("fill", "#EEF3F8"), ("rx", "3")])
            w.rect(
                x: left, y: y0 + 22, width: max(2, barMax * share), height: 24, [("fill", Palette.blue), ("rx", "3")])
            w.label(
                x: left + barMax + 12, y: y0 + 39,
                "\(ValueUnit.count.format(Double(persons))) · \(ValueUnit.percent.format(share))",
                [("font-weight", "600")])
            if i + 1 < steps.count {
                let next = max(0, steps[i + 1].persons)
                let kept = persons > 0 ? min(1, Double(next) / Double(persons)) : 0
                let dropped = max(0, persons - next)
                w.label(
                    x: left + 8, y: y0 + 64,
                    "↓ \(ValueUnit.percent.format(kept)) continued · \(ValueUnit.count.format(Double(dropped))) dropped off (\(ValueUnit.percent.format(1 - kept)))",
                    [("font-size", "12"), ("fill", "#9A4400")])
            }
            w.close("g")
        }
        ChartFrame.end(&w)
        return w.output
    }

    package static func table(_ input: FunnelInput) -> String {
        let entered = max(0, input.steps.first?.persons ?? 0)
        var previous = entered
        let rows = input.steps.enumerated().map { i, step -> [String] in
            let persons = max(0, step.persons)
            defer { previous = persons }
            let fromStart = entered > 0 ? ValueUnit.percent.format(Double(persons) / Double(entered)) : "–"
            let fromPrevious =
                i == 0 ? "" : previous > 0 ? ValueUnit.percent.format(Double(persons) / Double(previous)) : "–"
            let dropped = i == 0 ? "" : ValueUnit.count.format(Double(max(0, previous - persons)))
            let median = step.medianSecondsToConvert.map(duration) ?? ""
            return [
                "\(i + 1). \(step.name)", ValueUnit.count.format(Double(persons)), fromStart, fromPrevious, dropped,
                median,
            ]
        }
        return DataTable.render(
            caption: input.title,
            headers: ["Step", "Persons", "From step 1", "From previous", "Dropped off", "Median time"],
            rows: rows, numericColumns: [1, 2, 3, 4, 5])
    }

    /// `45 s`, `12 min`, `3.5 h`, `2.1 d`.
    static func duration(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "–" }
        if s < 90 { return Num.fixed(s, decimals: 0) + " s" }
        if s < 5400 { return Num.fixed(s / 60, decimals: 0) + " min" }
        if s < 172_800 { return Num.fixed(s / 3600, decimals: 1, trim: true) + " h" }
        return Num.fixed(s / 86400, decimals: 1, trim: true) + " d"
    }

    static func description(_ input: FunnelInput, entered: Int) -> String {
        let last = input.steps[input.steps.count - 1]
        let overall = Double(max(0, last.persons)) / Double(entered)
        return "\(input.steps.count)-step funnel: \(ValueUnit.count.format(Double(entered))) persons entered, "
            + "\(ValueUnit.count.format(Double(max(0, last.persons)))) reached the last step (\(ValueUnit.percent.format(overall)) overall)."
    }
}
