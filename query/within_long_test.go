//go:build long

package query

import (
	"context"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/inference/diagnostics"
	"dilemma/model"
)

// Over 100 simulated panels with unit confounding (as withinPanel, other
// seeds), the within strength's 90% interval covers the truth in about
// 90% of them, while the random-intercept strength's does far less often.
//
//	go test -tags long -run WithinCoverage -v ./query/
func TestWithinCoverage(t *testing.T) {
	const reps = 100
	covers := map[string]int{}
	for rep := 0; rep < reps; rep++ {
		p, _, err := data.Simulate(data.SimSpec{Units: 80, Periods: 8, Seed: uint64(1000 + rep), Equations: []data.SimEquation{
			{Node: "c", Sigma: 1e-6, UnitSD: 1},
			{Node: "x", Sigma: 1, Parents: []data.SimParent{{Node: "c", Coef: 2}}},
			{Node: "y", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 0.5}, {Node: "c", Coef: 1}}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		for _, mode := range []string{"random", "within"} {
			m, err := model.ParseString("dag { x -> y\n y [unit_effects=\""+mode+"\"] }", "within.dag")
			if err != nil {
				t.Fatal(err)
			}
			pl, err := fit.NewPlan(m, p, fit.Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := fit.DefaultSettings()
			s.Chains, s.Warmup, s.Samples, s.Seed = 2, 300, 300, uint64(rep+1)
			f, err := fit.Run(context.Background(), pl, s, nil)
			if err != nil {
				t.Fatal(err)
			}
			sum := diagnostics.Summarize("b.x.y", f.Param("b.x.y"))
			if sum.Q5 <= 0.5 && 0.5 <= sum.Q95 {
				covers[mode]++
			}
		}
	}
	t.Logf("90%% intervals covering the truth over %d panels: within %d, random intercepts %d", reps, covers["within"], covers["random"])
	if covers["within"] < 82 || covers["within"] > 97 {
		t.Errorf("within: %d of %d intervals cover the truth, want about 90", covers["within"], reps)
	}
	if covers["random"] > 50 {
		t.Errorf("random intercepts: %d of %d intervals cover the truth; the test should show their bias", covers["random"], reps)
	}
}
