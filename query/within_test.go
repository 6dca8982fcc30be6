package query

import (
	"context"
	"math"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/inference/diagnostics"
	"dilemma/model"
)

// withinPanel simulates unit confounding: c is constant within a unit
// (its period-to-period noise is negligible), x = 2c + noise and
// y = 0.5 x + c + noise, and the model x -> y omits c. Unit random
// intercepts absorb c only partly, since c correlates with x; the unit
// mean of x absorbs it entirely.
func withinPanel(t *testing.T) *data.Panel {
	t.Helper()
	p, _, err := data.Simulate(data.SimSpec{Units: 80, Periods: 8, Seed: 17, Equations: []data.SimEquation{
		{Node: "c", Sigma: 1e-6, UnitSD: 1},
		{Node: "x", Sigma: 1, Parents: []data.SimParent{{Node: "c", Coef: 2}}},
		{Node: "y", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 0.5}, {Node: "c", Coef: 1}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func fitWithin(t *testing.T, p *data.Panel, mode string) *fit.Fit {
	t.Helper()
	src := "dag { x -> y }"
	if mode != "" {
		src = "dag { x -> y\n y [unit_effects=\"" + mode + "\"] }"
	}
	m, err := model.ParseString(src, "within.dag")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := fit.NewPlan(m, p, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := fit.DefaultSettings()
	s.Chains, s.Warmup, s.Samples, s.Seed = 2, 300, 300, 3
	f, err := fit.Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The random-intercept strength is biased by unit confounding; the
// within strength covers the truth, the between effect is reported, and
// do(x) on y moves y by exactly the within strength per draw.
func TestWithinUnitEffects(t *testing.T) {
	p := withinPanel(t)
	re := diagnostics.Summarize("b.x.y", fitWithin(t, p, "").Param("b.x.y"))
	if (re.Mean-0.5)/re.SD < 3 {
		t.Errorf("random intercepts: b.x.y = %.3f (sd %.3f), expected clearly above the truth 0.5 (unit confounding)", re.Mean, re.SD)
	}
	f := fitWithin(t, p, "within")
	w := diagnostics.Summarize("b.x.y", f.Param("b.x.y"))
	t.Logf("b.x.y: random intercepts %.3f (sd %.3f), within %.3f (sd %.3f, 90%% %.3f to %.3f); truth 0.5",
		re.Mean, re.SD, w.Mean, w.SD, w.Q5, w.Q95)
	if w.Q5 > 0.5 || w.Q95 < 0.5 {
		t.Errorf("within: 90%% interval %.3f to %.3f misses the truth 0.5", w.Q5, w.Q95)
	}
	var between *fit.EdgeSummary
	for i := range f.Edges {
		if f.Edges[i].Kind == "between" {
			between = &f.Edges[i]
		}
	}
	if between == nil || between.Edge != "x -> y [between]" || between.Mean < 0.7 {
		t.Fatalf("between edge %+v: want x -> y [between] near 0.5 + 1·cov(c, x̄)/var(x̄) ≈ 0.98", between)
	}
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{Outcome: "y"})
	if err != nil {
		t.Fatal(err)
	}
	var b []float64
	for _, c := range f.Param("b.x.y") {
		b = append(b, c...)
	}
	d := r.Periods[0].Draws
	if len(d) != len(b) {
		t.Fatalf("%d effect draws, %d strength draws", len(d), len(b))
	}
	for i := range d {
		if math.Abs(d[i]-b[i]) > 1e-9 {
			t.Fatalf("draw %d: effect of do(x = +1) %.12g, within strength %.12g", i, d[i], b[i])
		}
	}
	// unit_effects=none: no unit intercepts for y at all.
	none := fitWithin(t, p, "none")
	for _, n := range none.Names {
		if len(n) > 4 && n[:4] == "tau." {
			t.Errorf("unit_effects=none: the fit still has %s", n)
		}
	}
}
