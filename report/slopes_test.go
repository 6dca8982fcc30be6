package report

import (
	"context"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
	"dilemma/plots"
)

// The slopes figure: the only varying edge is picked by default (with a
// note), --edge picks one by its model spelling or its name, and an edge
// that does not vary, or a fit without any, is refused.
func TestSlopesFigureKind(t *testing.T) {
	p, _, err := data.Simulate(data.SimSpec{Units: 10, Periods: 8, Seed: 4, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1}, {Node: "z", Sigma: 1},
		{Node: "y", Sigma: 1, UnitSD: 0.3, Parents: []data.SimParent{{Node: "x", Coef: 0.5}, {Node: "z", Coef: 0.2}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.ParseString(`dag { x -> y [varies="unit"] z -> y }`, "s.dag")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := fit.NewPlan(m, p, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := fit.DefaultSettings()
	s.Chains, s.Warmup, s.Samples, s.Seed = 2, 100, 100, 5
	f, err := fit.Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	fig, notes, err := Figure(nil, f, Request{Kind: "slopes", Options: plots.Options{DPI: 50}})
	if err != nil || fig.Kind() != "slopes" || len(notes) != 1 || !strings.Contains(notes[0], "x -> y") {
		t.Fatalf("default edge: notes %q, %v", notes, err)
	}
	units, mean, label, _, err := Slopes(f, "b.x.y")
	if err != nil || len(units) != 10 || label != "x → y" || !(mean.Q5 < mean.Q50 && mean.Q50 < mean.Q95) {
		t.Errorf("Slopes(b.x.y): %d units, label %q, mean %+v, %v", len(units), label, mean, err)
	}
	for _, c := range []struct {
		f    *fit.Fit
		edge string
		want string
	}{
		{f, "z -> y", `edge "z -> y" does not vary by unit in this fit; edges that do: x -> y`},
		{testFit(t), "", "the fit has no edge whose strength varies by unit"},
	} {
		if _, _, err := Figure(nil, c.f, Request{Kind: "slopes", Edge: c.edge}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("edge %q: error %v, want one containing %q", c.edge, err, c.want)
		}
	}
}
