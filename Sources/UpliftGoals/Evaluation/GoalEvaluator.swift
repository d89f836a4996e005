package import UpliftAnalysis
package import UpliftModel
package import UpliftStorage

/// Evaluates goals over a snapshot: each goal's series per period, its current value, progress,
/// forecast to the deadline and status.
///
/// - Range: from the period holding the earlier of the launch and the deadline − 90 days (so a
///   goal shows where it started from) to the last complete period before `now`. A period still
///   running is left out: half a week of events would read as a collapse. A period the data does not
///   cover whole (`DataCoverage`: no event of the project in it, or the data starts or stops inside
///   it) has no value, never zero; the series starts at the first period the data covers.
/// - Current value: the latest period with a value. Progress: (current − baseline) ÷ (target − baseline).
/// - Forecast: `LinearTrend` fitted on the last min(8, available) periods with a value, extended to
///   the deadline's period, with a prediction interval at `confidence` (default 80%); forecast and
///   bounds are clamped to the metric's range (a rate stays within 0…1).
/// - Status: achieved when the current value meets the target in the goal's direction; otherwise
///   on_track when the point forecast meets it, at_risk when only the interval's favourable bound
///   does (upper for increase, lower for decrease), off_track when neither does or the deadline's
///   period is already measured; no_data without any value, or when the latest complete periods have no
///   data ("no events since DATE") and the deadline's period was not measured.
package struct GoalEvaluator: Sendable {
    package var engine: AnalysisEngine
    package var links: PersonMap
    package var calendar: LocalCalendar
    package var confidence: Double
    /// Recent periods the trend is fitted on (at most).
    package var fitPeriods: Int
    /// Stops the goal's queries early (the server's time limit, a client that went away).
    package var budget: QueryBudget?
    /// The questions' answers from another engine (`--engine`); nil: the embedded engine answers them. The
    /// embedded engine still gives the data warnings, which read the segments' metadata only.
    package var answers: AnswerSheet?

    package init(
        engine: AnalysisEngine = AnalysisEngine(cacheBytes: 0), links: PersonMap = [:],
        calendar: LocalCalendar = .utc, confidence: Double = 0.8, fitPeriods: Int = 8, budget: QueryBudget? = nil,
        answers: AnswerSheet? = nil
    ) {
        self.engine = engine
        self.links = links
        self.calendar = calendar
        self.confidence = confidence
        self.fitPeriods = fitPeriods
        self.budget = budget
        self.answers = answers
    }

    /// Every goal of the document.
    package func evaluate(_ document: PrfaqDocument, snapshot: Snapshot, now: Int64) throws(UpliftError) -> [GoalStatus]
    {
        var out: [GoalStatus] = []
        let coverage = DataCoverage(snapshot)
        for goal in document.goals {
            var status = try evaluate(goal, launch: document.launch, snapshot: snapshot, now: now, coverage: coverage)
            status.warnings = try engine.warnings(
                events: goal.eventNames, properties: goal.propertyRefs, snapshot: snapshot, budget: budget)
            out.append(status)
        }
        return out
    }

    /// One goal; `coverage` is the snapshot's (computed when not given).
    package func evaluate(
        _ goal: Goal, launch: UTCDay, snapshot: Snapshot, now: Int64, coverage: DataCoverage? = nil
    ) throws(UpliftError) -> GoalStatus {
        let coverage = coverage ?? DataCoverage(snapshot)
        let interval = goal.interval
        let origin = calendar.periodStart(min(launch, goal.deadline.adding(days: -90)), interval)
        // Every complete period up to now, between the one before them and the one still running: those
        // two only show whether the data goes on beyond the complete ones.
        var starts = [calendar.periodStart(origin.adding(days: -1), interval)]
        var day = origin
        while starts.count < 10_002 {
            starts.append(day)
            let next = calendar.nextPeriod(day, interval)
            guard calendar.start(of: next) <= now else { break }
            day = next
        }
        let bounds = starts.map {
            (start: calendar.start(of: $0), end: calendar.start(of: calendar.nextPeriod($0, interval)))
        }
        let covered = coverage.covered(bounds, now: now)
        var periods = Array(starts.dropFirst().dropLast())
        var measured = Array(covered.dropFirst().dropLast())
        // The series starts with the first period the data covers whole (none before the data, none it
        // reaches only in part).
        guard let firstMeasured = measured.firstIndex(of: true), let lastIndex = measured.lastIndex(of: true) else {
            // Data that stopped before the last complete period ended says since when; otherwise none is complete yet.
            let latest = coverage.lastDay(before: now)
            let stopped = latest.flatMap { d in
                periods.isEmpty || d.adding(days: 1).startMicroseconds >= bounds[periods.count].end ? nil : d
            }
            return GoalStatus(
                goal: goal, series: [], current: nil, currentDate: nil, baseline: goal.baseline, progress: nil,
                forecast: nil, status: .noData,
                explanation: stopped.map { "no events since \($0)" } ?? "no complete \(interval.rawValue) of data yet",
                dataUntil: stopped?.description)
        }
        periods.removeFirst(firstMeasured)
        measured.removeFirst(firstMeasured)
        let lastMeasured = lastIndex - firstMeasured
        // Funnel conversions are looked for up to where the data that covers the last measured period
        // ends (or now), not into a gap after it.
        var reach = coverage.overlapping(from: bounds[lastIndex + 1].start, to: bounds[lastIndex + 1].end).upperBound
        for b in bounds[(lastIndex + 2)...] {
            let r = coverage.overlapping(from: b.start, to: b.end)
            guard !r.isEmpty else { break }
            reach = r.upperBound
        }
        let dataEnd = min(now, coverage.days[reach - 1].adding(days: 1).startMicroseconds)
        let scope = QueryScope(
            from: calendar.start(of: periods[0]),
            to: calendar.start(of: calendar.nextPeriod(periods[lastMeasured], interval)),
            calendar: calendar, filters: goal.filters)
        let source = GoalSeries(
            questions: Questions(engine: engine, snapshot: snapshot, links: links, budget: budget, sheet: answers),
            scope: scope, periods: Array(periods[...lastMeasured]), dataEnd: dataEnd)
        // A period the data does not cover has no value, whatever the query counted there (zero events).
        var values = try source.values(goal)
        values += [Double?](repeating: nil, count: periods.count - values.count)
        let series = periods.indices.map { i in
            GoalStatus.Point(date: periods[i].description, value: measured[i] ? values[i] : nil)
        }
        let deadlineIndex = Double(
            calendar.periodNumber(ofDay: goal.deadline, interval)
                - calendar.periodNumber(ofDay: periods[0], interval))
        var status = status(
            goal, series: series, deadlineIndex: deadlineIndex,
            deadlineLabel: calendar.periodStart(goal.deadline, interval).description)
        let rangeEnd = calendar.start(of: calendar.nextPeriod(periods[periods.count - 1], interval))
        let until = coverage.lastDay(before: rangeEnd)
        status.dataUntil = until?.description
        // The latest complete periods measured nothing: whatever the earlier ones said, the goal cannot be
        // judged now (unless its deadline's period was measured: that verdict stands).
        if lastMeasured < periods.count - 1, Double(lastMeasured) < deadlineIndex, let until {
            let lastCovered = calendar.start(of: calendar.nextPeriod(periods[lastMeasured], interval))
            status.status = .noData
            status.forecast = nil
            status.explanation =
                until.adding(days: 1).startMicroseconds >= rangeEnd
                ? "no complete \(interval.rawValue) of data since \(UTCDay(microseconds: lastCovered - 1))"
                : "no events since \(until)"
        }
        return status
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
}
