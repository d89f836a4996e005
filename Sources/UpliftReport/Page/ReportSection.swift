/// A goal's status as the report shows it; the goal engine maps its own status onto this.
public enum GoalBadge: String, Sendable, Hashable {
    case achieved, onTrack = "on-track", atRisk = "at-risk", offTrack = "off-track", noData = "no-data"

    /// The words on the badge (colour is never the only cue).
    public var label: String {
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
public struct GoalSummary: Sendable, Hashable {
    public var id: String
    public var title: String
    public var status: GoalBadge
    /// Already formatted, e.g. "23.4%".
    public var current: String
    public var target: String
    /// A short line such as "forecast 28% by Dec 31".
    public var note: String?
    public init(id: String, title: String, status: GoalBadge, current: String, target: String, note: String? = nil) {
        self.id = id; self.title = title; self.status = status; self.current = current; self.target = target; self.note = note
    }
}

/// A chart produced by this library with its caption and its data table.
public struct ChartBlock: Sendable, Hashable {
    /// Markup from one of the chart functions (`GoalSeriesChart.svg`, …), already escaped.
    public var svg: String
    /// Markup from the matching `table` function.
    public var table: String
    public var caption: String
    public init(svg: String, table: String, caption: String) { self.svg = svg; self.table = table; self.caption = caption }
}

/// A survey comment shown under the feedback chart.
public struct FeedbackComment: Sendable, Hashable {
    public var score: String
    public var text: String
    public var meta: String?
    public init(score: String, text: String, meta: String? = nil) { self.score = score; self.text = text; self.meta = meta }
}

/// A label and its value, such as ("Forecast at deadline", "28.1% (24.0–32.2%)").
public struct Fact: Sendable, Hashable {
    public var label: String
    public var value: String
    public init(_ label: String, _ value: String) { self.label = label; self.value = value }
}

/// What a section holds, in order.
public enum ReportBlock: Sendable, Hashable {
    /// Plain text, escaped.
    case paragraph(String)
    /// Label/value pairs (current value, target, forecast …), escaped.
    case facts([Fact])
    case chart(ChartBlock)
    /// Survey comments, escaped.
    case comments([FeedbackComment])
    /// Markup the caller vouches for (the PR/FAQ body rendered from Markdown with escaping).
    /// Never pass user text here unescaped.
    case trustedHTML(String)
}

/// A section of the report: a goal (anchored `#goal-<id>`) or another part (funnel, experiment,
/// feedback, the press release) anchored by its own id.
public struct ReportSection: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case goal(id: String)
        case other(id: String)
    }
    public var kind: Kind
    public var heading: String
    public var status: GoalBadge?
    public var blocks: [ReportBlock]
    public init(kind: Kind, heading: String, status: GoalBadge? = nil, blocks: [ReportBlock]) {
        self.kind = kind; self.heading = heading; self.status = status; self.blocks = blocks
    }
}
