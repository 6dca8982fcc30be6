package predict

import (
	"math"
	"math/rand/v2"
	"testing"

	"dilemma/model/sem"
)

// panelLayout is units × periods rows, unit-major, periods labelled P1 ….
func panelLayout(units []string, periods int) sem.Layout {
	l := sem.Layout{Rows: len(units) * periods, Units: units}
	for p := 1; p <= periods; p++ {
		l.Times = append(l.Times, "P"+string(rune('0'+p)))
	}
	for j := range units {
		for p := 0; p < periods; p++ {
			l.Unit = append(l.Unit, j)
			l.Time = append(l.Time, p)
			l.Ordinal = append(l.Ordinal, 100+p)
		}
	}
	return l
}

// lagged returns x lagged by k periods within each unit of lay.
func lagged(lay sem.Layout, x []float64, k int) []float64 {
	out := make([]float64, len(x))
	for r := range x {
		out[r] = math.NaN()
		for s := range x {
			if lay.Unit[s] == lay.Unit[r] && lay.Ordinal[s] == lay.Ordinal[r]-k {
				out[r] = x[s]
			}
		}
	}
	return out
}

// testSpec builds a spec with every family, a lagged observed parent, a
// lagged latent parent, unit intercepts and period effects.
func testSpec(seed uint64) *sem.Spec {
	rng := rand.New(rand.NewPCG(seed, 1))
	lay := panelLayout([]string{"A", "B", "C", "D"}, 6)
	n := lay.Rows
	col := func(f func(r int) float64) []float64 {
		v := make([]float64, n)
		for r := range v {
			v[r] = f(r)
		}
		return v
	}
	x := col(func(int) float64 { return rng.NormFloat64() })
	x[5] = math.NaN()
	i1 := col(func(r int) float64 { return 0.8*x[r] + rng.NormFloat64()*0.5 })
	i2 := col(func(r int) float64 { return -0.5*x[r] + rng.NormFloat64()*0.7 })
	i3 := col(func(r int) float64 { return 0.3*x[r] + rng.NormFloat64() })
	i2[7] = math.NaN()
	y := col(func(r int) float64 { return 0.5*x[r] + rng.NormFloat64() })
	y[11] = math.NaN()
	z := col(func(r int) float64 { return float64(rng.IntN(2)) })
	w := col(func(int) float64 { return float64(rng.IntN(5)) })
	o := col(func(int) float64 { return float64(rng.IntN(4)) })
	xl := lagged(lay, x, 1)
	return &sem.Spec{
		Name:   "test",
		Layout: lay,
		Equations: []sem.Equation{
			{Node: "y", Y: y, Terms: []sem.Term{{Parent: "x", X: x}, {Parent: "x", Lag: 1, X: xl}, {Parent: "L", Lag: 1}},
				UnitRE: true, RE: sem.RECentred, Time: sem.TimeFixed},
			{Node: "z", Family: sem.Bernoulli{}, Y: z, Terms: []sem.Term{{Parent: "y", X: y}}, UnitRE: true, RE: sem.RENonCentred},
			{Node: "w", Family: sem.Poisson{}, Y: w, Terms: []sem.Term{{Parent: "x", X: x}, {Parent: "L"}}, Time: sem.TimeRandomWalk},
			{Node: "o", Family: sem.Ordered{}, Y: o, Terms: []sem.Term{{Parent: "x", X: x}}, UnitRE: true},
		},
		Latents: []sem.Latent{{Node: "L", Terms: []sem.Term{{Parent: "x", X: x}}, UnitRE: true,
			Indicators: []sem.Indicator{{Node: "i1", Y: i1}, {Node: "i2", Y: i2}, {Node: "i3", Y: i3}}}},
	}
}

// TestMuByHand checks the linear predictor of one row against a sum
// written out by hand.
func TestMuByHand(t *testing.T) {
	spec := testSpec(1)
	post, err := sem.Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(spec, post)
	if err != nil {
		t.Fatal(err)
	}
	names := post.ParamNames()
	theta := make([]float64, len(names))
	set := func(name string, v float64) {
		for i, n := range names {
			if n == name {
				theta[i] = v
				return
			}
		}
		t.Fatalf("no parameter %s", name)
	}
	set("a.y", 0.5)
	set("b.x.y", 2)
	set("b.x.lag1.y", -1)
	set("b.L.lag1.y", 0.3)
	set("u.y.B", 0.2)
	set("u.y.A", 9) // another unit: must not enter
	set("g.y.P4", -0.4)
	set("g.y.P3", 7) // another period: must not enter
	set("eta.L.B.P3", 1.5)
	set("eta.L.B.P4", 11) // the same period: the edge is lagged
	lay := spec.Layout
	r := 1*6 + 3 // unit B, period P4
	if lay.Units[lay.Unit[r]] != "B" || lay.Times[lay.Time[r]] != "P4" {
		t.Fatalf("row %d is not B P4", r)
	}
	x := spec.Equations[0].Terms[0].X
	xNow, xBefore := x[r], x[r-1]
	want := 0.5 + 2*xNow + (-1)*xBefore + 0.3*1.5 + 0.2 + (-0.4)
	got, ok := m.Equation("y").Mu(theta, r)
	if !ok || math.Abs(got-want) > 1e-12 {
		t.Fatalf("Mu(y, B P4) = %v, %v; want %v", got, ok, want)
	}
	// period P1 has no lag: the lagged parents are missing there
	if _, ok := m.Equation("y").Mu(theta, 1*6); ok {
		t.Error("Mu(y, B P1) should be missing: no lagged values at the first period")
	}
	// the indicator: a.i2 + lambda.L.i2 · eta.L.B.P4
	set("a.i2", -0.25)
	set("lambda.L.i2", 0.6)
	got, ok = m.Equation("i2").Mu(theta, r)
	if want := -0.25 + 0.6*11; !ok || math.Abs(got-want) > 1e-12 {
		t.Errorf("Mu(i2, B P4) = %v, %v; want %v", got, ok, want)
	}
	// the latent's own equation has no intercept: b.x.L · x + u.L.B
	set("b.x.L", 1.25)
	set("u.L.B", -0.5)
	got, ok = m.Equation("L").Mu(theta, r)
	if want := 1.25*xNow - 0.5; !ok || math.Abs(got-want) > 1e-12 {
		t.Errorf("Mu(L, B P4) = %v, %v; want %v", got, ok, want)
	}
}

// TestLogLikMatchesSem checks predict against package sem itself: the log
// posterior minus its prior-only version is the log likelihood of every
// observed and indicator equation, up to a constant, so the difference
// between it and the sum of LogLik over Rows must not depend on the point.
// This exercises every family, lags, latent parents, unit intercepts in both
// parameterizations and both kinds of period effects.
func TestLogLikMatchesSem(t *testing.T) {
	spec := testSpec(2)
	post, err := sem.Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	prior := *spec
	prior.PriorOnly = true
	pp, err := sem.Compile(&prior)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(spec, post)
	if err != nil {
		t.Fatal(err)
	}
	info := map[string]int{}
	for _, in := range post.Equations() {
		info[in.Node] = in.Rows
	}
	for _, e := range m.Equations {
		if got := len(e.Rows()); got != info[e.Node] {
			t.Errorf("%s: %d rows, sem uses %d", e.Node, got, info[e.Node])
		}
	}
	rng := rand.New(rand.NewPCG(9, 9))
	dim := post.Dim()
	grad := make([]float64, dim)
	var offsets []float64
	for trial := 0; trial < 4; trial++ {
		x := make([]float64, dim)
		for i := range x {
			x[i] = 0.6 * rng.NormFloat64()
		}
		lik := post.LogDensityGrad(x, grad) - pp.LogDensityGrad(x, grad)
		theta := make([]float64, dim)
		post.Constrain(x, theta)
		sum := 0.0
		for _, e := range m.Equations {
			if e.Kind == Latent {
				continue
			}
			for _, r := range e.Rows() {
				mu, _ := e.Mu(theta, r)
				y, _ := e.Observed(theta, r)
				sum += e.LogLik(theta, 0, mu, y)
			}
		}
		offsets = append(offsets, lik-sum)
	}
	for i := 1; i < len(offsets); i++ {
		if math.Abs(offsets[i]-offsets[0]) > 1e-6*math.Max(1, math.Abs(offsets[0])) {
			t.Fatalf("log likelihood from sem minus predict's varies with the point: %v", offsets)
		}
	}
}

// TestDrawFrequencies checks each family's replicated values against the
// probabilities LogLik gives.
func TestDrawFrequencies(t *testing.T) {
	theta := []float64{0.7, -0.5, 0.4, 1.6}
	cases := []struct {
		e  Equation
		mu float64
	}{
		{Equation{Family: "bernoulli", Fam: sem.Bernoulli{}}, 0.8},
		{Equation{Family: "poisson", Fam: sem.Poisson{}}, 0.9},
		{Equation{Family: "ordered", Fam: sem.Ordered{K: 4}, Params: []int{1, 2, 3}}, 0.3},
	}
	rng := rand.New(rand.NewPCG(4, 4))
	const n = 200000
	for _, c := range cases {
		counts := map[float64]int{}
		for i := 0; i < n; i++ {
			counts[c.e.Draw(theta, 0, c.mu, rng)]++
		}
		for y := 0.0; y < 6; y++ {
			p := math.Exp(c.e.LogLik(theta, 0, c.mu, y))
			f := float64(counts[y]) / n
			if se := math.Sqrt(p * (1 - p) / n); math.Abs(f-p) > 5*se+1e-9 {
				t.Errorf("%s: P(y=%g) = %.4f, drawn frequency %.4f", c.e.Family, y, p, f)
			}
		}
	}
	// gaussian: mean and sd
	g := Equation{Family: "gaussian", Fam: sem.Gaussian{}, Params: []int{0}}
	var s, ss float64
	for i := 0; i < n; i++ {
		v := g.Draw(theta, 0, 2, rng)
		s += v
		ss += v * v
	}
	mean := s / n
	sd := math.Sqrt(ss/n - mean*mean)
	if math.Abs(mean-2) > 5*0.7/math.Sqrt(n) || math.Abs(sd-0.7) > 0.01 {
		t.Errorf("gaussian draws: mean %.4f sd %.4f, want 2 and 0.7", mean, sd)
	}
	// the gaussian log density integrates to one
	tot := 0.0
	for y := -6.0; y <= 10; y += 0.001 {
		tot += math.Exp(g.LogLik(theta, 0, 2, y)) * 0.001
	}
	if math.Abs(tot-1) > 1e-4 {
		t.Errorf("gaussian density integrates to %v", tot)
	}
}
