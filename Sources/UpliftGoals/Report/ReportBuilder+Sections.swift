import Foundation
import UpliftAnalysis
import UpliftExperiments
import UpliftModel
import UpliftReport
import UpliftStats
import UpliftStorage

/// The funnel, experiment and feedback sections the PR/FAQ names, over the report range.
extension ReportBuilder {
    typealias Range = (from: Int64, to: Int64)

    /// The goal sections that measure the same thing, so each chart links to the goal it serves.
    private func goalLinks(_ document: PrfaqDocument, where matches: (Goal) -> Bool) -> [ReportBlock] {
        let related = document.goals.filter(matches)
        guard !related.isEmpty else { return [] }
        let links = related.map { g in
            "<a href=\"#\(ReportPage.goalAnchor(g.id))\">Goal: \(Escape.text(g.title ?? g.id))</a>"
        }
        return [.trustedHTML("<p class=\"goal-links\">" + links.joined(separator: " · ") + "</p>")]
    }

    func funnelSections(
        _ document: PrfaqDocument, range: Range, questions: Questions
    ) throws(UpliftError) -> [ReportSection] {
        var out: [ReportSection] = []
        for funnel in document.funnels {
            let scope = QueryScope(from: range.from, to: range.to, calendar: calendar, filters: funnel.filters)
            let result = try questions.funnel(FunnelQuery(scope: scope, steps: funnel.steps, window: funnel.window))
            let title = funnel.title ?? funnel.id
            let input = FunnelInput(
                id: "funnel-" + funnel.id, title: title,
                steps: result.steps.map {
                    .init(name: $0.event, persons: $0.persons, medianSecondsToConvert: $0.medianSecondsToConvert)
                },
                subtitle: "Persons, ordered, \(funnel.window.description) window")
            let events = funnel.steps.map(\.event)
            out.append(
                ReportSection(
                    kind: .other(id: "funnel-" + funnel.id), heading: "Funnel: " + title,
                    blocks: goalLinks(document) { $0.metric == .funnelConversion && $0.steps.map(\.event) == events }
                        + [
                            .chart(
                                ChartBlock(
                                    svg: FunnelChart.svg(input), table: FunnelChart.table(input),
                                    caption:
                                        "From \(calendar.localDay(of: range.from)) to \(calendar.localDay(of: range.to - 1)); conversion and drop-off between steps."
                                ))
                        ]))
        }
        return out
    }

    func experimentSections(
        _ document: PrfaqDocument, range: Range, questions: Questions
    ) throws(UpliftError) -> [ReportSection] {
        var out: [ReportSection] = []
        for reference in document.experiments {
            let id = "experiment-" + reference.key
            let heading = "Experiment: " + reference.key
            let definition: ExperimentDefinition
            if let file = reference.definition {
                // Checked when the document was loaded; the file changed since (the next listing shows
                // it invalid). The message names the experiment, never the file's content.
                do {
                    let text = try PrfaqFiles.definition(file, folder: document.folder)
                    definition = try ExperimentDefinition(yaml: text)
                } catch {
                    throw UpliftError(
                        .dashboardsUnavailable,
                        "the definition file of experiment \(reference.key) cannot be used; "
                            + "`uplift prfaq validate` on this PR/FAQ says why")
                }
            } else if let stored = storedExperiments[reference.key] {
                definition = stored
            } else {
                out.append(
                    ReportSection(
                        kind: .other(id: id), heading: heading,
                        blocks: [
                            .paragraph(
                                "Experiment \(reference.key) is not in this project's catalog and the PR/FAQ names no definition file; "
                                    + "create it with `uplift experiment create` or add `definition:` to see its analysis."
                            )
                        ]))
                continue
            }
            let result: ExperimentResult
            do {
                result = ExperimentAnalysis.analyze(
                    definition, data: try questions.experiment(definition, from: range.from, to: range.to))
            } catch  where error.code == .invalidInput {
                // The definition cannot be analysed over this range (e.g. a range longer than the analysis
                // allows): the report says why in the section instead of failing as a whole.
                out.append(
                    ReportSection(
                        kind: .other(id: id), heading: heading,
                        blocks: [.paragraph("This experiment could not be analysed: \(error.message).")]))
                continue
            }
            var rows: [ForestInput.Row] = []
            for metric in result.metrics {
                for line in metric.variants {
                    guard let effect = line.comparison?.relative, let lo = effect.lower, let hi = effect.upper else {
                        continue
                    }
                    let verdict: ForestInput.Verdict =
                        line.verdict == .better ? .better : line.verdict == .worse ? .worse : .inconclusive
                    rows.append(
                        .init(
                            metric: metric.id + (metric.guardrail ? " (guardrail)" : ""), variant: line.key,
                            estimate: effect.estimate, lower: lo, upper: hi, verdict: verdict))
                }
            }
            let input = ForestInput(
                id: id, title: definition.key, rows: rows, decision: result.decision.summary,
                intervalLabel: "\(Int((result.confidence * 100).rounded()))% interval")
            var blocks = goalLinks(document) { _ in true }
            blocks.append(
                .facts([
                    Fact("Decision", result.decision.recommendation.rawValue.replacingOccurrences(of: "_", with: " ")),
                    Fact("Summary", result.decision.summary),
                ]))
            blocks.append(
                .chart(
                    ChartBlock(
                        svg: ForestPlot.svg(input), table: ForestPlot.table(input),
                        caption: "Relative lift vs control, \(result.method), \(result.correction.rawValue)-corrected.")
                ))
            for reason in result.decision.reasons { blocks.append(.paragraph(reason)) }
            for note in differences(definition, document) { blocks.append(.paragraph(note)) }
            out.append(ReportSection(kind: .other(id: id), heading: heading, blocks: blocks))
        }
        return out
    }

    func feedbackSections(
        _ document: PrfaqDocument, range: Range, questions: Questions
    ) throws(UpliftError) -> [ReportSection] {
        var out: [ReportSection] = []
        for (i, reference) in document.feedback.enumerated() {
            let name = reference.survey ?? reference.feature ?? "all surveys"
            let id = "feedback-\(i + 1)-" + name
            let scope = QueryScope(from: range.from, to: range.to, calendar: calendar)
            let result = try questions.feedback(
                FeedbackQuery(
                    scope: scope, feature: reference.feature, survey: reference.survey,
                    interval: .week, comments: comments * 4))
            let total = result.total
            let nps = document.goals.contains { $0.metric == .nps } || total.csatResponses == 0
            let counts = nps ? total.npsScores : total.csatScores
            var trend: [FeedbackInput.TrendPoint] = []
            var byDate: [String: FeedbackResult.Summary] = [:]
            for group in result.groups {
                for (date, s) in group.series {
                    var t = byDate[date] ?? FeedbackResult.Summary()
                    t.promoters += s.promoters
                    t.passives += s.passives
                    t.detractors += s.detractors
                    t.csatResponses += s.csatResponses
                    t.satisfied += s.satisfied
                    byDate[date] = t
                }
            }
            for (date, s) in byDate.sorted(by: { $0.key < $1.key }) {
                guard let day = UTCDay(date) else { continue }
                let n = s.promoters + s.passives + s.detractors
                if nps, n > 0 {
                    trend.append(.init(day: day, score: 100 * Double(s.promoters - s.detractors) / Double(n)))
                }
                // The chart takes CSAT as a fraction 0…1 (it formats it as a percentage).
                if !nps, s.csatResponses > 0 {
                    trend.append(.init(day: day, score: Double(s.satisfied) / Double(s.csatResponses)))
                }
            }
            let input = FeedbackInput(
                id: id, title: (nps ? "NPS: " : "CSAT: ") + name, scale: nps ? .nps : .csat, counts: counts,
                trend: trend)
            let recent = Self.grouped(result.groups.flatMap(\.comments)).prefix(comments)
            var blocks = goalLinks(document) { g in
                (g.metric == .nps || g.metric == .csat)
                    && (reference.survey == nil || g.survey == nil || g.survey == reference.survey)
            }
            blocks.append(
                .chart(
                    ChartBlock(
                        svg: FeedbackChart.svg(input), table: FeedbackChart.table(input),
                        caption:
                            "\(ValueUnit.count.format(Double(total.responses))) answers from "
                            + "\(ValueUnit.count.format(Double(total.respondents))) respondents; the score counts each "
                            + "respondent's latest answer; weekly score.")))
            if !recent.isEmpty {
                blocks.append(
                    .comments(
                        recent.map { c in
                            let days = c.first == c.last ? c.last : "\(c.first) to \(c.last)"
                            return FeedbackComment(
                                score: c.score.map { ValueUnit.number.format($0) } ?? "–", text: c.text,
                                meta: c.count == 1 ? days : "\(c.count) times, \(days)")
                        }))
            }
            out.append(ReportSection(kind: .other(id: id), heading: "Feedback: " + name, blocks: blocks))
        }
        return out
    }

    /// A comment as the report lists it: identical texts once, with how many times and over which days they
    /// were written (the latest score shown), most recent first. People do write the same short comment:
    /// listing it three times on one day would crowd out the others.
    struct CommentGroup: Equatable {
        var text: String
        var score: Double?
        var count: Int
        var first: String
        var last: String
    }

    static func grouped(_ comments: [FeedbackResult.Comment]) -> [CommentGroup] {
        var groups: [CommentGroup] = []
        var index: [String: Int] = [:]
        for c in comments.sorted(by: { $0.time > $1.time }) {
            let day = String(c.time.prefix(10))
            if let i = index[c.text] {
                groups[i].count += 1
                groups[i].first = day
            } else {
                index[c.text] = groups.count
                groups.append(CommentGroup(text: c.text, score: c.score, count: 1, first: day, last: day))
            }
        }
        return groups
    }

    /// One sentence per guardrail whose event a goal of the PR/FAQ counts: the guardrail compares the
    /// persons each variant exposes, the goal follows everyone's events per period, so "no guardrail got
    /// worse" beside a goal whose count rises is not a contradiction, and the report says why.
    func differences(_ definition: ExperimentDefinition, _ document: PrfaqDocument) -> [String] {
        var out: [String] = []
        for metric in definition.guardrails where metric.kind != .funnel && metric.kind != .ratio {
            let event = metric.measure.event
            for goal in document.goals where goal.event == event {
                let window = metric.window.map { " within \($0.description) of" } ?? " after"
                let measured =
                    metric.kind == .proportion
                    ? "the share of exposed persons with at least one \(event) event\(window) their exposure"
                    : (metric.measure.property.map { "the \($0.description) of \(event) events" } ?? "\(event) events")
                        + " per exposed person\(window) their exposure"
                let filters =
                    metric.measure.filters.isEmpty
                    ? "" : " (where \(metric.measure.filters.map(\.description).joined(separator: ", ")))"
                let goalFilters =
                    goal.filters.isEmpty ? "" : " (where \(goal.filters.map(\.description).joined(separator: ", ")))"
                let counts = [Goal.Metric.events, .uniquePersons, .propertySum].contains(goal.metric)
                out.append(
                    "Guardrail \(metric.id) is \(measured)\(filters), variant against control; goal "
                        + "“\(goal.title ?? goal.id)” is \(Self.adjective(goal.interval).lowercased()) "
                        + "\(Self.metricName(goal).lowercased())\(goalFilters) of everyone. They measure different "
                        + "things: the guardrail says whether a variant makes it worse for the people it exposes, "
                        + (counts
                            ? "not whether the goal's count falls (a count also grows with traffic)."
                            : "not where the goal's value goes."))
            }
        }
        return out
    }
}
