/// A ratio metric with CUPED (gbstats RegressionAdjustedRatioStatistic): the statistic is
/// Σm/Σd − θ·(Σm_pre/Σd_pre), its variance the delta method over the 4×4 covariance of the means of
/// (m, d, m_pre, d_pre).
struct AdjustedRatioMoments: Sendable, Hashable {
    var mPost: Moments
    var dPost: Moments
    var mPre: Moments
    var dPre: Moments
    var mPostMPre: Double
    var dPostDPre: Double
    var mPreDPre: Double
    var mPostDPost: Double
    var mPostDPre: Double
    var mPreDPost: Double
    var theta: Double = 0

    var n: Double { mPost.n }

    var meanPost: Double { dPost.sum == 0 ? 0 : mPost.sum / dPost.sum }
    var meanPre: Double { dPre.sum == 0 ? 0 : mPre.sum / dPre.sum }
    var mean: Double {
        if dPost.sum == 0 || dPre.sum == 0 { return 0 }
        return meanPost - theta * meanPre
    }

    var unadjusted: RatioMoments { RatioMoments(m: mPost, d: dPost, mdSumOfProducts: mPostDPost) }

    private func cov(_ a: Moments, _ b: Moments, _ products: Double) -> Double {
        Moments.covariance(n: n, a, b, sumOfProducts: products)
    }

    /// Λ, the per-person covariance of (m_post, d_post, m_pre, d_pre).
    var lambda: [[Double]] {
        let mmPost = mPost.variance
        let ddPost = dPost.variance
        let mmPre = mPre.variance
        let ddPre = dPre.variance
        let mdPost = cov(mPost, dPost, mPostDPost)
        let mPostMPreCov = cov(mPost, mPre, mPostMPre)
        let mPostDPreCov = cov(mPost, dPre, mPostDPre)
        let dPostMPreCov = cov(dPost, mPre, mPreDPost)
        let dPostDPreCov = cov(dPost, dPre, dPostDPre)
        let mdPre = cov(mPre, dPre, mPreDPre)
        return [
            [mmPost, mdPost, mPostMPreCov, mPostDPreCov],
            [mdPost, ddPost, dPostMPreCov, dPostDPreCov],
            [mPostMPreCov, dPostMPreCov, mmPre, mdPre],
            [mPostDPreCov, dPostDPreCov, mdPre, ddPre],
        ]
    }

    /// ∇ of the absolute statistic with respect to the four means.
    var nabla: [Double] {
        let m = mPost.mean
        let d = dPost.mean
        let mp = mPre.mean
        let dp = dPre.mean
        if d == 0 || dp == 0 { return [0, 0, 0, 0] }
        return [1 / d, -m / (d * d), -theta / dp, theta * mp / (dp * dp)]
    }

    var variance: Double { quadratic(nabla, lambda, rows: 0..<4, columns: 0..<4) }

    /// The pre-period part of the variance and its covariance with the post part, for theta.
    var preVariance: Double { quadratic(nabla, lambda, rows: 2..<4, columns: 2..<4) }
    var prePostCovariance: Double { quadratic(nabla, lambda, rows: 2..<4, columns: 0..<2) }

    /// gbstats compute_theta_regression_adjusted_ratio: evaluated at θ = 1 so ∇ carries no θ.
    static func pooledTheta(_ a: AdjustedRatioMoments, _ b: AdjustedRatioMoments) -> Double {
        var a1 = a
        var b1 = b
        a1.theta = 1
        b1.theta = 1
        let denominator = a1.preVariance + b1.preVariance
        if denominator == 0 { return 0 }
        return -(a1.prePostCovariance + b1.prePostCovariance) / denominator
    }
}

/// uᵀ M v over the given row and column ranges of a 4×4 matrix.
func quadratic(_ v: [Double], _ matrix: [[Double]], rows: Range<Int>, columns: Range<Int>) -> Double {
    var total = 0.0
    for i in rows {
        for j in columns { total += v[i] * matrix[i][j] * v[j] }
    }
    return total
}
