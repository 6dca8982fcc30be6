package main

import (
	"errors"
	"fmt"
	"strings"

	"dilemma/fit"
	"dilemma/inference"
	"dilemma/paper"
)

func init() {
	register(&command{
		name:    "paper",
		summary: "the whole analysis: fit both figures, answer the paper's three questions, write a report",
		usage: `Usage: dilemma paper --out DIR [--data CSV] [--chains 4] [--warmup 1000] [--samples 1000] [--seed N] [--no-structure]
                    [--robustness [--robustness-warmup 300] [--robustness-samples 300] [-j K]]

Runs the paper's analysis on the embedded COVID-19 panel (or --data): fits
the traditional security dilemma (fig1) and the non-traditional one with
its remedies (fig2-remedies). When the outcome is a count, it also fits
the outcome's equation alone with each count family that can produce it
(hurdle_negbinomial, zero_inflated_negbinomial, and with a trials column
binomial and beta_binomial) at the same chain lengths and compares them
by PSIS-LOO. Then it answers three questions:

  1. Is there a non-traditional dilemma? The edges and the probability of
     their claimed signs, the graphs' testable implications against the
     data (with repair hints for the non-traditional graph), and a
     PSIS-LOO comparison of the two graphs' predictions.
  2. Why? How much of unequal exposure's effect runs through intent
     uncertainty (natural direct and indirect effects).
  3. How can it be resolved? Each remedy's effect on the outcome with the
     probability that it reduces it, over a 6-month horizon, and
     counterfactuals for named countries.

Panel structure: every fit has random country intercepts and fixed period
effects (one per month and equation) unless --unit-effects and
--time-effects say otherwise: on the embedded panel fixed period effects
predict the outcome better by PSIS-LOO (elpd +144, se 15, at 4 × (1000 +
1000)) and the fit without them does not mix. After the main fits the
paper refits the non-traditional model with within-unit effects
(--unit-effects within: each strength estimated within countries) and,
separately, with its period effects switched (none when it has them,
fixed when it has none), at the same chain settings, compares the three
by PSIS-LOO on the outcome's column, and reports which structure the data
support and how each remedy's effect moves between them. A refit that fails is reported in
that section; the rest of the paper stands. --no-structure skips it (two
fewer fits, for quick runs).

The sections that hold for any model are those of 'dilemma report'; the
paper adds the two-model framing, the three questions, the family
comparison and the panel structures.

--robustness adds a multiverse of the remedies' effects over the choices
the data's documentation (DATA.md) calls debatable: time effects or not,
unequal exposure on the log scale or not, log1p or a binary for goodwill
signals, fear as reported deaths or as stringency; one short fit
per combination (4 chains × (300 + 300) unless --robustness-warmup and
--robustness-samples say otherwise), run here K at a time
(-j). The report gains a specification curve per remedy and the share of
specifications in which each remedy reduces the outcome; DIR/robustness
is the sweep directory (see 'dilemma sweep'). It costs one short fit per
specification (16 on the built-in model).

DIR receives report.md and report.html with every figure (PNG and PDF) and
table (CSV, Markdown, LaTeX) explained, the data's attribution, the quality
of each measure, the diagnostics, both fit directories and a manifest. DIR
is written whole or not at all. Progress goes to stderr.

Every flag is checked against the models and the data before any sampling:
--out (absent, empty or an earlier report, in a writable place), --width
(1.5 to 20 inches), --horizon (1 to the number of periods − 1), --units and
--period (in the data), --exposure, --mediator and --outcome (estimated
nodes of the non-traditional model, the mediator on a causal path from the
exposure to the outcome), the sampler flags as 'dilemma fit' checks them,
and the memory the draws need. A refusal is one line naming the flag, exit
status 1. SIGINT, SIGTERM and SIGHUP stop the run, remove the temporary
directory and exit with 128 + the signal's number (130, 143, 129).

Examples:
  dilemma paper --out results
  dilemma paper --out results --chains 4 --seed 7
  dilemma paper --out quick --warmup 300 --samples 300 --no-structure   # a fast look
  dilemma paper --out results --units USA,GBR,NZL --period 2020-06
  dilemma paper --out results --robustness -j 2`,
		run: runPaper,
	})
}

func runPaper(e *env, args []string) error {
	c := commands["paper"]
	fs := newFlags(e, c)
	o := paper.Options{Settings: fit.DefaultSettings()}
	fs.StringVar(&o.Out, "out", "", "report directory to write (required)")
	fs.StringVar(&o.DataPath, "data", "", "panel CSV (default: the embedded COVID-19 panel)")
	var df dataFlags
	df.register(fs)
	o.Settings.Time = paper.DefaultTimeEffects // chosen by PSIS-LOO: see -h
	reportSamplerFlags(fs, &o.Settings)
	fs.StringVar(&o.Traditional, "traditional", "fig1", "the traditional model (built-in name or model file)")
	fs.StringVar(&o.NonTraditional, "nontraditional", "fig2-remedies", "the non-traditional model with remedies")
	fs.StringVar(&o.Exposure, "exposure", "unequal_exposure", "exposure of the mediation question")
	fs.StringVar(&o.Mediator, "mediator", "intent_uncertainty", "mediator of the mediation question")
	fs.StringVar(&o.Outcome, "outcome", "", "outcome node (default: the model's outcome)")
	units := fs.String("units", "", "countries for the counterfactuals, comma-separated (default: "+strings.Join(paper.DefaultUnits, ",")+", those in the data)")
	fs.StringVar(&o.Time, "period", "", "period of the counterfactuals, e.g. 2021-04 (default: the 16th period)")
	fs.IntVar(&o.Horizon, "horizon", 6, "periods over which the remedies' effects are followed")
	fs.BoolVar(&o.SkipStructure, "no-structure", false, "skip the panel-structure comparison (refits with within-unit effects and with fixed time effects)")
	fs.Float64Var(&o.Width, "width", 7, "figure width in inches (3.5 for a journal column)")
	fs.BoolVar(&o.Robustness, "robustness", false, "add a multiverse of the remedies over the data's debatable choices")
	rs := paper.DefaultRobustnessSettings()
	fs.IntVar(&rs.Warmup, "robustness-warmup", rs.Warmup, "with --robustness: warm-up iterations per chain of each specification")
	fs.IntVar(&rs.Samples, "robustness-samples", rs.Samples, "with --robustness: kept draws per chain of each specification")
	fs.IntVar(&o.RobustnessJobs, "j", 1, "with --robustness: specifications fitted at a time")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q (see 'dilemma paper -h')", pos[0])
	}
	if o.Out == "" {
		return usagef("--out DIR is required")
	}
	if err := checkSettings(o.Settings, 10); err != nil {
		return err
	}
	if err := df.check(fs, o.DataPath); err != nil {
		return err
	}
	// Zero would mean "the default" to package paper: refuse it here.
	if err := checkFinite("width", o.Width); err != nil {
		return err
	}
	if o.Width <= 0 {
		return usagef("--width %g: want a figure width in inches, e.g. 7 or 3.5", o.Width)
	}
	if o.Horizon < 1 {
		return usagef("--horizon %d: want 1 or more periods", o.Horizon)
	}
	if o.Robustness {
		rs.Chains, rs.Seed, rs.Time, rs.RE = o.Settings.Chains, o.Settings.Seed, o.Settings.Time, o.Settings.RE
		if err := checkSettings(rs, 10); err != nil {
			return usagef("%s", "--robustness-"+strings.TrimPrefix(err.Error(), "--"))
		}
		if o.RobustnessJobs < 1 {
			return usagef("-j %d: want 1 or more", o.RobustnessJobs)
		}
		o.RobustnessSettings = rs
	} else if d := paper.DefaultRobustnessSettings(); o.RobustnessJobs != 1 || rs.Warmup != d.Warmup || rs.Samples != d.Samples {
		return usagef("-j, --robustness-warmup and --robustness-samples need --robustness")
	}
	if err := checkOutDir("--out", o.Out, "report.md", "report directory"); err != nil {
		return err
	}
	for _, u := range strings.Split(*units, ",") {
		if u = strings.TrimSpace(u); u != "" {
			o.Units = append(o.Units, u)
		}
	}
	for _, name := range []string{o.Traditional, o.NonTraditional} {
		if err := lintModelName(e, name); err != nil {
			return err
		}
	}
	if o.DataPath != "" {
		o.Keys = df.options()
	}
	o.Logf = e.logf
	prog := newProgress(e, o.Settings.Chains)
	current := ""
	o.Progress = func(model string, p inference.Progress) {
		if model != current {
			prog.done()
			prog = newProgress(e, o.Settings.Chains)
			current = model
		}
		prog.update(p)
	}
	noteStaleTemps(e, o.Out)
	ctx := e.context()
	res, err := paper.Run(ctx, o)
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
