package paper

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
	"dilemma/report"
)

// CountFamilies are the families the report compares on a count outcome:
// those that can produce many zeros and a long or bounded right tail. The
// binomial two need a trials column (the outcome node's trials=, or the
// column data.ShapeOf finds bounding the count); without one they are left
// out.
var CountFamilies = []string{"hurdle_negbinomial", "zero_inflated_negbinomial", "binomial", "beta_binomial"}

// familyCandidates returns the families to compare for the outcome node n
// of plan pl and the trials they use ("" when the binomial families are
// left out), or nil when the outcome's column is not a count (the
// comparison is then skipped).
func familyCandidates(pl *fit.Plan, n *model.Node) (fams []string, trials string) {
	p := pl.Panel
	if n.Column == "" {
		return nil, ""
	}
	v, err := p.Numeric(n.Column)
	if err != nil {
		return nil, ""
	}
	others := map[string][]float64{}
	for _, c := range p.Columns() {
		if c == n.Column || c == p.UnitKey || c == p.TimeKey {
			continue
		}
		if w, err := p.Numeric(c); err == nil {
			others[c] = w
		}
	}
	sh := data.ShapeOf(v, others)
	switch sh.Kind {
	case "count", "zero-heavy count", "count out of trials":
	default:
		return nil, ""
	}
	trials = n.Trials
	if trials == "" {
		trials = sh.Trials
	}
	for _, f := range CountFamilies {
		if (f == "binomial" || f == "beta_binomial") && trials == "" {
			continue
		}
		fams = append(fams, f)
	}
	return fams, trials
}

// outcomeEquation returns a model holding only the outcome's equation:
// the outcome node with family fam (binomial families with trials), read
// from its column without transform, and its parents as exogenous roots
// reading the same columns through the same transforms as in m. Its
// likelihood for the outcome is the outcome equation's of m (the same rows,
// the same parent values, the same unit intercepts), so PSIS-LOO on the
// outcome column compares the families as the full model would, without
// refitting the rest of the graph. A latent parent has no values to
// condition on: an error.
func outcomeEquation(m *model.Model, outcome, fam, trials string) (*model.Model, error) {
	n := m.Node(outcome)
	if n == nil {
		return nil, fmt.Errorf("no node %s", outcome)
	}
	eq := model.New(outcome + "-" + fam)
	y := &model.Node{Name: outcome, Outcome: true, Role: "outcome", Column: n.Column, Family: fam}
	if fam == "binomial" || fam == "beta_binomial" {
		y.Trials = trials
	}
	for _, k := range []string{"strength", "intercept", "unit_sd"} {
		if pr, ok := n.Priors[k]; ok {
			if y.Priors == nil {
				y.Priors = map[string]model.Prior{}
			}
			y.Priors[k] = pr
		}
	}
	if err := eq.AddNode(y); err != nil {
		return nil, err
	}
	for _, e := range m.In(outcome) {
		if e.Kind != model.Directed {
			continue
		}
		if e.From != outcome && eq.Node(e.From) == nil {
			pn := m.Node(e.From)
			if pn.Latent || pn.Column == "" {
				return nil, fmt.Errorf("parent %s of %s has no column of its own", e.From, outcome)
			}
			if err := eq.AddNode(&model.Node{Name: e.From, Role: "root", Column: pn.Column, Transform: pn.Transform}); err != nil {
				return nil, err
			}
		}
		if err := eq.AddEdge(&model.Edge{From: e.From, To: e.To, Kind: e.Kind, Lag: e.Lag, Sign: e.Sign, Prior: e.Prior}); err != nil {
			return nil, err
		}
	}
	return eq, nil
}

// GaussianTransform is the transform under which the report fits a count
// outcome as gaussian for its predictive checks (the built-in models' choice
// before they had count families).
const GaussianTransform = "log1p|standardize"

// FamilyComparison is the outcome's families compared by PSIS-LOO, and the
// predictive checks of the outcome fitted as gaussian on GaussianTransform.
type FamilyComparison struct {
	Outcome, Column, Trials string
	Families                []string
	Comparison              *report.Comparison
	// GaussianMisfit holds report.MisfitLines of the gaussian fit (empty:
	// no statistic outside its interval).
	GaussianMisfit []string
}

// compareFamilies fits the outcome equation of pl's model with each
// candidate family at settings s and compares them by PSIS-LOO on the
// outcome's column. It returns nil, nil when the outcome is not a count.
func compareFamilies(ctx context.Context, pl *fit.Plan, outcome string, s fit.Settings, logf func(string, ...any)) (*FamilyComparison, error) {
	n := pl.Model.Node(outcome)
	if n == nil {
		return nil, fmt.Errorf("no outcome node %s", outcome)
	}
	fams, trials := familyCandidates(pl, n)
	if len(fams) < 2 {
		return nil, nil
	}
	opt, err := s.ModelOptions()
	if err != nil {
		return nil, err
	}
	var fits []*fit.Fit
	var gauss *fit.Fit
	for _, fam := range append(slices.Clip(fams), "gaussian") {
		m, err := outcomeEquation(pl.Model, outcome, fam, trials)
		if err != nil {
			return nil, err
		}
		if fam == "gaussian" {
			m.Node(outcome).Transform = GaussianTransform
		}
		ep, err := fit.NewPlan(m, pl.Panel, opt)
		if err != nil {
			return nil, fmt.Errorf("%s as %s: %w", outcome, fam, err)
		}
		ep.DataRef = pl.DataRef
		ep.ModelRef = fit.ModelRef{Name: m.Name}
		logf("fitting %s's equation as %s (%d chains × %d+%d iterations)\n", outcome, fam, s.Chains, s.Warmup, s.Samples)
		f, err := fit.Run(ctx, ep, s, nil)
		if err != nil {
			return nil, fmt.Errorf("%s as %s: %w", outcome, fam, err)
		}
		if fam == "gaussian" {
			gauss = f
			continue
		}
		fits = append(fits, f)
	}
	cmp, err := report.CompareFits(fits, fams, n.Column)
	if err != nil {
		return nil, err
	}
	ms, _ := report.CheckFit(gauss, 1)
	return &FamilyComparison{Outcome: outcome, Column: n.Column, Trials: trials, Families: fams, Comparison: cmp,
		GaussianMisfit: report.MisfitLines(ms)}, nil
}

// familySection says which families were compared on the outcome and by
// how much the best leads, and whether the model uses it.
func (r *run) familySection(outcome string) {
	if r.families == nil {
		if r.familiesErr != nil {
			r.P("*The outcome's families could not be compared: %v.*\n\n", r.familiesErr)
		}
		return
	}
	fc := r.families
	c := fc.Comparison
	r.P("### Which family for the outcome?\n\n")
	trials := ""
	if fc.Trials != "" {
		trials = fmt.Sprintf(" (the binomial two with trials = `%s`)", fc.Trials)
	}
	r.P("The outcome `%s` is a count (column `%s`). Its equation, with its parents as observed exogenous inputs, was fitted with each family that can produce such counts, %s%s, at this report's chain lengths, and the fits compared by PSIS-LOO on the %d rows they share, all on the count scale. A gaussian on a transformed scale is not in the table: its density is not comparable with a probability mass.",
		fc.Outcome, fc.Column, listAnd(fc.Families), trials, c.Rows)
	if len(fc.GaussianMisfit) > 0 {
		r.P(" Fitted as gaussian on `%s` instead, the equation fails the predictive checks described under Diagnostics: %s.", GaussianTransform, strings.Join(fc.GaussianMisfit, "; "))
	} else {
		r.P(" Fitted as gaussian on `%s` instead, the equation passes the predictive checks.", GaussianTransform)
	}
	r.P("\n\n")
	r.Table("families", fmt.Sprintf("The outcome's candidate families by PSIS-LOO (best first; elpd_diff and se_diff against the best; the outcome equation fitted alone with %d chains × (%d + %d)).", r.o.Settings.Chains, r.o.Settings.Warmup, r.o.Settings.Samples), report.ComparisonTable(c))
	ms := c.Compare.Models
	if len(ms) >= 2 {
		best, next := ms[0], ms[1]
		r.P("%s predicts best, ahead of %s by %.1f (se %.1f) in expected log predictive density", best.Name, next.Name, -next.ELPDDiff, next.SEDiff)
		if len(ms) > 2 {
			last := ms[len(ms)-1]
			r.P(" and of %s by %.1f (se %.1f)", last.Name, -last.ELPDDiff, last.SEDiff)
		}
		r.P(".")
		if math.Abs(next.ELPDDiff) < 2*next.SEDiff {
			r.P(" The lead over %s is within two standard errors: the data do not separate the two clearly.", next.Name)
		}
		used := familyName(r.nontrad.Plan.Model.Node(fc.Outcome))
		if used == best.Name {
			r.P(" The model `%s` uses %s.", r.o.NonTraditional, best.Name)
		} else {
			r.P(" The model `%s` uses %s, not the best of these.", r.o.NonTraditional, used)
		}
		r.P("\n\n")
		for _, w := range c.Compare.Warnings {
			r.P("- %s\n", w)
		}
		r.P("\n")
	}
}

func familyName(n *model.Node) string {
	if n == nil || n.Family == "" {
		return "gaussian"
	}
	return n.Family
}

// listAnd joins names as "a, b and c".
func listAnd(names []string) string {
	s := ""
	for i, v := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			s += " and "
		default:
			s += ", "
		}
		s += v
	}
	return s
}
