# Computes PSIS-LOO with R's loo package for the reference tests of package
# dilemma/inference/loo.
#
# Usage: Rscript loo_reference.R LOGLIK.csv [CHAINS.csv]
#
# LOGLIK.csv holds the log-likelihood matrix without a header, one row per
# draw and one column per observation. CHAINS.csv, if given, holds one chain
# id per line, one per draw; r_eff is then computed by relative_eff(), and is
# 1 for every observation otherwise. The pointwise results are written to
# standard output as CSV.
suppressMessages(library(loo))
args <- commandArgs(trailingOnly = TRUE)
ll <- as.matrix(read.csv(args[1], header = FALSE))
dimnames(ll) <- NULL
if (length(args) >= 2) {
  chains <- scan(args[2], quiet = TRUE)
  r_eff <- relative_eff(exp(ll), chain_id = chains)
} else {
  r_eff <- rep(1, ncol(ll))
}
fit <- suppressWarnings(loo(ll, r_eff = r_eff))
out <- data.frame(
  observation = seq_len(ncol(ll)),
  elpd_loo = fit$pointwise[, "elpd_loo"],
  mcse_elpd_loo = fit$pointwise[, "mcse_elpd_loo"],
  p_loo = fit$pointwise[, "p_loo"],
  pareto_k = fit$diagnostics$pareto_k,
  n_eff = fit$diagnostics$n_eff,
  r_eff = r_eff
)
cat(sprintf("# loo %s\n", packageVersion("loo")))
out[] <- lapply(out, function(col) sprintf("%.17g", col))
write.csv(out, stdout(), row.names = FALSE, quote = FALSE)
