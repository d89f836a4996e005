package import UpliftAnalysis

extension ReferenceFunnel {
    /// Every field of a `FunnelResult`, in types the reference can build (the result's nested
    /// types have no public initializers); `Result(engineResult)` converts for comparison.
    package struct Result: Equatable, Sendable {
        package struct Group: Equatable, Sendable {
            package var value: String?
            package var isOther: Bool
            package var steps: [FunnelResult.Step]
        }
        package struct Period: Equatable, Sendable {
            package var date: String
            package var entered: Int
            package var converted: Int
            package var rate: Double
            package var partial: Bool
        }
        package struct Bin: Equatable, Sendable {
            package var fromSeconds: Double
            package var toSeconds: Double
            package var persons: Int
        }
        package var steps: [FunnelResult.Step]
        package var breakdown: [Group]
        package var conversionOverTime: [Period]
        package var timeToConvert: [Bin]

        init(steps: [FunnelResult.Step], breakdown: [Group], conversionOverTime: [Period], timeToConvert: [Bin]) {
            self.steps = steps
            self.breakdown = breakdown
            self.conversionOverTime = conversionOverTime
            self.timeToConvert = timeToConvert
        }

        package init(_ r: FunnelResult) {
            steps = r.steps
            breakdown = r.breakdown.map { Group(value: $0.value, isOther: $0.isOther, steps: $0.steps) }
            conversionOverTime = r.conversionOverTime.map {
                Period(date: $0.date, entered: $0.entered, converted: $0.converted, rate: $0.rate, partial: $0.partial)
            }
            timeToConvert = r.timeToConvert.map {
                Bin(fromSeconds: $0.fromSeconds, toSeconds: $0.toSeconds, persons: $0.persons)
            }
        }
    }

    /// The result from each person's best attempt, computed the plain way.
    static func result(_ query: FunnelQuery, _ outcomes: [Outcome]) -> Result {
        var groups: [Result.Group] = []
        if query.breakdown != nil {
            var byValue: [String?: [Outcome]] = [:]
            for o in outcomes { byValue[o.value, default: []].append(o) }
            let order = byValue.keys.sorted { a, b in
                let ca = byValue[a]!.count
                let cb = byValue[b]!.count
                if ca != cb { return ca > cb }
                switch (a, b) {
                case (nil, _): return true
                case (_, nil): return false
                case (let x?, let y?): return x < y
                }
            }
            for value in order.prefix(25) {
                groups.append(Result.Group(value: value, isOther: false, steps: steps(query, byValue[value]!)))
            }
            let rest = order.dropFirst(25).flatMap { byValue[$0]! }
            if !rest.isEmpty { groups.append(Result.Group(value: nil, isOther: true, steps: steps(query, rest))) }
        }
        return Result(
            steps: steps(query, outcomes), breakdown: groups,
            conversionOverTime: conversion(query, outcomes), timeToConvert: histogram(query, outcomes))
    }

    static func steps(_ query: FunnelQuery, _ outcomes: [Outcome]) -> [FunnelResult.Step] {
        let n = query.steps.count
        let reached = (1...n).map { j in outcomes.filter { $0.level >= j }.count }
        return (1...n).map { j in
            var median: Double?
            var mean: Double?
            if j >= 2 {
                let durations = outcomes.filter { $0.level >= j }.map { $0.stepTimes[j - 1] - $0.stepTimes[j - 2] }
                    .sorted()
                if !durations.isEmpty {
                    let c = durations.count
                    median =
                        c % 2 == 1
                        ? Double(durations[c / 2]) / 1e6 : Double(durations[c / 2 - 1] + durations[c / 2]) / 2 / 1e6
                    mean = Double(durations.reduce(0, +)) / Double(c) / 1e6
                }
            }
            let first = reached[0]
            let previous = j == 1 ? reached[0] : reached[j - 2]
            return FunnelResult.Step(
                event: query.steps[j - 1].event, persons: reached[j - 1],
                conversionFromStart: first == 0 ? 0 : Double(reached[j - 1]) / Double(first),
                conversionFromPrevious: previous == 0 ? 0 : Double(reached[j - 1]) / Double(previous),
                medianSecondsToConvert: median, meanSecondsToConvert: mean)
        }
    }

    static func conversion(_ query: FunnelQuery, _ outcomes: [Outcome]) -> [Result.Period] {
        let calendar = query.scope.calendar
        let interval = query.conversionInterval
        let first = calendar.periodNumber(of: query.scope.from, interval)
        let last = calendar.periodNumber(of: query.scope.to - 1, interval)
        guard first <= last else { return [] }
        return (first...last).map { period in
            let entered = outcomes.filter { calendar.periodNumber(of: $0.stepTimes[0], interval) == period }
            let converted = entered.filter { $0.level == query.steps.count }.count
            return Result.Period(
                date: calendar.label(periodNumber: period, interval), entered: entered.count, converted: converted,
                rate: entered.isEmpty ? 0 : Double(converted) / Double(entered.count),
                partial: ReferenceMetrics.partial(query.scope, interval, period))
        }
    }

    static func histogram(_ query: FunnelQuery, _ outcomes: [Outcome]) -> [Result.Bin] {
        let n = query.steps.count
        let durations = outcomes.filter { $0.level == n }.map { $0.stepTimes[n - 1] - $0.stepTimes[0] }
        guard let longest = durations.max() else { return [] }
        var candidates: [Int64] = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 7200, 21600, 43200, 86400, 172_800, 604_800]
        for k in 2...600 { candidates.append(Int64(k) * 604_800) }
        // Bins [k·w, (k+1)·w) for k = 0 … ⌊max / w⌋ (a duration on an edge opens the next bin).
        let width = candidates.first { longest / ($0 * 1_000_000) + 1 <= 20 }! * 1_000_000
        let count = Int(longest / width) + 1
        var bins: [Result.Bin] = []
        for k in 0..<Int64(count) {
            let persons = durations.filter { $0 / width == k }.count
            let low = Double(k * width) / 1e6
            let high = Double((k + 1) * width) / 1e6
            bins.append(Result.Bin(fromSeconds: low, toSeconds: high, persons: persons))
        }
        return bins
    }
}
