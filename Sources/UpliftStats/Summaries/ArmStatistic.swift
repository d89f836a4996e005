/// One arm's statistic for one metric, the four shapes gbstats analyses: a proportion or mean, a
/// ratio, and each with CUPED. `theta` is the pooled regression coefficient; it is 0 until the
/// comparison sets it, which is what gbstats' unset theta means too.
enum ArmStatistic: Sendable, Hashable {
    case plain(Moments)
    case ratio(RatioMoments)
    case adjusted(AdjustedMoments)
    case adjustedRatio(AdjustedRatioMoments)

    var n: Double {
        switch self {
        case .plain(let s): s.n
        case .ratio(let s): s.n
        case .adjusted(let s): s.n
        case .adjustedRatio(let s): s.n
        }
    }

    /// The (adjusted) mean the lift is measured on.
    var mean: Double {
        switch self {
        case .plain(let s): s.mean
        case .ratio(let s): s.mean
        case .adjusted(let s): s.mean
        case .adjustedRatio(let s): s.mean
        }
    }

    /// The mean without regression adjustment: what the report shows and relative lift divides by.
    var unadjustedMean: Double {
        switch self {
        case .plain(let s): s.mean
        case .ratio(let s): s.mean
        case .adjusted(let s): s.post.mean
        case .adjustedRatio(let s): s.meanPost
        }
    }

    /// The per-person variance of the (adjusted) statistic.
    var variance: Double {
        switch self {
        case .plain(let s): s.variance
        case .ratio(let s): s.variance
        case .adjusted(let s): s.variance
        case .adjustedRatio(let s): s.variance
        }
    }

    /// The per-person variance without adjustment (what the report's stddev shows).
    var unadjustedVariance: Double {
        switch self {
        case .plain(let s): s.variance
        case .ratio(let s): s.variance
        case .adjusted(let s): s.post.variance
        case .adjustedRatio(let s): s.unadjusted.variance
        }
    }

    func with(theta: Double) -> ArmStatistic {
        switch self {
        case .plain, .ratio: return self
        case .adjusted(var s):
            s.theta = theta
            return .adjusted(s)
        case .adjustedRatio(var s):
            s.theta = theta
            return .adjustedRatio(s)
        }
    }

    /// The same arm without CUPED (gbstats falls back to it when theta comes out 0).
    var unadjusted: ArmStatistic {
        switch self {
        case .plain, .ratio: self
        case .adjusted(let s): .plain(s.post)
        case .adjustedRatio(let s): .ratio(s.unadjusted)
        }
    }
}

/// Σm / Σd per arm with the delta-method per-person variance (gbstats RatioStatistic).
struct RatioMoments: Sendable, Hashable {
    var m: Moments
    var d: Moments
    var mdSumOfProducts: Double

    var n: Double { m.n }
    var mean: Double { d.sum == 0 ? 0 : m.sum / d.sum }
    var covariance: Double { Moments.covariance(n: n, m, d, sumOfProducts: mdSumOfProducts) }
    var variance: Double {
        if d.mean == 0 || n <= 1 { return 0 }
        return varianceOfRatios(
            meanM: m.mean, varianceM: m.variance, meanD: d.mean, varianceD: d.variance,
            covariance: covariance)
    }
}

/// y − θ·x with a pre-exposure covariate x (gbstats RegressionAdjustedStatistic).
struct AdjustedMoments: Sendable, Hashable {
    var post: Moments
    var pre: Moments
    var postPreSumOfProducts: Double
    var theta: Double = 0

    var n: Double { post.n }
    var mean: Double { post.mean - theta * pre.mean }
    var covariance: Double { Moments.covariance(n: n, post, pre, sumOfProducts: postPreSumOfProducts) }
    var variance: Double {
        if n <= 1 { return 0 }
        return post.variance + theta * theta * pre.variance - 2 * theta * covariance
    }

    /// The pooled theta over both arms: Cov(y, x) / Var(x) on the joint sample; 0 (no adjustment)
    /// when either period has no variance.
    static func pooledTheta(_ a: AdjustedMoments, _ b: AdjustedMoments) -> Double {
        let joint = AdjustedMoments(
            post: a.post + b.post, pre: a.pre + b.pre,
            postPreSumOfProducts: a.postPreSumOfProducts + b.postPreSumOfProducts)
        let preVariance = joint.pre.variance
        if preVariance == 0 || joint.post.variance == 0 { return 0 }
        return joint.covariance / preVariance
    }
}
