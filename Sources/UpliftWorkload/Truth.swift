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
public enum Truth {
    /// Share of people who ever identify (the rest stay anonymous visitors).
    public static let identifyRate = 0.70
    /// Share of identified people who sign up.
    public static let signupRate = 1.0
    public static let activationRate = 0.60
    public static let activationWindowDays = 3
    /// Purchase rate among activated people, both arms together.
    public static let purchaseRate = 0.35
    public static let purchaseWindowDays = 7
    /// Share of identifying people whose client also sends an alias message.
    public static let aliasShare = 0.25

    public static let experimentKey = "checkout-redesign"
    public static let controlVariant = "control"
    public static let treatmentVariant = "treatment"
    /// Share of exposed people assigned to the treatment arm.
    public static let treatmentShare = 0.5
    public static let purchaseRateControl = 0.30
    public static let purchaseRateTreatment = 0.40
    /// Share of activated people who do not buy but start a checkout (`/pricing`, `checkout_started`)
    /// and leave: checkout-to-purchase conversion is about 0.35 ÷ (0.35 + 0.65 × this).
    public static let checkoutAbandonRate = 0.40

    /// Share of identified people who adopt feature X: only they send `feature_x_used`, and they
    /// send it in every ordinary session of two or more events, so among active identified
    /// people the adopters' share approaches this value.
    public static let featureXAdoption = 0.25
    /// Share of people sending PostHog events when the dialect is `.mixed`.
    public static let posthogShare = 0.20
    /// Share of people whose device clock is off by minutes to hours.
    public static let skewedClientShare = 0.02
    /// Skew magnitude bounds in milliseconds (2 minutes to 6 hours).
    public static let minSkewMs: Int64 = 120_000
    public static let maxSkewMs: Int64 = 21_600_000

    /// Event names with a fixed role in the funnel and experiment.
    public static let signupEvent = "signed_up"
    public static let activationEvent = "onboarding_completed"
    public static let exposureEvent = "experiment_viewed"
    public static let checkoutEvent = "checkout_started"
    public static let purchaseEvent = "purchase_completed"
    public static let featureXEvent = "feature_x_used"

    /// At most one person per this many events (see `GeneratorConfig.effectiveUsers`).
    public static let minEventsPerUser = 8
    public static let plans = ["free", "pro", "team"]
}

extension Truth {
    /// The price paid in `purchase_completed.amount` (USD, as written in the JSON).
    public static func price(plan: Int, yearly: Bool) -> String {
        switch (plan, yearly) {
        case (1, false): return "29.00"
        case (1, true): return "290.00"
        case (_, false): return "99.00"
        case (_, true): return "990.00"
        }
    }
}
