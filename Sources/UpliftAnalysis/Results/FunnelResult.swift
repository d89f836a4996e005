package import UpliftModel

/// The answer to a funnel query.
package struct FunnelResult: Sendable, Equatable {
    package struct Step: Sendable, Equatable {
        package var event: String
        /// Persons whose furthest step is this one or later.
        package var persons: Int
        package var conversionFromStart: Double
        package var conversionFromPrevious: Double
        /// Seconds from the previous step to this one, over the persons who reached it (nil for step 1 or nobody).
        package var medianSecondsToConvert: Double?
        package var meanSecondsToConvert: Double?

        package init(
            event: String, persons: Int, conversionFromStart: Double, conversionFromPrevious: Double,
            medianSecondsToConvert: Double?, meanSecondsToConvert: Double?
        ) {
            self.event = event
            self.persons = persons
            self.conversionFromStart = conversionFromStart
            self.conversionFromPrevious = conversionFromPrevious
            self.medianSecondsToConvert = medianSecondsToConvert
            self.meanSecondsToConvert = meanSecondsToConvert
        }
    }

    package struct BreakdownGroup: Sendable, Equatable {
        /// The step-1 event's value of the breakdown property; nil when it had none.
        package var value: String?
        /// True for the group gathering every value after the top 25.
        package var isOther: Bool
        package var steps: [Step]
    }

    /// Persons entering (step 1) and completing (last step), by the period of their attempt's first event.
    package struct Period: Sendable, Equatable {
        package var date: String
        package var entered: Int
        package var converted: Int
        package var rate: Double
        /// The period is only partly inside the range, or not over yet (`QueryScope.isPartial`).
        package var partial = false
    }

    /// Persons who completed the funnel, by seconds from step 1 to the last step.
    package struct Bin: Sendable, Equatable {
        package var fromSeconds: Double
        package var toSeconds: Double
        package var persons: Int
    }

    package var steps: [Step]
    package var breakdown: [BreakdownGroup]
    package var conversionOverTime: [Period]
    package var timeToConvert: [Bin]

    package init(
        steps: [Step], breakdown: [BreakdownGroup] = [], conversionOverTime: [Period] = [], timeToConvert: [Bin] = []
    ) {
        self.steps = steps
        self.breakdown = breakdown
        self.conversionOverTime = conversionOverTime
        self.timeToConvert = timeToConvert
    }

    package var json: JSONValue {
        func steps(_ list: [Step]) -> JSONValue {
            .array(
                list.map { s in
                    .object([
                        ("event", .string(s.event)), ("persons", .int(s.persons)),
                        ("conversion_from_start", .double(s.conversionFromStart)),
                        ("conversion_from_previous", .double(s.conversionFromPrevious)),
                        ("median_seconds_to_convert", .double(s.medianSecondsToConvert)),
                        ("mean_seconds_to_convert", .double(s.meanSecondsToConvert)),
                    ])
                })
        }
        return .object([
            ("steps", steps(self.steps)),
            (
                "breakdown",
                .array(
                    breakdown.map { g in
                        .object([
                            ("value", .string(g.isOther ? "other" : g.value)), ("other", .bool(g.isOther)),
                            ("steps", steps(g.steps)),
                        ])
                    })
            ),
            (
                "conversion_over_time",
                .array(
                    conversionOverTime.map { p in
                        .object(
                            [
                                ("date", .string(p.date)), ("entered", .int(p.entered)),
                                ("converted", .int(p.converted)),
                                ("rate", .double(p.rate)),
                            ] + partialMember(p.partial))
                    })
            ),
            (
                "time_to_convert",
                .array(
                    timeToConvert.map { b in
                        .object([
                            ("from_seconds", .double(b.fromSeconds)), ("to_seconds", .double(b.toSeconds)),
                            ("persons", .int(b.persons)),
                        ])
                    })
            ),
        ])
    }
}
