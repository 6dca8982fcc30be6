package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"dilemma/fit"
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

Leave-units-out cross-validation (--cv unit --folds K) is not available yet.

Examples:
  dilemma fit fig1 --out fit-fig1
  dilemma fit fig2 --out fit-fig2 --save-latent
  dilemma compare fit-fig1 fit-fig2
  dilemma compare fit-a fit-b fit-c --column c8_max --format markdown
`

func init() {
	c := &command{
		name:    "compare",
		summary: "compare fits by PSIS-LOO on a column they share, with stacking weights",
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
	cv := fs.String("cv", "", "cross-validation instead of PSIS-LOO (not available yet)")
	fs.Int("folds", 0, "number of folds for --cv (not available yet)")
	dirs, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if *cv != "" {
		return usagef("--cv: cross-validation by refitting is not available yet; compare uses PSIS-LOO")
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
	cmp, err := report.CompareFits(fits, names, *column)
	if err != nil {
		return inputErr(err)
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
