/// Feedback summaries for many scopes (the total, each group, each group × period), filled by one
/// pass over person-grouped, time-sorted rows.
///
/// Per-person rules use an owner marker per scope: when a scope sees a new person, the previous
/// person's latest answer is final (their rows are over) and is counted.
struct FeedbackTally {
    /// One answer as the tally needs it.
    struct Answer {
        var time: Int64
        /// 10 or 5 when the answer has a valid score, else 0.
        var scale: Int
        var score: Double
    }

    var responses: [Int]
    var respondents: [Int]
    private var respondentOwner: [Int32]
    var promoters: [Int], passives: [Int], detractors: [Int]
    private var npsOwner: [Int32], npsTime: [Int64], npsScore: [Double]
    var csatResponses: [Int], satisfied: [Int]
    private var csatOwner: [Int32], csatTime: [Int64], csatScore: [Double]
    var sum10: [Double], count10: [Int], sum5: [Double], count5: [Int]
    /// Latest answers per score, flat: scope × 11 + score for 0…10, scope × 5 + score − 1 for 1…5.
    var npsScores: [Int], csatScores: [Int]

    init(scopes: Int) {
        responses = [Int](repeating: 0, count: scopes)
        respondents = responses
        promoters = responses
        passives = responses
        detractors = responses
        csatResponses = responses
        satisfied = responses
        count10 = responses
        count5 = responses
        respondentOwner = [Int32](repeating: -1, count: scopes)
        npsOwner = respondentOwner
        csatOwner = respondentOwner
        npsTime = [Int64](repeating: 0, count: scopes)
        csatTime = npsTime
        npsScore = [Double](repeating: 0, count: scopes)
        csatScore = npsScore
        sum10 = npsScore
        sum5 = npsScore
        npsScores = [Int](repeating: 0, count: scopes * 11)
        csatScores = [Int](repeating: 0, count: scopes * 5)
    }

    mutating func add(_ s: Int, person: Int32, _ a: Answer) {
        responses[s] += 1
        if respondentOwner[s] != person {
            respondentOwner[s] = person
            respondents[s] += 1
        }
        switch a.scale {
        case 10:
            sum10[s] += a.score
            count10[s] += 1
            if npsOwner[s] != person {
                commitNPS(s)
                npsOwner[s] = person
                npsTime[s] = a.time
                npsScore[s] = a.score
            } else if a.time > npsTime[s] || a.score > npsScore[s] {
                // Rows are time-sorted: a later answer replaces; at equal times the higher score wins.
                npsTime[s] = a.time
                npsScore[s] = a.score
            }
        case 5:
            sum5[s] += a.score
            count5[s] += 1
            if csatOwner[s] != person {
                commitCSAT(s)
                csatOwner[s] = person
                csatTime[s] = a.time
                csatScore[s] = a.score
            } else if a.time > csatTime[s] || a.score > csatScore[s] {
                csatTime[s] = a.time
                csatScore[s] = a.score
            }
        default: break
        }
    }

    /// A person's answers summed by another engine (`FeedbackEngine.PersonAnswers`), in any order of their
    /// times: the latest answer on each scale is the one with the latest time, then the higher score.
    mutating func add(_ s: Int, person: Int32, _ x: FeedbackEngine.PersonAnswers) {
        responses[s] += x.responses
        if respondentOwner[s] != person {
            respondentOwner[s] = person
            respondents[s] += 1
        }
        sum10[s] += x.sum10
        count10[s] += x.count10
        sum5[s] += x.sum5
        count5[s] += x.count5
        if let latest = x.latest10 {
            if npsOwner[s] != person {
                commitNPS(s)
                npsOwner[s] = person
                (npsTime[s], npsScore[s]) = latest
            } else if (latest.time, latest.score) > (npsTime[s], npsScore[s]) {
                (npsTime[s], npsScore[s]) = latest
            }
        }
        if let latest = x.latest5 {
            if csatOwner[s] != person {
                commitCSAT(s)
                csatOwner[s] = person
                (csatTime[s], csatScore[s]) = latest
            } else if (latest.time, latest.score) > (csatTime[s], csatScore[s]) {
                (csatTime[s], csatScore[s]) = latest
            }
        }
    }

    private mutating func commitNPS(_ s: Int) {
        guard npsOwner[s] >= 0 else { return }
        let score = npsScore[s]
        if score >= 9 { promoters[s] += 1 } else if score >= 7 { passives[s] += 1 } else { detractors[s] += 1 }
        // `FeedbackEngine.answer` only scores whole 0…10, so the slot is exact and the groups above agree with it.
        npsScores[s * 11 + Int(score)] += 1
    }

    private mutating func commitCSAT(_ s: Int) {
        guard csatOwner[s] >= 0 else { return }
        csatResponses[s] += 1
        if csatScore[s] >= 4 { satisfied[s] += 1 }
        csatScores[s * 5 + Int(csatScore[s]) - 1] += 1
    }

    /// Counts the last person's answers of every scope; call once after the pass.
    mutating func finish() {
        for s in responses.indices {
            commitNPS(s)
            commitCSAT(s)
            npsOwner[s] = -1
            csatOwner[s] = -1
        }
    }

    func summary(_ s: Int) -> FeedbackResult.Summary {
        var r = FeedbackResult.Summary()
        r.responses = responses[s]
        r.respondents = respondents[s]
        r.promoters = promoters[s]
        r.passives = passives[s]
        r.detractors = detractors[s]
        let voters = promoters[s] + passives[s] + detractors[s]
        r.nps = voters == 0 ? nil : Double(promoters[s] - detractors[s]) / Double(voters) * 100
        r.csatResponses = csatResponses[s]
        r.satisfied = satisfied[s]
        r.csat = csatResponses[s] == 0 ? nil : Double(satisfied[s]) / Double(csatResponses[s]) * 100
        r.npsScores = Array(npsScores[s * 11..<(s + 1) * 11])
        r.csatScores = Array(csatScores[s * 5..<(s + 1) * 5])
        r.averageScore =
            count10[s] > 0 ? sum10[s] / Double(count10[s]) : count5[s] > 0 ? sum5[s] / Double(count5[s]) : nil
        return r
    }
}
