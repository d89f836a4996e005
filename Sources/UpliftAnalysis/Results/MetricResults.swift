package import UpliftModel

/// A trend: one value per period, overall and per breakdown value.
package struct TrendResult: Sendable, Equatable {
    package init(points: [Point], total: Double, breakdown: [Series]) {
        self.points = points
        self.total = total
        self.breakdown = breakdown
    }

    package struct Point: Sendable, Equatable {
        package init(date: String, value: Double, partial: Bool = false) {
            self.date = date
            self.value = value
            self.partial = partial
        }

        /// The period's first day (its first hour for hourly series).
        package var date: String
        package var value: Double
        /// The period is only partly inside the range, or not over yet (`QueryScope.isPartial`).
        package var partial: Bool
    }

    package struct Series: Sendable, Equatable {
        package init(value: String?, isOther: Bool, points: [TrendResult.Point], total: Double) {
            self.value = value
            self.isOther = isOther
            self.points = points
            self.total = total
        }

        /// The breakdown value (nil: the event had none); `isOther` for the values after the top 25.
        package var value: String?
        package var isOther: Bool
        package var points: [Point]
        /// Over the whole range: events, distinct persons, sum, or average of every value.
        package var total: Double
    }

    package var points: [Point]
    package var total: Double
    package var breakdown: [Series]

    package var json: JSONValue {
        func points(_ list: [Point]) -> JSONValue {
            .array(
                list.map { p in
                    .object([("date", .string(p.date)), ("value", .double(p.value))] + partialMember(p.partial))
                })
        }
        return .object([
            ("series", points(self.points)), ("total", .double(total)),
            (
                "breakdown",
                .array(
                    breakdown.map { s in
                        .object([
                            ("value", .string(s.isOther ? "other" : s.value)), ("other", .bool(s.isOther)),
                            ("series", points(s.points)), ("total", .double(s.total)),
                        ])
                    })
            ),
        ])
    }
}

/// Adopters over active persons, one point per day (rolling windows) or period (calendar windows).
package struct AdoptionResult: Sendable, Equatable {
    package init(series: [Point]) { self.series = series }

    package struct Point: Sendable, Equatable {
        package init(date: String, adopters: Int, active: Int, rate: Double, partial: Bool = false) {
            self.date = date
            self.adopters = adopters
            self.active = active
            self.rate = rate
            self.partial = partial
        }

        /// The first day of the point's period (a day, week or month). A rolling window's point is the
        /// window ending on the period's last day in the range.
        package var date: String
        package var adopters: Int
        package var active: Int
        package var rate: Double
        /// The period is only partly inside the range, or not over yet (`QueryScope.isPartial`).
        package var partial: Bool
    }

    package var series: [Point]

    package var json: JSONValue {
        .object([
            (
                "series",
                .array(
                    series.map { p in
                        .object(
                            [
                                ("date", .string(p.date)), ("adopters", .int(p.adopters)), ("active", .int(p.active)),
                                ("rate", .double(p.rate)),
                            ] + partialMember(p.partial))
                    })
            )
        ])
    }
}

/// Retention cohorts.
package struct RetentionResult: Sendable, Equatable {
    package init(cohorts: [Cohort], average: [Double]) {
        self.cohorts = cohorts
        self.average = average
    }

    package struct Cohort: Sendable, Equatable {
        package init(date: String, persons: Int, retained: [Int], rates: [Double], partial: Bool = false) {
            self.date = date
            self.persons = persons
            self.retained = retained
            self.rates = rates
            self.partial = partial
        }

        /// First day of the cohort's period.
        package var date: String
        package var persons: Int
        /// `retained[k]`: persons of the cohort active (with the return event) in period k after the
        /// cohort's period; `retained[0] == persons`. Only periods that started before the range's end.
        package var retained: [Int]
        package var rates: [Double]
        /// The cohort's period is only partly inside the range, or not over yet (`QueryScope.isPartial`).
        package var partial: Bool
    }

    package var cohorts: [Cohort]
    /// Per period k: retained over persons, summed over the cohorts that reached period k.
    package var average: [Double]

    package var json: JSONValue {
        .object([
            (
                "cohorts",
                .array(
                    cohorts.map { c in
                        .object(
                            [
                                ("date", .string(c.date)), ("persons", .int(c.persons)),
                                ("retained", .array(c.retained.map { .int($0) })),
                                ("rates", .array(c.rates.map { .double($0) })),
                            ] + partialMember(c.partial))
                    })
            ),
            ("average", .array(average.map { .double($0) })),
        ])
    }
}

/// Growth accounting, one row per period.
package struct LifecycleResult: Sendable, Equatable {
    package init(periods: [Period]) { self.periods = periods }

    package struct Period: Sendable, Equatable {
        package init(
            date: String, new: Int, retained: Int, reactivated: Int, resurrected: Int, dormant: Int, active: Int,
            retentionRate: Double?, partial: Bool = false
        ) {
            self.partial = partial
            self.date = date
            self.new = new
            self.retained = retained
            self.reactivated = reactivated
            self.resurrected = resurrected
            self.dormant = dormant
            self.active = active
            self.retentionRate = retentionRate
        }

        package var date: String
        /// Active this period for the first time ever.
        package var new: Int
        /// Active this period and the previous one (Duolingo's "current").
        package var retained: Int
        /// Active this period, not the previous one, last active at most `dormantAfter` periods ago.
        package var reactivated: Int
        /// Active this period after more than `dormantAfter` inactive periods.
        package var resurrected: Int
        /// Active the previous period, not this one.
        package var dormant: Int
        package var active: Int
        /// Current-user retention rate: retained ÷ persons active the previous period (nil when none were).
        package var retentionRate: Double?
        /// The period is only partly inside the range, or not over yet (`QueryScope.isPartial`).
        package var partial: Bool
    }

    package var periods: [Period]

    package var json: JSONValue {
        .object([
            (
                "periods",
                .array(
                    periods.map { p in
                        .object(
                            [
                                ("date", .string(p.date)), ("new", .int(p.new)), ("retained", .int(p.retained)),
                                ("reactivated", .int(p.reactivated)), ("resurrected", .int(p.resurrected)),
                                ("dormant", .int(p.dormant)),
                                ("active", .int(p.active)), ("retention_rate", .double(p.retentionRate)),
                            ] + partialMember(p.partial))
                    })
            )
        ])
    }
}

/// Feedback scores and comments.
package struct FeedbackResult: Sendable, Equatable {
    package init(total: Summary, groups: [Group]) {
        self.total = total
        self.groups = groups
    }

    package struct Summary: Sendable, Equatable {
        /// Every answer in the period.
        package var responses: Int
        /// Distinct persons who answered; NPS and CSAT count each person's latest answer once.
        package var respondents: Int
        /// Answers on 0–10 scales (latest per person): promoters 9–10, passives 7–8, detractors 0–6.
        package var promoters: Int
        package var passives: Int
        package var detractors: Int
        /// (promoters − detractors) ÷ answers × 100; nil without 0–10 answers.
        package var nps: Double?
        /// Answers on 1–5 scales (latest per person), and how many were 4 or 5.
        package var csatResponses: Int
        package var satisfied: Int
        /// satisfied ÷ csatResponses × 100; nil without 1–5 answers.
        package var csat: Double?
        package var averageScore: Double?
        /// The answers counted by promoters/passives/detractors, per score: 11 counts for scores 0…10.
        /// Scores are whole (a fractional score is a response only), so each answer has one slot;
        /// `npsScores[9...10]` sums to promoters, `[7...8]` to passives, `[0...6]` to detractors.
        package var npsScores: [Int]
        /// The answers counted by csatResponses, per score: 5 counts for scores 1…5 (`csatScores[0]` is
        /// score 1); `csatScores[3...4]` sums to satisfied.
        package var csatScores: [Int]

        package init() {
            responses = 0
            respondents = 0
            promoters = 0
            passives = 0
            detractors = 0
            nps = nil
            csatResponses = 0
            satisfied = 0
            csat = nil
            averageScore = nil
            npsScores = [Int](repeating: 0, count: 11)
            csatScores = [Int](repeating: 0, count: 5)
        }
    }

    package struct Comment: Sendable, Equatable {
        package init(time: String, person: String, score: Double?, scale: Int?, text: String) {
            self.time = time
            self.person = person
            self.score = score
            self.scale = scale
            self.text = text
        }

        /// ISO 8601 UTC time of the answer.
        package var time: String
        package var person: String
        package var score: Double?
        package var scale: Int?
        package var text: String
    }

    package struct Group: Sendable, Equatable {
        package init(
            feature: String?, survey: String?, summary: FeedbackResult.Summary,
            series: [(date: String, summary: FeedbackResult.Summary)], comments: [FeedbackResult.Comment]
        ) {
            self.feature = feature
            self.survey = survey
            self.summary = summary
            self.series = series
            self.comments = comments
        }

        package var feature: String?
        package var survey: String?
        package var summary: Summary
        package var series: [(date: String, summary: Summary)]
        /// Latest first.
        package var comments: [Comment]

        package static func == (a: Group, b: Group) -> Bool {
            a.feature == b.feature && a.survey == b.survey && a.summary == b.summary && a.comments == b.comments
                && a.series.map(\.date) == b.series.map(\.date) && a.series.map(\.summary) == b.series.map(\.summary)
        }
    }

    package var total: Summary
    package var groups: [Group]
    /// Groups left out of `groups` to bound the answer (`FeedbackQuery.maxGroups`): the ones with the
    /// fewest responses. Their answers still count in `total`.
    package var groupsOmitted = 0
    /// Labels of the series' periods that are only partly inside the range or not over yet
    /// (`QueryScope.isPartial`); their entries say `"partial": true`.
    package var partialPeriods: Set<String> = []

    package var json: JSONValue {
        func summary(_ s: Summary) -> [(String, JSONValue)] {
            [
                ("responses", .int(s.responses)), ("respondents", .int(s.respondents)),
                ("promoters", .int(s.promoters)), ("passives", .int(s.passives)), ("detractors", .int(s.detractors)),
                ("nps", .double(s.nps)), ("csat_responses", .int(s.csatResponses)), ("satisfied", .int(s.satisfied)),
                ("csat", .double(s.csat)), ("average_score", .double(s.averageScore)),
                ("nps_scores", .array(s.npsScores.map { .int($0) })),
                ("csat_scores", .array(s.csatScores.map { .int($0) })),
            ]
        }
        func comment(_ c: Comment) -> JSONValue {
            .object([
                ("time", .string(c.time)), ("person", .string(c.person)), ("score", .double(c.score)),
                ("scale", c.scale.map { .int($0) } ?? .null), ("comment", .string(c.text)),
            ])
        }
        func group(_ g: Group) -> JSONValue {
            let series = g.series.map {
                JSONValue.object(
                    [("date", .string($0.date))] + summary($0.summary)
                        + partialMember(partialPeriods.contains($0.date)))
            }
            return .object(
                [("feature", .string(g.feature)), ("survey", .string(g.survey))] + summary(g.summary)
                    + [("series", .array(series)), ("comments", .array(g.comments.map(comment)))])
        }
        var members: [(String, JSONValue)] = [
            ("total", .object(summary(total))), ("groups", .array(groups.map(group))),
        ]
        if groupsOmitted > 0 { members.append(("groups_omitted", .int(groupsOmitted))) }
        return .object(members)
    }
}
