/// The script a session follows.
package enum SessionKind: UInt8, Sendable {
    /// Anonymous page views, then (for people who identify) identify / alias and `signed_up`.
    case firstVisit
    /// A page view, `onboarding_completed`, then the experiment exposure.
    case activation
    /// `/pricing`, `checkout_started`, then (buyers only) `purchase_completed` and maybe a CSAT answer.
    case purchase
    /// Ordinary use: page views and track events.
    case ordinary
}

/// A session decided by the day planner, not yet started.
package struct PlannedSession: Sendable {
    package var start: Int64
    package var user: Int32
    package var kind: SessionKind
    package var length: Int32
    package var seed: UInt64
}

/// A session being emitted.
package struct OpenSession: Sendable {
    package var profile: UserProfile
    package var kind: SessionKind
    package var step: Int32
    package var length: Int32
    package var nextMs: Int64
    package var rng: SplitMix64
}
