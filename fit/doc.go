// Package fit turns a causal graph and a panel into a posterior: it builds
// the structural equations the graph implies (package model/sem), samples
// them with NUTS (package inference), summarizes every edge's strength with
// its diagnostics, and writes or reads a fit directory.
//
// # What a model means
//
// Each node with data gets one equation: its family's link of
//
//	intercept + Σ strength × parent + Σ lagged strength × parent at t−lag + unit intercept
//
// where a strength is the coefficient on an edge. Families: gaussian
// (identity link), bernoulli (logit), ordered (cumulative logit with ordered
// cutpoints, for 0–4 policy scales), poisson (log) and brms's count
// families negbinomial, zero_inflated_poisson, zero_inflated_negbinomial,
// hurdle_poisson and hurdle_negbinomial (log; a count node's offset="c"
// or offset="log(c)" is added to its linear predictor), and binomial and
// beta_binomial (logit) of successes out of trials="COLUMN" or trials="N",
// beta (logit, 0 < y < 1), student (identity, Student-t noise) and
// lognormal (log y normal).
// Unit random
// intercepts are added per equation when the data have unit and time keys;
// lags look up the same unit's earlier period.
//
// Roots (nodes without parents) are exogenous: their columns are conditioned
// on, not modelled. A root with no data, such as anarchy (the same for every
// country and month), is dropped from estimation with a note: it is a fixed
// constant of the setting and its edges are absorbed by the intercepts.
// Latent nodes with indicators get a measurement model (see package
// model/sem) on the standardized indicator columns; latent nodes without indicators, and bidirected edges, stay in
// the graph for identification but cannot be estimated from the data.
//
// # Binding and checks before sampling
//
// NewPlan binds the model to the panel with model.Bind: column="…" if
// given, else the column of the node's own name, else the indicators of a
// latent node (Plan.Bindings says which; fit prints them). Before anything
// is sampled it refuses, in one line naming node and column: a node
// without data (with the nearest column names), a key or text column, two
// nodes reading one column, a latent node with a single indicator (its
// loading and the indicator's noise would trade off against the latent's
// scale; give it two, or drop [latent] and use column=), and values the
// node's family cannot have, roots included although they get no equation
// (the family's own check: bernoulli 0/1, poisson counts, ordered integer
// categories). An ordered node's values are the categories 0 … K−1, K−1
// its largest value, and each level must occur in its column and in the
// rows its equation uses (where every parent is observed): a 7 in a 0–4
// column (empty 5 and 6) or a 1–5 scale (empty 0) is refused with the
// empty levels and the line of the largest value, since an empty category
// leaves its cutpoint to the prior. A 0/1 node fitted as gaussian gets a
// note suggesting bernoulli.
//
// Missing values (Settings.Missing, --missing; a node's missing="…"): under
// "model", the default, a missing value of a continuous node that a row
// needs is a parameter mi.NODE.UNIT.TIME imputed inside the model (package
// model/sem, Missing), and an observed root with missing values gets a
// model of its own (rootModels: its family with an intercept, no parents,
// unit random intercepts unless its values are constant within units) so
// that its values can be imputed; such a root is then
// no longer in Plan.Exogenous. A binary, ordered or count node's missing
// values are summed out over their levels instead (a root of those
// families gets the same model of its own); each draw carries a level of
// each drawn from its probabilities given the draw (generated quantities
// mi.NODE.UNIT.TIME after the parameters, written like imputed values). Under "drop" (and for
// binomial and beta_binomial nodes) each equation uses the rows where its node and all its
// parents are observed. The fit reports per equation the rows used, with
// imputed values, and dropped (sem.EquationInfo.MissingSummary); imputed
// values are not summarized and reach the chain files only with
// Settings.SaveImputed. Priors default to weakly informative
// values on the standardized scale (normal(0,1) on strengths, half-normal(1)
// on scales) and can be set per edge (prior="…") or node in the model file.
//
// # The fit directory
//
//	chain-1.csv … chain-K.csv   draws in CmdStan's CSV layout
//	edges.csv                   every edge's posterior summary and prior sensitivity
//	summary.csv                 every parameter's summary and diagnostics, full precision
//	manifest.json               model text, data hash, seed, settings, versions, timings,
//	                            and each chain file's and summary.csv's SHA-256, size and draws
//	                            (and a CRC-32 per line of each chain file)
//
// The directory is written whole or not at all. A manifest reproduces the
// same draws byte for byte (same model text, data, seed and settings).
//
// Open verifies the directory before it uses it: each chain file must be a
// regular file with the columns, the number of finite draws, the size and
// the SHA-256 the manifest records, or Open refuses it, naming the file
// and the line: of a NaN or infinite draw, of a row that cannot be parsed,
// of the end of a short file, or of an edited line (found by the CRC-32 of
// each line the manifest records). A manifest without these records (from before they were
// kept) is refused too: re-run the fit with 'dilemma fit --from'. The data
// file the manifest names is read only if it is a regular file of at most
// data.MaxCSVBytes and parsed only after its SHA-256 matches; no error shows
// its content, and no other path in a manifest is ever opened. Open reads
// the summaries back from summary.csv when its checksum matches (computing
// R-hat and ESS for a thousand parameters takes seconds); otherwise it
// computes them from the verified draws.
//
// # Prior sensitivity
//
// Every draw (except in a prior-only fit) carries two generated
// quantities after the parameters: lprior, the joint log prior of the edge
// strengths and loadings, and log_lik, the log likelihood of the observed
// nodes (the log density minus its prior part, sem.Posterior.PriorPart).
// From them each edge gets its power-scaling sensitivity to the prior and
// to the likelihood (package powerscale), in EdgeSummary and edges.csv;
// SensitivityNotes lists the flagged edges.
package fit
