import Foundation
import TestSupport
import Testing
import UpliftWorkload

/// Workloads for the feedback tests: a small one parsed whole (to see what precedes each answer)
/// and a large one of which only the answers and exposures are parsed (for the planted trends).
private enum FeedbackShared {
    static let small = GeneratorConfig(events: 200_000, users: 6_000, days: 40, seed: 2026)
    static let smallLines: [GeneratedLine] = (try? parse(EventGenerator.generateAll(small))) ?? []

    static let large = GeneratorConfig(events: 1_000_000, users: 20_000, days: 40, seed: 77)
    static let largeBytes: [UInt8] = (try? EventGenerator.generateAll(large)) ?? []
    /// Answers and exposures of the large workload.
    static let largeLines: [GeneratedLine] = {
        let wanted = [Truth.feedbackEvent, Truth.exposureEvent].map { Array("\"\($0)\"".utf8) }
        return Workloads.lines(largeBytes).compactMap { line in
            guard wanted.contains(where: { line.containsBytes($0) }) else { return nil }
            return GeneratedLine(Data(line))
        }
    }()
}

/// One `$feedback` answer as the engine reads it: `score`, `scale`, `feature`, `survey`, `comment`.
struct Answer {
    var line: GeneratedLine
    var score: Int
    var scale: Int
    var feature: String?
    var survey: String?
    var comment: String?

    init?(_ line: GeneratedLine) {
        guard line.event == Truth.feedbackEvent,
            let score = line.properties["score"] as? Int, let scale = line.properties["scale"] as? Int
        else { return nil }
        self.line = line
        self.score = score
        self.scale = scale
        feature = line.properties["feature"] as? String
        survey = line.properties["survey"] as? String
        comment = line.properties["comment"] as? String
    }
}

@Suite struct FeedbackTests {
    @Test func answersFollowTheirTriggerAtThePlantedRates() throws {
        let lines = FeedbackShared.smallLines
        try #require(lines.count == FeedbackShared.small.events)
        let resolver = PersonResolver(lines)
        // A person's sessions may overlap, so "right after" means: within one in-session gap
        // (at most a minute) of the person's latest trigger event.
        var lastFeatureUse: [String: Int64] = [:]
        var lastPurchase: [String: Int64] = [:]
        var featureUses = 0
        var purchases = 0
        var nps = 0
        var csat = 0
        for line in lines {
            let person = resolver.person(line)
            switch line.event {
            case Truth.featureXEvent:
                featureUses += 1
                lastFeatureUse[person] = line.timestampMs
            case Truth.purchaseEvent:
                purchases += 1
                lastPurchase[person] = line.timestampMs
            case Truth.feedbackEvent:
                let answer = try #require(Answer(line), "unreadable answer \(line.object)")
                #expect(line.userID != nil, "answers come from identified people")
                let trigger = answer.scale == Truth.npsScale ? lastFeatureUse[person] : lastPurchase[person]
                let gap = trigger.map { line.timestampMs - $0 } ?? -1
                #expect(gap > 0 && gap <= 60_000, "\(answer.survey ?? "?") answer \(gap) ms after its trigger")
                if answer.scale == Truth.npsScale { nps += 1 } else { csat += 1 }
            default: break
            }
        }
        // NPS: the rate applies to sessions with a third event, about 7/8 of feature X sessions.
        let npsRate = Double(nps) / Double(featureUses)
        #expect(npsRate > Truth.npsResponseRate * 0.7 && npsRate < Truth.npsResponseRate * 1.1, "NPS rate \(npsRate)")
        let csatRate = Double(csat) / Double(purchases)
        #expect(abs(csatRate - Truth.csatResponseRate) < 0.03, "CSAT rate \(csatRate) of \(purchases)")
        #expect(nps > 200 && csat > 40)
    }

    @Test func scoresStayOnTheirScaleAndCommentsComeFromTheirBand() throws {
        let answers = FeedbackShared.largeLines.compactMap(Answer.init)
        let raw = FeedbackShared.largeLines.count { $0.event == Truth.feedbackEvent }
        #expect(answers.count == raw, "every answer has a whole score and scale")
        #expect(answers.count > 1_000)
        var commented = 0
        var seenNPS = Set<String>()
        var seenCSAT = Set<String>()
        for a in answers {
            if a.scale == Truth.npsScale {
                #expect((0...10).contains(a.score))
                #expect(a.feature == Truth.npsFeature && a.survey == Truth.npsSurvey)
            } else {
                #expect(a.scale == Truth.csatScale)
                #expect((1...5).contains(a.score))
                #expect(a.feature == Truth.csatFeature && a.survey == Truth.csatSurvey)
            }
            guard let comment = a.comment else { continue }
            commented += 1
            let nps = a.scale == Truth.npsScale
            let list = nps ? Truth.npsComments : Truth.csatComments
            let bands = nps ? Truth.npsCommentBands : Truth.csatCommentBands
            let index = try #require(list.firstIndex(of: comment), "unknown comment \(comment)")
            #expect(bands[Truth.feedbackBand(score: a.score, scale: a.scale)].contains(index), "\(a.score): \(comment)")
            if nps { seenNPS.insert(comment) } else { seenCSAT.insert(comment) }
        }
        let share = Double(commented) / Double(answers.count)
        #expect(abs(share - Truth.commentShare) < 0.04, "comment share \(share)")
        #expect(seenNPS.count >= 18 && seenCSAT.count >= 12)
        // Comments that need escaping (in JSON or HTML) arrive intact.
        #expect(seenNPS.contains("Loved it <3") && seenNPS.contains("Export to CSV & PDF would be great"))
        #expect(seenNPS.contains(#"The "Share" button is hard to spot"#))
    }

    @Test func npsImprovesOverThePeriodAsPlanted() throws {
        let config = FeedbackShared.large
        let startMs = config.start * 1000
        let spanMs = Int64(config.days) * 86_400_000
        // Per half: promoters, detractors, answers, and the planted NPS summed at each answer's time.
        var promoters = [0, 0]
        var detractors = [0, 0]
        var answers = [0, 0]
        var planted = [0.0, 0.0]
        for a in FeedbackShared.largeLines.compactMap(Answer.init) where a.scale == Truth.npsScale {
            let progress = Double(a.line.timestampMs - startMs) / Double(spanMs)
            let half = progress < 0.5 ? 0 : 1
            answers[half] += 1
            if a.score >= 9 { promoters[half] += 1 }
            if a.score <= 6 { detractors[half] += 1 }
            planted[half] += Truth.plantedNPS(progress: progress)
        }
        try #require(answers.allSatisfy { $0 > 400 }, "answers per half \(answers)")
        let nps = (0..<2).map { 100 * Double(promoters[$0] - detractors[$0]) / Double(answers[$0]) }
        let expected = (0..<2).map { planted[$0] / Double(answers[$0]) }
        #expect(nps[1] > nps[0] + 10, "NPS by half \(nps)")
        for half in 0..<2 {
            #expect(abs(nps[half] - expected[half]) < 8, "half \(half): NPS \(nps[half]), planted \(expected[half])")
        }
        let promoterShare = (0..<2).map { Double(promoters[$0]) / Double(answers[$0]) }
        let detractorShare = (0..<2).map { Double(detractors[$0]) / Double(answers[$0]) }
        #expect(promoterShare[1] > promoterShare[0] && detractorShare[1] < detractorShare[0])
    }

    @Test func csatIsMostlyHappyAndHappierInTheTreatmentArm() throws {
        var arm: [String: Bool] = [:]
        var satisfied = [0, 0]
        var answers = [0, 0]
        var scores = [Int](repeating: 0, count: 6)
        for line in FeedbackShared.largeLines {
            if line.event == Truth.exposureEvent {
                arm[line.distinctID] = line.properties["variation_id"] as? String == Truth.treatmentVariant
            } else if let a = Answer(line), a.scale == Truth.csatScale {
                let treatment = try #require(arm[line.distinctID] as Bool?, "a purchaser who never saw the experiment")
                let k = treatment ? 1 : 0
                answers[k] += 1
                if a.score >= 4 { satisfied[k] += 1 }
                scores[a.score] += 1
            }
        }
        try #require(answers.allSatisfy { $0 > 100 }, "answers per arm \(answers)")
        for k in 0..<2 {
            let share = Double(satisfied[k]) / Double(answers[k])
            #expect(abs(share - Truth.plantedCSAT(treatment: k == 1)) < 0.08, "arm \(k): CSAT \(share)")
        }
        // Realistic skew: 5 the most common score, 1 the rarest but present.
        #expect(scores[5] > scores[4] && scores[4] > scores[3] && scores[1] > 0)
        #expect(scores[1] <= scores[2] + scores[3])
    }

    @Test func feedbackKeepsTheLineCountAndDeterminismAndCanBeTurnedOff() throws {
        let on = GeneratorConfig(events: 30_000, users: 800, days: 20, seed: 9)
        var off = on
        off.feedback = false
        let a = try EventGenerator.generateAll(on)
        let b = try EventGenerator.generateAll(on)
        let quiet = try EventGenerator.generateAll(off)
        #expect(a == b)
        #expect(Workloads.lines(a).count == on.events && Workloads.lines(quiet).count == off.events)
        let marker = Array("\"\(Truth.feedbackEvent)\"".utf8)
        #expect(Workloads.lines(a).count { $0.containsBytes(marker) } > 20)
        #expect(Workloads.lines(quiet).count { $0.containsBytes(marker) } == 0)
        #expect(GeneratorConfig().feedback, "feedback is on by default")
    }
}

extension ArraySlice<UInt8> {
    fileprivate func containsBytes(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        var i = startIndex
        while i + needle.count <= endIndex {
            if self[i] == needle[0] && self[i..<i + needle.count].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
