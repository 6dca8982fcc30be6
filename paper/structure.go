package paper

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"dilemma/fit"
	"dilemma/inference"
	"dilemma/query"
	"dilemma/report"
	"dilemma/table"
)

// Panel structures the report compares on the non-traditional model: the
// main fit (the run's settings: by default random unit intercepts with
// fixed period effects, DefaultTimeEffects), within-unit effects
// (unit_effects="within" on every equation: each parent's unit mean as a
// covariate, so each strength is a within-unit one), and the main fit's
// time effects switched: fixed period effects when it has none, none when
// it has them.
const (
	StructureBase   = "random intercepts"
	StructureWithin = "within-unit effects"
	StructureTime   = "fixed time effects"
	StructureNoTime = "no time effects"
)

// DefaultTimeEffects is the period effects the paper fits every model with
// unless told otherwise (fit.Settings.Time; 'dilemma paper --time-effects').
// Fixed: every country lived through the same pandemic waves, and on the
// embedded panel fig2-remedies with fixed period effects predicts the
// outcome's column better by PSIS-LOO than without them (elpd +144.2, se
// of the difference 15.0, at 4 × (1000 + 1000)) and mixes (largest R-hat
// 1.0096), while without them the latent's measurement collapses onto one
// indicator (sigma.h2_testing_policy R-hat 1.25). The paper's Panel
// structure section recomputes the comparison on every run.
const DefaultTimeEffects = "fixed"

// hasTimeEffects reports whether settings' Time asks for period effects.
func hasTimeEffects(time string) bool {
	return time == "fixed" || time == "random-walk" || time == "rw"
}

// StructureVariant is one panel structure of the non-traditional model:
// its settings, its fit's largest R-hat and its remedies' effects on the
// outcome, or the error that stopped it.
type StructureVariant struct {
	Name     string
	Settings fit.Settings
	MaxRhat  float64
	Remedies []RemedyEffect
	Err      error
}

// RemedyEffect is a remedy's average effect on the outcome of a one-sd
// increase: posterior mean, central 90% interval and P(reduces).
type RemedyEffect struct {
	Remedy             string
	Mean, Lo, Hi, PRed float64
}

// StructureComparison compares the panel structures by PSIS-LOO on the
// outcome's column (Comparison nil when fewer than two fits succeeded, or
// the comparison failed: CompareErr).
type StructureComparison struct {
	Outcome, Column string
	Variants        []StructureVariant
	Comparison      *report.Comparison
	CompareErr      error
	// Static are the remedies whose values do not vary within any unit:
	// with within-unit effects their strengths are not identified (a
	// static parent equals its unit mean), so their effects there are the
	// prior's.
	Static []string
}

// staticRemedies lists the remedies of pl's model read from data whose
// values are constant within every unit.
func staticRemedies(pl *fit.Plan) []string {
	var out []string
	unit := pl.Panel.UnitIndex()
	for _, name := range pl.Model.Remedies() {
		x, ok := pl.Values[name]
		if !ok || len(x) != len(unit) {
			continue
		}
		first := map[int]float64{}
		static := true
		for r, v := range x {
			if math.IsNaN(v) {
				continue
			}
			if f, seen := first[unit[r]]; !seen {
				first[unit[r]] = v
			} else if f != v {
				static = false
				break
			}
		}
		if static && len(first) > 0 {
			out = append(out, name)
		}
	}
	return out
}

// structureSettings returns the variants' names and settings: the base
// (s itself) and those of the within and time-effects structures that
// differ from it.
func structureSettings(s fit.Settings) ([]string, []fit.Settings) {
	names := []string{StructureBase}
	switch {
	case s.UnitEffects == "within":
		names[0] = StructureWithin
	case s.Time == "fixed":
		names[0] = StructureTime
	case hasTimeEffects(s.Time):
		names[0] = "time effects (" + s.Time + ")"
	}
	sets := []fit.Settings{s}
	if s.UnitEffects != "within" {
		w := s
		w.UnitEffects = "within"
		names, sets = append(names, StructureWithin), append(sets, w)
	}
	t := s
	if hasTimeEffects(s.Time) {
		t.Time = "none"
		names, sets = append(names, StructureNoTime), append(sets, t)
	} else {
		t.Time = "fixed"
		names, sets = append(names, StructureTime), append(sets, t)
	}
	return names, sets
}

// compareStructures refits pl's model (whose main fit is base) under each
// other panel structure at settings s, computes each fit's remedies on the
// outcome and compares the fits by PSIS-LOO on the outcome's column. A
// variant that fails keeps its error and the rest go on; only a cancelled
// context stops it (its error is then returned).
func compareStructures(ctx context.Context, pl *fit.Plan, base *fit.Fit, outcome string, s fit.Settings, logf func(string, ...any), progress func(string, inference.Progress)) (*StructureComparison, error) {
	n := pl.Model.Node(outcome)
	if n == nil {
		return nil, fmt.Errorf("no outcome node %s", outcome)
	}
	sc := &StructureComparison{Outcome: outcome, Column: n.Column, Static: staticRemedies(pl)}
	names, sets := structureSettings(s)
	var fits []*fit.Fit
	var fitNames []string
	for k := range names {
		v := StructureVariant{Name: names[k], Settings: sets[k]}
		f := base
		if k > 0 {
			f, v.Err = refit(ctx, pl, sets[k], names[k], logf, progress)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if v.Err == nil {
			v.MaxRhat = maxRhat(f)
			if v.Remedies, v.Err = remedyEffects(f, outcome); v.Err != nil {
				v.Err = fmt.Errorf("its remedies could not be evaluated: %w", v.Err)
			}
			fits, fitNames = append(fits, f), append(fitNames, names[k])
		}
		sc.Variants = append(sc.Variants, v)
	}
	if sc.Column == "" {
		sc.CompareErr = fmt.Errorf("the outcome %s has no column of its own to compare predictions on", outcome)
	} else if len(fits) >= 2 {
		sc.Comparison, sc.CompareErr = report.CompareFits(fits, fitNames, sc.Column)
	}
	return sc, ctx.Err()
}

// refit binds pl's model to its data again under settings s and samples it;
// progress (nil: none) gets the sampler's progress.
func refit(ctx context.Context, pl *fit.Plan, s fit.Settings, name string, logf func(string, ...any), progress func(string, inference.Progress)) (*fit.Fit, error) {
	opt, err := s.ModelOptions()
	if err != nil {
		return nil, err
	}
	p, err := fit.NewPlan(pl.Model, pl.Panel, opt)
	if err != nil {
		return nil, err
	}
	p.DataRef, p.ModelRef = pl.DataRef, pl.ModelRef
	logf("fitting %s with %s (%d chains × %d+%d iterations)\n", pl.Model.Name, name, s.Chains, s.Warmup, s.Samples)
	var prog func(inference.Progress)
	if progress != nil {
		label := pl.Model.Name + " (" + name + ")"
		prog = func(pr inference.Progress) { progress(label, pr) }
	}
	return fit.Run(ctx, p, s, prog)
}

// maxRhat is the largest R-hat over the fit's parameters (NaN ignored).
func maxRhat(f *fit.Fit) float64 {
	m := math.NaN()
	for _, s := range f.Summaries {
		if !math.IsNaN(s.Rhat) && !(s.Rhat <= m) {
			m = s.Rhat
		}
	}
	return m
}

// remedyEffects is each computable remedy's effect on outcome in f.
func remedyEffects(f *fit.Fit, outcome string) ([]RemedyEffect, error) {
	e, err := query.New(f)
	if err != nil {
		return nil, err
	}
	rep, err := e.Remedies(query.Options{Outcome: outcome, AssumeIdentified: true})
	if err != nil {
		return nil, err
	}
	var out []RemedyEffect
	for _, r := range rep.Rows {
		if r.Draws != nil {
			out = append(out, RemedyEffect{Remedy: r.Remedy, Mean: r.Mean, Lo: r.Lo, Hi: r.Hi, PRed: r.PReduces})
		}
	}
	return out, nil
}

// structureVerdict states, from the comparison's numbers, which structure
// the data support: the best by elpd_loo when it leads the base structure
// (the first variant) by more than two standard errors, else the base. It
// returns the supported structure and a sentence saying so.
func structureVerdict(sc *StructureComparison) (supported, text string) {
	base := sc.Variants[0].Name
	if sc.Comparison == nil {
		return base, fmt.Sprintf("With fewer than two structures fitted and compared, the model keeps %s.", base)
	}
	ms := sc.Comparison.Compare.Models
	best := ms[0]
	var b *struct{ d, se float64 }
	for _, m := range ms {
		if m.Name == base {
			b = &struct{ d, se float64 }{-m.ELPDDiff, m.SEDiff}
		}
	}
	var w strings.Builder
	if best.Name == base || b == nil {
		fmt.Fprintf(&w, "The %s predict `%s` best", base, sc.Column)
		if len(ms) > 1 {
			fmt.Fprintf(&w, ", ahead of %s by %.1f (se %.1f) in expected log predictive density", ms[1].Name, -ms[1].ELPDDiff, ms[1].SEDiff)
		}
		fmt.Fprintf(&w, ": the data do not support a different structure, and the model keeps %s.", base)
		return base, w.String()
	}
	if b.d > 2*b.se {
		fmt.Fprintf(&w, "The %s predict `%s` best, ahead of %s by %.1f (se %.1f) in expected log predictive density, more than two standard errors: the data support %s.", best.Name, sc.Column, base, b.d, b.se, best.Name)
		return best.Name, w.String()
	}
	fmt.Fprintf(&w, "The %s predict `%s` best, but ahead of %s by only %.1f (se %.1f), within two standard errors: the data do not separate them clearly, and the model keeps %s.", best.Name, sc.Column, base, b.d, b.se, base)
	return base, w.String()
}

// remedyMovement says how far each remedy's effect moves from the base
// structure to each other one: the largest shift of a posterior mean,
// measured against the half-width of the base's 90% interval, and any
// remedy whose effect changes sign or whose P(reduces) crosses 0.5 or 0.9.
func remedyMovement(sc *StructureComparison) string {
	base := sc.Variants[0]
	if base.Err != nil || len(base.Remedies) == 0 {
		return ""
	}
	var w strings.Builder
	for _, v := range sc.Variants[1:] {
		if v.Err != nil {
			continue
		}
		worst, rel := "", -1.0
		var from, to float64
		var flips, crosses []string
		for _, r := range base.Remedies {
			k := slices.IndexFunc(v.Remedies, func(x RemedyEffect) bool { return x.Remedy == r.Remedy })
			if k < 0 || (v.Settings.UnitEffects == "within" && base.Settings.UnitEffects != "within" && slices.Contains(sc.Static, r.Remedy)) {
				continue // a static remedy's within-unit effect is the prior's
			}
			o := v.Remedies[k]
			half := (r.Hi - r.Lo) / 2
			d := math.Abs(o.Mean - r.Mean)
			if half > 0 {
				d /= half
			}
			if d > rel {
				worst, rel, from, to = r.Remedy, d, r.Mean, o.Mean
			}
			if (r.Mean < 0) != (o.Mean < 0) {
				flips = append(flips, r.Remedy)
			}
			for _, c := range []float64{0.5, 0.9} {
				if (r.PRed >= c) != (o.PRed >= c) {
					crosses = append(crosses, fmt.Sprintf("%s (P(reduces) %.2f → %.2f)", r.Remedy, r.PRed, o.PRed))
					break
				}
			}
		}
		if worst == "" {
			continue
		}
		size := "little"
		switch {
		case rel >= 1:
			size = "substantially"
		case rel >= 0.5:
			size = "noticeably"
		}
		fmt.Fprintf(&w, " With %s the remedies' effects move %s: the largest shift is %s's, from %.3g to %.3g, %.2f of the half-width of its 90%% interval under %s.", v.Name, size, worst, from, to, rel, base.Name)
		if len(flips) > 0 {
			fmt.Fprintf(&w, " The sign of the mean effect changes for %s.", listAnd(flips))
		}
		if len(crosses) > 0 {
			fmt.Fprintf(&w, " The probability of a reduction crosses 0.5 or 0.9 for %s.", listAnd(crosses))
		} else {
			w.WriteString(" No remedy's P(reduces) crosses 0.5 or 0.9.")
		}
	}
	return strings.TrimSpace(w.String())
}

// structureAdvice says which structure the paper's fits keep and how to
// refit with the supported one.
func structureAdvice(supported string, sc *StructureComparison, model string) string {
	switch supported {
	case sc.Variants[0].Name:
		return fmt.Sprintf("The paper's fits keep %s: a different structure would have to predict clearly better to justify the change.", supported)
	case StructureWithin:
		return fmt.Sprintf("The paper's fits keep random intercepts (their edges then mix within- and between-country variation, as the questions above use them); to read every strength within countries, refit with `dilemma fit %s --unit-effects within` (or `dilemma paper --unit-effects within`; a node's `unit_effects=\"within\"` does it for one equation).", model)
	case StructureTime:
		return fmt.Sprintf("The paper's fits were run without period effects; to absorb shocks common to all countries in a period, refit with `dilemma fit %s --time-effects fixed` (or `dilemma paper --time-effects fixed`, the paper's default).", model)
	case StructureNoTime:
		return fmt.Sprintf("The paper's fits keep period effects; without them: `dilemma fit %s --time-effects none` (or `dilemma paper --time-effects none`).", model)
	}
	return ""
}

// structureSection writes the "Panel structure" section.
func (r *run) structureSection() error {
	if r.o.SkipStructure {
		return nil
	}
	r.P("## Panel structure\n\n")
	if r.structureErr != nil {
		r.P("*The panel structures could not be compared: %v.*\n\n", r.structureErr)
		return nil
	}
	sc := r.structure
	if sc == nil {
		return nil
	}
	s := r.o.Settings
	baseTime := s.Time
	if baseTime == "" {
		baseTime = "none"
	}
	timeFlag, timeText := "fixed", "with fixed period effects (`--time-effects fixed`: one effect per period and equation, absorbing shocks common to all countries)"
	if hasTimeEffects(s.Time) {
		timeFlag, timeText = "none", "without its period effects (`--time-effects none`)"
	}
	r.P("The model `%s` was fitted with %s and refitted under other panel structures at the same chain settings (%d chains × (%d + %d), seed %d): with within-unit effects (`--unit-effects within`: every equation gains its parents' country means as covariates, so each strength is estimated from variation within countries only, free of stable country traits correlated with the parents) and %s. The fits are compared by PSIS-LOO on the outcome's column `%s`. The refits are not kept in `fits/`; `dilemma fit %s --unit-effects within --time-effects %s` (or `--time-effects %s` alone) `--chains %d --warmup %d --samples %d --seed %d` reproduces one.\n\n",
		r.o.NonTraditional, sc.Variants[0].Name, s.Chains, s.Warmup, s.Samples, s.Seed, timeText, sc.Column, r.o.NonTraditional, baseTime, timeFlag, s.Chains, s.Warmup, s.Samples, s.Seed)
	for _, v := range sc.Variants {
		if v.Err != nil {
			r.P("*%s: %v.*\n\n", v.Name, v.Err)
		}
	}
	if sc.CompareErr != nil {
		r.P("*The structures' predictions could not be compared: %v.*\n\n", sc.CompareErr)
	}
	if sc.Comparison != nil {
		if err := r.Table("structure-loo", fmt.Sprintf("Panel structures of %s by PSIS-LOO on `%s` (best first; elpd_diff and se_diff against the best), with each fit's largest R-hat.", r.o.NonTraditional, sc.Column), structureLOOTable(sc)); err != nil {
			return err
		}
	}
	if t := structureRemedyTable(sc); t != nil {
		if err := r.Table("structure-remedies", fmt.Sprintf("Each remedy's effect of a one-sd increase on `%s` under each panel structure: posterior mean, central 90%% interval and P(reduces).", sc.Outcome), t); err != nil {
			return err
		}
	}
	supported, verdict := structureVerdict(sc)
	r.P("%s", verdict)
	if mv := remedyMovement(sc); mv != "" {
		r.P(" %s", mv)
	}
	if st := staticNote(sc); st != "" {
		r.P(" %s", st)
	}
	for _, v := range sc.Variants {
		if v.Err == nil && v.MaxRhat > 1.01 {
			r.P(" The %s fit has an R-hat of %.3f (above 1.01): its comparison is provisional.", v.Name, v.MaxRhat)
		}
	}
	r.P(" %s\n\n", structureAdvice(supported, sc, r.o.NonTraditional))
	if sc.Comparison != nil {
		for _, w := range sc.Comparison.Compare.Warnings {
			r.P("- %s\n", w)
		}
		r.P("\n")
	}
	return nil
}

// structureLOOTable is the comparison, best first, with each fit's R-hat.
func structureLOOTable(sc *StructureComparison) *table.Table {
	t := report.ComparisonTable(sc.Comparison)
	t.Columns = append(t.Columns, "max R-hat")
	t.Align = append(t.Align, table.Right)
	for i, row := range t.Rows {
		rh := "NA"
		for _, v := range sc.Variants {
			if v.Name == row[0] && !math.IsNaN(v.MaxRhat) {
				rh = fmt.Sprintf("%.3f", v.MaxRhat)
			}
		}
		t.Rows[i] = append(row, rh)
	}
	return t
}

// structureRemedyTable has a row per remedy and three columns (mean, 90%
// interval, P(reduces)) per fitted structure; nil when no structure has
// remedies.
func structureRemedyTable(sc *StructureComparison) *table.Table {
	var vs []StructureVariant
	var remedies []string
	for _, v := range sc.Variants {
		if v.Err != nil || len(v.Remedies) == 0 {
			continue
		}
		vs = append(vs, v)
		for _, e := range v.Remedies {
			if !slices.Contains(remedies, e.Remedy) {
				remedies = append(remedies, e.Remedy)
			}
		}
	}
	if len(vs) == 0 {
		return nil
	}
	t := &table.Table{Columns: []string{"remedy"}, Align: []table.Align{table.Left}}
	for _, v := range vs {
		t.Columns = append(t.Columns, v.Name+": mean", v.Name+": 90% interval", v.Name+": P(reduces)")
		t.Align = append(t.Align, table.Right, table.Right, table.Right)
	}
	for _, rem := range remedies {
		row := []string{rem}
		for _, v := range vs {
			k := slices.IndexFunc(v.Remedies, func(x RemedyEffect) bool { return x.Remedy == rem })
			if k < 0 {
				row = append(row, "NA", "NA", "NA")
				continue
			}
			e := v.Remedies[k]
			row = append(row, fmt.Sprintf("%.3g", e.Mean), fmt.Sprintf("%.3g to %.3g", e.Lo, e.Hi), fmt.Sprintf("%.2f", e.PRed))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// staticNote says which remedies do not vary within units, so that their
// within-unit effects are not identified ("" when none or when no
// within-unit structure was fitted).
func staticNote(sc *StructureComparison) string {
	if len(sc.Static) == 0 || !slices.ContainsFunc(sc.Variants, func(v StructureVariant) bool { return v.Err == nil && v.Settings.UnitEffects == "within" }) {
		return ""
	}
	verb := "does"
	if len(sc.Static) > 1 {
		verb = "do"
	}
	return fmt.Sprintf("%s %s not vary within units (one value per unit), so with within-unit effects %s strengths are not identified (each equals its unit mean): %s effects under within-unit effects are the prior's and are left out of the comparison of movements above; a within-unit model that keeps them needs unit_effects=\"within\" only on equations without static parents.",
		listAnd(sc.Static), verb, map[bool]string{true: "their", false: "its"}[len(sc.Static) > 1], map[bool]string{true: "their", false: "its"}[len(sc.Static) > 1])
}
