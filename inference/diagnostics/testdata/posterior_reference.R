# Computes the posterior package's diagnostics for the simulated chains in
# this folder and prints them as CSV (file,column,measure,value) on stdout.
# Used to make posterior_reference.csv and by the long test:
#   Rscript posterior_reference.R sim4x301.csv sim1x7.csv sim2x1000.csv
suppressMessages(library(posterior))
files <- commandArgs(trailingOnly = TRUE)
cat("file,column,measure,value\n")
out <- function(file, col, measure, v) {
  cat(sprintf("%s,%s,%s,%s\n", file, col, measure, format(v, digits = 17)))
}
for (file in files) {
  d <- read.csv(file)
  nchains <- max(d$chain)
  for (col in setdiff(names(d), c("chain", "draw"))) {
    x <- sapply(seq_len(nchains), function(c) d[[col]][d$chain == c])
    x <- matrix(x, ncol = nchains)
    m <- list(
      rhat = rhat(x),
      rhat_bulk = posterior:::.rhat(posterior:::z_scale(posterior:::.split_chains(x))),
      rhat_tail = posterior:::.rhat(posterior:::z_scale(posterior:::.split_chains(abs(x - median(x))))),
      ess_bulk = ess_bulk(x),
      ess_tail = ess_tail(x),
      ess_mean = ess_mean(x),
      ess_sd = ess_sd(x),
      ess_q05 = ess_quantile(x, 0.05, names = FALSE),
      ess_q50 = ess_quantile(x, 0.5, names = FALSE),
      ess_q95 = ess_quantile(x, 0.95, names = FALSE),
      ess_q100 = ess_quantile(x, 1, names = FALSE),
      mcse_mean = mcse_mean(x),
      mcse_sd = mcse_sd(x),
      mcse_q05 = mcse_quantile(x, 0.05, names = FALSE),
      mcse_q50 = mcse_quantile(x, 0.5, names = FALSE),
      mcse_q95 = mcse_quantile(x, 0.95, names = FALSE),
      q05 = quantile2(x, 0.05, names = FALSE),
      q50 = quantile2(x, 0.5, names = FALSE),
      q95 = quantile2(x, 0.95, names = FALSE),
      mean = mean(x),
      sd = sd(x)
    )
    for (k in names(m)) out(file, col, k, m[[k]])
  }
}
