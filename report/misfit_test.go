package report

import (
	"context"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
)

// fitCounts fits y (poisson counts, about 70% zeros, with x as parent) with
// the given family.
func fitCounts(t *testing.T, family string) *fit.Fit {
	t.Helper()
	p, _, err := data.Simulate(data.SimSpec{Units: 40, Periods: 10, Seed: 21, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "y", Family: "poisson", Intercept: -1.2, Parents: []data.SimParent{{Node: "x", Coef: 0.4}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.ParseString("dag { x -> y }\nsettings { y [family=\""+family+"\"] }", "counts.dag")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := fit.NewPlan(m, p, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := fit.DefaultSettings()
	s.Chains, s.Warmup, s.Samples = 2, 250, 250
	f, err := fit.Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// A zero-heavy count fitted as gaussian is flagged (zeros, minimum below
// the data) with count families suggested; the right family is quiet.
func TestMisfitFlagsZeroHeavyGaussian(t *testing.T) {
	f := fitCounts(t, "gaussian")
	ms, skipped := CheckFit(f, 1)
	if len(skipped) > 0 {
		t.Fatalf("skipped: %v", skipped)
	}
	var zeros *Misfit
	for i := range ms {
		t.Logf("misfit: %s", ms[i])
		if ms[i].Node == "y" && ms[i].Statistic == "share at the minimum" {
			zeros = &ms[i]
		}
	}
	if zeros == nil {
		t.Fatalf("no misfit on y's share of zeros among %v", ms)
	}
	if zeros.Observed < 0.5 || zeros.Hi > 0.01 || !strings.Contains(zeros.String(), "try ") || !strings.Contains(zeros.String(), "poisson") {
		t.Errorf("zeros misfit %+v (%s): want ≥ 50%% observed, none predicted, and poisson suggested", *zeros, zeros)
	}
	right := fitCounts(t, "poisson")
	ms, _ = CheckFit(right, 1)
	for _, m := range ms {
		if m.Node == "y" {
			t.Errorf("poisson fit of poisson counts flagged: %s", m)
		}
	}
}
