package query

import (
	"errors"
	"math"
	"strings"
	"testing"

	"dilemma/data"
)

func confSim() data.SimSpec {
	return data.SimSpec{Units: 10, Periods: 6, Seed: 9, Equations: []data.SimEquation{
		{Node: "u", Sigma: 1},
		{Node: "x", Sigma: 1, Parents: []data.SimParent{{Node: "u", Coef: 1}}},
		{Node: "z", Sigma: 1, Parents: []data.SimParent{{Node: "u", Coef: 1}}},
		{Node: "y", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 1}, {Node: "z", Coef: 1}}},
	}}
}

// A latent confounder of x and y opens a back-door: refused, unless
// assumed; once the back-door runs through an observed node the fit
// conditions on, accepted.
func TestIdentificationLatentConfounder(t *testing.T) {
	refused := `dag { u [latent]; u -> x; u -> y; x -> y }
settings { x [column="x"] y [column="y", role="outcome"] }`
	e := newEngine(t, refused, confSim(), 2, vals(map[string]float64{"b.x.y": 0.5}))
	_, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{})
	var ne *NotIdentifiedError
	if !errors.As(err, &ne) {
		t.Fatalf("want a *NotIdentifiedError, got %v", err)
	}
	if !strings.Contains(err.Error(), "x <- u -> y") || !strings.Contains(err.Error(), "--assume-identified") {
		t.Errorf("the refusal does not name the open path and the way out: %v", err)
	}
	r, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{AssumeIdentified: true})
	if err != nil {
		t.Fatal(err)
	}
	if h := r.Header(); !strings.HasPrefix(h[0], "ASSUMED IDENTIFIED") {
		t.Errorf("first line %q does not say the identification was assumed", h[0])
	}
	near(t, "assumed effect", r.Periods[0].Mean, 0.5, 1e-12)

	accepted := `dag { u [latent]; u -> x; u -> z -> y; x -> y }
settings { x [column="x"] z [column="z"] y [column="y", role="outcome"] }`
	e = newEngine(t, accepted, confSim(), 2, vals(map[string]float64{"b.x.y": 0.5, "b.z.y": 1}))
	r, err = e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{})
	if err != nil {
		t.Fatalf("adjusting for z identifies the effect, yet: %v", err)
	}
	if r.Basis.Assumed || !strings.Contains(strings.Join(r.Basis.Identification, "\n"), "{z}") {
		t.Errorf("identification %q does not name the adjustment set {z}", r.Basis.Identification)
	}
	if len(r.Basis.Edges) != 1 || !r.Basis.Edges[0].Identified {
		t.Errorf("edges %+v", r.Basis.Edges)
	}

	bidir := `dag { x -> y; x <-> y }
settings { x [column="x"] y [column="y", role="outcome"] }`
	e = newEngine(t, bidir, confSim(), 2, vals(nil))
	if _, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{}); !errors.As(err, &ne) {
		t.Errorf("x <-> y: want a refusal, got %v", err)
	}
}

// A causal path through a node the fit drops (latent without indicators)
// cannot be followed: refused with the path named, and left out (taken as
// zero) when assumed.
func TestPathThroughDroppedNode(t *testing.T) {
	src := `dag { a [latent]; x -> a -> y; x -> y }
settings { x [column="x"] y [column="y", role="outcome"] }`
	e := newEngine(t, src, confSim(), 2, vals(map[string]float64{"b.x.y": 0.4}))
	_, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{})
	if err == nil || !strings.Contains(err.Error(), "x -> a -> y") || !strings.Contains(err.Error(), "latent without indicators") {
		t.Fatalf("want a refusal naming the path through a: %v", err)
	}
	r, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{AssumeIdentified: true})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "effect without the dropped path", r.Periods[0].Mean, 0.4, 1e-12)
	if len(r.Basis.LeftOut) != 1 {
		t.Errorf("left out %v", r.Basis.LeftOut)
	}
	if _, err := e.Effect(mustParse(t, "do(a = +1)"), Do{}, Options{}); err == nil || !strings.Contains(err.Error(), "column 4: node a is latent without indicators") {
		t.Errorf("intervening on a dropped node: %v", err)
	}
}

// A nonlinear mediator feeding a linear outcome: the population average is
// exact, b·mean over rows of [σ(eta + b_x·δ) − σ(eta)]; a nonlinear node
// downstream of another nonlinear node is flagged as a plug-in.
func TestNonlinearMediator(t *testing.T) {
	src := `dag { x -> m -> y; m -> w }
settings { x [column="x"] m [column="m", family="bernoulli"] y [column="y", role="outcome"] w [column="w", family="bernoulli"] }`
	sim := data.SimSpec{Units: 10, Periods: 6, Seed: 10, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "m", Family: "bernoulli", Parents: []data.SimParent{{Node: "x", Coef: 1}}},
		{Node: "y", Sigma: 1, Parents: []data.SimParent{{Node: "m", Coef: 1}}},
		{Node: "w", Family: "bernoulli", Parents: []data.SimParent{{Node: "m", Coef: 1}}},
	}}
	am, bxm, bmy := 0.1, 1.3, 0.7
	e := newEngine(t, src, sim, 3, vals(map[string]float64{"a.m": am, "b.x.m": bxm, "b.m.y": bmy, "b.m.w": 2}))
	r, err := e.Effect(mustParse(t, "do(x = +0.5)"), Do{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	yn := e.s.nodes[e.s.index["y"]]
	xs := e.s.fit.Plan.Values["x"]
	sum, n := 0.0, 0
	for row := range xs {
		if yn.eqRow[row] {
			eta := am + bxm*xs[row]
			sum += sig(eta+bxm*0.5) - sig(eta)
			n++
		}
	}
	near(t, "effect through a bernoulli mediator", r.Periods[0].Mean, bmy*sum/float64(n), 1e-12)
	if !strings.HasPrefix(r.Basis.Method, "exact population average") {
		t.Errorf("method %q", r.Basis.Method)
	}
	r, err = e.Effect(mustParse(t, "do(x = +0.5)"), Do{}, Options{Outcome: "w"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Basis.Method, "plug-in approximation") || !strings.Contains(r.Basis.Method, "w") {
		t.Errorf("method %q does not flag the plug-in for w", r.Basis.Method)
	}
}
