// Package diagnostics computes the convergence diagnostics of Markov chain
// Monte Carlo draws exactly as the R package posterior defines them
// (Vehtari, Gelman, Simpson, Carpenter and Bürkner 2021, "Rank-normalization,
// folding, and localization: an improved R-hat for assessing convergence of
// MCMC"): rank-normalized split R-hat (bulk and folded tail), bulk and tail
// effective sample size, the ESS of the mean, standard deviation and
// quantiles, the Monte Carlo standard errors of the mean, standard deviation
// and quantiles, and the E-BFMI of a chain's energy. Warnings in the style of
// CmdStan's diagnose utility turn these numbers into advice.
//
// Draws of one quantity are given as chains [][]float64, indexed
// [chain][draw]; every chain must have the same number of draws. The package
// knows nothing of samplers or files: package inference produces draws and
// package inference/stancsv reads and writes them.
//
// # The estimators
//
// Chains are split into their first and second halves (the middle draw of an
// odd-length chain is dropped, as posterior does). Rank normalization replaces
// each pooled draw by its rank r (ties get the average rank) and then by
// Φ⁻¹((r − 3/8)/(S + 1/4)), S the number of draws. The autocovariances of
// each chain are computed with a fast Fourier transform (zero padded to twice
// the next 2·3·5-smooth length) and combined with Geyer's initial positive and
// initial monotone sequences; the integrated autocorrelation time is bounded
// below by 1/log10(S), so no ESS exceeds S·log10(S).
//
// # Invalid input
//
// Nothing here panics on bad draws. When a quantity cannot be estimated, the
// functions return NaN, and Summarize says why in Summary.Note: draws that
// contain NaN or ±Inf, constant draws, chains of different lengths, or too few
// draws (R-hat needs at least 2 draws per half chain, ESS at least 3, so 4 and
// 6 draws per chain).
//
// # Tests
//
// The default tests check the values that Stan's own unit tests assert for its
// Bernoulli example (4 chains of 1000 draws; see testdata/stan_bern/README.md
// for the licence notice of those files) and posteriordb's reference
// diagnostics for eight schools. When Rscript with the posterior package is
// installed, "go test -tags long ./inference/diagnostics/" also compares
// every function with posterior on simulated chains.
package diagnostics
