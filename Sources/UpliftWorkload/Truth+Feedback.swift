/// In-app feedback planted in every workload (unless `GeneratorConfig.feedback` is off), stored
/// exactly as `POST /v1/feedback` stores it: a `track` (Segment) or capture (PostHog) of
/// `feedbackEvent` whose properties carry `score`, `scale`, `feature`, `survey` and sometimes
/// `comment`.
///
/// NPS: in an adopter's ordinary session of three or more events, right after `feature_x_used`,
/// the person answers the `npsSurvey` with probability `npsResponseRate`. The score's band drifts
/// linearly over the period (see `npsShares(progress:)`), so NPS rises from about +5 to +40.
///
/// CSAT: `csatResponseRate` of purchasers answer `csatSurvey` right after `purchase_completed`
/// (a fourth event of the purchase session), scoring 1–5 with `csatWeights(treatment:)`.
///
/// `commentShare` of all answers carry a comment from `npsComments` / `csatComments`, chosen
/// within the band of the score (an unhappy score gets an unhappy comment).
extension Truth {
    package static let feedbackEvent = "$feedback"

    package static let npsSurvey = "feature-x-nps"
    package static let npsFeature = "feature-x"
    package static let npsScale = 10
    /// Chance that an adopter's ordinary session of three or more events carries an NPS answer.
    package static let npsResponseRate = 0.08
    package static let npsPromoterStart = 0.35, npsPromoterEnd = 0.55
    package static let npsDetractorStart = 0.30, npsDetractorEnd = 0.15

    package static let csatSurvey = "checkout-csat"
    /// The checkout redesign is what the checkout experiment tests.
    package static let csatFeature = experimentKey
    package static let csatScale = 5
    /// Share of purchasers who answer the CSAT question after paying.
    package static let csatResponseRate = 0.10

    package static let commentShare = 1.0 / 3.0

    /// Promoter (9–10) and detractor (0–6) shares at `progress` (0 at the start of the period,
    /// 1 at its end); passives (7–8) are the rest. NPS = 100 × (promoters − detractors).
    package static func npsShares(progress: Double) -> (promoters: Double, detractors: Double) {
        let t = min(max(progress, 0), 1)
        return (
            npsPromoterStart + (npsPromoterEnd - npsPromoterStart) * t,
            npsDetractorStart + (npsDetractorEnd - npsDetractorStart) * t
        )
    }

    /// The NPS planted at `progress`, in −100…100.
    package static func plantedNPS(progress: Double) -> Double {
        let shares = npsShares(progress: progress)
        return 100 * (shares.promoters - shares.detractors)
    }

    /// Probabilities of CSAT scores 1…5; the treatment arm of the checkout experiment is happier.
    package static func csatWeights(treatment: Bool) -> [Double] {
        treatment ? [0.03, 0.05, 0.09, 0.28, 0.55] : [0.06, 0.07, 0.12, 0.30, 0.45]
    }

    /// Share of CSAT answers scoring 4 or 5 (the usual CSAT figure) in an arm.
    package static func plantedCSAT(treatment: Bool) -> Double {
        let w = csatWeights(treatment: treatment)
        return w[3] + w[4]
    }

    /// NPS comments: detractors draw from 0..<7, passives from 7..<13, promoters from 13..<20.
    package static let npsComments: [String] = [
        "Feature X is too slow on big projects",
        "It crashed twice while I was exporting",
        "Hard to find where feature X lives in the menu",
        "The results don't match what I see in the reports tab",
        "Too many clicks to get anything done",
        "I lost my changes when the page reloaded",
        "Pricing for this feature is steep for a small team",
        "Useful, but the setup took a while",
        "Works fine, nothing special",
        "Export to CSV & PDF would be great",
        "Good start. Needs keyboard shortcuts",
        "The \"Share\" button is hard to spot",
        "Decent, but dark mode is missing",
        "Loved it <3",
        "Feature X saves me an hour every week",
        "Exactly what our team needed",
        "Fast, simple and it just works",
        "Best update this year, thank you!",
        "My manager finally gets the numbers she asks for",
        "I'd recommend it to anyone running reports",
    ]
    package static let npsCommentBands = [0..<7, 7..<13, 13..<20]

    /// CSAT comments: scores 1–2 draw from 0..<7, 3 from 7..<13, 4–5 from 13..<20.
    package static let csatComments: [String] = [
        "Payment failed twice before it went through",
        "I was charged in the wrong currency",
        "The card form kept clearing itself",
        "Couldn't apply my discount code",
        "Checkout asked for my address three times",
        "No invoice email & no receipt in the app",
        "Too many steps just to pay",
        "OK, but I wanted PayPal",
        "Fine, a bit slow on mobile",
        "Took a moment to find the yearly plan",
        "It worked, the plan names are confusing though",
        "Tax line only showed up at the very end",
        "Average. The \"Apply\" button looked disabled",
        "Quick and painless",
        "Smooth checkout, done in a minute",
        "Loved the one-page checkout <3",
        "Clear prices, no surprises",
        "Apple Pay & Google Pay both worked great",
        "Much better than the old checkout",
        "Easiest upgrade I've done",
    ]
    package static let csatCommentBands = [0..<7, 7..<13, 13..<20]

    /// Band of a score for picking a comment: 0 unhappy, 1 neutral, 2 happy.
    package static func feedbackBand(score: Int, scale: Int) -> Int {
        if scale == npsScale { return score <= 6 ? 0 : (score <= 8 ? 1 : 2) }
        return score <= 2 ? 0 : (score == 3 ? 1 : 2)
    }
}
