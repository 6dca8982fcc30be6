package fit

import (
	"context"
	"math"
	"testing"

	"dilemma/data"
	"dilemma/inference/powerscale"
)

func fitXY(t *testing.T, edgePrior string) *Fit {
	t.Helper()
	p, _, err := data.Simulate(data.SimSpec{Units: 200, Periods: 1, Seed: 5, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "y", Intercept: 0.5, Sigma: 0.8, Parents: []data.SimParent{{Node: "x", Coef: 0.7}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	src := "dag { x -> y }\nsettings { x [column=\"x\"]\n y [column=\"y\"] }"
	if edgePrior != "" {
		src = "dag { x -> y [prior=\"" + edgePrior + "\"] }\nsettings { x [column=\"x\"]\n y [column=\"y\"] }"
	}
	pl, err := NewPlan(mustModel(t, src), p, Options{NoUnitEffects: true})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Run(context.Background(), pl, quickSettings(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// log_lik is the gaussian likelihood of y's rows at each draw (up to one
// constant), and lprior the edge's prior density.
func TestGeneratedQuantities(t *testing.T) {
	f := fitXY(t, "")
	x, _ := f.Plan.Panel.Numeric("x")
	y, _ := f.Plan.Panel.Numeric("y")
	a, b, s := pooled(f.Param("a.y")), pooled(f.Param("b.x.y")), pooled(f.Param("sigma.y"))
	ll, lp := pooled(f.Param(LogLikName)), pooled(f.Param(LogPriorName))
	if ll == nil || lp == nil {
		t.Fatalf("no %s or %s among %v", LogLikName, LogPriorName, f.Names)
	}
	var first float64
	for d := range ll {
		want := 0.0
		for i := range y {
			r := (y[i] - a[d] - b[d]*x[i]) / s[d]
			want += -0.5*r*r - math.Log(s[d])
		}
		if d == 0 {
			first = ll[d] - want
		} else if diff := ll[d] - want - first; math.Abs(diff) > 1e-6*math.Abs(want) {
			t.Fatalf("draw %d: log_lik %.6f, gaussian likelihood %.6f (+ constant %.6f)", d, ll[d], want, first)
		}
		// Default strength prior normal(0, 1).
		if got, want := lp[d], -0.5*b[d]*b[d]; math.Abs(got-want) > 1e-9 {
			t.Fatalf("draw %d: lprior %.9f, want %.9f", d, got, want)
		}
	}
}

// A prior far from what the data say is flagged as a conflict; the default
// weakly informative prior is not flagged.
func TestPriorSensitivityFlagsConflict(t *testing.T) {
	for _, tc := range []struct {
		prior string
		want  powerscale.Diagnosis
	}{
		{"", powerscale.Fine},
		{"normal(-1, 0.05)", powerscale.Conflict},
	} {
		f := fitXY(t, tc.prior)
		var e *EdgeSummary
		for i := range f.Edges {
			if f.Edges[i].Name == "b.x.y" {
				e = &f.Edges[i]
			}
		}
		if e == nil {
			t.Fatal("no edge b.x.y")
		}
		t.Logf("prior %q: mean %.3f, prior sensitivity %.3f, likelihood %.3f, %q", tc.prior, e.Mean, e.PriorSens, e.LikSens, e.SensDiagnosis)
		if powerscale.Diagnosis(e.SensDiagnosis) != tc.want {
			t.Errorf("prior %q: diagnosis %q (prior %.3f, likelihood %.3f), want %q", tc.prior, e.SensDiagnosis, e.PriorSens, e.LikSens, tc.want)
		}
	}
}
