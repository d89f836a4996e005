package import UpliftAnalysis
package import UpliftModel

/// The funnel by its definition (analysis-semantics, "Funnel"), on plain events: enumerates every
/// chain (ordered, strict) or every matching (any order) directly. Exponential; meant for persons
/// with a dozen candidate events and a few steps. Shares nothing with the engine but the query,
/// result, calendar and filter types and `PropertyReader`.
package enum ReferenceFunnel {
    package static func compute(_ query: FunnelQuery, events: [Event], links: [String: String]) -> Result {
        let n = query.steps.count
        let window = query.window.microseconds
        var byPerson: [String: [Event]] = [:]
        for e in events { byPerson[links[e.distinctID] ?? e.distinctID, default: []].append(e) }
        var outcomes: [Outcome] = []
        for (_, personEvents) in byPerson.sorted(by: { $0.key < $1.key }) {
            let candidates = personEvents.filter {
                $0.timestamp >= query.scope.from && $0.timestamp < query.scope.to + window
            }
            let stepMatch = candidates.map { e in query.steps.map { matches(e, $0.event, $0.filters, query) } }
            var best: Outcome?
            for (i, e1) in candidates.enumerated() where e1.timestamp < query.scope.to {
                let attempt: [Int64]
                switch query.order {
                case .ordered, .strict:
                    guard stepMatch[i][0] else { continue }
                    attempt = chains(from: i, candidates, stepMatch, personEvents, query)
                case .any:
                    guard stepMatch[i].contains(true) else { continue }
                    attempt = anyOrder(from: e1.timestamp, candidates, stepMatch, query)
                }
                guard !attempt.isEmpty, !isVoided(attempt, start: e1.timestamp, personEvents, query) else { continue }
                let o = Outcome(
                    level: attempt.count, stepTimes: attempt, value: query.breakdown.flatMap { text(e1, $0) })
                if let b = best, !preferred(o, b) { continue }
                best = o
            }
            if let best { outcomes.append(best) }
        }
        _ = n
        return result(query, outcomes)
    }

    struct Outcome {
        var level: Int
        var stepTimes: [Int64]
        var value: String?
    }

    /// Higher level; then earlier first event; then smaller breakdown value (nil first); then
    /// earlier step times.
    static func preferred(_ a: Outcome, _ b: Outcome) -> Bool {
        if a.level != b.level { return a.level > b.level }
        if a.stepTimes[0] != b.stepTimes[0] { return a.stepTimes[0] < b.stepTimes[0] }
        if a.value != b.value {
            guard let av = a.value else { return true }
            guard let bv = b.value else { return false }
            return av < bv
        }
        return a.stepTimes.lexicographicallyPrecedes(b.stepTimes)
    }

    static func value(_ e: Event, _ ref: PropertyRef) -> PropertyValue {
        PropertyReader(ref).value(in: ref.source == .context ? e.context : e.properties)
    }

    static func text(_ e: Event, _ ref: PropertyRef) -> String? {
        if case .value(let text, _) = value(e, ref) { return text }
        return nil
    }

    static func matches(_ e: Event, _ name: String, _ filters: [PropertyFilter], _ query: FunnelQuery) -> Bool {
        e.event == name && (filters + query.scope.filters).allSatisfy { $0.matches(value(e, $0.property)) }
    }

    /// Ordered and strict: every chain from candidate `first`; t_j = the earliest time of step j over
    /// the chains reaching it. Returns t_1 … t_level.
    static func chains(
        from first: Int, _ events: [Event], _ stepMatch: [[Bool]], _ all: [Event], _ query: FunnelQuery
    ) -> [Int64] {
        let n = query.steps.count
        let window = query.window.microseconds
        let t1 = events[first].timestamp
        var earliest = [Int64](repeating: .max, count: n)
        var chain = [first]
        // Bookkeeping events do not interrupt, unless the query names them as a step or exclusion.
        func counts(_ e: Event) -> Bool {
            !EventFrame.bookkeepingEvents.contains(e.event)
                || query.steps.contains { matches(e, $0.event, $0.filters, query) }
                || query.exclusions.contains { matches(e, $0.event, $0.filters, query) }
        }
        func interrupted(_ a: Int64, _ b: Int64) -> Bool {
            all.contains { $0.timestamp > a && $0.timestamp < b && counts($0) }
        }
        func extend() {
            let k = chain.count
            earliest[k - 1] = min(earliest[k - 1], events[chain[k - 1]].timestamp)
            guard k < n else { return }
            let last = events[chain[k - 1]].timestamp
            for (i, e) in events.enumerated() where stepMatch[i][k] && !chain.contains(i) {
                guard e.timestamp >= last, e.timestamp - t1 <= window else { continue }
                if query.order == .strict && interrupted(last, e.timestamp) { continue }
                chain.append(i)
                extend()
                chain.removeLast()
            }
        }
        extend()
        return Array(earliest.prefix { $0 != .max })
    }

    /// Any order: t_k = the smallest T with a maximum matching of size ≥ k over events in [start, T].
    static func anyOrder(from start: Int64, _ events: [Event], _ stepMatch: [[Bool]], _ query: FunnelQuery) -> [Int64] {
        let inWindow = events.indices.filter {
            events[$0].timestamp >= start && events[$0].timestamp <= start + query.window.microseconds
        }
        var result: [Int64] = []
        for bound in Set(inWindow.map { events[$0].timestamp }).sorted() {
            let upTo = inWindow.filter { events[$0].timestamp <= bound }
            let size = maximumMatching(upTo, stepMatch, step: 0, used: 0)
            while result.count < size { result.append(bound) }
        }
        return result
    }

    /// Tries every assignment: each step takes no event or an unused matching one (`used`: bit i = candidate index i).
    static func maximumMatching(_ candidates: [Int], _ stepMatch: [[Bool]], step: Int, used: UInt64) -> Int {
        guard let steps = stepMatch.first?.count, step < steps else { return 0 }
        var best = maximumMatching(candidates, stepMatch, step: step + 1, used: used)
        for i in candidates where stepMatch[i][step] && used & (1 << UInt64(i)) == 0 {
            best = max(best, 1 + maximumMatching(candidates, stepMatch, step: step + 1, used: used | (1 << UInt64(i))))
        }
        return best
    }

    static func isVoided(_ times: [Int64], start: Int64, _ all: [Event], _ query: FunnelQuery) -> Bool {
        for x in query.exclusions where times.count >= x.fromStep {
            let low = times[x.fromStep - 1]
            for e in all where matches(e, x.event, x.filters, query) && e.timestamp > low {
                if times.count >= x.toStep
                    ? e.timestamp < times[x.toStep - 1] : e.timestamp <= start + query.window.microseconds
                {
                    return true
                }
            }
        }
        return false
    }
}
