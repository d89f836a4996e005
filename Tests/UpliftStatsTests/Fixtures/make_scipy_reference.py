"""Reference values for UpliftStats, computed with scipy and numpy (independently of the Swift code).

Writes scipy-reference.json next to this script (or to the path given as the first argument).
Tests/interop/test_stats_reference.py regenerates it and requires it to equal the committed file,
so the fixture provably comes from this script. Deterministic: seeded numpy generators only.

Where scipy has a function it is used (distributions, Welch t-test, chi-square, BH, truncated
normal); otherwise the formula is derived by hand in numpy from raw per-person data where possible
(delta method from linearised per-person values, CUPED by regressing raw arrays, Holm by its
definition, sequential intervals and power by their closed forms).
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
import scipy
from scipy import stats


def f(x):
    """A JSON-ready float (None for missing)."""
    return None if x is None else float(x)


# --- distributions -------------------------------------------------------------------------------

def distributions():
    normal = [{"x": x, "cdf": f(stats.norm.cdf(x)), "sf": f(stats.norm.sf(x))}
              for x in [-37.5, -20.0, -8.0, -5.0, -1.959963984540054, -0.5, 0.0, 0.3, 1.0, 2.5, 6.0, 8.0]]
    normal_ppf = [{"p": p, "ppf": f(stats.norm.ppf(p))}
                  for p in [1e-300, 1e-100, 1e-12, 1e-6, 0.001, 0.02425, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999, 1 - 1e-9]]
    t = []
    for df in [1.0, 1.5, 2.7, 5.0, 10.0, 30.3, 100.0, 1000.5, 6461.2, 1e5, 1e6, 1e7]:
        for x in [-50.0, -4.0, -2.0, -0.5, 0.0, 0.1, 1.0, 2.5, 6.0, 40.0]:
            t.append({"x": x, "df": df, "cdf": f(stats.t.cdf(x, df)), "sf": f(stats.t.sf(x, df))})
    t_ppf = []
    for df in [1.0, 1.5, 2.7, 5.0, 10.0, 30.3, 100.0, 1000.5, 6461.2, 1e5, 1e6]:
        for p in [1e-10, 0.001, 0.025, 0.05, 0.3, 0.5, 0.9, 0.95, 0.975, 0.995, 0.999, 1 - 1e-10]:
            t_ppf.append({"p": p, "df": df, "ppf": f(stats.t.ppf(p, df))})
    chi2 = []
    for df in [1.0, 2.0, 3.0, 5.0, 10.0, 50.0, 200.0]:
        for x in [0.001, 0.5, 1.0, 3.841458820694124, 10.0, 50.0, 200.0, 600.0]:
            chi2.append({"x": x, "df": df, "sf": f(stats.chi2.sf(x, df))})
    return {"normal": normal, "normal_ppf": normal_ppf, "t": t, "t_ppf": t_ppf, "chi2": chi2}


# --- comparisons from summary statistics ---------------------------------------------------------

def sums_mean(n, s, ss):
    return {"n": int(n), "sums": [f(s)], "products": [f(ss)]}


def moments(arm, proportion):
    n, s, ss = arm["n"], arm["sums"][0], arm["products"][0]
    mean = s / n
    var = mean * (1 - mean) if proportion else (ss - s * s / n) / (n - 1)
    return n, mean, var


def interval(estimate, se, df, alpha, alternative):
    if alternative == "two-sided":
        w = stats.t.ppf(1 - alpha / 2, df) * se
        return estimate - w, estimate + w
    w = stats.t.ppf(1 - alpha, df) * se
    return (estimate - w, None) if alternative == "greater" else (None, estimate + w)


def t_p_value(tstat, df, alternative):
    if alternative == "two-sided":
        return 2 * stats.t.sf(abs(tstat), df)
    return stats.t.sf(tstat, df) if alternative == "greater" else stats.t.cdf(tstat, df)


def welch_df(va, na, vb, nb):
    """Welch–Satterthwaite degrees of freedom (scipy's from-stats result does not expose them)."""
    return (va / na + vb / nb) ** 2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1))


def welch_case(name, control, treatment, shape, alpha=0.05, alternative="two-sided"):
    proportion = shape == "proportion"
    na, ma, va = moments(control, proportion)
    nb, mb, vb = moments(treatment, proportion)
    # scipy's Welch test: treatment first, so the statistic has the sign of treatment − control.
    res = stats.ttest_ind_from_stats(mb, math.sqrt(vb), nb, ma, math.sqrt(va), na, equal_var=False,
                                     alternative=alternative)
    df = welch_df(va, na, vb, nb)
    se_abs = math.sqrt(va / na + vb / nb)
    lo, hi = interval(mb - ma, se_abs, df, alpha, alternative)
    absolute = {"estimate": f(mb - ma), "se": f(se_abs), "p_value": f(res.pvalue), "lower": f(lo), "upper": f(hi)}
    relative = None
    if ma != 0:
        # Delta method for (mb − ma) / ma with independent arms.
        est = (mb - ma) / ma
        var = vb / (nb * ma ** 2) + va * mb ** 2 / (na * ma ** 4)
        se = math.sqrt(var)
        lo, hi = interval(est, se, df, alpha, alternative)
        relative = {"estimate": f(est), "se": f(se), "p_value": f(t_p_value(est / se, df, alternative)),
                    "lower": f(lo), "upper": f(hi)}
    return {"name": name, "shape": shape, "method": "frequentist", "alternative": alternative, "alpha": alpha,
            "cuped": False, "control": control, "treatment": treatment,
            "expected": {"control_mean": f(ma), "treatment_mean": f(mb), "control_stddev": f(math.sqrt(va)),
                         "treatment_stddev": f(math.sqrt(vb)), "degrees_of_freedom": df,
                         "absolute": absolute, "relative": relative, "problem": False}}


def gaussian_posterior_summary(mean, sd, alpha):
    """Chance to win, credible interval and expected losses of N(mean, sd²) through scipy."""
    ctw = stats.norm.sf(0, loc=mean, scale=sd)
    lo, hi = stats.norm.ppf([alpha / 2, 1 - alpha / 2], loc=mean, scale=sd)
    z = -mean / sd
    positive = stats.truncnorm.mean(z, np.inf, loc=mean, scale=sd)
    negative = stats.truncnorm.mean(-np.inf, z, loc=mean, scale=sd)
    return {"estimate": f(mean), "se": f(sd), "chance_to_win": f(ctw), "lower": f(lo), "upper": f(hi),
            "loss_control": f(ctw * positive), "loss_treatment": f(-(1 - ctw) * negative)}


def bayesian_case(name, control, treatment, shape, alpha=0.05, prior=None):
    proportion = shape == "proportion"
    na, ma, va = moments(control, proportion)
    nb, mb, vb = moments(treatment, proportion)
    out = {}
    for scale in ["relative", "absolute"]:
        if scale == "relative":
            est = (mb - ma) / ma
            var = vb / (nb * ma ** 2) + va * mb ** 2 / (na * ma ** 4)
            p = prior
        else:
            est = mb - ma
            var = va / na + vb / nb
            p = None if prior is None else {"mean": prior["mean"] * abs(ma), "variance": prior["variance"] * ma ** 2}
        if p is None:
            mean, sd = est, math.sqrt(var)
        else:
            precision = 1 / var + 1 / p["variance"]
            mean = (est / var + p["mean"] / p["variance"]) / precision
            sd = math.sqrt(1 / precision)
        out[scale] = gaussian_posterior_summary(mean, sd, alpha)
    return {"name": name, "shape": shape, "method": "bayesian", "alternative": "two-sided", "alpha": alpha,
            "cuped": False, "prior": prior, "control": control, "treatment": treatment,
            "expected": {"control_mean": f(ma), "treatment_mean": f(mb), "control_stddev": f(math.sqrt(va)),
                         "treatment_stddev": f(math.sqrt(vb)), "absolute": out["absolute"],
                         "relative": out["relative"], "problem": False}}


def sequential_case(name, control, treatment, shape, tuning, alpha=0.05):
    """Two-sided asymptotic confidence sequence by its closed form (no scipy function exists)."""
    proportion = shape == "proportion"
    na, ma, va = moments(control, proportion)
    nb, mb, vb = moments(treatment, proportion)
    n = na + nb
    rho = math.sqrt((-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / tuning)
    out = {}
    for scale in ["relative", "absolute"]:
        if scale == "relative":
            est = (mb - ma) / ma
            var = vb / (nb * ma ** 2) + va * mb ** 2 / (na * ma ** 4)
        else:
            est, var = mb - ma, va / na + vb / nb
        s2 = var * n
        width = math.sqrt(s2) * math.sqrt(2 * (n * rho ** 2 + 1) * math.log(math.sqrt(n * rho ** 2 + 1) / alpha)
                                          / (n * rho) ** 2)
        tr2p1 = n * rho ** 2 + 1
        e_value = math.exp(rho ** 2 * (est ** 2 * n / var) / (2 * tr2p1)) / math.sqrt(tr2p1)
        out[scale] = {"estimate": f(est), "se": f(math.sqrt(var)), "p_value": f(min(1.0, 1 / e_value)),
                      "lower": f(est - width), "upper": f(est + width)}
    return {"name": name, "shape": shape, "method": "sequential", "alternative": "two-sided", "alpha": alpha,
            "cuped": False, "sequential_tuning": tuning, "control": control, "treatment": treatment,
            "expected": {"control_mean": f(ma), "treatment_mean": f(mb), "absolute": out["absolute"],
                         "relative": out["relative"], "problem": False}}


# --- comparisons from raw per-person data (CUPED and ratios) --------------------------------------

def raw_sums(columns):
    """MetricSums of per-person component columns: n, Σz and the upper triangle of Σzzᵀ."""
    k = len(columns)
    products = []
    for i in range(k):
        for j in range(i, k):
            products.append(f(np.sum(columns[i] * columns[j])))
    return {"n": int(len(columns[0])), "sums": [f(np.sum(c)) for c in columns], "products": products}


def cuped_case(name, rng, n_a, n_b, proportion, lift, alpha=0.05):
    """CUPED by hand: pooled OLS slope of post on pre, Welch test on the adjusted per-person values."""
    def arm(n, shift):
        if proportion:
            x = (rng.random(n) < 0.3).astype(float)
            y = (rng.random(n) < 0.2 + 0.4 * x + shift).astype(float)
        else:
            x = rng.gamma(2.0, 5.0, n)
            y = 3.0 + 0.8 * x + rng.normal(0, 4.0, n) + shift
        return y, x
    ya, xa = arm(n_a, 0.0)
    yb, xb = arm(n_b, lift)
    y, x = np.concatenate([ya, yb]), np.concatenate([xa, xb])
    ddof = 0 if proportion else 1  # gbstats' proportions use population moments
    theta = np.cov(y, x, ddof=ddof)[0, 1] / np.var(x, ddof=ddof)
    adj_a, adj_b = ya - theta * xa, yb - theta * xb
    va, vb = np.var(adj_a, ddof=ddof), np.var(adj_b, ddof=ddof)
    res = stats.ttest_ind_from_stats(adj_b.mean(), math.sqrt(vb), n_b, adj_a.mean(), math.sqrt(va), n_a,
                                     equal_var=False)
    df = welch_df(va, n_a, vb, n_b)
    est_abs = adj_b.mean() - adj_a.mean()
    se_abs = math.sqrt(va / n_a + vb / n_b)
    lo, hi = interval(est_abs, se_abs, df, alpha, "two-sided")
    absolute = {"estimate": f(est_abs), "se": f(se_abs), "p_value": f(res.pvalue), "lower": f(lo), "upper": f(hi)}
    # Relative to the unadjusted control mean: the delta method through the per-person linearisation
    # of (ȳ_b − θx̄_b − ȳ_a + θx̄_a) / ȳ_a in each arm.
    mu_a, mu_b = ya.mean(), yb.mean()
    est_rel = est_abs / mu_a
    v_rel = (np.var(yb - theta * xb, ddof=ddof) / (n_b * mu_a ** 2)
             + np.var((mu_b / mu_a) * ya - theta * xa, ddof=ddof) / (n_a * mu_a ** 2))
    se_rel = math.sqrt(v_rel)
    lo, hi = interval(est_rel, se_rel, df, alpha, "two-sided")
    relative = {"estimate": f(est_rel), "se": f(se_rel), "p_value": f(2 * stats.t.sf(abs(est_rel / se_rel), df)),
                "lower": f(lo), "upper": f(hi)}
    return {"name": name, "shape": "proportion" if proportion else "mean", "method": "frequentist",
            "alternative": "two-sided", "alpha": alpha, "cuped": True,
            "control": raw_sums([ya, xa]), "treatment": raw_sums([yb, xb]),
            "expected": {"control_mean": f(mu_a), "treatment_mean": f(mu_b), "theta": f(theta),
                         "control_stddev": f(np.std(ya, ddof=ddof)), "treatment_stddev": f(np.std(yb, ddof=ddof)),
                         "degrees_of_freedom": df, "absolute": absolute, "relative": relative, "problem": False,
                         "unadjusted_absolute_se": f(math.sqrt(np.var(ya, ddof=ddof) / n_a + np.var(yb, ddof=ddof) / n_b))}}


def ratio_case(name, rng, n_a, n_b, lift, alpha=0.05):
    """Ratio metric by hand: the delta method as the variance of the linearised m − R·d per person."""
    def arm(n, shift):
        d = rng.integers(1, 6, n).astype(float)
        m = d * (2.0 + shift) + rng.normal(0, 1.5, n) * np.sqrt(d)
        return m, d
    ma_, da = arm(n_a, 0.0)
    mb_, db = arm(n_b, lift)
    ra, rb = ma_.sum() / da.sum(), mb_.sum() / db.sum()
    va = np.var(ma_ - ra * da, ddof=1) / da.mean() ** 2
    vb = np.var(mb_ - rb * db, ddof=1) / db.mean() ** 2
    df = (va / n_a + vb / n_b) ** 2 / ((va / n_a) ** 2 / (n_a - 1) + (vb / n_b) ** 2 / (n_b - 1))
    est_abs, se_abs = rb - ra, math.sqrt(va / n_a + vb / n_b)
    lo, hi = interval(est_abs, se_abs, df, alpha, "two-sided")
    absolute = {"estimate": f(est_abs), "se": f(se_abs), "p_value": f(2 * stats.t.sf(abs(est_abs / se_abs), df)),
                "lower": f(lo), "upper": f(hi)}
    est_rel = (rb - ra) / ra
    se_rel = math.sqrt(vb / (n_b * ra ** 2) + va * rb ** 2 / (n_a * ra ** 4))
    lo, hi = interval(est_rel, se_rel, df, alpha, "two-sided")
    relative = {"estimate": f(est_rel), "se": f(se_rel), "p_value": f(2 * stats.t.sf(abs(est_rel / se_rel), df)),
                "lower": f(lo), "upper": f(hi)}
    return {"name": name, "shape": "ratio", "method": "frequentist", "alternative": "two-sided", "alpha": alpha,
            "cuped": False, "control": raw_sums([ma_, da]), "treatment": raw_sums([mb_, db]),
            "expected": {"control_mean": f(ra), "treatment_mean": f(rb), "control_stddev": f(math.sqrt(va)),
                         "treatment_stddev": f(math.sqrt(vb)), "degrees_of_freedom": f(df),
                         "absolute": absolute, "relative": relative, "problem": False}}


def degenerate_cases():
    """Inputs the engine must answer with nil numbers and a problem (and what it can still compute)."""
    cases = []

    def case(name, shape, control, treatment, relative=None, absolute=None):
        cases.append({"name": name, "shape": shape, "method": "frequentist", "alternative": "two-sided",
                      "alpha": 0.05, "cuped": False, "control": control, "treatment": treatment,
                      "expected": {"absolute": absolute, "relative": relative, "problem": True}})

    case("one person in control", "mean", sums_mean(1, 3.0, 9.0), sums_mean(50, 160.0, 600.0))
    case("empty treatment", "mean", sums_mean(40, 120.0, 400.0), sums_mean(0, 0.0, 0.0))
    case("empty both", "proportion", sums_mean(0, 0.0, 0.0), sums_mean(0, 0.0, 0.0))
    case("constant in both arms", "mean", sums_mean(30, 150.0, 750.0), sums_mean(40, 200.0, 1000.0))
    case("no conversions anywhere", "proportion", sums_mean(100, 0.0, 0.0), sums_mean(120, 0.0, 0.0))
    case("everyone converts everywhere", "proportion", sums_mean(100, 100.0, 100.0), sums_mean(120, 120.0, 120.0))
    case("negative variance", "mean", sums_mean(10, 100.0, 900.0), sums_mean(10, 105.0, 1111.5))
    ratio_zero = {"n": 20, "sums": [0.0, 0.0], "products": [0.0, 0.0, 0.0]}
    ratio_ok = {"n": 20, "sums": [40.0, 20.0], "products": [100.0, 45.0, 24.0]}
    case("ratio with a zero denominator", "ratio", ratio_zero, ratio_ok)
    # A zero baseline leaves the relative lift undefined; the absolute lift is still a Welch test.
    zero_base = welch_case("zero control conversions", sums_mean(100, 0.0, 0.0), sums_mean(100, 5.0, 5.0),
                           "proportion")
    case("zero control conversions", "proportion", zero_base["control"], zero_base["treatment"],
         absolute=zero_base["expected"]["absolute"])
    zero_mean = welch_case("zero control mean", sums_mean(40, 0.0, 40.0), sums_mean(40, 8.0, 48.0), "mean")
    case("zero control mean", "mean", zero_mean["control"], zero_mean["treatment"],
         absolute=zero_mean["expected"]["absolute"])
    return cases


# --- SRM, corrections, power -----------------------------------------------------------------------

def srm_cases(rng):
    cases = []
    specs = [([1000, 1200], [0.5, 0.5]), ([5000, 5110], [0.5, 0.5]), ([310, 98], [0.75, 0.25]),
             ([3400, 3300, 3350], [1, 1, 1]), ([1000, 1200, 900], [0.5, 0.5, 0.0]), ([20, 21, 19, 25], [1, 1, 1, 1])]
    for _ in range(6):
        k = int(rng.integers(2, 5))
        weights = list(rng.dirichlet(np.ones(k)))
        counts = [int(c) for c in rng.multinomial(int(rng.integers(100, 100000)), weights)]
        specs.append((counts, [float(w) for w in weights]))
    for counts, weights in specs:
        kept = [(c, w) for c, w in zip(counts, weights) if w > 0]
        total, total_weight = sum(c for c, _ in kept), sum(w for _, w in kept)
        observed = np.array([c for c, _ in kept], dtype=float)
        expected = np.array([w / total_weight * total for _, w in kept])
        p = stats.chisquare(observed, expected).pvalue
        cases.append({"counts": counts, "weights": [float(w) for w in weights], "p_value": f(p), "flagged": bool(p < 0.001)})
    return cases


def holm(p):
    p = np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    m = len(p)
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted


def correction_cases(rng):
    lists = [[0.01, 0.04, 0.03, 0.005, 0.55, 0.6], [0.898, 0.138, 0.007, 0.964, 0.538, 0.006, 0.138],
             [0.2, 0.2, 0.2], [0.001]]
    for _ in range(5):
        lists.append([float(x) for x in rng.random(int(rng.integers(2, 12))) ** 2])
    return [{"p_values": ps, "holm": [f(x) for x in holm(ps)],
             "bh": [f(x) for x in stats.false_discovery_control(ps, method="bh")]} for ps in lists]


def power_fn(mean, variance, effect, total, variations, alpha, two_sided, tuning):
    """GrowthBook's frequentist power: normal approximation on the delta-method relative variance."""
    per = total / variations
    v = variance / (mean ** 2 * per) + variance * (mean * (1 + effect)) ** 2 / (mean ** 4 * per)
    z_star = stats.norm.ppf(1 - alpha / 2) if two_sided else stats.norm.ppf(1 - alpha)
    if tuning:
        n = 2 * per
        rho = math.sqrt((-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / tuning)
        z_seq = math.sqrt(n) * math.sqrt(2 * (n * rho ** 2 + 1) * math.log(math.sqrt(n * rho ** 2 + 1) / alpha)
                                         / (n * rho) ** 2)
        v = v * (z_seq / stats.norm.ppf(1 - alpha / 2)) ** 2
    power = stats.norm.sf(z_star - effect / math.sqrt(v))
    if two_sided:
        power += stats.norm.cdf(-z_star - effect / math.sqrt(v))
    return power


def mde_fn(mean, variance, total, variations, alpha, power, tuning):
    """Smallest relative lift with the target power: root of the quadratic in the treatment mean."""
    per = total / variations
    z = stats.norm.ppf(1 - alpha / 2) - stats.norm.ppf(1 - power)
    v = variance
    if tuning:
        n = 2 * per
        rho = math.sqrt((-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / tuning)
        z_seq = math.sqrt(n) * math.sqrt(2 * (n * rho ** 2 + 1) * math.log(math.sqrt(n * rho ** 2 + 1) / alpha)
                                         / (n * rho) ** 2)
        v = variance * (z_seq / stats.norm.ppf(1 - alpha / 2)) ** 2
    if per <= v * z ** 2 / mean ** 2:
        return None
    s2 = v / per
    a, b, c = 1 - z ** 2 * s2 / mean ** 2, -2 * mean, mean ** 2 - z ** 2 * s2
    return ((-b + math.sqrt(b * b - 4 * a * c)) / (2 * a) - mean) / mean


def persons_fn(mean, variance, effect, variations, alpha, two_sided, tuning, target):
    """Smallest whole number of persons per variation whose power reaches the target."""
    def reaches(k):
        return power_fn(mean, variance, effect, k * variations, variations, alpha, two_sided, tuning) >= target
    k = 1
    while not reaches(k):
        k *= 2
    low, high = k // 2, k
    while high - low > 1:
        mid = (low + high) // 2
        if reaches(mid):
            high = mid
        else:
            low = mid
    return high if not reaches(low) or low == 0 else low


def power_cases():
    cases = []
    specs = [(10.0, 3909.9997749994377, 0.05, 400000, 3, 0.05, True, None),
             (0.1, 0.09, 0.05, 50000, 2, 0.05, True, None), (0.1, 0.09, 0.1, 20000, 2, 0.05, False, None),
             (0.02, 0.0196, 0.1, 300000, 2, 0.05, True, None), (25.0, 900.0, 0.03, 120000, 4, 0.1, True, None),
             (0.1, 0.09, 0.05, 200000, 2, 0.05, True, 5000.0), (3.0, 20.0, 0.02, 1000000, 2, 0.01, True, 10000.0)]
    for mean, variance, effect, total, variations, alpha, two_sided, tuning in specs:
        cases.append({"mean": mean, "variance": variance, "effect": effect, "total": total, "variations": variations,
                      "alpha": alpha, "two_sided": two_sided, "sequential_tuning": tuning,
                      "power": f(power_fn(mean, variance, effect, total, variations, alpha, two_sided, tuning)),
                      "mde": f(mde_fn(mean, variance, total, variations, alpha, 0.8, tuning)),
                      "persons_per_variant": persons_fn(mean, variance, effect, variations, alpha, two_sided, tuning,
                                                        0.8)})
    return cases


def comparisons(rng):
    out = []
    # Welch on means and proportions, several alternatives and alphas.
    for k in range(12):
        na, nb = int(rng.integers(20, 20000)), int(rng.integers(20, 20000))
        ma, sa = rng.uniform(0.5, 50), rng.uniform(0.5, 30)
        mb, sb = ma * rng.uniform(0.9, 1.15), sa * rng.uniform(0.5, 2.0)
        control = sums_mean(na, na * ma, (na - 1) * sa ** 2 + na * ma ** 2)
        treatment = sums_mean(nb, nb * mb, (nb - 1) * sb ** 2 + nb * mb ** 2)
        alternative = ["two-sided", "greater", "less"][k % 3]
        alpha = [0.05, 0.1, 0.01][k % 3 if k < 9 else 0]
        out.append(welch_case(f"welch mean {k}", control, treatment, "mean", alpha, alternative))
    for k in range(8):
        na, nb = int(rng.integers(30, 50000)), int(rng.integers(30, 50000))
        pa = rng.uniform(0.01, 0.6)
        pb = min(0.99, pa * rng.uniform(0.85, 1.2))
        ca, cb = float(round(na * pa)), float(round(nb * pb))
        alternative = ["two-sided", "greater", "less", "two-sided"][k % 4]
        out.append(welch_case(f"welch proportion {k}", sums_mean(na, ca, ca), sums_mean(nb, cb, cb), "proportion",
                              0.05, alternative))
    out.append(welch_case("welch one zero-variance arm", sums_mean(50, 0.0, 0.0) | {"sums": [50.0], "products": [50.0]},
                          sums_mean(60, 40.0, 40.0), "proportion"))
    for k in range(6):
        na, nb = int(rng.integers(50, 5000)), int(rng.integers(50, 5000))
        pa = rng.uniform(0.05, 0.5)
        pb = pa * rng.uniform(0.9, 1.2)
        ca, cb = float(round(na * pa)), float(round(nb * pb))
        prior = None if k % 2 == 0 else {"mean": [0.0, 0.05, -0.02][k % 3], "variance": [0.09, 0.01, 0.3][k % 3]}
        shape = "proportion" if k < 4 else "mean"
        if shape == "proportion":
            control, treatment = sums_mean(na, ca, ca), sums_mean(nb, cb, cb)
        else:
            control = sums_mean(na, na * 4.0, (na - 1) * 9.0 + na * 16.0)
            treatment = sums_mean(nb, nb * 4.0 * pb / pa, (nb - 1) * 10.0 + nb * (4.0 * pb / pa) ** 2)
        out.append(bayesian_case(f"bayesian {k}", control, treatment, shape, [0.05, 0.1][k % 2], prior))
    for k, tuning in enumerate([5000.0, 1000.0, 20000.0, 5000.0]):
        na, nb = int(rng.integers(500, 50000)), int(rng.integers(500, 50000))
        pa = rng.uniform(0.05, 0.4)
        pb = pa * rng.uniform(0.95, 1.12)
        ca, cb = float(round(na * pa)), float(round(nb * pb))
        out.append(sequential_case(f"sequential {k}", sums_mean(na, ca, ca), sums_mean(nb, cb, cb), "proportion", tuning))
    out.append(cuped_case("cuped mean", rng, 3000, 3100, False, 0.3))
    out.append(cuped_case("cuped mean small", rng, 80, 90, False, 0.0))
    out.append(cuped_case("cuped proportion", rng, 4000, 4000, True, 0.02))
    out.append(ratio_case("ratio raw", rng, 2500, 2600, 0.05))
    out.append(ratio_case("ratio raw small", rng, 40, 35, 0.0))
    return out


def main():
    rng = np.random.default_rng(20261125)
    reference = {
        "generator": "Tests/UpliftStatsTests/Fixtures/make_scipy_reference.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "distributions": distributions(),
        "comparisons": comparisons(rng),
        "degenerate": degenerate_cases(),
        "srm": srm_cases(rng),
        "corrections": correction_cases(rng),
        "power": power_cases(),
    }
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("scipy-reference.json")
    path.write_text(json.dumps(reference, indent=1, allow_nan=False) + "\n")


if __name__ == "__main__":
    main()
