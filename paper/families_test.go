package paper

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
	"dilemma/model/sem"
)

// sameValues compares two columns, NaN equal to NaN.
func sameValues(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func equationOf(t *testing.T, s *sem.Spec, node string) *sem.Equation {
	t.Helper()
	for i := range s.Equations {
		if s.Equations[i].Node == node {
			return &s.Equations[i]
		}
	}
	t.Fatalf("no equation %s", node)
	return nil
}

// TestOutcomeEquationIsTheModelsEquation checks that the outcome equation
// fitted alone binds the same likelihood as the outcome's equation inside
// fig2-remedies: the same response, trials, parent values, lags and unit
// intercepts, so its PSIS-LOO is the full model's for the outcome.
func TestOutcomeEquationIsTheModelsEquation(t *testing.T) {
	pl, err := fit.Prepare("fig2-remedies", "", data.Options{}, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fams, trials := familyCandidates(pl, pl.Model.Node("dilemma"))
	if !slices.Equal(fams, CountFamilies) || trials != "c8_days_observed" {
		t.Fatalf("candidates %v with trials %q, want %v with c8_days_observed", fams, trials, CountFamilies)
	}
	m, err := outcomeEquation(pl.Model, "dilemma", "beta_binomial", trials)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.NodeNames(); len(got) != 3 {
		t.Fatalf("outcome equation has nodes %v, want dilemma and its two parents", got)
	}
	small, err := fit.NewPlan(m, pl.Panel, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(small.Spec.Equations) != 1 {
		t.Fatalf("%d equations, want 1", len(small.Spec.Equations))
	}
	full, one := equationOf(t, pl.Spec, "dilemma"), equationOf(t, small.Spec, "dilemma")
	if full.Family.Name() != "beta_binomial" || one.Family.Name() != full.Family.Name() {
		t.Fatalf("families %s and %s", full.Family.Name(), one.Family.Name())
	}
	if !sameValues(full.Y, one.Y) || !sameValues(full.Trials, one.Trials) || full.UnitRE != one.UnitRE || full.RE != one.RE {
		t.Fatal("response, trials or unit intercepts differ")
	}
	if len(full.Terms) != len(one.Terms) {
		t.Fatalf("%d terms, want %d", len(one.Terms), len(full.Terms))
	}
	for _, a := range full.Terms {
		ok := false
		for _, b := range one.Terms {
			if a.Parent == b.Parent && a.Lag == b.Lag && sameValues(a.X, b.X) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("parent %s (lag %d) differs", a.Parent, a.Lag)
		}
	}
}

// TestCompareFamiliesOnACount fits a simulated zero-heavy count outcome
// with the candidate families, and as gaussian on GaussianTransform, which
// the predictive checks must flag (no zeros predicted); a continuous
// outcome is not compared.
func TestCompareFamiliesOnACount(t *testing.T) {
	p, _, err := data.Simulate(data.SimSpec{Units: 10, Periods: 12, Seed: 4, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "y", Family: "poisson", Intercept: -1, Parents: []data.SimParent{{Node: "x", Coef: 0.8}}},
		{Node: "z", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 0.8}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	s := quick()
	for _, c := range []struct {
		src  string
		want []string
	}{
		{`dag { x -> y } settings { y [role="outcome", family="poisson"] }`, []string{"hurdle_negbinomial", "zero_inflated_negbinomial"}},
		{`dag { x -> z } settings { z [role="outcome"] }`, nil},
	} {
		m, err := model.ParseString(c.src, "t")
		if err != nil {
			t.Fatal(err)
		}
		pl, err := fit.NewPlan(m, p, fit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		out := m.Outcomes()
		if len(out) == 0 {
			out = []string{outcomeOf(m, "")}
		}
		fc, err := compareFamilies(context.Background(), pl, out[0], s, func(string, ...any) {})
		if err != nil {
			t.Fatal(err)
		}
		if c.want == nil {
			if fc != nil {
				t.Errorf("%s: compared %v on a continuous outcome", c.src, fc.Families)
			}
			continue
		}
		if fc == nil || !slices.Equal(fc.Families, c.want) || fc.Comparison.Rows == 0 || len(fc.Comparison.Compare.Models) != 2 {
			t.Fatalf("%s: comparison %+v", c.src, fc)
		}
		if len(fc.GaussianMisfit) == 0 || !strings.Contains(fc.GaussianMisfit[0], "share at the minimum") {
			t.Errorf("gaussian on %s passes the checks on a zero-heavy count: %v", GaussianTransform, fc.GaussianMisfit)
		}
		for _, r := range fc.Comparison.Compare.Models {
			if math.IsNaN(r.ELPDDiff) || !strings.Contains(strings.Join(c.want, " "), r.Name) {
				t.Errorf("row %+v", r)
			}
		}
	}
}
