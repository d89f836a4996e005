#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

/// Everything fixed about one synthetic person, derived by hashing (seed, index) so it never
/// depends on the order in which sessions are generated.
package struct UserProfile: Sendable {
    package let index: Int
    package let posthog: Bool
    /// Index into `Vocabulary.platforms` (0 web, 1 ios, 2 android).
    package let platform: Int
    package let country: Int
    package let identifies: Bool
    package let sendsAlias: Bool
    package let adopter: Bool
    package let treatment: Bool
    package let activates: Bool
    package let purchases: Bool
    /// Starts a checkout without buying (see `Truth.checkoutAbandonRate`).
    package let abandonsCheckout: Bool
    /// Plan after purchase: 1 pro, 2 team.
    package let paidPlan: Int
    package let yearly: Bool
    /// Answers the CSAT question after paying (see `Truth.csatResponseRate`).
    package let answersCSAT: Bool
    /// Device clock minus true time.
    package let skewMs: Int64
    /// Anonymous events in the first session before identifying (1...4).
    package let anonymousCount: Int
    /// Spacing of the scripted sessions (first visit, activation, purchase).
    package let gapMs: Int64
    package let arrivalMs: Int64
    package let activationStartMs: Int64
    package let purchaseStartMs: Int64

    private enum Field: UInt64 {
        case dialect = 1
        case platform, country, identifies, alias, adopter, treatment, activates,
            purchases, plan, yearly, skewed, skewSize, skewSign, anonCount, gap, arrival,
            activationDelay, purchaseDelay, weight, csat, abandons
    }

    package init(
        index: Int, key: UInt64, layout: ArrivalLayout, dialect: Dialect, countries: ZipfTable, feedback: Bool = true
    ) {
        let i = UInt64(index)
        func u(_ f: Field) -> Double { unitHash(key, i, f.rawValue) }
        self.index = index
        switch dialect {
        case .segment: posthog = false
        case .posthog: posthog = true
        case .mixed: posthog = u(.dialect) < Truth.posthogShare
        }
        let p = u(.platform)
        platform = p < 0.6 ? 0 : (p < 0.85 ? 1 : 2)
        country = countries.sample(hash3(key, i, Field.country.rawValue))
        identifies = u(.identifies) < Truth.identifyRate
        sendsAlias = identifies && u(.alias) < Truth.aliasShare
        adopter = identifies && u(.adopter) < Truth.featureXAdoption
        activates = identifies && u(.activates) < Truth.activationRate
        treatment = u(.treatment) < Truth.treatmentShare
        let purchaseRate = treatment ? Truth.purchaseRateTreatment : Truth.purchaseRateControl
        purchases = activates && u(.purchases) < purchaseRate
        abandonsCheckout = activates && !purchases && u(.abandons) < Truth.checkoutAbandonRate
        paidPlan = u(.plan) < 0.7 ? 1 : 2
        yearly = u(.yearly) < 0.25
        answersCSAT = feedback && purchases && u(.csat) < Truth.csatResponseRate
        if u(.skewed) < Truth.skewedClientShare {
            // Log-uniform between the bounds: a few minutes is as common as a few hours.
            let lo = log2(Double(Truth.minSkewMs))
            let hi = log2(Double(Truth.maxSkewMs))
            let magnitude = Int64(exp2(lo + (hi - lo) * u(.skewSize)))
            skewMs = u(.skewSign) < 0.5 ? -magnitude : magnitude
        } else {
            skewMs = 0
        }
        anonymousCount = 1 + Int(u(.anonCount) * 4)
        gapMs = 5_000 + Int64(u(.gap) * 35_000)
        arrivalMs = layout.arrival(of: index, jitter: u(.arrival))
        let minute: Int64 = 60_000
        let activationSpan = Int64(Truth.activationWindowDays) * 1_440 * minute - 70 * minute
        let purchaseSpan = Int64(Truth.purchaseWindowDays) * 1_440 * minute - 70 * minute
        let signup = arrivalMs + Int64(anonymousCount + (sendsAlias ? 2 : 1)) * gapMs
        activationStartMs = signup + 10 * minute + Int64(u(.activationDelay) * Double(activationSpan))
        let activation = activationStartMs + gapMs
        purchaseStartMs = activation + 10 * minute + Int64(u(.purchaseDelay) * Double(purchaseSpan))
    }

    /// Events in the first session: anonymous page views, then identify (and alias), then signup.
    package var firstSessionLength: Int {
        anonymousCount + (identifies ? (sendsAlias ? 3 : 2) : 0)
    }

    /// Has a checkout session: buyers, and people who start a checkout and leave it.
    package var checksOut: Bool { purchases || abandonsCheckout }

    /// Events in the checkout session: pricing page, checkout, then for buyers the purchase and maybe
    /// the CSAT answer.
    package var purchaseSessionLength: Int { purchases ? (answersCSAT ? 4 : 3) : 2 }

    /// Time of the first message carrying the user id.
    package var identifyMs: Int64 {
        identifies ? arrivalMs + Int64(anonymousCount) * gapMs : .max
    }

    package var signupMs: Int64 { arrivalMs + Int64(firstSessionLength - 1) * gapMs }
    package var firstSessionEndMs: Int64 { signupMs }

    /// From this time on the person is on the paid plan.
    package var purchaseMs: Int64 { purchases ? purchaseStartMs + 2 * gapMs : .max }

    /// Relative activity of the person (Pareto, so a few power users dominate); anonymous
    /// visitors are much less active.
    package static func baseWeight(index: Int, key: UInt64) -> Float {
        let i = UInt64(index)
        let u = unitHash(key, i, Field.weight.rawValue)
        let pareto = min(exp2(-log2(1 - u) / 1.3), 300)
        let identifies = unitHash(key, i, Field.identifies.rawValue) < Truth.identifyRate
        return Float(identifies ? pareto : 0.2 * pareto)
    }
}
