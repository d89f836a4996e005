import Foundation
import UpliftAnalysis

/// The human-readable renderings of query results (the default output of the query commands).
enum QueryTables {
    static func funnel(_ r: FunnelResult) -> String {
        var out = [stepTable(r.steps).render()]
        if !r.breakdown.isEmpty {
            var t = Table(header: ["breakdown", "entered", "converted", "conversion", "median time"])
            for g in r.breakdown {
                let first = g.steps.first?.persons ?? 0
                let last = g.steps.last
                t.rows.append([
                    g.isOther ? "(other)" : g.value ?? "(none)", grouped(first), grouped(last?.persons ?? 0),
                    percent(last?.conversionFromStart ?? 0), duration(last?.medianSecondsToConvert),
                ])
            }
            out.append(t.render())
        }
        if r.conversionOverTime.contains(where: { $0.entered > 0 }) {
            var t = Table(header: ["period", "entered", "converted", "rate"])
            t.rows = r.conversionOverTime.map {
                [period($0.date, $0.partial), grouped($0.entered), grouped($0.converted), percent($0.rate)]
            }
            out.append(t.render() + partialNote(r.conversionOverTime.map(\.partial)))
        }
        return out.joined(separator: "\n\n")
    }

    private static func stepTable(_ steps: [FunnelResult.Step]) -> Table {
        var t = Table(header: ["step", "persons", "from start", "from previous", "median time", "mean time"])
        for (i, s) in steps.enumerated() {
            t.rows.append([
                "\(i + 1). \(s.event)", grouped(s.persons), percent(s.conversionFromStart),
                percent(s.conversionFromPrevious),
                duration(s.medianSecondsToConvert), duration(s.meanSecondsToConvert),
            ])
        }
        return t
    }

    static func trend(_ r: TrendResult) -> String {
        var t = Table(header: ["period", "value"])
        t.rows = r.points.map { [period($0.date, $0.partial), number($0.value)] }
        t.rows.append(["total", number(r.total)])
        var out = [t.render() + partialNote(r.points.map(\.partial))]
        if !r.breakdown.isEmpty {
            var b = Table(header: ["breakdown", "total"])
            b.rows = r.breakdown.map { [$0.isOther ? "(other)" : $0.value ?? "(none)", number($0.total)] }
            out.append(b.render())
        }
        return out.joined(separator: "\n\n")
    }

    static func adoption(_ r: AdoptionResult) -> String {
        var t = Table(header: ["period", "adopters", "active", "rate"])
        t.rows = r.series.map {
            [period($0.date, $0.partial), grouped($0.adopters), grouped($0.active), percent($0.rate)]
        }
        return t.render() + partialNote(r.series.map(\.partial))
    }

    static func retention(_ r: RetentionResult) -> String {
        let width = max(r.average.count, r.cohorts.map(\.rates.count).max() ?? 0)
        var t = Table(header: ["cohort", "persons"] + (0..<width).map { "+\($0)" })
        for c in r.cohorts {
            t.rows.append(
                [period(c.date, c.partial), grouped(c.persons)]
                    + (0..<width).map { $0 < c.rates.count ? percent(c.rates[$0]) : "" })
        }
        t.rows.append(["average", ""] + (0..<width).map { $0 < r.average.count ? percent(r.average[$0]) : "" })
        return t.render() + partialNote(r.cohorts.map(\.partial))
    }

    static func lifecycle(_ r: LifecycleResult) -> String {
        var t = Table(header: [
            "period", "new", "retained", "reactivated", "resurrected", "dormant", "active", "retention",
        ])
        t.rows = r.periods.map { p in
            [
                period(p.date, p.partial), grouped(p.new), grouped(p.retained), grouped(p.reactivated),
                grouped(p.resurrected), grouped(p.dormant),
                grouped(p.active), p.retentionRate.map(percent) ?? "-",
            ]
        }
        return t.render() + partialNote(r.periods.map(\.partial))
    }

    static func feedback(_ r: FeedbackResult) -> String {
        var t = Table(header: ["feature", "survey", "responses", "respondents", "NPS", "CSAT", "average"])
        func row(_ feature: String, _ survey: String, _ s: FeedbackResult.Summary) -> [String] {
            [
                feature, survey, grouped(s.responses), grouped(s.respondents), s.nps.map { number($0) } ?? "-",
                s.csat.map { number($0) + "%" } ?? "-", s.averageScore.map { String(format: "%.2f", $0) } ?? "-",
            ]
        }
        for g in r.groups { t.rows.append(row(g.feature ?? "(any)", g.survey ?? "(none)", g.summary)) }
        t.rows.append(row("total", "", r.total))
        var out = [t.render()]
        let comments = r.groups.flatMap { g in g.comments.map { (g, $0) } }
        if !comments.isEmpty {
            out.append(
                comments.map { g, c in
                    "\(c.time)  \(c.person)  \(c.score.map { number($0) } ?? "-")  [\(g.feature ?? "-")/\(g.survey ?? "-")]  \(c.text)"
                }.joined(separator: "\n"))
        }
        return out.joined(separator: "\n\n")
    }

    /// A period's label, with `*` when it is partial (`partialNote` says what that means).
    static func period(_ date: String, _ partial: Bool) -> String { partial ? date + " *" : date }

    /// The footnote under a table with partial periods; nothing otherwise.
    static func partialNote(_ partial: [Bool]) -> String {
        partial.contains(true) ? "\n* partial period: only partly inside the range, or not over yet" : ""
    }

    /// `0.4285` → `42.9%`.
    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }

    /// Whole numbers without a fraction, others with two decimals.
    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? grouped(Int(x)) : String(format: "%.2f", x)
    }

    /// Seconds as `45s`, `12m 5s`, `3h 20m`, `2d 4h`; `-` when absent.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "-" }
        let s = Int(seconds.rounded())
        switch s {
        case ..<60: return seconds < 10 && seconds != seconds.rounded() ? String(format: "%.1fs", seconds) : "\(s)s"
        case ..<3600: return "\(s / 60)m \(s % 60)s"
        case ..<86400: return "\(s / 3600)h \(s % 3600 / 60)m"
        default: return "\(s / 86400)d \(s % 86400 / 3600)h"
        }
    }
}
