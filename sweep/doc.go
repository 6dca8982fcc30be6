// Package sweep runs many fits of one question: a multiverse (the answer
// across the choices a reviewer calls debatable), a simulation-based
// calibration (SBC) or a leave-units-out cross-validation, on a laptop, a
// Slurm cluster or Kubernetes.
//
// A sweep has three parts that know little of each other:
//
//   - a plan (Build, Plan.Write): the sweep file expanded into complete
//     tasks, numbered 0 … N-1, each a fit manifest (package fit: model
//     text, data and its SHA-256, seed, settings; 'dilemma fit --from'
//     reruns it) plus what to collect from the fit (task.json);
//   - executors that only run tasks: RunTask runs one (by index, or from
//     SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX, see IndexFromEnv),
//     RunLocal every task not done on this machine, SubmitSlurm one job
//     array of the tasks not done plus a collect job, WriteKubernetes an
//     Indexed Job manifest;
//   - a collector (Collect): results.csv and the figures.
//
// A task's result depends only on its task directory: result.json holds no
// time, host or executor (those go to timing.json), every number is written
// at full precision, and the fit is the same function of the manifest
// whichever machine and however many cores run it. So the same task gives
// the same bytes under every executor, and a sweep resumes by running what
// is not done: results are written atomically (a temporary file renamed
// into place), so a task killed half-way leaves no result, and a task that
// fails leaves failed.json with the reason.
//
// # The sweep file
//
// TOML (read with github.com/BurntSushi/toml). Top-level keys: kind
// ("multiverse", "sbc" or "cv"), model (a built-in name or a model file,
// relative to the sweep file), data (a panel CSV; the embedded panel by
// default), unit and time (its key columns), keep_fits (keep each task's
// fit directory). Tables: [fit] (any fit setting by the name fit manifests
// record: chains, warmup, samples, seed, time_effects, unit_intercepts,
// adapt_delta, …), [query] (effect = "do(x = +1sd)" with outcome, versus,
// horizon, level, assume_identified; or remedies = true), [axes]
// (multiverse), [sbc] and [cv]. Example prints a commented file of each
// kind; unknown keys are errors that name the line.
//
// # Multiverse axes
//
// Each key of [axes] is one choice, each value one option; every
// combination is one task, the first axis varying slowest. An axis is
//
//	seed, time_effects, unit_intercepts, …   a fit setting (SettingKeys)
//	"NODE.column", "NODE.family", "NODE.transform"   a node's data mapping
//	"NODE.role", "NODE.quality", "NODE.indicators", "NODE.prior_strength", …
//	"A->B.prior"                             an edge's prior
//	model                                    whole alternative model files
//
// unit_effects ("random", "within" or "none") sets the fits' default unit
// effects, as dilemma fit --unit-effects does (a node's own unit_effects=
// still overrides it); "NODE.unit_effects" varies one node's.
// Every task's model is bound to the data and compiled when the plan is
// built, so a combination that cannot be fitted is reported then, with its
// choices.
//
// # The sweep directory
//
//	plan.json                 kind, axes, query, and every task's choices
//	sweep.toml                the sweep file as given
//	data/FILE.csv             a copy of the data (used where its path does not exist)
//	tasks/NNNN/manifest.json  task NNNN's fit manifest
//	tasks/NNNN/task.json      its choices and query
//	tasks/NNNN/result.json    its answer and diagnostics (when done)
//	tasks/NNNN/failed.json    why it failed (when it did)
//	tasks/NNNN/timing.json    where and how long it ran
//	results.csv, spec-curve*.png/.pdf, remedies.csv   written by Collect
//	bin/dilemma, slurm/       written by SubmitSlurm; kubernetes/job.yaml by WriteKubernetes
//
// # Collected results
//
// results.csv has one row per task and quantity (the effect, or each
// remedy): the task's choices, the posterior mean, sd, central credible
// interval, P(expected sign) and P(< 0), and the fit's largest R-hat,
// smallest bulk-ESS and divergences. A multiverse also gets a
// specification curve per quantity (answers sorted by their posterior mean
// above the choices each made) and the share of specifications in which
// each quantity is below zero (a remedy reduces the outcome) with posterior
// probability at least 0.95.
//
// # Warm starts
//
// warm_start = true in [fit] starts the tasks that share a model (the same
// parameters by name: a multiverse over seeds, priors or columns, every
// replication or fold) from a pilot fit's step size, diagonal metric and
// final points: one pilot per group (pilots/NN: the group's first task's
// manifest, full warm-up, a few draws; its adaptation and its chains' last
// unconstrained points in warm.json). Each task's chain c starts where the
// pilot's chain c ended (the sampler's own coordinates, so nothing is
// transformed back; a pilot chain stuck in a minor mode, its mean lp__ far
// below the best chain's, is left out and the others' points are taken in
// turn; a point where the task's density is not finite starts that chain
// at random, with a warning), keeps the pilot's metric fixed and
// adapts only its step size over warm_start_warmup iterations (default
// warmup/4). timing.json counts the warm-up's gradients
// (warmup_gradient_evaluations) and the process's CPU seconds. The pilot is a
// deterministic task, so results stay the same bytes under every executor:
// RunLocal runs the pilots first, SubmitSlurm submits them as one job the
// arrays depend on, 'dilemma sweep run DIR --pilots' runs them alone, and a
// task whose pilot is missing runs it itself. The metric fits the pilot's
// posterior: tasks whose posteriors differ much in scale (SBC replications,
// each on its own simulated data) gain less and should be checked by their
// min-ESS and R-hat, which results.csv lists.
//
// # Simulation-based calibration
//
// kind = "sbc" makes one task per replication ([sbc] replications,
// parameters, thin). Each draws the parameters from their priors (the
// model's, or package sem's defaults): intercepts, strengths, the families'
// own parameters (sigma, a negative binomial's shape, zi and hu, phi, a
// Student's nu truncated to nu > 1, an ordered node's cutpoints as the
// sorted draws of their prior, see sem.ParamDrawer), unit-intercept sds and
// period effects (fixed effects z_t − mean z, or a random walk from its
// step sd), and latent nodes (their values from their structural equation
// with sd 1, their indicators around a + lambda·eta with the first loading
// positive; a latent's parents may be columns, simulated nodes or other
// latents, simulated parents first). It
// simulates every equation's values on the data's rows from
// them through the family's Rand (the same missing values, offsets,
// trials, exogenous columns, lags within units and unit intercepts drawn
// from normal(0, tau); AR(1) residuals of gaussian and student nodes (a
// student unit's chain scaled by √(nu/chi²_nu)) with rho uniform
// on (−1, 1) and the residual chain from its stationary start, across gaps;
// interaction columns recomputed from the simulated factors), fits the
// simulated data and records each true
// value's rank among the thinned posterior draws (Talts et al. 2018).
// Its fits drop rows with missing values (missing = "drop" unless the [fit]
// table says otherwise): the simulated data have the data's gaps, and
// imputing them is not what the calibration checks.
// Collect writes ranks.csv, sbc.csv (Pearson's chi-square test of uniform
// ranks, and whether the ranks' ECDF stays inside the 95% simultaneous band
// of Säilynoja, Bürkner and Vehtari 2022), sbc-ranks.png (rank histograms)
// and sbc-ecdf-diff.png (ECDF difference plots), with the defaults of R's
// SBC package. A self-lag is simulated period by period within unit (a
// row without a lagged value is an initial condition, drawn without the
// self-lag, which the fit conditions on); AR(1) residuals from their
// stationary start across gaps; a moderated edge's product from the
// simulated factors. unit_effects = "within" is simulated as fit builds it:
// the parents' unit means (bw.PARENT.NODE, drawn from the edge's prior)
// enter beside the random intercepts, and a simulated parent's unit means
// are recomputed from its simulated values over the rows the equation uses.
// So far varying strengths and indicators with trials are not simulated
// (planning such a model is an error).
//
// # Cross-validation
//
// kind = "cv" deals the units to [cv] folds by a seeded shuffle and makes
// one task per fold: the fit leaves the fold's units out of every equation,
// and each held-out unit's observed values are scored jointly by their log
// predictive density given their observed parents (offsets, trials and the
// fitted period effects), the unit's own intercept integrated out, averaged
// over the draws. For a gaussian node the integral is closed (the values
// are jointly normal with covariance sigma²I + tau²J); for any other family
// it is adaptive Gauss–Hermite quadrature (15 nodes around the integrand's
// mode) of the product of the family's LogDensity over the unit's rows. A
// period only held-out units have gets effect 0, its prior mean. Collect
// writes elpd.csv (per fold and in total, with the standard error over
// units) and elpd-units.csv. A latent node is integrated out in closed
// form: its indicators' and children's values in a held-out unit are
// jointly normal given their observed parents (the latent's values, its
// unit intercept and the children's unit intercepts are normal sources),
// and their joint density is taken by the Woodbury identity. That needs
// the latent's parents observed, its indicators and children gaussian
// (no AR residuals, no varying strength on the latent's edge) and no node
// with two latent parents; planning any other latent model is an error
// that says which.
package sweep
