// Package loo estimates how well a fitted Bayesian model predicts data it
// has not seen, by Pareto smoothed importance sampling leave-one-out
// cross-validation (PSIS-LOO; Vehtari, Gelman and Gabry 2017, "Practical
// Bayesian model evaluation using leave-one-out cross-validation and WAIC",
// and Vehtari, Simpson, Gelman, Yao and Gabry 2024, "Pareto smoothed
// importance sampling", JMLR), and compares models by it. It follows the R
// package loo.
//
// # What it estimates
//
// The input is the pointwise log-likelihood loglik[s][i] = log p(y_i | θ_s)
// of S posterior draws θ_s (chains pooled) and N observations y_i. The
// target is the expected log pointwise predictive density
//
//	elpd_loo = Σ_i log p(y_i | y_−i),   p(y_i | y_−i) = ∫ p(y_i | θ) p(θ | y_−i) dθ,
//
// the log density each observation gets from the posterior fitted to all
// the others: a measure of out-of-sample predictive accuracy, on the log
// scale, in which larger is better. Refitting the model N times is
// avoided by reweighting the full-data draws: the ratios
// r_s = 1/p(y_i | θ_s) turn the full posterior into the leave-one-out one.
// Raw ratios can have a heavy right tail, which makes the estimate noisy,
// so PSIS fits a generalized Pareto distribution to the M largest ratios,
// M = ⌈min(0.2·S, 3√(S/r_eff))⌉ (at least 5), by Zhang and Stephens' (2009)
// empirical Bayes method with the weakly informative prior that pulls the
// shape towards 0.5, replaces them by the fitted quantiles and truncates
// every weight at the largest raw ratio. Then
//
//	elpd_i = log Σ_s w̃_s p(y_i | θ_s)    (w̃ the normalized smoothed weights)
//	lpd_i  = log (1/S) Σ_s p(y_i | θ_s)  (the in-sample fit)
//	p_loo  = Σ_i (lpd_i − elpd_i)        (the effective number of parameters)
//	looic  = −2·elpd_loo                 (the same on the deviance scale)
//
// all computed with log-sum-exp. The standard errors SE = √(N·var_i elpd_i)
// (and likewise for p_loo) describe the uncertainty from having only N
// observations; MCSE is the much smaller Monte Carlo error from having only
// S draws. Compare ranks models by elpd_loo; its se_diff is computed from the
// paired pointwise differences, √(N·var_i(elpd_i^A − elpd_i^B)), which is
// far smaller than √(SE_A² + SE_B²) when the models agree on most points.
// A difference below about 4 means the models predict about equally well;
// otherwise read it in units of se_diff.
//
// # How to read k-hat
//
// Every observation gets k-hat, the estimated shape of the tail of its
// importance weights. The weights have finite moments of order below 1/k,
// and PSIS converges quickly when k-hat is small:
//
//   - k-hat ≤ Threshold = min(1 − 1/log10(S), 0.7) ("good"): the estimate
//     for that observation is reliable. The threshold is 0.7 from about
//     2,200 draws on; with fewer draws it is lower (0.5 at S = 100).
//   - Threshold < k-hat ≤ 0.7 (only with fewer than 2,200 draws): too few
//     draws; running more may help.
//   - 0.7 < k-hat ≤ 1 ("bad"): the estimate is biased and more draws do not
//     help. The observation is highly influential: leaving it out changes
//     the posterior a lot. Compute its leave-one-out density exactly by
//     refitting without it, use K-fold cross-validation, or make the model
//     more robust to such observations.
//   - k-hat > 1 ("very bad"): the weights have no finite mean and the
//     estimate means nothing. A failed Pareto fit is reported as +Inf.
//
// Result.NumBadK counts k-hats above Threshold (so including the very bad
// ones), Result.NumVeryBadK those above 1, and Result.Warnings says which
// observations they are and what to do, in plain words. High k-hats often
// point at outliers or a misspecified model, even when elpd_loo itself is
// not needed. A column whose largest ratios are all equal (a constant
// log-likelihood, say) has bounded weights and gets k-hat 0.
//
// # Relative efficiency
//
// MCMC draws are autocorrelated. LOO treats draws as independent
// (r_eff = 1), which is right for independent draws and makes the reported
// PSIS effective sample sizes and MCSE over-optimistic for MCMC. LOOWith
// takes per-observation r_eff values (Options.REff) or the chain of every
// draw (Options.ChainIDs), from which RelativeEff computes r_eff = ESS/S of
// the likelihood draws with diagnostics.ESSMean. r_eff lengthens the tail
// for correlated draws and scales the ESS and MCSE; it changes elpd_loo
// little.
//
// # Differences from the loo package
//
// The estimates match loo 2.5.1 (the reference test compares with it) with
// these exceptions: the tail has at least 5 draws (loo gives up with
// k-hat = Inf when 0.2·S < 5, that is below 25 draws); a flat tail gets
// k-hat 0 rather than Inf; RelativeEff splits chains; and the categories, Threshold and the NaN MCSE when some
// k-hat is above it follow loo 2.7 and later. The MCSE of each elpd_i uses
// loo's deterministic normal approximation: the variance of log Z for Z
// normal with the estimate's mean and standard deviation, over 1,000 normal
// scores.
//
// # Tests
//
// The default tests compare with values computed by R's loo 2.5.1 (stored in
// testdata; see testdata/README.md), check PSIS-LOO against the exact
// leave-one-out densities of a conjugate normal model and against brute-force
// refits by exact sampling without each point, check that FitGPD recovers
// known shapes, that an outlier gets a high k-hat and a warning, and that
// Compare prefers the true model. "go test -tags long ./inference/loo/"
// adds repeated-seed calibration checks and, when Rscript with loo is
// installed, recomputes the R reference live.
package loo
