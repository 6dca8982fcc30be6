package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"dilemma/fit"
	"dilemma/inference"
	"dilemma/report"
)

func init() {
	register(&command{
		name:    "report",
		summary: "a report on any model: edges, implications and repairs, comparison, remedies, checks",
		usage: `Usage: dilemma report MODEL --out DIR [--data CSV] [--compare OTHER,...] [--units U,...] [--fit FITDIR]
                      [--chains 4] [--warmup 1000] [--samples 1000] [--seed N]

Fits MODEL (a built-in name or a model file) to the panel (the embedded
COVID-19 panel unless --data) and writes a report on it, the same for any
graph; nothing in it knows the built-in models. DIR receives report.md and
report.html with every figure (PNG and PDF) and table (CSV, Markdown,
LaTeX), the fit directories and a manifest:

  - the causal graph with each edge's posterior, and how each node is
    measured (column or indicators, transform, family, quality);
  - every edge: median, 90% interval, P(expected sign) and contraction
    (forest and prior-against-posterior figures), and how many claimed
    signs the data support;
  - prior sensitivity by power-scaling (edges decided by their prior, and
    prior-data conflicts);
  - the graph's testable implications, tested within units with errors
    clustered by unit, and repair hints: edges or self-lags that would
    explain the contradicted ones (as 'dilemma graph suggest');
  - with --compare, each rival model (a model, or a fit directory of the
    same data, reused) fitted with the same settings and compared by
    PSIS-LOO on the outcome column they share, with stacking weights;
  - mediation where node roles say: for each node with role="mediator" on
    a path to the outcome, the natural direct and indirect effects of each
    exposure (nodes with the exposure flag, else the mediator's parents
    that are not remedies);
  - the remedies (role="remedy"): each one's effect on the outcome with
    P(reduces), and over --horizon periods;
  - with --units, unit-level counterfactuals at --period: the top remedy
    (else the first exposure, else the outcome's strongest parent) one sd
    higher;
  - sampler diagnostics, energy, trace and rank figures, posterior
    predictive checks, and misfit warnings (statistics of the data the
    families do not reproduce);
  - the data's source, with the attribution when it is the embedded panel.

--fit FITDIR reuses a fit directory instead of fitting (MODEL may then be
left out; given, it must be the fit's model; --data must be the fit's
data); the --compare models are then fitted with that fit's settings
unless sampler flags are given. Every flag is checked against the models and the data before any
sampling; a refusal is one line naming the flag, exit status 1. DIR is
written whole or not at all (a temporary directory renamed into place);
an existing DIR is replaced only if it is an earlier report. SIGINT,
SIGTERM and SIGHUP stop the run and remove the temporary directory.

'dilemma paper' is this report on the built-in models with the paper's
narrative around it.

Examples:
  dilemma report my-model.dag --data mypanel.csv --unit country --time year --out rep
  dilemma report my-model.dag --data mypanel.csv --compare rival.dag --out rep
  dilemma report fig2 --compare fig1 --units USA,DEU --out rep-fig2
  dilemma report --fit fit-mine --compare fit-rival --out rep   # no sampling`,
		run: runReport,
	})
}

func runReport(e *env, args []string) error {
	c := commands["report"]
	fs := newFlags(e, c)
	o := report.Options{Settings: fit.DefaultSettings()}
	fs.StringVar(&o.Out, "out", "", "report directory to write (required)")
	fs.StringVar(&o.DataPath, "data", "", "panel CSV (default: the embedded COVID-19 panel)")
	var df dataFlags
	df.register(fs)
	reportSamplerFlags(fs, &o.Settings)
	fs.StringVar(&o.FitDir, "fit", "", "reuse this fit directory of MODEL instead of fitting")
	var compare listFlag
	fs.Var(&compare, "compare", "rival models or fit directories, comma-separated or repeated")
	units := fs.String("units", "", "units for the counterfactuals, comma-separated (default: none)")
	fs.StringVar(&o.Time, "period", "", "period of the counterfactuals (default: the 16th period, or the last)")
	fs.IntVar(&o.Horizon, "horizon", 6, "periods over which the remedies' effects are followed (fewer by default on a shorter panel)")
	fs.IntVar(&o.Hints, "hints", 5, "repair hints listed at most")
	fs.Float64Var(&o.Width, "width", 7, "figure width in inches (3.5 for a journal column)")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 1:
		return usagef("unexpected argument %q (see 'dilemma report -h')", pos[1])
	case len(pos) == 1:
		o.Model = pos[0]
	case o.FitDir == "":
		return usagef("name a model, or a fit directory with --fit (see 'dilemma report -h')")
	}
	if o.Out == "" {
		return usagef("--out DIR is required")
	}
	set := setFlags(fs)
	if o.FitDir != "" && !set["chains"] && !set["warmup"] && !set["samples"] && !set["seed"] && !set["latent-values"] && !set["missing"] && !set["time-effects"] && !set["unit-effects"] {
		o.Settings = fit.Settings{} // the rivals are fitted as the reused fit was
	} else if err := checkSettings(o.Settings, 10); err != nil {
		return err
	}
	if err := df.check(fs, o.DataPath); err != nil {
		return err
	}
	if err := checkFinite("width", o.Width); err != nil {
		return err
	}
	if o.Width <= 0 {
		return usagef("--width %g: want a figure width in inches, e.g. 7 or 3.5", o.Width)
	}
	if o.Horizon < 1 {
		return usagef("--horizon %d: want 1 or more periods", o.Horizon)
	}
	if !set["horizon"] {
		o.Horizon = 0 // 6, or fewer on a shorter panel
	}
	if o.Hints < 1 {
		return usagef("--hints %d: want 1 or more", o.Hints)
	}
	if err := checkOutDir("--out", o.Out, "report.md", "report directory"); err != nil {
		return err
	}
	for _, u := range strings.Split(*units, ",") {
		if u = strings.TrimSpace(u); u != "" {
			o.Units = append(o.Units, u)
		}
	}
	o.Compare = compare
	for _, name := range append([]string{o.Model}, o.Compare...) {
		if name == "" || isDir(name) {
			continue
		}
		if err := lintModelName(e, name); err != nil {
			return err
		}
	}
	if o.DataPath != "" {
		o.Keys = df.options()
	}
	o.Logf = e.logf
	chains := o.Settings.Chains
	if chains == 0 {
		m, err := fit.ReadManifest(filepath.Join(o.FitDir, fit.ManifestFile))
		if err != nil {
			return inputErr(err)
		}
		chains = m.Settings.Chains
	}
	prog := newProgress(e, chains)
	current := ""
	o.Progress = func(model string, p inference.Progress) {
		if model != current {
			prog.done()
			prog = newProgress(e, chains)
			current = model
		}
		prog.update(p)
	}
	noteStaleTemps(e, o.Out)
	res, err := report.Run(e.context(), o)
	prog.done()
	if ie := (*inference.InternalError)(nil); errors.As(err, &ie) {
		return err // exit 2
	}
	if err != nil {
		return inputErr(err)
	}
	fmt.Fprintf(e.stdout, "wrote %s/report.md and report.html (%d files)\n", res.Dir, len(res.Files))
	return nil
}

// listFlag collects a flag given several times or as a comma-separated
// list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// isDir reports whether path is an existing directory (a fit directory
// given to --compare).
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
