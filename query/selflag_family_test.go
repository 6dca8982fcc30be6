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

// A self-lag works for every family: y -> y [lag=1] on a bernoulli, an
// ordered and a poisson node is fitted (its strength recovered in sign,
// well away from zero), the fit notes the initial-conditions caveat with
// unit intercepts, and a sustained do(x = +1) carries over the horizon:
// the effect at period 1 differs from period 0's by what the self-lag
// adds (positive persistence, positive b: it grows).
func TestSelfLagEveryFamily(t *testing.T) {
	if testing.Short() {
		t.Skip("sampling")
	}
	for _, fam := range []string{"bernoulli", "ordered", "poisson"} {
		t.Run(fam, func(t *testing.T) {
			eq := data.SimEquation{Node: "y", Family: fam, UnitSD: 0.3, Intercept: -0.5,
				Parents: []data.SimParent{{Node: "x", Coef: 0.6}, {Node: "y", Lag: 1, Coef: 0.5}}}
			if fam == "ordered" {
				eq.Cutpoints = []float64{-0.5, 0.8}
				eq.Intercept = 0
			}
			if fam == "poisson" {
				eq.Parents[1].Coef = 0.15
			}
			p, _, err := data.Simulate(data.SimSpec{Units: 40, Periods: 15, Seed: 5, Equations: []data.SimEquation{{Node: "x", Sigma: 1}, eq}})
			if err != nil {
				t.Fatal(err)
			}
			m, err := model.ParseString("dag { x -> y\n y -> y [lag=1] }\nsettings { y [family=\""+fam+"\"] }", "selflag.dag")
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
			var rho []float64
			for c := range f.Draws {
				rho = append(rho, f.Param("b.y.lag1.y")[c]...)
			}
			mu, sd := meanSD(rho)
			truth := eq.Parents[1].Coef
			t.Logf("%s: self-lag %.3f (sd %.3f), truth %.2f", fam, mu, sd, truth)
			if math.Abs(mu-truth) > 4*sd || mu < 2*sd {
				t.Errorf("self-lag %.3f (sd %.3f), truth %.2f", mu, sd, truth)
			}
			e, err := New(f)
			if err != nil {
				t.Fatal(err)
			}
			r, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{Outcome: "y", Horizon: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Periods) != 3 {
				t.Fatalf("%d periods, want 3", len(r.Periods))
			}
			m0, _ := meanSD(r.Periods[0].Draws)
			m1, _ := meanSD(r.Periods[1].Draws)
			t.Logf("%s: effect of a sustained do(x = +1) at h = 0: %.4f, h = 1: %.4f", fam, m0, m1)
			if !(m0 > 0 && m1 > m0) {
				t.Errorf("effect %.4f at h = 0 and %.4f at h = 1: the self-lag does not carry it", m0, m1)
			}
		})
	}
}

func meanSD(v []float64) (float64, float64) {
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return m, math.Sqrt(s / float64(len(v)-1))
}
