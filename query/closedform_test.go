package query

import (
	"math"
	"runtime"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
)

func newEngine(t *testing.T, src string, sim data.SimSpec, draws int, val func(string) (float64, bool)) *Engine {
	t.Helper()
	e, err := New(pointFit(t, src, sim, draws, val))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Natural direct and indirect effects on a linear SCM: the indirect effect
// is the product along the paths through the mediator.
func TestMediationLinearClosedForm(t *testing.T) {
	e := newEngine(t, chainModel, chainSim(2), 8, vals(chainTruth))
	r, err := e.Mediate("x", []string{"m"}, mustParse(t, "do(x = +2)"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"total": 2 * (0.3 + 0.5*0.8), "natural direct": 2 * 0.3, "natural indirect": 2 * 0.5 * 0.8,
		"proportion mediated": 0.4 / 0.7}
	for _, eff := range r.Effects {
		near(t, eff.Name, eff.Mean, want[eff.Name], 1e-12)
		delete(want, eff.Name)
	}
	if len(want) > 0 {
		t.Errorf("missing effects %v", want)
	}
	if r.Effects[2].Expected != 1 {
		t.Errorf("indirect expected sign %d, want +", r.Effects[2].Expected)
	}
}

// Two mediators: path-specific effects.
func TestMediationTwoMediators(t *testing.T) {
	src := `dag { x -> a -> y; x -> b -> y; a -> b; x -> y }
settings { x [column="x"] a [column="a"] b [column="b"] y [column="y", role="outcome"] }`
	sim := data.SimSpec{Units: 10, Periods: 6, Seed: 3, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1}, {Node: "a", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 1}}},
		{Node: "b", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 1}, {Node: "a", Coef: 1}}},
		{Node: "y", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 1}, {Node: "a", Coef: 1}, {Node: "b", Coef: 1}}},
	}}
	b := map[string]float64{"b.x.a": 0.5, "b.x.b": -0.3, "b.a.b": 0.7, "b.x.y": 0.2, "b.a.y": 0.4, "b.b.y": 0.9}
	e := newEngine(t, src, sim, 4, vals(b))
	r, err := e.Mediate("x", []string{"a", "b"}, Do{}, Options{AssumeIdentified: true})
	if err != nil {
		t.Fatal(err)
	}
	sd := e.s.nodes[e.s.index["x"]].sd
	xa, xb, ab, xy, ay, by := 0.5, -0.3, 0.7, 0.2, 0.4, 0.9
	viaA := xa*ay + xa*ab*by // every path through a
	viaB := xb*by + xa*ab*by // every path through b
	indirect := xa*ay + xb*by + xa*ab*by
	want := map[string]float64{"total": sd * (xy + indirect), "natural direct": sd * xy, "natural indirect": sd * indirect,
		"via a": sd * viaA, "via b": sd * viaB, "proportion mediated": indirect / (xy + indirect)}
	for _, eff := range r.Effects {
		w, ok := want[eff.Name]
		if !ok {
			t.Errorf("unexpected effect %q", eff.Name)
			continue
		}
		near(t, eff.Name, eff.Mean, w, 1e-12)
	}
	if _, err := e.Mediate("x", []string{"y"}, Do{}, Options{}); err == nil {
		t.Error("the outcome as mediator: no error")
	}
	if _, err := e.Mediate("a", []string{"x"}, Do{}, Options{}); err == nil || !strings.Contains(err.Error(), "not on a causal path") {
		t.Errorf("x is not between a and y: %v", err)
	}
}

// For a linear-gaussian SCM a unit's counterfactual is its factual value
// plus the total effect times the shift, exactly.
func TestCounterfactualLinear(t *testing.T) {
	e := newEngine(t, chainModel, chainSim(4), 6, vals(chainTruth))
	total := 0.3 + 0.5*0.8
	r, err := e.Counterfactual(mustParse(t, "do(x = +1.5)"), "U003", "5", Options{})
	if err != nil {
		t.Fatal(err)
	}
	row, _ := e.s.fit.Plan.Panel.Row("U003", "5")
	yobs := e.s.fit.Plan.Values["y"][row]
	if len(r.Rows) != 1 {
		t.Fatalf("%d rows", len(r.Rows))
	}
	near(t, "factual", r.Rows[0].Factual.Mean, yobs, 1e-12)
	near(t, "counterfactual", r.Rows[0].Counterfactual.Mean, yobs+1.5*total, 1e-12)
	near(t, "difference", r.Rows[0].Difference.Mean, 1.5*total, 1e-12)
	near(t, "difference sd", r.Rows[0].Difference.SD, 0, 1e-12)
	// Setting x to a value: the shift is the value minus the factual x.
	r, err = e.Counterfactual(mustParse(t, "do(x = 2)"), "U003", "5", Options{})
	if err != nil {
		t.Fatal(err)
	}
	xobs := e.s.fit.Plan.Values["x"][row]
	near(t, "set difference", r.Rows[0].Difference.Mean, (2-xobs)*total, 1e-12)
	// Every unit at once.
	r, err = e.Counterfactual(mustParse(t, "do(x = +1)"), "all", "5", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 12 {
		t.Errorf("%d units, want 12", len(r.Rows))
	}
	for _, row := range r.Rows {
		near(t, "difference of "+row.Unit, row.Difference.Mean, total, 1e-12)
	}
}

func TestCounterfactualErrors(t *testing.T) {
	e := newEngine(t, chainModel, chainSim(4), 2, vals(chainTruth))
	for _, c := range []struct{ unit, time, want string }{
		{"U999", "5", "unit U999 is not in the data (did you mean U009?)"},
		{"U003", "99", "time 99 is not in the data for unit U003 (its periods: 1 … 8)"},
		{"all", "99", "time 99 is not in the data (periods 1 … 8)"},
		{"U003", "", "name the period with --time (one of 1 … 8)"},
	} {
		_, err := e.Counterfactual(mustParse(t, "do(x = +1)"), c.unit, c.time, Options{})
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s: %v\n want %s", c.unit, c.time, err, c.want)
		}
	}
}

// A bernoulli-logit outcome: y = 1 when a + b·x + ε > 0 with logistic ε.
// For a unit observed with y = 1, lowering x gives P(y_cf = 1) =
// σ(eta1)/σ(eta0); for a unit with y = 0, raising x gives
// (σ(eta1) − σ(eta0))/(1 − σ(eta0)).
func TestCounterfactualBernoulliAnalytic(t *testing.T) {
	src := `dag { x -> y }
settings { x [column="x"] y [column="y", family="bernoulli", role="outcome"] }`
	sim := data.SimSpec{Units: 20, Periods: 5, Seed: 5, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "y", Family: "bernoulli", Parents: []data.SimParent{{Node: "x", Coef: 1}}},
	}}
	a, b := -0.3, 1.2
	e := newEngine(t, src, sim, 3, vals(map[string]float64{"a.y": a, "b.x.y": b, "tau.y": 1}))
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	p := e.s.fit.Plan
	seen := map[float64]bool{}
	for r := range p.Values["y"] {
		y := p.Values["y"][r]
		if seen[y] {
			continue
		}
		seen[y] = true
		unit := p.Spec.Layout.Units[p.Spec.Layout.Unit[r]]
		tm := p.Spec.Layout.Times[p.Spec.Layout.Time[r]]
		eta0 := a + b*p.Values["x"][r]
		shift, want := -1.0, 0.0
		if y == 1 {
			want = sig(eta0+b*shift) / sig(eta0)
		} else {
			shift = 1
			want = (sig(eta0+b*shift) - sig(eta0)) / (1 - sig(eta0))
		}
		d := Do{Assign: []Assignment{{Node: "x", Kind: Shift, Value: shift}}}
		d.Source = d.String()
		rep, err := e.Counterfactual(d, unit, tm, Options{})
		if err != nil {
			t.Fatal(err)
		}
		near(t, "P(y_cf = 1) for a unit with y = "+num(y, 0), rep.Rows[0].Counterfactual.Mean, want, 1e-12)
		if !strings.Contains(rep.Basis.Method, "counterfactual") {
			t.Errorf("method %q does not say it is a counterfactual", rep.Basis.Method)
		}
	}
	if len(seen) != 2 {
		t.Fatal("the simulated outcome does not have both categories")
	}
}

// Rung 2 versus rung 3: for a unit whose outcome is already 1, raising x
// cannot change it (the threshold model is monotone), so its
// counterfactual difference is exactly 0, while the population-average
// effect at the very same row is σ(eta1) − σ(eta0) > 0.
func TestRungTwoVersusRungThree(t *testing.T) {
	src := `dag { x -> y }
settings { x [column="x"] y [column="y", family="bernoulli", role="outcome"] }`
	sim := data.SimSpec{Units: 20, Periods: 5, Seed: 6, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "y", Family: "bernoulli", Parents: []data.SimParent{{Node: "x", Coef: 1}}},
	}}
	a, b := 0.2, 0.9
	e := newEngine(t, src, sim, 2, vals(map[string]float64{"a.y": a, "b.x.y": b}))
	p := e.s.fit.Plan
	r := -1
	for q, y := range p.Values["y"] {
		if y == 1 {
			r = q
			break
		}
	}
	unit := p.Spec.Layout.Units[p.Spec.Layout.Unit[r]]
	tm := p.Spec.Layout.Times[p.Spec.Layout.Time[r]]
	rep, err := e.Counterfactual(mustParse(t, "do(x = +1)"), unit, tm, Options{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "rung 3: the unit's counterfactual difference", rep.Rows[0].Difference.Mean, 0, 1e-12)
	// Rung 2 at the same row: the population do-effect.
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	eta0 := a + b*p.Values["x"][r]
	rung2 := sig(eta0+b) - sig(eta0)
	if rung2 < 0.05 {
		t.Fatalf("the example is too weak: rung-2 effect %g", rung2)
	}
	// The population effect is that average over all rows, also positive.
	if rep.Population == nil || rep.Population.Mean <= 0.05 {
		t.Errorf("population effect %+v, want clearly positive", rep.Population)
	}
	pop := 0.0
	for q := range p.Values["y"] {
		e0 := a + b*p.Values["x"][q]
		pop += sig(e0+b) - sig(e0)
	}
	near(t, "rung 2: population-average effect", rep.Population.Mean, pop/float64(len(p.Values["y"])), 1e-12)
}

// Lagged edges over a horizon: x -> y (b0) and x -> y [lag 1] (b1), y -> z
// [lag 1] (c).
func TestHorizonLags(t *testing.T) {
	src := `dag { x -> y; x -> y [lag=1]; y -> z [lag=1] }
settings { x [column="x"] y [column="y"] z [column="z", role="outcome"]
  x -> y [sign="+"]
  x -> y [lag=1, sign="-"]
  y -> z [lag=1, sign="+"] }`
	sim := data.SimSpec{Units: 6, Periods: 10, Seed: 7, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "y", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 1}, {Node: "x", Lag: 1, Coef: 1}}},
		{Node: "z", Sigma: 1, Parents: []data.SimParent{{Node: "y", Lag: 1, Coef: 1}}},
	}}
	b0, b1, c := 0.6, -0.25, 0.8
	e := newEngine(t, src, sim, 3, vals(map[string]float64{"b.x.y": b0, "b.x.lag1.y": b1, "b.y.lag1.z": c}))
	check := func(q string, outcome string, pulse bool, want []float64, signs []int) {
		t.Helper()
		r, err := e.Effect(mustParse(t, q), Do{}, Options{Outcome: outcome, Horizon: len(want) - 1, Pulse: pulse})
		if err != nil {
			t.Fatal(err)
		}
		for h, w := range want {
			near(t, q+" on "+outcome+" at period "+num(float64(h), 0), r.Periods[h].Mean, w, 1e-12)
			if r.Periods[h].Expected != signs[h] {
				t.Errorf("%s on %s period %d: expected sign %d, want %d", q, outcome, h, r.Periods[h].Expected, signs[h])
			}
		}
	}
	check("do(x = +1)", "y", false, []float64{b0, b0 + b1, b0 + b1}, []int{1, 0, 0})
	check("do(x = +1)", "y", true, []float64{b0, b1, 0}, []int{1, -1, 0})
	check("do(x = +1)", "z", false, []float64{0, c * b0, c * (b0 + b1), c * (b0 + b1)}, []int{0, 1, 0, 0})
	check("do(x = +1)", "z", true, []float64{0, c * b0, c * b1, 0}, []int{0, 1, -1, 0})
	// A unit's counterfactual over the same horizon: factual + the same
	// changes, period by period, along the unit's own later rows.
	cf, err := e.Counterfactual(mustParse(t, "do(x = +1)"), "U002", "4", Options{Outcome: "z", Horizon: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(cf.Rows) != 3 {
		t.Fatalf("%d rows, want periods 0, 1, 2", len(cf.Rows))
	}
	for h, want := range []float64{0, c * b0, c * (b0 + b1)} {
		row := cf.Rows[h]
		if row.Period != h || row.Time != num(float64(4+h), 0) {
			t.Errorf("row %d is period %d at %s", h, row.Period, row.Time)
		}
		near(t, "counterfactual change at period "+num(float64(h), 0), row.Difference.Mean, want, 1e-12)
	}
}

// A latent node with indicators propagates like a gaussian node with sd 1,
// and a latent outcome's counterfactual is its posterior value plus the
// effect.
func TestLatentNodes(t *testing.T) {
	src := `dag { x -> L -> y; L [latent] }
settings { x [column="x"] L [indicators="i1,i2,i3"] y [column="y", role="outcome"] }`
	sim := data.SimSpec{Units: 8, Periods: 6, Seed: 8, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "L", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 0.7}}},
		{Node: "i1", Sigma: 0.5, Parents: []data.SimParent{{Node: "L", Coef: 1}}},
		{Node: "i2", Sigma: 0.5, Parents: []data.SimParent{{Node: "L", Coef: 0.8}}},
		{Node: "i3", Sigma: 0.5, Parents: []data.SimParent{{Node: "L", Coef: 0.6}}},
		{Node: "y", Sigma: 1, Parents: []data.SimParent{{Node: "L", Coef: 0.5}}},
	}}
	e := newEngine(t, src, sim, 5, func(n string) (float64, bool) {
		switch n {
		case "b.x.L":
			return 0.7, true
		case "b.L.y":
			return 0.5, true
		}
		if strings.HasPrefix(n, "eta.L.") {
			return 0.25, true
		}
		return 0, false
	})
	r, err := e.Effect(mustParse(t, "do(L = +1sd)"), Do{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "do(L=+1sd) on y", r.Periods[0].Mean, 0.5, 1e-12)
	r, err = e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{Outcome: "L"})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "do(x=+1) on L", r.Periods[0].Mean, 0.7, 1e-12)
	if !strings.Contains(r.Scale, "latent scale") {
		t.Errorf("scale %q does not say latent", r.Scale)
	}
	cf, err := e.Counterfactual(mustParse(t, "do(x = +2)"), "U002", "3", Options{Outcome: "L"})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "latent factual", cf.Rows[0].Factual.Mean, 0.25, 1e-12)
	near(t, "latent counterfactual", cf.Rows[0].Counterfactual.Mean, 0.25+1.4, 1e-12)
	if _, err := e.Effect(mustParse(t, "do(L = q90)"), Do{}, Options{}); err == nil || !strings.Contains(err.Error(), "latent") {
		t.Errorf("a quantile of a latent node: %v", err)
	}
}

// dropLatentValues removes the latent values from a fit, as a fit
// directory written without --save-latent does.
func dropLatentValues(f *fit.Fit) {
	var names []string
	var cols [][]float64
	for j, n := range f.Names {
		if !strings.HasPrefix(n, "eta.") {
			names = append(names, n)
			cols = append(cols, f.Draws[0][j])
		}
	}
	f.Names, f.Draws = names, [][][]float64{cols}
}

// Without the latent values a nonlinear child of a latent node is
// integrated over the latent's structural noise: E_z[σ(eta + b·z)].
func TestLatentValuesNotKept(t *testing.T) {
	src := `dag { x -> L -> y; L [latent] }
settings { x [column="x"] L [indicators="i1,i2,i3"] y [column="y", family="bernoulli", role="outcome"] }`
	sim := data.SimSpec{Units: 8, Periods: 6, Seed: 12, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "L", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 0.7}}},
		{Node: "i1", Sigma: 0.5, Parents: []data.SimParent{{Node: "L", Coef: 1}}},
		{Node: "i2", Sigma: 0.5, Parents: []data.SimParent{{Node: "L", Coef: 0.8}}},
		{Node: "i3", Sigma: 0.5, Parents: []data.SimParent{{Node: "L", Coef: 0.6}}},
		{Node: "y", Family: "bernoulli", Parents: []data.SimParent{{Node: "L", Coef: 1}}},
	}}
	bxL, bLy, ay := 0.7, 0.8, -0.2
	f := pointFit(t, src, sim, 3, vals(map[string]float64{"b.x.L": bxL, "b.L.y": bLy, "a.y": ay}))
	dropLatentValues(f)
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	z, w := gaussHermite(60)
	xs := f.Plan.Values["x"]
	yn := e.s.nodes[e.s.index["y"]]
	sum, n := 0.0, 0
	for row := range xs {
		if !yn.eqRow[row] {
			continue
		}
		eta := ay + bLy*bxL*xs[row]
		for q := range z {
			sum += w[q] * (logistic(eta+bLy*bxL+bLy*z[q]) - logistic(eta+bLy*z[q]))
		}
		n++
	}
	if n != len(xs) {
		t.Errorf("%d of %d rows used", n, len(xs))
	}
	near(t, "effect integrated over the latent's noise", r.Periods[0].Mean, sum/float64(n), 1e-9)
	if !strings.Contains(r.Basis.Method, "--save-latent") {
		t.Errorf("method %q does not say the latent values are integrated out", r.Basis.Method)
	}
	// A counterfactual needs the unit's own latent values.
	if _, err := e.Counterfactual(mustParse(t, "do(x = +1)"), "U001", "2", Options{}); err == nil || !strings.Contains(err.Error(), "--save-latent") {
		t.Errorf("counterfactual without latent values: %v", err)
	}
}

// A bernoulli mediator's noise is drawn from its truncated logistic: for a
// unit with m = 0, raising x flips m with probability
// (σ(eta1) − σ(eta0))/(1 − σ(eta0)), so the mean counterfactual change of
// y = b·m + noise over the draws is b times that (Monte Carlo, 8,000 draws).
// The answer does not depend on the number of workers.
func TestCounterfactualSampledMediator(t *testing.T) {
	src := `dag { x -> m -> y }
settings { x [column="x"] m [column="m", family="bernoulli"] y [column="y", role="outcome"] }`
	sim := data.SimSpec{Units: 10, Periods: 5, Seed: 13, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "m", Family: "bernoulli", Parents: []data.SimParent{{Node: "x", Coef: 1}}},
		{Node: "y", Sigma: 1, Parents: []data.SimParent{{Node: "m", Coef: 1}}},
	}}
	am, bxm, bmy := 0.3, 1.1, 0.9
	e := newEngine(t, src, sim, 8000, vals(map[string]float64{"a.m": am, "b.x.m": bxm, "b.m.y": bmy}))
	p := e.s.fit.Plan
	r := -1
	for q, m := range p.Values["m"] {
		if m == 0 && !math.IsNaN(p.Values["y"][q]) {
			r = q
			break
		}
	}
	unit := p.Spec.Layout.Units[p.Spec.Layout.Unit[r]]
	tm := p.Spec.Layout.Times[p.Spec.Layout.Time[r]]
	rep, err := e.Counterfactual(mustParse(t, "do(x = +1.5)"), unit, tm, Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	eta0 := am + bxm*p.Values["x"][r]
	pflip := (sig(eta0+1.5*bxm) - sig(eta0)) / (1 - sig(eta0))
	got := rep.Rows[0].Difference.Mean
	se := bmy * math.Sqrt(pflip*(1-pflip)/8000)
	if math.Abs(got-bmy*pflip) > 4*se {
		t.Errorf("mean counterfactual change %.4f, want %.4f ± %.4f", got, bmy*pflip, 4*se)
	}
	// Every draw's change is 0 or b (m flips or not).
	for d, v := range rep.Rows[0].DiffDraws {
		if v != 0 && math.Abs(v-bmy) > 1e-12 {
			t.Fatalf("draw %d: change %g, want 0 or %g", d, v, bmy)
		}
	}
	prev := runtime.GOMAXPROCS(1)
	rep1, err := e.Counterfactual(mustParse(t, "do(x = +1.5)"), unit, tm, Options{Seed: 7})
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	for d := range rep.Rows[0].DiffDraws {
		if rep.Rows[0].DiffDraws[d] != rep1.Rows[0].DiffDraws[d] {
			t.Fatalf("draw %d differs between GOMAXPROCS %d and 1", d, prev)
		}
	}
}
