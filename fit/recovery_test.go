package fit

import (
	"context"
	"fmt"
	"math"
	"testing"

	"dilemma/data"
	"dilemma/model"
)

// fig2Shaped is fig2's estimable structure with a latent intent node
// measured by three indicators, an ordered unilateralism node and a lagged
// edge; truths are the simulation's coefficients.
const fig2Shaped = `dag {
  exposure -> intent; exposure -> uni; intent -> fear; intent -> uni
  threat -> fear; fear -> uni; uni -> dilemma; peer -> fear [lag=1]
}
settings {
  exposure [column="exposure"] threat [column="threat"] peer [column="peer"]
  intent [latent, indicators="h1,h2,h3"]
  fear [column="fear"] uni [column="uni", family="ordered"] dilemma [column="dilemma"]
}`

var fig2Truth = map[string]float64{
	"b.exposure.intent": 0.6, "b.intent.fear": 0.4, "b.threat.fear": 0.5, "b.peer.lag1.fear": 0.3,
	"b.exposure.uni": 0.4, "b.intent.uni": 0.5, "b.fear.uni": 0.8, "b.uni.dilemma": 0.6,
}

func simulateFig2(units, periods int, seed uint64) (*data.Panel, error) {
	p, _, err := data.Simulate(data.SimSpec{Units: units, Periods: periods, Seed: seed, Equations: []data.SimEquation{
		{Node: "exposure", Sigma: 1, UnitSD: 0.5},
		{Node: "threat", Sigma: 1},
		{Node: "peer", Sigma: 1},
		{Node: "intent", Sigma: 1, UnitSD: 0.4, Parents: []data.SimParent{{Node: "exposure", Coef: 0.6}}},
		{Node: "h1", Sigma: 0.5, Parents: []data.SimParent{{Node: "intent", Coef: 1}}},
		{Node: "h2", Sigma: 0.6, Intercept: 1, Parents: []data.SimParent{{Node: "intent", Coef: 0.8}}},
		{Node: "h3", Sigma: 0.7, Parents: []data.SimParent{{Node: "intent", Coef: 0.6}}},
		{Node: "fear", Sigma: 0.5, UnitSD: 0.3, Parents: []data.SimParent{{Node: "threat", Coef: 0.5}, {Node: "intent", Coef: 0.4}, {Node: "peer", Lag: 1, Coef: 0.3}}},
		{Node: "uni", Family: "ordered", Cutpoints: []float64{-1, 0, 1.5}, UnitSD: 0.3,
			Parents: []data.SimParent{{Node: "exposure", Coef: 0.4}, {Node: "intent", Coef: 0.5}, {Node: "fear", Coef: 0.8}}},
		{Node: "dilemma", Sigma: 0.5, UnitSD: 0.2, Parents: []data.SimParent{{Node: "uni", Coef: 0.6}}},
	}})
	return p, err
}

// recoverFig2 fits one simulated replication and returns, per edge, whether
// its 90% interval covers the truth, and the posterior mean's error.
func recoverFig2(t *testing.T, units, periods int, seed uint64, s Settings) (covered map[string]bool, errs map[string]float64) {
	t.Helper()
	p, err := simulateFig2(units, periods, seed)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.ParseString(fig2Shaped, "fig2-shaped")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := NewPlan(m, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Seed = seed
	f, err := Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	covered, errs = map[string]bool{}, map[string]float64{}
	for _, e := range f.Edges {
		truth, ok := fig2Truth[e.Name]
		if !ok {
			continue
		}
		covered[e.Name] = e.Q5 <= truth && truth <= e.Q95
		errs[e.Name] = e.Mean - truth
	}
	if len(covered) != len(fig2Truth) {
		t.Fatalf("fit has edges %v; want all of %v", covered, fig2Truth)
	}
	return covered, errs
}

// TestRecoverFig2Shaped checks one replication: every edge's posterior mean
// lies within 4 posterior sds of the truth and most 90% intervals cover it.
// The coverage study over 100 replications runs with -tags long.
func TestRecoverFig2Shaped(t *testing.T) {
	s := DefaultSettings()
	s.Chains, s.Warmup, s.Samples = 2, 300, 300
	covered, errs := recoverFig2(t, 40, 12, 1, s)
	n := 0
	for name, ok := range covered {
		if ok {
			n++
		}
		if math.Abs(errs[name]) > 0.4 {
			t.Errorf("%s: posterior mean off by %.3f", name, errs[name])
		}
	}
	// P(at most 5 of 8 covered | 90% coverage) ≈ 0.04.
	if n < 6 {
		t.Errorf("only %d of %d 90%% intervals cover the truth: %v", n, len(covered), covered)
	}
}

func ExampleCSVName() {
	fmt.Println(CSVName("b.peer.lag1.fear"), CSVName("eta.intent.USA.2020-04"))
	// Output: b__peer__lag1__fear eta__intent__USA__2020_04
}
