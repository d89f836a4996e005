/// A goal's status as the report shows it; the goal engine maps its own status onto this.
package enum GoalBadge: String, Sendable, Hashable {
    case achieved
    case onTrack = "on-track"
    case atRisk = "at-risk"
    case offTrack = "off-track"
    case noData = "no-data"

    /// The words on the badge (colour is never the only cue).
    package var label: String {
        switch self {
        case .achieved: "Achieved"
        case .onTrack: "On track"
        case .atRisk: "At risk"
        case .offTrack: "Off track"
        case .noData: "No data"
        }
    }
}

/// One card of the summary strip; it links to the goal's section.
package struct GoalSummary: Sendable, Hashable {
    package var id: String
    package var title: String
    package var status: GoalBadge
    /// Already formatted, e.g. "23.4%".
    package var current: String
    package var target: String
    /// A short line such as "forecast 28% by Dec 31".
    package var note: String?
    package init(id: String, title: String, status: GoalBadge, current: String, target: String, note: String? = nil) {
        self.id = id
        self.title = title
        self.status = status
        self.current = current
        self.target = target
        self.note = note
    }
}

/// A chart produced by this library with its caption and its data table.
package struct ChartBlock: Sendable, Hashable {
    /// Markup from one of the chart functions (`GoalSeriesChart.svg`, …), already escaped.
    package var svg: String
    /// Markup from the matching `table` function.
    package var table: String
    package var caption: String
    package init(svg: String, table: String, caption: String) {
        self.svg = svg
        self.table = table
        self.caption = caption
    }
}

/// A survey comment shown under the feedback chart.
package struct FeedbackComment: Sendable, Hashable {
    package var score: String
    package var text: String
    package var meta: String?
    package init(score: String, text: String, meta: String? = nil) {
        self.score = score
        self.text = text
        self.meta = meta
    }
}

/// A label and its value, such as ("Forecast at deadline", "28.1% (24.0–32.2%)").
package struct Fact: Sendable, Hashable {
    package var label: String
    package var value: String
    package init(_ label: String, _ value: String) {
        self.label = label
        self.value = value
    }
}

/// What a section holds, in order.
package enum ReportBlock: Sendable, Hashable {
    /// Plain text, escaped.
    case paragraph(String)
    /// Label/value pairs (current value, target, forecast …), escaped.
    case facts([Fact])
    case chart(ChartBlock)
    /// Survey comments, escaped.
    case comments([FeedbackComment])
    /// Something the reader must know before trusting the section (an event the project never had),
    /// escaped and marked out.
    case warning(String)
    /// Markup the caller vouches for (the PR/FAQ body rendered from Markdown with escaping).
    /// Never pass user text here unescaped.
    case trustedHTML(String)
}

/// A section of the report: a goal (anchored `#goal-<id>`) or another part (funnel, experiment,
/// feedback, the press release) anchored by its own id.
package struct ReportSection: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        case goal(id: String)
        case other(id: String)
    }
    package var kind: Kind
    package var heading: String
    package var status: GoalBadge?
    package var blocks: [ReportBlock]
    package init(kind: Kind, heading: String, status: GoalBadge? = nil, blocks: [ReportBlock]) {
        self.kind = kind
        self.heading = heading
        self.status = status
        self.blocks = blocks
    }
}
