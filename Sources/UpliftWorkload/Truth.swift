/// The effects built into every generated workload, so tests and demos can check what the
/// stored data says against what was put in (within sampling error).
///
/// Funnel: every person who identifies signs up in that same first session (`signed_up`);
/// `activationRate` of them send `onboarding_completed` within `activationWindowDays` of signing
/// up; activated people then see the checkout experiment (`experiment_viewed`) and
/// `purchaseRate` of them (by arm: `purchaseRateControl` / `purchaseRateTreatment`) send
/// `purchase_completed` within `purchaseWindowDays` of activating, after `/pricing` and
/// `checkout_started` in the same session; `checkoutAbandonRate` of the activated people who do
/// not buy start a checkout all the same and leave it. Windows are censored by the
/// end of the period: count only people who signed up at least
/// `activationWindowDays + purchaseWindowDays` days before it.
///
/// Feedback (NPS after feature X, CSAT after purchase): see `Truth+Feedback.swift`.
package enum Truth {
    /// Share of people who ever identify (the rest stay anonymous visitors).
    package static let identifyRate = 0.70
    /// Share of identified people who sign up.
    package static let signupRate = 1.0
    package static let activationRate = 0.60
    package static let activationWindowDays = 3
    /// Purchase rate among activated people, both arms together.
    package static let purchaseRate = 0.35
    package static let purchaseWindowDays = 7
    /// Share of identifying people whose client also sends an alias message.
    package static let aliasShare = 0.25

    package static let experimentKey = "checkout-redesign"
    package static let controlVariant = "control"
    package static let treatmentVariant = "treatment"
    /// Share of exposed people assigned to the treatment arm.
    package static let treatmentShare = 0.5
    package static let purchaseRateControl = 0.30
    package static let purchaseRateTreatment = 0.40
    /// Share of activated people who do not buy but start a checkout (`/pricing`, `checkout_started`)
    /// and leave: checkout-to-purchase conversion is about 0.35 ÷ (0.35 + 0.65 × this).
    package static let checkoutAbandonRate = 0.40

    /// Share of identified people who adopt feature X: only they send `feature_x_used`, and they
    /// send it in every ordinary session of two or more events, so among active identified
    /// people the adopters' share approaches this value.
    package static let featureXAdoption = 0.25
    /// Share of people sending PostHog events when the dialect is `.mixed`.
    package static let posthogShare = 0.20
    /// Share of people whose device clock is off by minutes to hours.
    package static let skewedClientShare = 0.02
    /// Skew magnitude bounds in milliseconds (2 minutes to 6 hours).
    package static let minSkewMs: Int64 = 120_000
    package static let maxSkewMs: Int64 = 21_600_000

    /// Event names with a fixed role in the funnel and experiment.
    package static let signupEvent = "signed_up"
    package static let activationEvent = "onboarding_completed"
    package static let exposureEvent = "experiment_viewed"
    package static let checkoutEvent = "checkout_started"
    package static let purchaseEvent = "purchase_completed"
    package static let featureXEvent = "feature_x_used"

    /// At most one person per this many events (see `GeneratorConfig.effectiveUsers`).
    package static let minEventsPerUser = 8
    package static let plans = ["free", "pro", "team"]
}

extension Truth {
    /// The price paid in `purchase_completed.amount` (USD, as written in the JSON).
    package static func price(plan: Int, yearly: Bool) -> String {
        switch (plan, yearly) {
        case (1, false): return "29.00"
        case (1, true): return "290.00"
        case (_, false): return "99.00"
        case (_, true): return "990.00"
        }
    }
}
