public import UpliftModel

/// A trend: one value per period, overall and per breakdown value.
public struct TrendResult: Sendable, Equatable {
    public init(points: [Point], total: Double, breakdown: [Series]) {
        self.points = points; self.total = total; self.breakdown = breakdown
    }

    public struct Point: Sendable, Equatable {
        public init(date: String, value: Double) { self.date = date; self.value = value }

        public var date: String
        public var value: Double
    }

    public struct Series: Sendable, Equatable {
        public init(value: String?, isOther: Bool, points: [TrendResult.Point], total: Double) {
            self.value = value; self.isOther = isOther; self.points = points; self.total = total
        }

        /// The breakdown value (nil: the event had none); `isOther` for the values after the top 25.
        public var value: String?
        public var isOther: Bool
        public var points: [Point]
        /// Over the whole range: events, distinct persons, sum, or average of every value.
        public var total: Double
    }

    public var points: [Point]
    public var total: Double
    public var breakdown: [Series]

    public var json: JSONValue {
        func points(_ list: [Point]) -> JSONValue {
            .array(list.map { .object([("date", .string($0.date)), ("value", .double($0.value))]) })
        }
        return .object([
            ("series", points(self.points)), ("total", .double(total)),
            ("breakdown", .array(breakdown.map { s in
                .object([("value", .string(s.isOther ? "other" : s.value)), ("other", .bool(s.isOther)),
                         ("series", points(s.points)), ("total", .double(s.total))])
            })),
        ])
    }
}

/// Adopters over active persons, one point per day (rolling windows) or period (calendar windows).
public struct AdoptionResult: Sendable, Equatable {
    public init(series: [Point]) { self.series = series }

    public struct Point: Sendable, Equatable {
        public init(date: String, adopters: Int, active: Int, rate: Double) {
            self.date = date; self.adopters = adopters; self.active = active; self.rate = rate
        }

        /// The last local day the point's window covers (rolling) or the period's first day (calendar).
        public var date: String
        public var adopters: Int
        public var active: Int
        public var rate: Double
    }

    public var series: [Point]

    public var json: JSONValue {
        .object([("series", .array(series.map { p in
            .object([("date", .string(p.date)), ("adopters", .int(p.adopters)), ("active", .int(p.active)), ("rate", .double(p.rate))])
        }))])
    }
}

/// Retention cohorts.
public struct RetentionResult: Sendable, Equatable {
    public init(cohorts: [Cohort], average: [Double]) { self.cohorts = cohorts; self.average = average }

    public struct Cohort: Sendable, Equatable {
        public init(date: String, persons: Int, retained: [Int], rates: [Double]) {
            self.date = date; self.persons = persons; self.retained = retained; self.rates = rates
        }

        /// First day of the cohort's period.
        public var date: String
        public var persons: Int
        /// `retained[k]`: persons of the cohort active (with the return event) in period k after the
        /// cohort's period; `retained[0] == persons`. Only periods that started before the range's end.
        public var retained: [Int]
        public var rates: [Double]
    }

    public var cohorts: [Cohort]
    /// Per period k: retained over persons, summed over the cohorts that reached period k.
    public var average: [Double]

    public var json: JSONValue {
        .object([
            ("cohorts", .array(cohorts.map { c in
                .object([("date", .string(c.date)), ("persons", .int(c.persons)),
                         ("retained", .array(c.retained.map { .int($0) })), ("rates", .array(c.rates.map { .double($0) }))])
            })),
            ("average", .array(average.map { .double($0) })),
        ])
    }
}

/// Growth accounting, one row per period.
public struct LifecycleResult: Sendable, Equatable {
    public init(periods: [Period]) { self.periods = periods }

    public struct Period: Sendable, Equatable {
        public init(date: String, new: Int, retained: Int, reactivated: Int, resurrected: Int, dormant: Int, active: Int, retentionRate: Double?) {
            self.date = date; self.new = new; self.retained = retained; self.reactivated = reactivated
            self.resurrected = resurrected; self.dormant = dormant; self.active = active; self.retentionRate = retentionRate
        }

        public var date: String
        /// Active this period for the first time ever.
        public var new: Int
        /// Active this period and the previous one (Duolingo's "current").
        public var retained: Int
        /// Active this period, not the previous one, last active at most `dormantAfter` periods ago.
        public var reactivated: Int
        /// Active this period after more than `dormantAfter` inactive periods.
        public var resurrected: Int
        /// Active the previous period, not this one.
        public var dormant: Int
        public var active: Int
        /// Current-user retention rate: retained ÷ persons active the previous period (nil when none were).
        public var retentionRate: Double?
    }

    public var periods: [Period]

    public var json: JSONValue {
        .object([("periods", .array(periods.map { p in
            .object([
                ("date", .string(p.date)), ("new", .int(p.new)), ("retained", .int(p.retained)),
                ("reactivated", .int(p.reactivated)), ("resurrected", .int(p.resurrected)), ("dormant", .int(p.dormant)),
                ("active", .int(p.active)), ("retention_rate", .double(p.retentionRate)),
            ])
        }))])
    }
}

/// Feedback scores and comments.
public struct FeedbackResult: Sendable, Equatable {
    public init(total: Summary, groups: [Group]) { self.total = total; self.groups = groups }

    public struct Summary: Sendable, Equatable {
        /// Every answer in the period.
        public var responses: Int
        /// Distinct persons who answered; NPS and CSAT count each person's latest answer once.
        public var respondents: Int
        /// Answers on 0–10 scales (latest per person): promoters 9–10, passives 7–8, detractors 0–6.
        public var promoters: Int
        public var passives: Int
        public var detractors: Int
        /// (promoters − detractors) ÷ answers × 100; nil without 0–10 answers.
        public var nps: Double?
        /// Answers on 1–5 scales (latest per person), and how many were 4 or 5.
        public var csatResponses: Int
        public var satisfied: Int
        /// satisfied ÷ csatResponses × 100; nil without 1–5 answers.
        public var csat: Double?
        public var averageScore: Double?
        /// The answers counted by promoters/passives/detractors, per score: 11 counts for scores 0…10.
        /// Scores are whole (a fractional score is a response only), so each answer has one slot;
        /// `npsScores[9...10]` sums to promoters, `[7...8]` to passives, `[0...6]` to detractors.
        public var npsScores: [Int]
        /// The answers counted by csatResponses, per score: 5 counts for scores 1…5 (`csatScores[0]` is
        /// score 1); `csatScores[3...4]` sums to satisfied.
        public var csatScores: [Int]

        public init() {
            responses = 0; respondents = 0; promoters = 0; passives = 0; detractors = 0
            nps = nil; csatResponses = 0; satisfied = 0; csat = nil; averageScore = nil
            npsScores = [Int](repeating: 0, count: 11); csatScores = [Int](repeating: 0, count: 5)
        }
    }

    public struct Comment: Sendable, Equatable {
        public init(time: String, person: String, score: Double?, scale: Int?, text: String) {
            self.time = time; self.person = person; self.score = score; self.scale = scale; self.text = text
        }

        /// ISO 8601 UTC time of the answer.
        public var time: String
        public var person: String
        public var score: Double?
        public var scale: Int?
        public var text: String
    }

    public struct Group: Sendable, Equatable {
        public init(feature: String?, survey: String?, summary: FeedbackResult.Summary, series: [(date: String, summary: FeedbackResult.Summary)], comments: [FeedbackResult.Comment]) {
            self.feature = feature; self.survey = survey; self.summary = summary; self.series = series; self.comments = comments
        }

        public var feature: String?
        public var survey: String?
        public var summary: Summary
        public var series: [(date: String, summary: Summary)]
        /// Latest first.
        public var comments: [Comment]

        public static func == (a: Group, b: Group) -> Bool {
            a.feature == b.feature && a.survey == b.survey && a.summary == b.summary && a.comments == b.comments
                && a.series.map(\.date) == b.series.map(\.date) && a.series.map(\.summary) == b.series.map(\.summary)
        }
    }

    public var total: Summary
    public var groups: [Group]

    public var json: JSONValue {
        func summary(_ s: Summary) -> [(String, JSONValue)] {
            [("responses", .int(s.responses)), ("respondents", .int(s.respondents)),
             ("promoters", .int(s.promoters)), ("passives", .int(s.passives)), ("detractors", .int(s.detractors)),
             ("nps", .double(s.nps)), ("csat_responses", .int(s.csatResponses)), ("satisfied", .int(s.satisfied)),
             ("csat", .double(s.csat)), ("average_score", .double(s.averageScore)),
             ("nps_scores", .array(s.npsScores.map { .int($0) })), ("csat_scores", .array(s.csatScores.map { .int($0) }))]
        }
        return .object([
            ("total", .object(summary(total))),
            ("groups", .array(groups.map { g in
                .object([("feature", .string(g.feature)), ("survey", .string(g.survey))] + summary(g.summary) + [
                    ("series", .array(g.series.map { .object([("date", .string($0.date))] + summary($0.summary)) })),
                    ("comments", .array(g.comments.map { c in
                        .object([("time", .string(c.time)), ("person", .string(c.person)), ("score", .double(c.score)),
                                 ("scale", c.scale.map { .int($0) } ?? .null), ("comment", .string(c.text))])
                    })),
                ])
            })),
        ])
    }
}
