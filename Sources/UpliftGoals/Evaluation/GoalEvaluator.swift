package import UpliftAnalysis
package import UpliftModel
package import UpliftStorage

/// Evaluates goals over a snapshot: each goal's series per period, its current value, progress,
/// forecast to the deadline and status.
///
/// - Range: from the period holding the earlier of the launch and the deadline − 90 days (so a
///   goal shows where it started from) to the end of the last complete period before the end of the
///   data (the day after its last event) or `now`, whichever comes first. A period still running is
///   left out: half a week of events would read as a collapse. So are periods that start before the
///   data does (the first UTC day with events): a week with only its last days would read low.
/// - Current value: the latest period with a value. Progress: (current − baseline) ÷ (target − baseline).
/// - Forecast: `LinearTrend` fitted on the last min(8, available) periods with a value, extended to
///   the deadline's period, with a prediction interval at `confidence` (default 80%); forecast and
///   bounds are clamped to the metric's range (a rate stays within 0…1).
/// - Status: achieved when the current value meets the target in the goal's direction; otherwise
///   on_track when the point forecast meets it, at_risk when only the interval's favourable bound
///   does (upper for increase, lower for decrease), off_track when neither does or the deadline's
///   period is already measured; no_data without any value.
package struct GoalEvaluator: Sendable {
    package var engine: AnalysisEngine
    package var links: [String: String]
    package var calendar: LocalCalendar
    package var confidence: Double
    /// Recent periods the trend is fitted on (at most).
    package var fitPeriods: Int
    /// Stops the goal's queries early (the server's time limit, a client that went away).
    package var budget: QueryBudget?

    package init(
        engine: AnalysisEngine = AnalysisEngine(cacheBytes: 0), links: [String: String] = [:],
        calendar: LocalCalendar = .utc, confidence: Double = 0.8, fitPeriods: Int = 8, budget: QueryBudget? = nil
    ) {
        self.engine = engine
        self.links = links
        self.calendar = calendar
        self.confidence = confidence
        self.fitPeriods = fitPeriods
        self.budget = budget
    }

    /// Every goal of the document.
    package func evaluate(_ document: PrfaqDocument, snapshot: Snapshot, now: Int64) throws(UpliftError) -> [GoalStatus]
    {
        var out: [GoalStatus] = []
        for goal in document.goals {
            var status = try evaluate(goal, launch: document.launch, snapshot: snapshot, now: now)
            status.warnings = try engine.warnings(events: goal.eventNames, snapshot: snapshot, budget: budget)
            out.append(status)
        }
        return out
    }

    package func evaluate(
        _ goal: Goal, launch: UTCDay, snapshot: Snapshot, now: Int64
    ) throws(UpliftError) -> GoalStatus {
        let dataEnd = min(Self.dataEnd(snapshot) ?? Int64.min, now)
        var first = calendar.periodStart(min(launch, goal.deadline.adding(days: -90)), goal.interval)
        // Complete periods only: none that starts before the data does (a week whose first days
        // predate the data would read low, and weeks before it as zeros), and none after the one
        // that holds the data's end.
        if let dataStart = Self.dataStart(snapshot) {
            while calendar.start(of: first) < dataStart, calendar.start(of: first) < dataEnd {
                first = calendar.nextPeriod(first, goal.interval)
            }
        }
        var periods: [UTCDay] = []
        if dataEnd > Int64.min {
            var day = first
            while periods.count < 10_000 {
                let next = calendar.nextPeriod(day, goal.interval)
                guard calendar.start(of: next) <= dataEnd else { break }
                periods.append(day)
                day = next
            }
        }
        guard let last = periods.last else {
            return GoalStatus(
                goal: goal, series: [], current: nil, currentDate: nil, baseline: goal.baseline, progress: nil,
                forecast: nil, status: .noData, explanation: "no complete \(goal.interval.rawValue) of data yet")
        }
        let scope = QueryScope(
            from: calendar.start(of: first), to: calendar.start(of: calendar.nextPeriod(last, goal.interval)),
            calendar: calendar, filters: goal.filters)
        let source = GoalSeries(
            engine: engine, snapshot: snapshot, links: links, scope: scope, periods: periods, dataEnd: dataEnd,
            budget: budget)
        let values = try source.values(goal)
        let series = zip(periods, values).map { GoalStatus.Point(date: $0.description, value: $1) }
        let deadlineIndex = Double(
            calendar.periodNumber(ofDay: goal.deadline, goal.interval)
                - calendar.periodNumber(ofDay: first, goal.interval))
        return status(
            goal, series: series, deadlineIndex: deadlineIndex,
            deadlineLabel: calendar.periodStart(goal.deadline, goal.interval).description)
    }

    /// Status from a series (index i of the series is x = i); `deadlineIndex` is the deadline period's x.
    package func status(
        _ goal: Goal, series: [GoalStatus.Point], deadlineIndex: Double, deadlineLabel: String
    ) -> GoalStatus {
        // A value that is not finite says nothing about progress: it counts as no value (no_data when
        // every period is like that), never as a measurement that misses the target.
        let known = series.enumerated().compactMap { i, p in
            p.value.flatMap { $0.isFinite ? (x: Double(i), y: $0) : nil }
        }
        guard let latest = known.last else {
            return GoalStatus(
                goal: goal, series: series, current: nil, currentDate: nil, baseline: goal.baseline, progress: nil,
                forecast: nil, status: .noData, explanation: "no period has a value yet")
        }
        let current = latest.y
        let baseline = goal.baseline ?? known.first?.y
        let progress = baseline.flatMap { b in goal.target != b ? (current - b) / (goal.target - b) : nil }
        let currentDate = series[Int(latest.x)].date
        let make = { (forecast: GoalStatus.Forecast?, state: GoalStatus.State, why: String) in
            GoalStatus(
                goal: goal, series: series, current: current, currentDate: currentDate, baseline: baseline,
                progress: progress, forecast: forecast, status: state, explanation: why)
        }
        let meets = { (v: Double) in goal.direction.meets(v, goal.target) }
        if deadlineIndex <= latest.x {
            return meets(current)
                ? make(nil, .achieved, "the target is met")
                : make(nil, .offTrack, "the deadline has passed without meeting the target")
        }
        let recent = known.suffix(max(1, fitPeriods))
        guard let trend = LinearTrend.fit(x: recent.map(\.x), y: recent.map(\.y)) else {
            return make(nil, meets(current) ? .achieved : .offTrack, "no trend")
        }
        let domain = goal.metric.domain
        func clamp(_ v: Double) -> Double { min(max(v, domain.lowerBound), domain.upperBound) }
        let point = clamp(trend.predict(deadlineIndex))
        let interval = trend.predictionInterval(deadlineIndex, confidence: confidence)
        let forecast = GoalStatus.Forecast(
            date: deadlineLabel, value: point, low: interval.map { clamp($0.low) },
            high: interval.map { clamp($0.high) }, confidence: confidence,
            slopePerPeriod: trend.slope, periodsFitted: trend.count)
        if meets(current) { return make(forecast, .achieved, "the target is met") }
        if meets(point) { return make(forecast, .onTrack, "the trend reaches the target by the deadline") }
        let favourable = goal.direction == .increase ? forecast.high : forecast.low
        if let favourable, meets(favourable) {
            return make(
                forecast, .atRisk,
                "the trend falls short, but the target is within the forecast's \(Int((confidence * 100).rounded()))% interval"
            )
        }
        return make(forecast, .offTrack, "the trend misses the target by the deadline")
    }

    /// The start of the data: the start of the first segment's day or the earliest pending event's day.
    package static func dataStart(_ snapshot: Snapshot) -> Int64? {
        var start: Int64?
        for path in snapshot.segments {
            if let day = Snapshot.day(ofSegment: path) { start = min(start ?? .max, day.startMicroseconds) }
        }
        for event in snapshot.pending {
            start = min(start ?? .max, UTCDay(microseconds: event.timestamp).startMicroseconds)
        }
        return start
    }

    /// The end of the data: the start of the day after the last segment's day or the latest pending
    /// event's day (segments are by UTC day, so both are whole days).
    package static func dataEnd(_ snapshot: Snapshot) -> Int64? {
        var end: Int64?
        for path in snapshot.segments {
            if let day = Snapshot.day(ofSegment: path) { end = max(end ?? .min, day.adding(days: 1).startMicroseconds) }
        }
        for event in snapshot.pending {
            end = max(end ?? .min, UTCDay(microseconds: event.timestamp).adding(days: 1).startMicroseconds)
        }
        return end
    }
}
