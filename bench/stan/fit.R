# Fit one bench model with rstan and write what bench/cmd/compare reads.
#
#   Rscript bench/stan/fit.R MODEL.stan DATADIR OUTDIR [chains warmup samples seed cores] [OURFITDIR]
#
# DATADIR holds data.R and names.csv (from bench/cmd/standata). OUTDIR gets
#   chain-1.csv ... chain-K.csv   the draws of every dilemma parameter, under
#                                 dilemma's CSV names, after the sampler
#                                 columns (lp__, accept_stat__, ...), in the
#                                 layout dilemma diagnose reads
#   timing.txt                    key = value lines: compile, sampling and
#                                 end-to-end wall seconds, per-chain times,
#                                 leapfrog steps, gradient microseconds
# With OURFITDIR (a dilemma fit directory) it also prints R posterior's min
# bulk-ESS for both fits as a cross-check of dilemma's estimator.
# With STAN_PROGRESS=N in the environment (N > 0) Stan reports every N
# iterations and writes each chain's draws, warm-up included, as it goes to
# OUTDIR/progress/draws_K.csv (watch step size and tree depth of a long run).
suppressMessages(library(rstan))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 3) stop("usage: fit.R MODEL.stan DATADIR OUTDIR [chains warmup samples seed cores] [OURFITDIR]")
stan_file <- args[1]; data_dir <- args[2]; out_dir <- args[3]
num <- function(i, def) if (length(args) >= i) as.integer(args[i]) else def
chains <- num(4, 4L); warmup <- num(5, 1000L); samples <- num(6, 1000L)
seed <- num(7, 1L); cores <- num(8, 2L)
ours <- if (length(args) >= 9) args[9] else ""

# Debian's r-cran-bh is an empty package; its headers are in /usr/include.
if (!dir.exists(file.path(system.file(package = "BH"), "include", "boost")) &&
    dir.exists("/usr/include/boost")) {
  rstan_options(boost_lib = "/usr/include")
}
rstan_options(auto_write = FALSE)
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

t_start <- proc.time()[["elapsed"]]
env <- new.env()
sys.source(file.path(data_dir, "data.R"), envir = env)
dat <- as.list(env)
map <- read.csv(file.path(data_dir, "names.csv"), stringsAsFactors = FALSE)

t0 <- proc.time()[["elapsed"]]
mod <- stan_model(stan_file, model_name = sub("\\.stan$", "", basename(stan_file)))
compile_s <- proc.time()[["elapsed"]] - t0

progress <- suppressWarnings(as.integer(Sys.getenv("STAN_PROGRESS", "0")))
if (is.na(progress) || progress < 0) progress <- 0L
extra <- list()
if (progress > 0) {
  dir.create(file.path(out_dir, "progress"), showWarnings = FALSE)
  extra$sample_file <- file.path(out_dir, "progress", "draws.csv")
}
t0 <- proc.time()[["elapsed"]]
fit <- do.call(sampling, c(list(mod, data = dat, chains = chains, warmup = warmup,
                                iter = warmup + samples, seed = seed, cores = cores,
                                refresh = progress), extra))
sampling_s <- proc.time()[["elapsed"]] - t0
end_to_end_s <- proc.time()[["elapsed"]] - t_start

# Log density + gradient, timed at a posterior draw.
arr <- as.array(fit)
ex <- rstan::extract(fit, pars = setdiff(fit@model_pars, "lp__"))
# The first draw of every parameter, whatever its rank (a matrix parameter
# is iterations × rows × columns): iteration 1 of each element, column-major.
draw <- lapply(ex, function(a) {
  if (length(dim(a)) <= 1) return(a[1])
  n <- dim(a)[1]
  array(a[1 + (seq_len(prod(dim(a)[-1])) - 1) * n], dim = dim(a)[-1])
})
upars <- unconstrain_pars(fit, draw)
g <- grad_log_prob(fit, upars)
reps <- 0L
t0 <- proc.time()[["elapsed"]]
while (TRUE) {
  for (i in 1:50) g <- grad_log_prob(fit, upars)
  reps <- reps + 50L
  el <- proc.time()[["elapsed"]] - t0
  if (el > 3) break
}
grad_us <- el / reps * 1e6

# Draws under dilemma's names.
miss <- setdiff(map$stan, dimnames(arr)[[3]])
if (length(miss) > 0) stop("Stan output lacks ", length(miss), " mapped quantities, e.g. ", paste(head(miss), collapse = ", "))
sp <- get_sampler_params(fit, inc_warmup = FALSE)
spw <- get_sampler_params(fit, inc_warmup = TRUE)
cols <- c("accept_stat__", "stepsize__", "treedepth__", "n_leapfrog__", "divergent__", "energy__")
for (c in seq_len(chains)) {
  m <- cbind(arr[, c, "lp__"], sp[[c]][, cols], arr[, c, map$stan])
  colnames(m) <- c("lp__", cols, map$dilemma)
  f <- file.path(out_dir, sprintf("chain-%d.csv", c))
  writeLines(c("# rstan draws renamed to dilemma's parameter names", "# max_depth = 10",
               paste(colnames(m), collapse = ",")), f)
  write.table(m, f, append = TRUE, sep = ",", row.names = FALSE, col.names = FALSE)
}
el <- get_elapsed_time(fit)
leapfrogs <- sum(sapply(spw, function(s) sum(s[, "n_leapfrog__"])))
kv <- c(
  sprintf("rstan = %s", packageVersion("rstan")),
  sprintf("compile_seconds = %.3f", compile_s),
  sprintf("sampling_seconds = %.3f", sampling_s),
  sprintf("end_to_end_seconds = %.3f", end_to_end_s),
  sprintf("chain_warmup_seconds = %s", paste(sprintf("%.3f", el[, "warmup"]), collapse = " ")),
  sprintf("chain_sampling_seconds = %s", paste(sprintf("%.3f", el[, "sample"]), collapse = " ")),
  sprintf("leapfrog_steps = %d", as.integer(leapfrogs)),
  sprintf("gradient_us = %.3f", grad_us),
  sprintf("parameters = %d", length(upars))
)
writeLines(kv, file.path(out_dir, "timing.txt"))
cat(kv, sep = "\n")

if (ours != "" && requireNamespace("posterior", quietly = TRUE)) {
  stan_draws <- posterior::as_draws_array(arr[, , map$stan, drop = FALSE])
  s <- posterior::summarise_draws(stan_draws, "ess_bulk")
  cat(sprintf("posterior_min_ess_bulk_stan = %.1f\n", min(s$ess_bulk, na.rm = TRUE)))
  files <- Sys.glob(file.path(ours, "chain-*.csv"))
  ch <- lapply(files, function(f) as.matrix(read.csv(f, comment.char = "#", check.names = FALSE)))
  keep <- setdiff(colnames(ch[[1]]), c("lp__", cols))
  a <- array(NA_real_, c(nrow(ch[[1]]), length(ch), length(keep)), dimnames = list(NULL, NULL, keep))
  for (c in seq_along(ch)) a[, c, ] <- ch[[c]][, keep]
  s2 <- posterior::summarise_draws(posterior::as_draws_array(a), "ess_bulk")
  cat(sprintf("posterior_min_ess_bulk_dilemma = %.1f\n", min(s2$ess_bulk, na.rm = TRUE)))
}
