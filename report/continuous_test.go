package report

import (
	"math"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model/sem"
)

// TestContinuousFamiliesEndToEnd fits student, lognormal and beta nodes
// (child of x and of a lagged v, parent of w, unit intercepts) to panels
// simulated from them and checks recovery (posterior mean within 4 sd of
// the truth), replicated data inside the support, a finite PSIS-LOO and a
// prior-only fit.
// contFits are the continuous families with their true parameters.
var contFits = []struct {
	family string
	fam    sem.Family
	par    map[string]float64
	nat    []float64
}{
	{"student", sem.Student{}, map[string]float64{"sigma.y": 0.6, "nu.y": 5}, []float64{0.6, 5}},
	{"lognormal", sem.LogNormal{}, map[string]float64{"sigma.y": 0.4}, []float64{0.4}},
	{"beta", sem.BetaFamily{}, map[string]float64{"phi.y": 10}, []float64{10}},
}

// simCont draws a panel for a continuous family at par.
func simCont(t testing.TB, fam sem.Family, par []float64, units, periods int, seed uint64) *data.Panel {
	t.Helper()
	p, _, err := data.Simulate(data.SimSpec{Units: units, Periods: periods, Seed: seed, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1, UnitSD: 0.5},
		{Node: "v", Sigma: 1},
		{Node: "y", Sampler: sem.FamilyAt{Family: fam, Par: par}, Intercept: 0.3, UnitSD: 0.4,
			Parents: []data.SimParent{{Node: "x", Coef: 0.5}, {Node: "v", Lag: 1, Coef: -0.3}}},
		{Node: "w", Sigma: 1, UnitSD: 0.3, Parents: []data.SimParent{{Node: "y", Coef: 0.2}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fitCont fits the continuous family's model to p.
func fitCont(t testing.TB, family string, p *data.Panel, s fit.Settings) *fit.Fit {
	t.Helper()
	src := `dag { x -> y; v -> y [lag=1]; y -> w }
settings { x [column="x"] v [column="v"] w [column="w"] y [column="y", family="` + family + `"] }`
	return fitSource(t, src, "cont.dag", p, s)
}

func TestContinuousFamiliesEndToEnd(t *testing.T) {
	for _, c := range contFits {
		t.Run(c.family, func(t *testing.T) {
			p := simCont(t, c.fam, c.nat, 40, 10, 13)
			run := func(s fit.Settings) *fit.Fit { return fitCont(t, c.family, p, s) }
			s := fit.DefaultSettings()
			s.Chains, s.Warmup, s.Samples, s.Seed = 2, 200, 200, 3
			f := run(s)
			sup := f.Posterior.Family("y").Support(c.nat)
			checkFamilyFit(t, f, c.par, sup.Contains)
			s.PriorOnly, s.Warmup, s.Samples = true, 100, 100
			po := run(s)
			for name := range c.par {
				if m, _ := meanSD(t, po, name); math.IsNaN(m) {
					t.Errorf("prior-only %s: %g", name, m)
				}
			}
		})
	}
}
