import TestSupport
import Testing
import UpliftWorkload

/// One 200k-event workload shared by the statistical tests (parsed once).
private enum Shared {
    static let config = GeneratorConfig(events: 200_000, users: 6_000, days: 40, seed: 2026)
    static let lines: [GeneratedLine] = (try? parse(EventGenerator.generateAll(config))) ?? []
}

@Suite struct RealismTests {
    @Test func funnelConversionMatchesTruth() throws {
        let lines = Shared.lines
        try #require(lines.count == Shared.config.events)
        let resolver = PersonResolver(lines)
        var signup: [String: Int64] = [:]
        var activation: [String: Int64] = [:]
        var purchase: [String: Int64] = [:]
        var variant: [String: String] = [:]
        for line in lines {
            let person = resolver.person(line)
            switch line.event {
            case Truth.signupEvent: signup[person] = signup[person] ?? line.timestampMs
            case Truth.activationEvent: activation[person] = activation[person] ?? line.timestampMs
            case Truth.purchaseEvent: purchase[person] = purchase[person] ?? line.timestampMs
            case Truth.exposureEvent: variant[person] = variant[person] ?? (line.properties["variation_id"] as? String)
            default: break
            }
        }
        let day: Int64 = 86_400_000
        let endMs = (Shared.config.start + Int64(Shared.config.days) * 86_400) * 1000
        let windows = Int64(Truth.activationWindowDays + Truth.purchaseWindowDays + 1)
        // People whose whole funnel fits in the period.
        let eligible = signup.filter { $0.value < endMs - windows * day }
        try #require(eligible.count > 2_000)
        let activated = eligible.keys.filter { person in
            guard let t = activation[person] else { return false }
            return t - eligible[person]! <= Int64(Truth.activationWindowDays) * day
        }
        let activationRate = Double(activated.count) / Double(eligible.count)
        #expect(abs(activationRate - Truth.activationRate) < 0.04, "activation \(activationRate)")

        var bought = 0
        var boughtByArm: [String: Int] = [:]
        var exposedByArm: [String: Int] = [:]
        for person in activated {
            let arm = try #require(variant[person], "activated person without exposure")
            exposedByArm[arm, default: 0] += 1
            if let t = purchase[person], t - activation[person]! <= Int64(Truth.purchaseWindowDays) * day {
                bought += 1
                boughtByArm[arm, default: 0] += 1
            }
        }
        let purchaseRate = Double(bought) / Double(activated.count)
        #expect(abs(purchaseRate - Truth.purchaseRate) < 0.05, "purchase \(purchaseRate)")
        let control = Double(boughtByArm[Truth.controlVariant] ?? 0) / Double(exposedByArm[Truth.controlVariant] ?? 1)
        let treatment =
            Double(boughtByArm[Truth.treatmentVariant] ?? 0) / Double(exposedByArm[Truth.treatmentVariant] ?? 1)
        #expect(abs(control - Truth.purchaseRateControl) < 0.07, "control \(control)")
        #expect(abs(treatment - Truth.purchaseRateTreatment) < 0.07, "treatment \(treatment)")
        // Nobody converts outside the funnel order.
        for (person, t) in purchase { #expect(activation[person].map { $0 < t } == true) }
        for (person, t) in activation { #expect(signup[person].map { $0 < t } == true) }
    }

    @Test func identifyRateAndLinking() throws {
        let lines = Shared.lines
        var anonymous = Set<String>()
        var identified = Set<String>()
        var signedUp = Set<String>()
        for line in lines {
            if let id = line.anonymousID { anonymous.insert(id) }
            if line.type == "identify", let id = line.anonymousID {
                identified.insert(id)
                #expect(line.userID?.hasPrefix("user-") == true)
                #expect(id.hasPrefix("anon-"))
            }
        }
        let resolver = PersonResolver(lines)
        for line in lines where line.event == Truth.signupEvent { signedUp.insert(resolver.person(line)) }
        let rate = Double(identified.count) / Double(anonymous.count)
        #expect(abs(rate - Truth.identifyRate) < 0.03, "identify rate \(rate)")
        // Every identified person signs up.
        #expect(signedUp.count == identified.count)
        let aliases = lines.count { $0.type == "alias" }
        let aliasShare = Double(aliases) / Double(identified.count)
        #expect(abs(aliasShare - Truth.aliasShare) < 0.04, "alias share \(aliasShare)")
    }

    @Test func eachPersonsEventsAreInTimeOrderAndTheFileRoughlyIs() {
        let lines = Shared.lines
        let resolver = PersonResolver(lines)
        var last: [String: Int64] = [:]
        var disordered = 0
        var latestCorrected = Int64(0)
        for line in lines {
            let person = resolver.person(line)
            if let previous = last[person], previous > line.timestampMs { disordered += 1 }
            last[person] = line.timestampMs
            // Correcting Segment times for skew (timestamp - (sentAt - receivedAt)) recovers the
            // true time plus a network latency under 0.3 s, and the file is in true-time order.
            if let received = line.receivedAtMs {
                let corrected = line.timestampMs - (line.sentAtMs - received)
                #expect(corrected > latestCorrected - 300)
                latestCorrected = max(latestCorrected, corrected)
            }
        }
        #expect(disordered == 0)
    }

    @Test func dialectMixAndClockSkewArePerPerson() {
        let lines = Shared.lines
        var dialect: [String: GeneratedLine.Dialect] = [:]
        var skewed = Set<String>()
        var segmentPeople = Set<String>()
        var switched = 0
        for line in lines {
            let anonymous = line.anonymousID ?? line.distinctID
            guard anonymous.hasPrefix("anon-") else { continue }
            if let seen = dialect[anonymous], seen != line.dialect { switched += 1 }
            dialect[anonymous] = line.dialect
            if let received = line.receivedAtMs {
                segmentPeople.insert(anonymous)
                if abs(line.sentAtMs - received) > 100_000 { skewed.insert(anonymous) }
            }
        }
        #expect(switched == 0)
        let posthogShare = Double(dialect.values.count { $0 == .posthog }) / Double(dialect.count)
        #expect(abs(posthogShare - Truth.posthogShare) < 0.03, "posthog share \(posthogShare)")
        let skewShare = Double(skewed.count) / Double(segmentPeople.count)
        #expect(skewShare > 0.01 && skewShare < 0.035, "skewed share \(skewShare)")
    }

    @Test func activityIsSkewedTowardsPowerUsersAndPopularEvents() {
        let resolver = PersonResolver(Shared.lines)
        var perPerson: [String: Int] = [:]
        var perName: [String: Int] = [:]
        var countries: [String: Int] = [:]
        for line in Shared.lines {
            perPerson[resolver.person(line), default: 0] += 1
            perName[line.event, default: 0] += 1
            if let country = line.properties["country"] as? String { countries[country, default: 0] += 1 }
        }
        let counts = perPerson.values.sorted(by: >)
        let topDecile = counts.prefix(counts.count / 10).reduce(0, +)
        #expect(Double(topDecile) / Double(Shared.lines.count) > 0.3)
        #expect(
            perName["$pageview", default: 0] + perName["$screen", default: 0] > perName["button_clicked", default: 0])
        #expect(perName["button_clicked", default: 0] > perName["logout", default: 0])
        #expect(countries.count == 20)
        #expect(countries["US", default: 0] > countries["KR", default: 0] * 5)
        // Feature X is only ever used by identified people.
        for line in Shared.lines where line.event == Truth.featureXEvent { #expect(line.userID != nil) }
    }

    @Test func featureAdoptionAmongActivePeopleMatchesTruth() {
        let resolver = PersonResolver(Shared.lines)
        var events: [String: Int] = [:]
        var adopters = Set<String>()
        for line in Shared.lines where line.userID != nil || resolver.person(line).hasPrefix("user-") {
            let person = resolver.person(line)
            events[person, default: 0] += 1
            if line.event == Truth.featureXEvent { adopters.insert(person) }
        }
        // Active people almost surely had an ordinary session of two or more events.
        let active = events.filter { $0.value >= 40 }.map(\.key)
        let share = Double(active.count { adopters.contains($0) }) / Double(active.count)
        #expect(active.count > 500)
        #expect(abs(share - Truth.featureXAdoption) < 0.05, "adoption \(share) over \(active.count)")
    }

    @Test func peopleArriveOverThePeriod() {
        var firstSeen: [String: Int64] = [:]
        for line in Shared.lines {
            guard let anonymous = line.anonymousID ?? (line.distinctID.hasPrefix("anon-") ? line.distinctID : nil)
            else { continue }
            if firstSeen[anonymous] == nil, let received = line.receivedAtMs ?? Optional(line.timestampMs) {
                firstSeen[anonymous] = received
            }
        }
        let startMs = Shared.config.start * 1000
        var perWeek = [Int](repeating: 0, count: 6)
        for t in firstSeen.values { perWeek[min(5, Int((t - startMs) / (7 * 86_400_000)))] += 1 }
        // Roughly uniform arrivals: each full week holds about 7/40 of the people.
        for week in 0..<5 {
            let share = Double(perWeek[week]) / Double(firstSeen.count)
            #expect(abs(share - 7.0 / 40.0) < 0.03, "week \(week): \(share)")
        }
    }
}
