package query

import (
	"context"
	"math"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
)

// A self-lag y -> y [lag=1] carries a sustained do(x = +1) over the
// horizon: on a gaussian model the effect at period h is, per draw,
// b · (1 + ρ + … + ρ^h), b the strength of x -> y and ρ that of the
// self-lag. The fit notes the initial-conditions caveat.
func TestSelfLagHorizonClosedForm(t *testing.T) {
	p, _, err := data.Simulate(data.SimSpec{Units: 30, Periods: 12, Seed: 8, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "y", Sigma: 1, UnitSD: 0.5, Parents: []data.SimParent{{Node: "x", Coef: 0.5}, {Node: "y", Lag: 1, Coef: 0.6}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.ParseString("dag { x -> y\n y -> y [lag=1] }", "selflag.dag")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := fit.NewPlan(m, p, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	noted := false
	for _, n := range pl.Notes {
		noted = noted || (strings.HasPrefix(n, "y:") && strings.Contains(n, "initial conditions"))
	}
	if !noted {
		t.Errorf("no initial-conditions note among %q", pl.Notes)
	}
	s := fit.DefaultSettings()
	s.Chains, s.Warmup, s.Samples = 2, 200, 200
	f, err := fit.Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{Outcome: "y", Horizon: 3})
	if err != nil {
		t.Fatal(err)
	}
	var b, rho []float64
	for c := range f.Draws {
		b = append(b, f.Param("b.x.y")[c]...)
		rho = append(rho, f.Param("b.y.lag1.y")[c]...)
	}
	for h, pe := range r.Periods {
		for i, d := range pe.Draws {
			want, pow := 0.0, 1.0
			for k := 0; k <= h; k++ {
				want += b[i] * pow
				pow *= rho[i]
			}
			if math.Abs(d-want) > 1e-9 {
				t.Fatalf("period %d draw %d: effect %.12g, b·Σρ^k %.12g", h, i, d, want)
			}
		}
	}
}
