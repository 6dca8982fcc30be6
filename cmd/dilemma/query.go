package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"dilemma/fit"
	"dilemma/internal/atomicfile"
	"dilemma/query"
	"dilemma/table"
)

func init() {
	register(&command{
		name:    "query",
		summary: "average causal effect of an intervention, per posterior draw",
		usage: `Usage: dilemma query FITDIR 'do(NODE = VALUE, …)' [--outcome NODE] [--versus 'do(…)']
                    [--horizon H] [--pulse] [--at 'NODE=V1,V2,…'] [--level 0.9]
                    [--assume-identified] [--scale raw|fit] [--allow-extrapolation]
                    [--format text|csv|markdown|latex] [--json] [--out FILE.csv]

Computes, for every posterior draw of the fit in FITDIR, the average effect
on the outcome of an intervention, propagated through the fitted structural
equations in topological order (and over lagged edges with --horizon). VALUE
is a value to set (2, or (-1) for a negative one), a shift (+0.5, -0.5), a
shift in standard deviations of the node (+1sd) or the unit's own quantile
(q90). --versus contrasts with another intervention (default: none).

Units. By default (--scale raw) values are read in the column's own units
and the effect is reported in the outcome column's units: every transform
step that can be undone value by value (standardize, center, log, log1p,
logit) is inverted, with the mean and sd of standardize recomputed from the
fit's data. do(stringency = 60) sets the column to 60; +5 adds 5 of its
units; +1sd is one sd of the column itself; q90 each unit's own 90%
quantile of it. Through a log or logit the shift is applied to every row's
own value, so on the fit's scale it differs by row. A nonlinear inverse of
the outcome is applied row by row: the effect is the average over rows of
inv(y + change) − inv(y), each row's own value y kept. Steps that reindex
or combine values (lag, lead, diff, peer_mean, indicator) are not inverted:
such a node's units are the values those steps give. A latent node has no
units; it stays on its latent scale. --scale fit reads values and reports
effects on the fit's transformed scale instead. The header and the JSON
(scale_kind, units) say which.

A value outside the range the column takes in the data (for a shift: more
than 5% of the rows moved outside it) is a warning with that range; one more
than 3× the observed span beyond the nearest end is refused unless
--allow-extrapolation. A value outside a transform's domain
(log of 0), a non-finite or overflowing value (NaN, Inf, 1e400) is refused.

Conditional effects. --at 'z=q10,q50,q90' answers the query once for each
value of z, with z held at that value: its values set to it at every row
where z is observed, wherever the equations read them (lagged values and
moderated products too), in both worlds. z is conditioned on, not
intervened on, as brms's conditional_effects sets a covariate (if the
intervention reaches z, z moves from the value by that change). These are
the conditional effects a moderator (moderator="z" on an edge x -> y, see
'go doc dilemma/model') makes differ.
For a gaussian y, do(x = +d) at z = v moves y by (b + c·v)·d. Values are in
z's own units (the fit's scale with --scale fit): a number (negative ones need
no parentheses), qNN, the NN% quantile of z over every observed row, or ±Ksd,
z's mean plus K of its sds. Effects are exact through moderated edges
without --at too: the product x·z changes by Δx·z + x·Δz + Δx·Δz at each
row, with z the row's own (possibly also changed) value.

The report gives the posterior mean, sd, credible interval, P(effect < 0),
P(effect > 0) and the probability of the sign the model's edge signs imply,
and ends with what it rests on: the edges on the causal paths with their
prior-to-posterior contraction, and the fit's diagnostics. A query that is
not identified (an open back-door through a latent node, a causal path
through a node the fit drops) is refused with the reason, unless
--assume-identified, which the report's first line then states. With
--format csv or latex the table goes to stdout and the other lines to stderr.

Examples:
  dilemma query fit-fig2r 'do(goodwill_signals = +1sd)' --outcome dilemma
  dilemma query fit-fig2r 'do(fear = +1sd)' --outcome unilateralism --horizon 6
  dilemma query fit-fig2r 'do(threat = q90)' --versus 'do(threat = q10)' --outcome fear
  dilemma query fit-fig2r 'do(interaction_density = +1sd)' --json --out draws.csv
  dilemma query fit-fig2r 'do(interaction_density = 60)' --versus 'do(interaction_density = 40)'
  dilemma query fit-fig2r 'do(fear = +1sd)' --outcome unilateralism --scale fit
  dilemma query fit-mod 'do(intent_uncertainty = +1sd)' --outcome fear --at 'goodwill_signals=q10,q50,q90'`,
		run: runQuery,
	})
	register(&command{
		name:    "remedies",
		summary: "rank the model's remedies by their effect on the outcome",
		usage: `Usage: dilemma remedies FITDIR [--outcome NODE] [--horizon H] [--level 0.9] [--assume-identified]
                       [--format text|csv|markdown|latex] [--json] [--out FILE.csv]

For every node with role="remedy", the average effect on the outcome of a
one-sd increase (one sd of the remedy's own column, effects in the
outcome's own units; --scale fit for the fit's transformed scale; see
'dilemma query -h', Units), per posterior draw, ranked from the largest reduction: the
paper's claim that the remedies reduce the dilemma, put to the data. A remedy
whose effect is not identified is listed as refused (with the reason) unless
--assume-identified. --out writes one column of per-draw effects per remedy.

Examples:
  dilemma remedies fit-fig2r
  dilemma remedies fit-fig2r --assume-identified --format markdown
  dilemma remedies fit-fig2r --outcome unilateralism --horizon 3 --json`,
		run: runRemedies,
	})
	register(&command{
		name:    "counterfactual",
		summary: "unit-level counterfactual by abduction, action and prediction",
		usage: `Usage: dilemma counterfactual FITDIR --unit UNIT|all --time PERIOD --set 'NODE = VALUE, …'
                             [--outcome NODE] [--horizon H] [--pulse] [--seed N] [--level 0.9]
                             [--assume-identified] [--format …] [--json] [--out FILE.csv]

What would the outcome of UNIT at PERIOD have been had NODE been VALUE? Per
posterior draw: the unit's noise is recovered from its observed values
(exactly for gaussian and latent nodes; for bernoulli and ordered nodes the
latent logistic noise is drawn within the interval its observed category
allows), the intervention is applied, and the outcome predicted. The report
gives the factual value, the counterfactual's posterior and their difference
(in the outcome's own units by default; --scale fit for the fit's scale; see
'dilemma query -h', Units), and, for comparison, the population-average
effect of the same intervention.
--unit all answers for every unit observed at PERIOD; --out writes every
unit's per-draw values (unit, time, period, draw, factual, counterfactual,
difference).

Examples:
  dilemma counterfactual fit-fig2r --unit USA --time 2020-04 --set 'external_mechanism=+1sd' --outcome unilateralism
  dilemma counterfactual fit-fig2r --unit all --time 2020-04 --set 'fear=-1sd' --outcome unilateralism --out cf.csv`,
		run: runCounterfactual,
	})
	register(&command{
		name:    "mediate",
		summary: "natural direct and indirect effects through one or more mediators",
		usage: `Usage: dilemma mediate FITDIR --exposure NODE --mediator NODE[,NODE…] [--outcome NODE]
                      [--do 'NODE = VALUE'] [--horizon H] [--level 0.9] [--assume-identified]
                      [--format …] [--json] [--out FILE.csv]

Decomposes the effect of the exposure (default: a one-sd increase) on the
outcome, per posterior draw, into the natural direct effect (mediators held
at their factual values) and the natural indirect effect through the
mediators, with the proportion mediated. With several mediators it adds the
path-specific effect through each (paths through two mediators count in
both). Values and effects are in the columns' own units unless --scale fit
(see 'dilemma query -h', Units).

Examples:
  dilemma mediate fit-fig2r --exposure unequal_exposure --mediator intent_uncertainty --outcome unilateralism
  dilemma mediate fit-fig2r --exposure goodwill_signals --mediator fear,intent_uncertainty --outcome unilateralism --assume-identified`,
		run: runMediate,
	})
	register(&command{
		name:    "sensitivity",
		summary: "how an unobserved confounder would change an effect (robustness)",
		usage: `Usage: dilemma sensitivity FITDIR --exposure NODE [--outcome NODE] [--a LIST] [--b LIST]
                          [--prior-sd S] [--level 0.9] [--assume-identified] [--format …] [--json] [--out FILE.csv]

Adds an unobserved confounder U ~ normal(0, 1) of exposure and outcome with
strength a (on the exposure, as a share of its residual sd) and b (on the
outcome, in residual sds) and corrects the effect of a one-sd increase of
the exposure, per posterior draw, by the omitted-variable bias
a·b·σ_Y·sd_X/σ_X. The table covers the grid of a and b; the header gives the
strength r (a = b = r, toward zero) at which the posterior mean, and the
credible interval, would reach zero: a Bayesian analogue of the robustness
value. --prior-sd S also averages over a, b ~ normal(0, S). --out writes the
per-draw effect and bias factor. The exposure is shifted by one sd of its
fit-scale column (the same at every row, as the bias formula needs); the
effect is in the outcome's own units when its transform is linear
(standardize, center), else on the fit's scale, as the header says.

Examples:
  dilemma sensitivity fit-fig2r --exposure interaction_density --outcome dilemma --assume-identified
  dilemma sensitivity fit-fig2r --exposure fear --outcome unilateralism --a 0,0.2,0.4 --b -0.4,0,0.4`,
		run: runSensitivity,
	})
}

// queryFlags are the flags every query command shares.
type queryFlags struct {
	outcome string
	level   float64
	assume  bool
	format  string
	json    bool
	out     string
	horizon int
	scale   string
	extrap  bool
}

func (q *queryFlags) register(fs *flag.FlagSet, horizon bool) {
	fs.StringVar(&q.outcome, "outcome", "", "outcome node (default: the model's outcome)")
	fs.Float64Var(&q.level, "level", 0.9, "probability of the central credible interval")
	fs.BoolVar(&q.assume, "assume-identified", false, "compute a query that is not identified (the report's first line says so)")
	fs.StringVar(&q.format, "format", "text", "table format: text, csv, markdown or latex")
	fs.BoolVar(&q.json, "json", false, "print JSON")
	fs.StringVar(&q.out, "out", "", "write per-draw values to this CSV file")
	if horizon {
		fs.IntVar(&q.horizon, "horizon", 0, "report periods 0 … H after the intervention starts (lagged edges)")
	}
	fs.StringVar(&q.scale, "scale", "raw", "read values and report effects in the columns' own units (raw) or on the fit's transformed scale (fit)")
	fs.BoolVar(&q.extrap, "allow-extrapolation", false, "compute interventions more than 3× the observed span beyond a node's range in the data (refused otherwise)")
}

func (q *queryFlags) check() error {
	if err := table.CheckFormat(q.format); err != nil {
		return usagef("%v", err)
	}
	if !(q.level > 0 && q.level < 1) {
		return usagef("--level %g: want a probability between 0 and 1, e.g. 0.9", q.level)
	}
	if q.horizon < 0 {
		return usagef("--horizon %d: want 0 or more periods", q.horizon)
	}
	if _, err := query.ParseScale(q.scale); err != nil {
		return usagef("--%v", err)
	}
	if q.out != "" {
		return checkOutFile("--out", q.out)
	}
	return nil
}

func (q *queryFlags) options() query.Options {
	sc, _ := query.ParseScale(q.scale)
	return query.Options{Outcome: q.outcome, Level: q.level, AssumeIdentified: q.assume, Horizon: q.horizon,
		Scale: sc, AllowExtrapolation: q.extrap}
}

// openEngine opens a fit directory for queries.
func openEngine(e *env, dir string) (*query.Engine, error) {
	f, err := fit.Open(dir)
	if err != nil {
		return nil, inputErr(err)
	}
	eng, err := query.New(f)
	if err != nil {
		return nil, inputErr(err)
	}
	e.logf("fit %s: model %s, %d draws\n", dir, f.Manifest.Model.Name, eng.Draws())
	return eng, nil
}

// queryReport is what every query report can do.
type queryReport interface {
	Header() []string
	Table() *table.Table
	WriteDraws(w io.Writer) error
}

// printReport prints header, table and footer (or JSON), and writes the
// per-draw values when asked.
func printReport(e *env, q *queryFlags, r queryReport, basis *query.Basis, jsonValue any) error {
	if q.out != "" {
		if err := writeFileAtomic(q.out, r.WriteDraws); err != nil {
			return err
		}
		e.logf("wrote per-draw values to %s\n", q.out)
	}
	if q.json {
		// The header (with its warnings) is not printed: say them here.
		for _, w := range basis.RangeWarnings {
			fmt.Fprintln(e.stderr, "warning: "+w)
		}
		return writeJSON(e.stdout, jsonValue)
	}
	side := e.stdout
	if q.format == "csv" || q.format == "latex" {
		side = e.stderr // keep stdout a clean table
	}
	for _, l := range r.Header() {
		fmt.Fprintln(side, l)
	}
	fmt.Fprintln(side)
	if err := r.Table().Render(e.stdout, q.format); err != nil {
		return err
	}
	fmt.Fprintln(side)
	for _, l := range basis.Footer() {
		fmt.Fprintln(side, l)
	}
	return nil
}

// writeFileAtomic writes path whole or not at all: a temporary file in the
// same directory, renamed into place.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	return atomicfile.Write(path, write)
}

// queryErr marks a query's failure as the input's fault (exit status 1):
// a syntax error, an unknown node, a refusal, a unit or a period not in the
// data, a node without the values the query needs.
func queryErr(err error) error { return inputErr(err) }

func runQuery(e *env, args []string) error {
	c := commands["query"]
	fs := newFlags(e, c)
	var q queryFlags
	q.register(fs, true)
	versus := fs.String("versus", "", "contrast with this intervention, e.g. 'do(x = 0)' (default: none)")
	pulse := fs.Bool("pulse", false, "intervene in period 0 only (default: sustained over the horizon)")
	atFlag := fs.String("at", "", "conditional effects: hold NODE's values at each value at every row, e.g. 'z=q10,q50,q90' (numbers in NODE's units, qNN quantiles, ±Ksd)")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("give FITDIR and a query such as 'do(goodwill_signals = +1sd)'; see 'dilemma query -h'")
	}
	var at query.At
	if *atFlag != "" {
		if at, err = query.ParseAt(*atFlag); err != nil {
			return inputErr(err)
		}
	}
	if err := q.check(); err != nil {
		return err
	}
	do, err := query.Parse(pos[1])
	if err != nil {
		return inputErr(err)
	}
	var vs query.Do
	if *versus != "" {
		if vs, err = query.Parse(*versus); err != nil {
			return inputErr(fmt.Errorf("--versus: %w", err))
		}
	}
	eng, err := openEngine(e, pos[0])
	if err != nil {
		return err
	}
	opt := q.options()
	opt.Pulse = *pulse
	if *atFlag != "" {
		rep, err := eng.Conditional(do, vs, at, opt)
		if err != nil {
			return queryErr(err)
		}
		return printReport(e, &q, rep, rep.Basis, rep)
	}
	rep, err := eng.Effect(do, vs, opt)
	if err != nil {
		return queryErr(err)
	}
	return printReport(e, &q, rep, rep.Basis, rep)
}

func runRemedies(e *env, args []string) error {
	c := commands["remedies"]
	fs := newFlags(e, c)
	var q queryFlags
	q.register(fs, true)
	dir, err := parseFitDir(e, c, fs, args)
	if err != nil {
		return err
	}
	if err := q.check(); err != nil {
		return err
	}
	eng, err := openEngine(e, dir)
	if err != nil {
		return err
	}
	rep, err := eng.Remedies(q.options())
	if err != nil {
		return queryErr(err)
	}
	return printReport(e, &q, rep, rep.Basis, rep)
}

func runCounterfactual(e *env, args []string) error {
	c := commands["counterfactual"]
	fs := newFlags(e, c)
	var q queryFlags
	q.register(fs, true)
	unit := fs.String("unit", "", "the unit (e.g. USA), or all")
	tm := fs.String("time", "", "the period (e.g. 2020-04)")
	set := fs.String("set", "", "the intervention, e.g. 'external_mechanism=+1sd'")
	pulse := fs.Bool("pulse", false, "intervene in the first period only (default: sustained over the horizon)")
	seed := fs.Uint64("seed", 1, "seed of the noise draws for bernoulli and ordered nodes")
	dir, err := parseFitDir(e, c, fs, args)
	if err != nil {
		return err
	}
	if *unit == "" || *set == "" {
		return usagef("give --unit (or --unit all), --time and --set 'NODE = VALUE'")
	}
	if err := q.check(); err != nil {
		return err
	}
	do, err := query.ParseAssignments(*set)
	if err != nil {
		return inputErr(fmt.Errorf("--set: %w", err))
	}
	eng, err := openEngine(e, dir)
	if err != nil {
		return err
	}
	opt := q.options()
	opt.Pulse, opt.Seed = *pulse, *seed
	rep, err := eng.Counterfactual(do, *unit, *tm, opt)
	if err != nil {
		return queryErr(err)
	}
	return printReport(e, &q, rep, rep.Basis, rep)
}

func runMediate(e *env, args []string) error {
	c := commands["mediate"]
	fs := newFlags(e, c)
	var q queryFlags
	q.register(fs, true)
	exposure := fs.String("exposure", "", "the exposure node")
	mediators := fs.String("mediator", "", "mediator node(s), comma-separated")
	doFlag := fs.String("do", "", "the exposure's intervention, e.g. 'x = +0.5' (default: +1sd)")
	dir, err := parseFitDir(e, c, fs, args)
	if err != nil {
		return err
	}
	if *exposure == "" || *mediators == "" {
		return usagef("give --exposure and --mediator")
	}
	if err := q.check(); err != nil {
		return err
	}
	var do query.Do
	if *doFlag != "" {
		if do, err = query.ParseAssignments(*doFlag); err != nil {
			return inputErr(fmt.Errorf("--do: %w", err))
		}
	}
	var ms []string
	for _, m := range strings.Split(*mediators, ",") {
		if m = strings.TrimSpace(m); m != "" {
			ms = append(ms, m)
		}
	}
	eng, err := openEngine(e, dir)
	if err != nil {
		return err
	}
	rep, err := eng.Mediate(*exposure, ms, do, q.options())
	if err != nil {
		return queryErr(err)
	}
	return printReport(e, &q, rep, rep.Basis, rep)
}

// floatList reads "0,0.1,0.2".
func floatList(name, s string) ([]float64, error) {
	if s == "" {
		return nil, nil
	}
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, usagef("--%s: %q is not a finite number", name, f)
		}
		out = append(out, v)
	}
	return out, nil
}

func runSensitivity(e *env, args []string) error {
	c := commands["sensitivity"]
	fs := newFlags(e, c)
	var q queryFlags
	q.register(fs, true)
	exposure := fs.String("exposure", "", "the exposure node")
	aList := fs.String("a", "", "strengths of U on the exposure, comma-separated (default 0,0.1,…,0.5)")
	bList := fs.String("b", "", "strengths of U on the outcome, comma-separated (default -0.5,…,0.5)")
	priorSD := fs.Float64("prior-sd", 0, "also average over a, b ~ normal(0, S)")
	dir, err := parseFitDir(e, c, fs, args)
	if err != nil {
		return err
	}
	if *exposure == "" {
		return usagef("give --exposure")
	}
	if err := q.check(); err != nil {
		return err
	}
	if !(*priorSD >= 0 && *priorSD <= 10) {
		return usagef("--prior-sd %v: want 0 (none) to 10", *priorSD)
	}
	opt := query.SensitivityOptions{Options: q.options(), PriorSD: *priorSD}
	if opt.A, err = floatList("a", *aList); err != nil {
		return err
	}
	if opt.B, err = floatList("b", *bList); err != nil {
		return err
	}
	eng, err := openEngine(e, dir)
	if err != nil {
		return err
	}
	rep, err := eng.Sensitivity(*exposure, opt)
	if err != nil {
		return queryErr(err)
	}
	return printReport(e, &q, rep, rep.Basis, rep)
}
