package query

import (
	"context"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
)

// shortFit samples the chain model on a panel simulated from chainSim.
func shortFit(t testing.TB, seed uint64, units, periods, warmup, samples int) *fit.Fit {
	t.Helper()
	sim := chainSim(seed)
	sim.Units, sim.Periods = units, periods
	// The simulation uses chainTruth's strengths.
	sim.Equations[2].Parents = []data.SimParent{{Node: "x", Coef: chainTruth["b.x.m"]}, {Node: "z", Coef: chainTruth["b.z.m"]}}
	sim.Equations[3].Parents = []data.SimParent{{Node: "m", Coef: chainTruth["b.m.y"]}, {Node: "x", Coef: chainTruth["b.x.y"]}}
	p, _, err := data.Simulate(sim)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.ParseString(chainModel, "chain.dag")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := fit.NewPlan(m, p, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := fit.DefaultSettings()
	s.Chains, s.Warmup, s.Samples, s.Seed = 2, warmup, samples, seed
	f, err := fit.Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// With a fitted posterior the intervals cover the truth: total, direct and
// indirect effects and a unit's counterfactual difference.
func TestFittedCoversTruth(t *testing.T) {
	f := shortFit(t, 11, 30, 10, 300, 300)
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Mediate("x", []string{"m"}, mustParse(t, "do(x = +1)"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	truth := map[string]float64{"total": 0.7, "natural direct": 0.3, "natural indirect": 0.4}
	for _, eff := range r.Effects {
		w, ok := truth[eff.Name]
		if !ok {
			continue
		}
		if !(eff.Lo <= w && w <= eff.Hi) {
			t.Errorf("%s: 90%% interval %.3f … %.3f misses the truth %.3f", eff.Name, eff.Lo, eff.Hi, w)
		}
	}
	cf, err := e.Counterfactual(mustParse(t, "do(x = +1)"), "U005", "4", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := cf.Rows[0].Difference; !(d.Lo <= 0.7 && 0.7 <= d.Hi) {
		t.Errorf("counterfactual difference interval %.3f … %.3f misses 0.7", d.Lo, d.Hi)
	}
	if len(r.Basis.Edges) == 0 || r.Basis.Edges[0].Contraction < 0.5 {
		t.Errorf("edges %+v: the data should decide them", r.Basis.Edges)
	}
}
