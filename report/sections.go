package report

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
	"dilemma/plots"
	"dilemma/query"
	"dilemma/table"
)

// The sections below are the parts of a report that hold for any model:
// Run's report writes them all, package paper writes them with its
// narrative around. Each writes its text, tables and figures into the
// Document; a question that cannot be answered is said in the text, not
// returned as an error (only a failure to write a file is).

// DiagnosticsBanner warns at the top when a fit has sampler problems.
func (d *Document) DiagnosticsBanner(fits []*fit.Fit) {
	for _, f := range fits {
		if len(f.Warnings) > 0 {
			d.P("> **Warning: the sampler reports problems for `%s`** (%d warning%s, see Diagnostics). Read its estimates with care.\n\n", f.Manifest.Model.Name, len(f.Warnings), plural(len(f.Warnings)))
		}
	}
}

// MeasuresTable lists how each node of m is measured: its data (column,
// indicators, or none), transform, family and quality grade.
func MeasuresTable(m *model.Model) *table.Table {
	t := &table.Table{Columns: []string{"node", "data", "transform", "family", "quality"}}
	for _, n := range m.Nodes {
		src := n.Column
		if len(n.Indicators) > 0 {
			src = "latent; indicators " + strings.Join(n.Indicators, ", ")
		} else if n.Fixed() {
			src = "none (fixed root, not estimated)"
		} else if n.Latent {
			src = "latent, no indicators (not estimated)"
		}
		t.Rows = append(t.Rows, []string{n.Name, src, n.Transform, n.Family, n.Quality})
	}
	return t
}

// Measures writes the measures table of m.
func (d *Document) Measures(m *model.Model, caption string) error {
	return d.Table("measures", caption, MeasuresTable(m))
}

// SignVerdict counts the edges whose claimed sign the posterior supports
// (P(sign) ≥ 0.95), contradicts (≤ 0.05) or leaves undecided.
func (d *Document) SignVerdict(f *fit.Fit) {
	var agree, against, unclear []string
	for _, e := range f.Edges {
		if e.Loading || e.Sign == 0 {
			continue
		}
		switch {
		case e.PSign >= 0.95:
			agree = append(agree, e.Edge)
		case e.PSign <= 0.05:
			against = append(against, e.Edge)
		default:
			unclear = append(unclear, e.Edge)
		}
	}
	verb := func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	}
	if n := len(agree) + len(against) + len(unclear); n == 0 {
		d.P("No estimated edge claims a sign (sign=\"+\" or \"-\" in the model file), so P(sign) is not reported.")
	} else {
		d.P("Of the %d estimated edges with a claimed sign, %d %s that sign with posterior probability ≥ 0.95, %d %s the opposite sign with probability ≥ 0.95, and %d %s undecided.", n,
			len(agree), verb(len(agree), "has", "have"), len(against), verb(len(against), "has", "have"), len(unclear), verb(len(unclear), "is", "are"))
	}
	if len(against) > 0 {
		d.P(" Against the claim: %s.", strings.Join(against, "; "))
	}
	if len(f.Plan.Dropped) > 0 {
		d.P(" Not estimated (no data): %s.", strings.Join(f.Plan.Dropped, ", "))
	}
	d.P("\n\n")
}

// PriorSensitivity says which edges power-scaling flags
// (fit.SensitivityNotes): whether the prior, rather than the data, decides
// them.
func (d *Document) PriorSensitivity(f *fit.Fit) {
	notes := f.SensitivityNotes()
	d.P("**Prior sensitivity.** Power-scaling the prior and the likelihood (raising each to a power near 1 by importance weighting the draws, as R's priorsense does) shows how much each edge depends on either; an edge sensitive to the prior and to the likelihood has a prior-data conflict, one sensitive to the prior only is decided by its prior. ")
	if len(notes) == 0 {
		d.P("No edge of `%s` is flagged (every prior sensitivity below 0.05); the columns prior_sens and lik_sens of edges.csv give the figures.\n\n", f.Manifest.Model.Name)
		return
	}
	d.P("Flagged in `%s`:\n\n", f.Manifest.Model.Name)
	for _, n := range notes {
		d.P("- %s\n", strings.TrimPrefix(n, "prior sensitivity: "))
	}
	d.P("\n")
}

// ImplicationsTable tests each fit's graph's implications on its data
// within units (model.TestPanel) and counts them per group; the reports
// come back in the fits' order (nil where the test failed, with the
// error in errs).
func ImplicationsTable(fits []*fit.Fit) (t *table.Table, reps []*model.ImplicationReport, errs []error) {
	t = &table.Table{Columns: []string{"model", "group", "implications", "tested", "untestable within units", "contradicted", "share", "after Holm"},
		Align: []table.Align{table.Left, table.Left, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right}}
	for _, f := range fits {
		m := f.Plan.Model
		rep, err := m.TestPanel(f.Plan.Panel, model.PanelTestOptions{})
		reps, errs = append(reps, rep), append(errs, err)
		if err != nil {
			continue
		}
		for _, g := range []model.ImplicationGroup{model.CrossNode, model.Autocorrelation} {
			s := rep.Summary[g]
			share := "n/a"
			if s.Tested > 0 {
				share = fmt.Sprintf("%.0f%%", 100*s.Share())
			}
			t.Rows = append(t.Rows, []string{f.Manifest.Model.Name, g.String(), fmt.Sprint(s.Implications), fmt.Sprint(s.Tested),
				fmt.Sprint(s.Untestable), fmt.Sprint(s.Contradicted), share, fmt.Sprint(s.ContradictedHolm)})
		}
	}
	return t, reps, errs
}

// Implications writes the implications table of the fits (name: the
// table's file name, units: what the data's units are, e.g. "units" or
// "countries"). With hints > 0 it adds up to that many repair hints
// (model.Suggest) for the first fit whose implications the data
// contradict.
func (d *Document) Implications(fits []*fit.Fit, units string, hints int) error {
	t, reps, errs := ImplicationsTable(fits)
	for k, err := range errs {
		if err != nil {
			d.P("*%s: %v*\n\n", fits[k].Manifest.Model.Name, err)
		}
	}
	what := "the graph"
	if len(fits) > 1 {
		what = "the graphs"
	}
	if err := d.Table("implications", fmt.Sprintf("Testable implications of %s, tested within %s at the 5%% level (untestable ones involve latent nodes or columns constant within %s).", what, units, units), t); err != nil {
		return err
	}
	if hints <= 0 || len(fits) == 0 || reps[0] == nil {
		return nil
	}
	f, rep := fits[0], reps[0]
	var contradicted []model.ImplicationTest
	for _, tt := range rep.Tests {
		if tt.Contradicted {
			contradicted = append(contradicted, tt)
		}
	}
	if len(contradicted) == 0 {
		d.P("No implication of `%s` is contradicted at the 5%% level: the data give no reason to add an edge.\n\n", f.Manifest.Model.Name)
		return nil
	}
	hs, _, err := f.Plan.Model.Suggest(f.Plan.Panel, model.PanelTestOptions{})
	if err != nil {
		d.P("*Repair hints for `%s`: %v.*\n\n", f.Manifest.Model.Name, err)
		return nil
	}
	if len(hs) == 0 {
		d.P("No single edge that respects time order would explain the %d contradicted implications of `%s`: they point to common causes the graph omits.\n\n", len(contradicted), f.Manifest.Model.Name)
		return nil
	}
	if len(hs) > hints {
		hs = hs[:hints]
	}
	ht := &table.Table{Columns: []string{"edge to add", "kind", "partial r", "p", "contradicted before", "after", "explains"},
		Align: []table.Align{table.Left, table.Left, table.Right, table.Right, table.Right, table.Right, table.Left}}
	for _, h := range hs {
		kind := "cross-node"
		if h.SelfLag {
			kind = "self-lag"
		}
		r, p := fmt.Sprintf("%.3f", h.R), fmt.Sprintf("%.3g", h.P)
		if h.Untested != "" {
			r, p = "n/a", "n/a"
		}
		ht.Rows = append(ht.Rows, []string{h.Line(), kind, r, p, fmt.Sprint(h.Before), fmt.Sprint(h.After), strings.Join(h.Explains, "; ")})
	}
	d.P("Repair hints for `%s` (`dilemma graph suggest` lists them all and writes the repaired model with --add): edges between different nodes first, then self-lags; each ranked by the contradictions left once it is added, then by the within-unit evidence for the new parent in the child's equation. A hint is a candidate to refit and compare, not a finding.\n\n", f.Manifest.Model.Name)
	return d.Table("repair-hints", fmt.Sprintf("Edges that would explain the contradicted implications of %s (the first %d).", f.Manifest.Model.Name, len(hs)), ht)
}

// Comparison compares the fits by PSIS-LOO on the data column they share
// (CompareFits) and writes the table "loo". names label the fits (nil:
// their models' names).
func (d *Document) Comparison(fits []*fit.Fit, names []string) error {
	if names == nil {
		names = make([]string, len(fits))
		for k, f := range fits {
			names[k] = f.Manifest.Model.Name
		}
	}
	c, err := CompareFits(fits, names, "")
	if err != nil {
		d.P("*The predictive comparison could not be computed: %v.*\n\n", err)
		return nil
	}
	d.P("The graphs all predict the column `%s` (by the node%s %s). PSIS-LOO estimates each graph's expected log predictive density for a new observation on the %d rows all use (Vehtari, Gelman and Gabry 2017); Pareto k above %.2f flags observations whose estimate is unreliable. Stacking weights (Yao et al. 2018) say how much of the best predictive mixture each graph carries.\n\n",
		c.Column, plural(len(slices.Compact(slices.Sorted(slices.Values(c.Nodes))))), joinDistinct(c.Nodes), c.Rows, c.LOO[0].Threshold)
	if err := d.Table("loo", "Predictive comparison of the graphs on their common outcome (best first; elpd_diff relative to the best).", ComparisonTable(c)); err != nil {
		return err
	}
	cmp := c.Compare
	if len(cmp.Models) >= 2 {
		best, other := cmp.Models[0], cmp.Models[1]
		d.P("The better-predicting graph is %s, by %.1f (se %.1f) in expected log predictive density over the next best.", best.Name, -other.ELPDDiff, other.SEDiff)
		if math.Abs(other.ELPDDiff) < 2*other.SEDiff {
			d.P(" The difference is within two standard errors: the data do not separate the graphs clearly.")
		}
		d.P("\n\n")
		bad := 0
		for _, m := range cmp.Models {
			bad += m.NumBadK
		}
		if bad > 0 {
			d.P("%d observations have Pareto k above the threshold: leave-units-out cross-validation, which refits each graph without some units, checks the comparison (`dilemma compare FITDIR FITDIR --cv unit --folds 10`).\n\n", bad)
		}
		for _, w := range cmp.Warnings {
			d.P("- %s\n", w)
		}
		d.P("\n")
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// joinDistinct joins the distinct names, in order.
func joinDistinct(names []string) string {
	var out []string
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return "`" + strings.Join(out, "`, `") + "`"
}

// BasisNote writes the identification caveats of a query.
func (d *Document) BasisNote(b *query.Basis) {
	if b == nil {
		return
	}
	if b.Assumed {
		d.P("*Not identified by the graph alone; computed assuming identification.* Why: %s.\n\n", strings.Join(b.Problems, "; "))
	}
	if len(b.LeftOut) > 0 {
		d.P("Paths through nodes the fit does not estimate count as zero: %s.\n\n", strings.Join(b.LeftOut, "; "))
	}
	if b.Method != "" {
		d.P("Method: %s.\n\n", b.Method)
	}
	for _, w := range b.RangeWarnings {
		d.P("*Outside the data:* %s.\n\n", w)
	}
}

// UnitPhrase names a query's scale for a caption: "the units of COLUMN"
// or the fit's scale.
func UnitPhrase(kind, units string) string {
	if kind == "raw" {
		return "the units of `" + units + "`"
	}
	return "the " + units
}

// Mediation writes the natural direct and indirect effects of a one-sd
// increase of exposure on outcome through mediators (table "mediation",
// or "mediation-NAME" when name is not empty).
func (d *Document) Mediation(f *fit.Fit, exposure string, mediators []string, outcome, name string) error {
	e, err := query.New(f)
	if err != nil {
		d.P("*The mediation analysis could not run: %v.*\n\n", err)
		return nil
	}
	rep, err := e.Mediate(exposure, mediators, query.Do{}, query.Options{Outcome: outcome, AssumeIdentified: true})
	if err != nil {
		d.P("*Mediation of %s through %s: %v.*\n\n", exposure, strings.Join(mediators, ", "), err)
		return nil
	}
	d.BasisNote(rep.Basis)
	file := "mediation"
	if name != "" {
		file += "-" + name
	}
	return d.Table(file, fmt.Sprintf("Mediation of %s → %s through %s (%s).", exposure, outcome, strings.Join(mediators, ", "), rep.Scale), rep.Table())
}

// Remedies writes each remedy's (role="remedy") average effect on the
// outcome of a one-sd increase, a figure of them, and each one's effect
// over horizon periods; it returns the remedy that reduces the outcome
// most ("" if none could be computed).
func (d *Document) Remedies(f *fit.Fit, outcome string, horizon int) (top string, err error) {
	e, err := query.New(f)
	if err != nil {
		d.P("*The remedies could not be evaluated: %v.*\n\n", err)
		return "", nil
	}
	rep, err := e.Remedies(query.Options{Outcome: outcome, AssumeIdentified: true})
	if err != nil {
		d.P("*Remedies: %v.*\n\n", err)
		return "", nil
	}
	d.P("Each remedy raised by one standard deviation, its average effect on `%s` (%s). P(reduces) is the posterior probability that the remedy lowers the outcome: the claim put to the data.\n\n", outcome, rep.Scale)
	d.BasisNote(rep.Basis)
	if err := d.Table("remedies", fmt.Sprintf("The remedies ranked by their effect on the outcome, in %s (each shifted by one sd of its own column).", UnitPhrase(rep.ScaleKind, rep.Units)), rep.Table()); err != nil {
		return "", err
	}
	d.Figure("remedies", "Each remedy's effect on the outcome (posterior mean and 90% interval) with P(reduces).", nil, f, Request{Kind: "remedies", Outcome: outcome, AssumeIdentified: true})
	for _, row := range rep.Rows {
		if row.Draws == nil {
			continue
		}
		if top == "" {
			top = row.Remedy
		}
		if horizon > 0 {
			d.Figure("horizon-"+row.Remedy, fmt.Sprintf("Effect of a sustained one-sd increase of %s on %s over %d periods (mean and 90%% band). Only lagged edges on a path from the remedy to the outcome make the effect change over time; without them it is the same in every period.", row.Remedy, outcome, horizon), nil, f,
				Request{Kind: "effect-horizon", Outcome: outcome, Do: fmt.Sprintf("do(%s = +1sd)", row.Remedy), Horizon: horizon, AssumeIdentified: true})
		}
	}
	return top, nil
}

// CounterfactualTime picks a default period for counterfactuals: the 16th
// period (one year and a quarter into a monthly panel), or the last one
// on a shorter panel.
func CounterfactualTime(p *data.Panel) string {
	times := p.Times()
	if len(times) > 15 {
		return times[15]
	}
	if len(times) > 0 {
		return times[len(times)-1]
	}
	return ""
}

// Counterfactuals writes, for each of units present in the data, what the
// outcome would have been at time had node been one sd higher (query
// Counterfactual: abduction, action, prediction), as a table and a figure.
// why says why node was chosen, e.g. "the remedy with the largest average
// reduction".
func (d *Document) Counterfactuals(f *fit.Fit, outcome, time, node, why string, units []string) error {
	if node == "" || time == "" {
		return nil
	}
	have := f.Plan.Panel.Units()
	var us []string
	for _, u := range units {
		if slices.Contains(have, u) {
			us = append(us, u)
		}
	}
	if len(us) == 0 {
		return nil
	}
	sort.Strings(us)
	d.P("What would `%s` have been in %s had `%s` (%s) been one sd higher there? Per posterior draw: the unit's own noise is recovered from its data (abduction), the intervention set (action), and the model run forward (prediction).\n\n", outcome, time, node, why)
	e, err := query.New(f)
	if err != nil {
		d.P("*%v*\n\n", err)
		return nil
	}
	do, err := query.ParseAssignments(node + " = +1sd")
	if err != nil {
		d.P("*%v*\n\n", err)
		return nil
	}
	t := &table.Table{}
	unit := ""
	for _, u := range us {
		rep, err := e.Counterfactual(do, u, time, query.Options{Outcome: outcome, AssumeIdentified: true})
		if err != nil {
			d.P("*%s: %v*\n\n", u, err)
			continue
		}
		rt := rep.Table()
		unit = UnitPhrase(rep.ScaleKind, rep.Units)
		if len(t.Columns) == 0 {
			t.Columns, t.Align = rt.Columns, rt.Align
		}
		t.Rows = append(t.Rows, rt.Rows...)
	}
	if len(t.Rows) == 0 {
		return nil
	}
	d.P("A unit's counterfactual can differ from the population effect: for ordered and binary nodes on the path, the unit's own latent noise decides whether a shift crosses a category boundary.\n\n")
	if err := d.Table("counterfactuals", fmt.Sprintf("Unit-level counterfactuals: %s = +1 sd in %s; factual, counterfactual and difference in %s.", node, time, unit), t); err != nil {
		return err
	}
	d.Figure("counterfactual", fmt.Sprintf("Factual against counterfactual %s for the named units (%s one sd higher, %s).", outcome, node, time), nil, f,
		Request{Kind: "counterfactual", Outcome: outcome, Do: fmt.Sprintf("do(%s = +1sd)", node), Units: us, Time: time, AssumeIdentified: true})
	return nil
}

// DiagnosticsTable gives each fit's parameters, minimum bulk ESS, maximum
// R-hat, divergences and warnings.
func DiagnosticsTable(fits []*fit.Fit) *table.Table {
	t := &table.Table{Columns: []string{"model", "parameters", "min bulk ESS", "max R-hat", "divergences", "warnings"},
		Align: []table.Align{table.Left, table.Right, table.Right, table.Right, table.Right, table.Right}}
	for _, f := range fits {
		minESS, maxR := math.Inf(1), 0.0
		for _, s := range f.Summaries {
			if !math.IsNaN(s.ESSBulk) {
				minESS = math.Min(minESS, s.ESSBulk)
			}
			if !math.IsNaN(s.Rhat) {
				maxR = math.Max(maxR, s.Rhat)
			}
		}
		div := 0
		for _, d := range Divergent(f) {
			for _, v := range d {
				if v {
					div++
				}
			}
		}
		t.Rows = append(t.Rows, []string{f.Manifest.Model.Name, fmt.Sprint(len(f.Names)), fmt.Sprintf("%.0f", minESS), fmt.Sprintf("%.3f", maxR), fmt.Sprint(div), fmt.Sprint(len(f.Warnings))})
	}
	return t
}

// Diagnostics writes the fits' sampler diagnostics, the energy, trace and
// rank figures of main, the misfit check of every fit and main's
// posterior predictive checks.
func (d *Document) Diagnostics(fits []*fit.Fit, main *fit.Fit) error {
	what := "the fit"
	if len(fits) > 1 {
		what = "every fit"
	}
	if err := d.Table("diagnostics", fmt.Sprintf("Sampler diagnostics of %s (R-hat and ESS as R's posterior package computes them).", what), DiagnosticsTable(fits)); err != nil {
		return err
	}
	for _, f := range fits {
		for _, w := range f.Warnings {
			d.P("- `%s`: %s\n", f.Manifest.Model.Name, w.String())
		}
	}
	d.P("\n")
	name := main.Manifest.Model.Name
	d.Figure("energy", fmt.Sprintf("Energy diagnostic of the fit of `%s`: the distribution of the marginal energy (centred per chain; %s) against that of the energy transitions (%s), both pooled over the chains, with each chain's E-BFMI below the plot (below 0.3 flags poor exploration).", name, plots.EnergyMarginal, plots.EnergyTransition), nil, main, Request{Kind: "energy"})
	d.Figure("trace", fmt.Sprintf("Trace plots of the edge strengths of `%s`, one colour per chain.", name), nil, main, Request{Kind: "trace"})
	d.Figure("rank", "Rank plots: uniform histograms per chain mean the chains agree.", nil, main, Request{Kind: "rank"})
	d.Misfits(fits)
	for _, node := range PPCNodes(main) {
		d.Figure("ppc-"+node, fmt.Sprintf("Posterior predictive check of %s: the observed distribution against data replicated from 50 posterior draws.", node), nil, main,
			Request{Kind: "ppc", Node: node, Seed: 1})
	}
	return nil
}

// Misfits says, for each fit, which statistics of the data (share of
// zeros and of the maximum, minimum, maximum, dispersion, skewness) the
// fitted families do not reproduce (CheckFit).
func (d *Document) Misfits(fits []*fit.Fit) {
	d.P("**Do the families fit the data?** Each modelled node's data are compared with %d data sets replicated from the posterior on statistics where families fail: the share of values at the minimum (zeros) and at the maximum, the minimum and maximum, the dispersion and the skewness. A statistic outside its %.0f%% predictive interval is a misfit.\n\n", MisfitDraws, 100*MisfitLevel)
	found := false
	for _, f := range fits {
		ms, _ := CheckFit(f, 1)
		for _, line := range MisfitLines(ms) {
			d.P("- `%s`: %s\n", f.Manifest.Model.Name, line)
			found = true
		}
	}
	if !found {
		d.P("No misfit: every statistic lies within its interval.\n")
	}
	d.P("\n")
}

// DataSource writes where the data come from: the embedded panel's
// documentation and attribution, or the file and its SHA-256.
func (d *Document) DataSource(ref fit.DataRef) {
	if ref.Source == "embedded" {
		d.P("The data are the panel that ships with the toolkit (`data/embedded/DATA.md` documents every column, its coverage and caveats). Attribution:\n\n")
		for _, line := range strings.Split(strings.TrimSpace(data.Attribution()), "\n\n") {
			d.P("> %s\n\n", strings.ReplaceAll(line, "\n", " "))
		}
		return
	}
	d.P("Data file `%s` (SHA-256 `%s`).\n\n", ref.Source, ref.SHA256)
}
