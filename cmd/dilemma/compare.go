package main

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"dilemma/fit"
	"dilemma/inference"
	"dilemma/report"
	"dilemma/table"
)

const compareUsage = `
Usage: dilemma compare [flags] FITDIR FITDIR...

Compare fits of different graphs (or of one graph with different settings)
by how well they predict a data column they all model: PSIS-LOO (Vehtari,
Gelman and Gabry 2017) on the rows every fit uses, as R's loo_compare does.

The column is the one measuring an outcome node (its own column or one of
its indicators) when the fits share one, else the first shared column in
alphabetical order; --column chooses another. The fits must come from the
same data file (its SHA-256 is checked).

The table lists the fits best first: elpd_loo and its standard error,
p_loo (the effective number of parameters), elpd_diff and se_diff against
the best, the stacking weight (Yao, Vehtari, Simpson and Gelman 2018: the
weight of each fit in the mixture that predicts best; unlike elpd
differences it rewards a fit that predicts some observations better), and
the number of observations whose Pareto k is above the threshold (their
estimate is unreliable; refit without them or use K-fold). Warnings follow
the table: differences below 4 or within two standard errors do not
separate the fits.

A fit whose equation for the column has a latent parent needs that latent's
values: fit it with --save-latent.

--json prints {"column", "rows", "models": [{"name", "node", "elpd_loo",
"se", "p_loo", "elpd_diff", "se_diff", "weight", "bad_k"}], "warnings"}.

--cv unit --folds K [-j N] compares by leave-units-out cross-validation
instead: the units are dealt to K folds by a shuffle seeded with --seed
(default: the first fit's seed; the same folds for every fit and every
run), each fit's model is fitted again K times with the fit's own
settings, each time without one fold's units (all their values held out),
and each held-out unit's observations of the column are scored given their
observed parents, its unknown unit intercept integrated over normal(0, tau)
by adaptive Gauss-Hermite quadrature: the unit's elpd is the log of the
posterior mean of its observations' joint density. The table gives each
fit's total elpd over the units every fit scores with its standard error
(over units), and the difference from the best with its standard error
(paired by unit); a second table gives each fold's elpd. -j N fits N folds
at once (each with its chains in parallel); the results do not depend on
N. It refits K times per fit: minutes to hours on the embedded panel. Use
it when PSIS-LOO flags observations with Pareto k above the threshold
(compare then suggests it) or whenever the unit, not the observation, is
what a new prediction is for. A gaussian column with one latent parent
(whose own parents are observed) is scored with the latent integrated out
in closed form (the unit's values are jointly normal given their observed
parents); any other latent parent is refused with the reason.

--json with --cv prints {"column", "cv": "unit", "folds": [[units]...],
"units", "scored_units", "rows", "models": [{"name", "node", "elpd_cv",
"se", "elpd_diff", "se_diff", "folds": [elpd per fold]}]}.

Examples:
  dilemma fit fig1 --out fit-fig1
  dilemma fit fig2 --out fit-fig2 --save-latent
  dilemma compare fit-fig1 fit-fig2
  dilemma compare fit-a fit-b fit-c --column c8_max --format markdown
  dilemma compare fit-fig1 fit-fig2 --cv unit --folds 10 -j 2
`

func init() {
	c := &command{
		name:    "compare",
		summary: "compare fits by PSIS-LOO on a column they share, with stacking weights, or by leave-units-out CV",
		usage:   compareUsage,
	}
	c.run = func(e *env, args []string) error { return runCompare(e, c, args) }
	register(c)
}

func runCompare(e *env, c *command, args []string) error {
	fs := newFlags(e, c)
	column := fs.String("column", "", "the data column to compare on (default: an outcome's column the fits share)")
	format := fs.String("format", "text", "table format: "+strings.Join(table.Formats, ", "))
	asJSON := fs.Bool("json", false, "print the comparison as JSON")
	cv := fs.String("cv", "", "cross-validation instead of PSIS-LOO: unit (leave units out, refitting each fit --folds times)")
	folds := fs.Int("folds", 10, "number of folds for --cv")
	jobs := fs.Int("j", 1, "fold fits run at once with --cv")
	seed := fs.Uint64("seed", 0, "seed of the fold assignment with --cv (default: the first fit's seed)")
	dirs, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	set := setFlags(fs)
	switch {
	case *cv != "" && *cv != "unit":
		return usagef("--cv %s: the only cross-validation is unit (leave units out)", *cv)
	case *cv == "" && (set["folds"] || set["j"] || set["seed"]):
		return usagef("--folds, -j and --seed go with --cv unit")
	case *cv != "" && *folds < 2:
		return usagef("--folds %d: want 2 or more", *folds)
	case *cv != "" && (*jobs < 1 || *jobs > 64):
		return usagef("-j %d: want 1 to 64", *jobs)
	}
	if len(dirs) < 2 {
		return usagef("give at least two fit directories (see 'dilemma compare -h')")
	}
	if err := table.CheckFormat(*format); err != nil {
		return usagef("%v", err)
	}
	fits := make([]*fit.Fit, len(dirs))
	names := make([]string, len(dirs))
	seen := map[string]string{}
	for k, d := range dirs {
		abs, _ := filepath.Abs(d)
		if prev, dup := seen[abs]; dup {
			return usagef("%s is given twice (also as %s)", d, prev)
		}
		seen[abs] = d
		if fits[k], err = fit.Open(d); err != nil {
			return inputErr(err)
		}
		names[k] = filepath.Clean(d)
		e.logf("read %s (%s)\n", d, fits[k].Manifest.Model.Name)
	}
	if *cv != "" {
		if !set["seed"] {
			*seed = fits[0].Manifest.Settings.Seed
		}
		return runCompareCV(e, fits, names, report.CVOptions{Folds: *folds, Seed: *seed, Jobs: *jobs, Column: *column, Logf: e.logf}, *format, *asJSON)
	}
	cmp, err := report.CompareFits(fits, names, *column)
	if err != nil {
		return inputErr(err)
	}
	bad := 0
	for _, m := range cmp.Compare.Models {
		bad += m.NumBadK
	}
	if bad > 0 {
		defer fmt.Fprintf(e.stderr, "note: %d observations have Pareto k above %.2f, so PSIS-LOO is unreliable there; leave-units-out cross-validation refits instead: dilemma compare %s --cv unit --folds 10\n",
			bad, cmp.LOO[0].Threshold, strings.Join(dirs, " "))
	}
	if *asJSON {
		type row struct {
			Name     string  `json:"name"`
			Node     string  `json:"node"`
			ELPD     float64 `json:"elpd_loo"`
			SE       float64 `json:"se"`
			PLOO     float64 `json:"p_loo"`
			ELPDDiff float64 `json:"elpd_diff"`
			SEDiff   float64 `json:"se_diff"`
			Weight   float64 `json:"weight"`
			BadK     int     `json:"bad_k"`
		}
		var rows []row
		for _, m := range cmp.Compare.Models {
			k := indexOf(cmp.Names, m.Name)
			rows = append(rows, row{m.Name, cmp.Nodes[k], m.ELPD, m.SE, m.PLOO, m.ELPDDiff, m.SEDiff, cmp.Weights[k], m.NumBadK})
		}
		warnings := cmp.Compare.Warnings
		if warnings == nil {
			warnings = []string{}
		}
		return writeJSON(e.stdout, map[string]any{"column": cmp.Column, "rows": cmp.Rows, "models": rows, "warnings": warnings})
	}
	e.logf("PSIS-LOO on column %s, %d rows every fit uses\n", cmp.Column, cmp.Rows)
	if err := report.ComparisonTable(cmp).Render(e.stdout, *format); err != nil {
		return err
	}
	for _, w := range cmp.Compare.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	return nil
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// runCompareCV compares the fits by leave-units-out cross-validation.
func runCompareCV(e *env, fits []*fit.Fit, names []string, opt report.CVOptions, format string, asJSON bool) error {
	e.logf("leave-units-out cross-validation: %d folds, %d fits, %d fold fits (%d at once)\n", opt.Folds, len(fits), opt.Folds*len(fits), opt.Jobs)
	c, err := report.CrossValidate(e.context(), fits, names, opt)
	if ie := (*inference.InternalError)(nil); errors.As(err, &ie) {
		return err // exit 2
	}
	if err != nil {
		return inputErr(err)
	}
	if asJSON {
		type row struct {
			Name   string    `json:"name"`
			Node   string    `json:"node"`
			ELPD   float64   `json:"elpd_cv"`
			SE     any       `json:"se"`
			Diff   float64   `json:"elpd_diff"`
			SEDiff any       `json:"se_diff"`
			Folds  []float64 `json:"folds"`
		}
		var rows []row
		for _, m := range c.Models {
			rows = append(rows, row{m.Name, m.Node, m.ELPD, jsonNum(m.SE), m.Diff, jsonNum(m.SEDiff), m.Folds})
		}
		return writeJSON(e.stdout, map[string]any{"column": c.Column, "cv": "unit", "folds": c.Folds, "units": len(c.Units),
			"scored_units": c.Scored, "rows": c.Rows, "models": rows})
	}
	e.logf("column %s: %d of %d units scored by every fit, %d observations\n", c.Column, c.Scored, len(c.Units), c.Rows)
	if err := report.CVTable(c).Render(e.stdout, format); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout)
	if err := report.CVFoldTable(c).Render(e.stdout, format); err != nil {
		return err
	}
	if len(c.Models) > 1 {
		if d := c.Models[1]; math.Abs(d.Diff) < 2*d.SEDiff {
			fmt.Fprintf(e.stderr, "warning: %s and %s differ by less than two standard errors (%.1f, se %.1f): the data do not separate them\n", c.Models[0].Name, d.Name, d.Diff, d.SEDiff)
		}
	}
	return nil
}

// jsonNum is v, or nil (JSON null) for NaN, which JSON cannot hold.
func jsonNum(v float64) any {
	if math.IsNaN(v) {
		return nil
	}
	return v
}
