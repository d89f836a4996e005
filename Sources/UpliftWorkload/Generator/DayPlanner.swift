import UpliftModel

/// Decides, day by day, which sessions happen: first visits of the people arriving that day,
/// the scripted activation and purchase sessions falling on it, and ordinary sessions drawn by
/// activity weight until the day's share of the event budget is used.
package struct DayPlanner: Sendable {
    package let config: GeneratorConfig
    package let key: UInt64
    package let layout: ArrivalLayout
    package let users: Int
    package let countries: ZipfTable
    /// firstUser[d] = the first person arriving on or after day d (days + 1 entries).
    package let firstUser: [Int]
    /// Ordinary-session events per day; scripted sessions come on top.
    package let ordinaryBudget: [Int]
    /// Events in scripted sessions over the whole period.
    package let scriptedEvents: Int
    private let baseWeights: [Float]
    private var cumulative: [Double] = []
    private var rng: SplitMix64

    private static let dayMs: Int64 = 86_400_000
    /// Relative traffic by UTC hour.
    private static let hourWeights: [Double] = [
        2, 1.5, 1, 1, 1, 1.5, 2.5, 4, 6, 7, 8, 8, 8, 8.5, 9, 9, 8.5, 8, 7, 6, 5, 4, 3.5, 2.5,
    ]
    private static let hourCumulative: [Double] = {
        var sum = 0.0
        return hourWeights.map {
            sum += $0
            return sum
        }
    }()

    package init(config: GeneratorConfig) {
        self.config = config
        key = mix64(config.seed ^ 0x5EED_0F_0B11_F7)
        users = config.effectiveUsers
        layout = ArrivalLayout(startMs: config.start * 1000, days: config.days, users: users)
        countries = ZipfTable(count: Vocabulary.countryCodes.count, exponent: 1.1)
        rng = SplitMix64(seed: mix64(key ^ 0xDA7))

        let days = config.days
        var weights = [Float](repeating: 0, count: users)
        var arrivalWeight = [Double](repeating: 0, count: days)
        var firstUser = [Int](repeating: users, count: days + 1)
        var scripted = 0
        var nextDay = 0
        let endMs = layout.startMs + layout.spanMs
        for u in 0..<users {
            let profile = UserProfile(
                index: u, key: key, layout: layout, dialect: config.dialect, countries: countries,
                feedback: config.feedback)
            let day = Int((profile.arrivalMs - layout.startMs) / Self.dayMs)
            while nextDay <= day {
                firstUser[nextDay] = u
                nextDay += 1
            }
            let w = UserProfile.baseWeight(index: u, key: key)
            weights[u] = w
            arrivalWeight[day] += Double(w)
            scripted += profile.firstSessionLength
            if profile.activates && profile.activationStartMs < endMs { scripted += 3 }
            if profile.checksOut && profile.purchaseStartMs < endMs { scripted += profile.purchaseSessionLength }
        }
        self.firstUser = firstUser
        self.baseWeights = weights
        self.scriptedEvents = scripted

        // Share the remaining budget by each day's expected activity: everyone arrived so far,
        // fading with age, quieter at weekends.
        var dayWeight = [Double](repeating: 0, count: days)
        let startDay = layout.startMs / Self.dayMs
        for d in 0..<days {
            var w = 0.0
            for k in 0...d where arrivalWeight[k] > 0 { w += arrivalWeight[k] * Self.retention(age: d - k) }
            let weekday = UTCDay(daysSinceEpoch: startDay + Int64(d)).weekday
            dayWeight[d] = w * (weekday >= 5 ? 0.75 : 1)
        }
        let total = dayWeight.reduce(0, +)
        let ordinary = max(0, config.events - scripted)
        var budget = [Int](repeating: 0, count: days)
        var cumulativeWeight = 0.0
        var given = 0
        for d in 0..<days {
            cumulativeWeight += dayWeight[d]
            let upTo = d == days - 1 ? ordinary : min(ordinary, Int(Double(ordinary) * (cumulativeWeight / total)))
            budget[d] = max(0, upTo - given)
            given += budget[d]
        }
        ordinaryBudget = budget
    }

    /// Activity multiplier by days since arrival: new people are the most active.
    private static func retention(age: Int) -> Double {
        0.25 + 0.75 / (1 + Double(age) / 4)
    }

    package func dayStart(_ day: Int) -> Int64 { layout.startMs + Int64(day) * Self.dayMs }

    package func profile(_ user: Int) -> UserProfile {
        UserProfile(
            index: user, key: key, layout: layout, dialect: config.dialect, countries: countries,
            feedback: config.feedback)
    }

    /// The sessions starting on `day`, in no particular order.
    package mutating func plan(day: Int, into sessions: inout [PlannedSession]) {
        let start = dayStart(day)
        let end = start + Self.dayMs
        let arrivedToday = firstUser[day]..<firstUser[day + 1]
        for u in arrivedToday {
            let p = profile(u)
            sessions.append(
                PlannedSession(
                    start: p.arrivalMs, user: Int32(u), kind: .firstVisit,
                    length: Int32(p.firstSessionLength), seed: rng.next()
                ))
        }
        // Activation and purchase fall at most activation + purchase windows after arrival.
        let lookback = Truth.activationWindowDays + Truth.purchaseWindowDays + 1
        for u in firstUser[max(0, day - lookback)]..<firstUser[day + 1] {
            let p = profile(u)
            if p.activates && p.activationStartMs >= start && p.activationStartMs < end {
                sessions.append(
                    PlannedSession(
                        start: p.activationStartMs, user: Int32(u), kind: .activation, length: 3, seed: rng.next()))
            }
            if p.checksOut && p.purchaseStartMs >= start && p.purchaseStartMs < end {
                sessions.append(
                    PlannedSession(
                        start: p.purchaseStartMs, user: Int32(u), kind: .purchase,
                        length: Int32(p.purchaseSessionLength), seed: rng.next()))
            }
        }
        planOrdinary(day: day, start: start, end: end, into: &sessions)
    }

    private mutating func planOrdinary(day: Int, start: Int64, end: Int64, into sessions: inout [PlannedSession]) {
        var remaining = ordinaryBudget[day]
        let candidates = firstUser[day + 1]
        guard remaining > 0, candidates > 0 else { return }
        // Cumulative activity weights of everyone arrived by the end of the day.
        cumulative.removeAll(keepingCapacity: true)
        var sum = 0.0
        for k in 0...day {
            let factor = Self.retention(age: day - k)
            for u in firstUser[k]..<firstUser[k + 1] {
                sum += Double(baseWeights[u]) * factor
                cumulative.append(sum)
            }
        }
        while remaining > 0 {
            let user = pick(total: sum)
            var length = 1
            while length < 60 && rng.chance(7.0 / 8.0) { length += 1 }
            length = min(length, remaining)
            remaining -= length
            let sessionStart: Int64
            if user >= firstUser[day] {
                // Arrived today: ordinary use only after the first visit.
                let earliest = profile(user).firstSessionEndMs + 60_000
                sessionStart = earliest < end ? earliest + Int64(rng.below(Int(end - earliest))) : earliest
            } else {
                sessionStart = start + diurnalOffset()
            }
            sessions.append(
                PlannedSession(
                    start: sessionStart, user: Int32(user), kind: .ordinary, length: Int32(length), seed: rng.next()
                ))
        }
    }

    /// Index of the first cumulative weight above a uniform draw.
    private mutating func pick(total: Double) -> Int {
        let target = rng.unit() * total
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            if cumulative[mid] > target { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    private mutating func diurnalOffset() -> Int64 {
        let total = Self.hourCumulative[23]
        let target = rng.unit() * total
        var hour = 0
        while hour < 23 && Self.hourCumulative[hour] <= target { hour += 1 }
        return Int64(hour) * 3_600_000 + Int64(rng.below(3_600_000))
    }
}
