package sweep

import (
	"fmt"
	"strings"
)

var examples = map[string]string{
	Multiverse: `# A multiverse: one fit per combination of the choices under [axes], the
# same question answered by each. 'dilemma sweep plan THIS.toml --out DIR'
# writes the tasks; 'dilemma sweep run DIR --local -j 2' runs them here,
# 'dilemma sweep submit DIR --slurm' on a cluster; 'dilemma sweep collect DIR'
# writes results.csv and the specification curve.
kind = "multiverse"
model = "fig2-remedies"     # a built-in name or a model file (relative to this file)
# data = "panel.csv"        # optional: the embedded COVID-19 panel by default
# unit = "iso3"             # the key columns of data (these are the defaults)
# time = "month"
# keep_fits = false         # true keeps each task's fit directory (large)

[fit]                       # any fit setting, as 'dilemma fit' records it
chains = 4
warmup = 300
samples = 300
# seed = 1
# warm_start = true         # tasks sharing a model start from a pilot fit's step size, metric and last draws
# warm_start_warmup = 75    # their warm-up then (default warmup/4)
# time_effects = "none"     # none, fixed or random-walk
# unit_intercepts = "auto"  # auto, centred or non-centred

[query]                     # what each task answers
remedies = true             # each remedy's effect (+1 sd) on the outcome
# effect = "do(interaction_density = +1sd)"   # or one intervention's effect
# versus = "do(interaction_density = 0)"      # optional contrast
outcome = "dilemma"
assume_identified = true    # fig2-remedies' remedies are not identified (authority_deficit)
# horizon = 0               # periods after the intervention (lagged edges)
# level = 0.9               # credible interval

[axes]                      # every combination is one task; the first axis varies slowest
seed = [1, 2]
time_effects = ["none", "fixed"]
# how self-help (the 0-4 border-closure scale) is modelled; how exposure is scaled
"unilateralism.family" = ["ordered", "gaussian"]
"unequal_exposure.transform" = ["log1p|standardize", "standardize"]
# "unilateralism.column" = ["c8_max", "c8_intl_travel"]   # with family gaussian: c8_intl_travel is a monthly mean
# "threat.transform" = ["log1p|standardize", "standardize"]
# "fear->unilateralism.prior" = ["normal(0,1)", "normal(0,0.5)"]
# unit_effects = ["random", "within"]                # within-unit strengths (Mundlak) or random intercepts
# model = ["fig2-remedies", "my-alternative.dag"]   # whole alternative models
`,
	SBC: `# Simulation-based calibration (Talts et al. 2018; R's SBC package): each
# replication draws parameters from the prior, simulates the data from them
# (same rows, same missingness, same exogenous columns), fits the simulated
# data and records the rank of each true value among its posterior draws.
# A calibrated sampler and model give uniform ranks; 'dilemma sweep collect'
# draws rank histograms and ECDF-difference plots with a uniformity test.
# Any family (each draws its own parameters: sigma, shape, zi/hu, phi, nu,
# cutpoints), period effects and latent nodes with exogenous parents.
kind = "sbc"
model = "my.dag"
data = "panel.csv"          # the rows, keys and exogenous columns to simulate on

[fit]
chains = 2
warmup = 500
samples = 500

[sbc]
replications = 200          # one task each
parameters = ["b.x.y"]      # default: every edge strength; also a.NODE, sigma.NODE,
                            # shape.NODE, c.NODE.1, tau.NODE, g.NODE.PERIOD, …
# thin = 10                 # keep every 10th draw for the ranks (default: about 100 draws)
`,
	CV: `# Leave-units-out cross-validation: the units (countries) are split into
# folds; each task fits all other folds and scores the held-out units'
# observed values by their log predictive density. 'dilemma sweep collect'
# gives the elpd per fold and in total, with its standard error. Each held-out
# unit's values are scored jointly, its unit intercept integrated out.
# Any family (non-gaussian nodes are scored through their log density, the
# intercept integrated by quadrature) and period effects; so far no latent nodes.
kind = "cv"
model = "my.dag"
data = "panel.csv"

[fit]
chains = 4
warmup = 500
samples = 500

[cv]
folds = 10                  # one task each; units are assigned to folds by a fixed seeded shuffle
`,
}

// Example returns a commented example sweep file of the given kind.
func Example(kind string) (string, error) {
	s, ok := examples[kind]
	if !ok {
		return "", fmt.Errorf("unknown kind %q (known: %s)", kind, strings.Join(Kinds, ", "))
	}
	return s, nil
}
