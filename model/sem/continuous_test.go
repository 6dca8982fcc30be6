package sem

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestContinuousGradients checks the analytic gradients of student,
// lognormal and beta (with respect to every row's mu and the family's own
// parameters, prior included) against gonum's finite differences, and
// LogLik against Σ LogDensity (student drops ½ log π per row, lognormal
// and beta nothing, lognormal ½ log 2π).
func TestContinuousGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	const n = 50
	for _, c := range []struct {
		fam   Family
		par   []float64
		unc   func(par []float64) []float64
		konst float64 // per-row constant LogLik drops
	}{
		{Student{}, []float64{0.8, 5}, func(p []float64) []float64 { return []float64{math.Log(p[0]), math.Log(p[1] - 1)} }, -0.5 * math.Log(math.Pi)},
		{Student{Nu: Exponential(0.1)}, []float64{1.5, 2.5}, func(p []float64) []float64 { return []float64{math.Log(p[0]), math.Log(p[1] - 1)} }, -0.5 * math.Log(math.Pi)},
		{LogNormal{}, []float64{0.6}, func(p []float64) []float64 { return []float64{math.Log(p[0])} }, -0.5 * math.Log(2*math.Pi)},
		{BetaFamily{}, []float64{6}, func(p []float64) []float64 { return []float64{math.Log(p[0])} }, 0},
	} {
		mu, y := make([]float64, n), make([]float64, n)
		for i := range mu {
			mu[i] = 0.3 + rng.NormFloat64()
			y[i] = c.fam.Rand(mu[i], c.par, rng)
		}
		f, err := c.fam.Prepare(y)
		if err != nil {
			t.Fatal(err)
		}
		np := f.NumParams()
		th := c.unc(c.par)
		for k := range th {
			th[k] += 0.3 * rng.NormFloat64()
		}
		checkFamilyGradient(t, fmt.Sprintf("%s", f.Name()), f, y, mu, th)
		nat := make([]float64, np)
		f.Constrain(th, nat)
		want := 0.0
		for i := range y {
			want += f.LogDensity(y[i], mu[i], nat) - c.konst
		}
		dmu, g := make([]float64, n), make([]float64, np)
		if ll := f.LogLik(y, mu, th, dmu, g); math.Abs(ll-want) > 1e-8*(1+math.Abs(want)) {
			t.Errorf("%s: LogLik %.12g, Σ LogDensity + constants %.12g", f.Name(), ll, want)
		}
	}
}

// TestContinuousPrepareErrors: y outside (0, 1) for beta, a non-positive
// y for lognormal, a non-finite y for student.
func TestContinuousPrepareErrors(t *testing.T) {
	for _, c := range []struct {
		fam  Family
		bad  float64
		want string
	}{
		{BetaFamily{}, 0, "strictly between 0 and 1"},
		{BetaFamily{}, 1, "strictly between 0 and 1"},
		{BetaFamily{}, 1.2, "strictly between 0 and 1"},
		{LogNormal{}, 0, "positive"},
		{LogNormal{}, -3, "positive"},
		{Student{}, math.Inf(1), "finite"},
	} {
		_, err := c.fam.Prepare([]float64{0.3, 0.6, c.bad})
		ve, ok := err.(*ValueError)
		if !ok || ve.Index != 2 || !strings.Contains(ve.Msg, c.want) {
			t.Errorf("%s with %g: %v", c.fam.Name(), c.bad, err)
		}
	}
}

// TestContinuousNoAllocation: a gradient of a student, lognormal or beta
// equation with unit intercepts allocates nothing, and agrees with finite
// differences.
func TestContinuousNoAllocation(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	l := panelLayout(30, 12)
	x := normals(rng, l.Rows)
	for _, c := range []struct {
		fam Family
		par []float64
	}{{Student{}, []float64{1, 4}}, {LogNormal{}, []float64{0.5}}, {BetaFamily{}, []float64{8}}} {
		y := make([]float64, l.Rows)
		for r := range y {
			y[r] = c.fam.Rand(0.2+0.5*x[r], c.par, rng)
		}
		p, err := Compile(&Spec{Layout: l, Equations: []Equation{{Node: "y", Family: c.fam, Y: y, UnitRE: true, Terms: []Term{{Parent: "x", X: x}}}}})
		if err != nil {
			t.Fatal(err)
		}
		z := randomPoint(rng, p.Dim(), 0.3)
		g := make([]float64, p.Dim())
		if a := testing.AllocsPerRun(5, func() { p.LogDensityGrad(z, g) }); a != 0 {
			t.Errorf("%s: %g allocations per gradient", c.fam.Name(), a)
		}
		checkGradient(t, p, z, 1e-5)
	}
}

// TestNewFamiliesUnitIntercepts: every family added for issue 15, with
// centred and non-centred unit intercepts, fixed period effects and a
// lagged parent, has a gradient that agrees with finite differences.
func TestNewFamiliesUnitIntercepts(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	l := panelLayout(12, 6)
	x := normals(rng, l.Rows)
	xl := lagged(l, x, 1)
	trials := make([]float64, l.Rows)
	for r := range trials {
		trials[r] = 31
	}
	for _, c := range []struct {
		fam Family
		par []float64
	}{
		{NegBinomial{}, []float64{2}}, {ZeroInflatedPoisson{}, []float64{0.3}}, {ZeroInflatedNegBinomial{}, []float64{2, 0.3}},
		{HurdlePoisson{}, []float64{0.5}}, {HurdleNegBinomial{}, []float64{2, 0.5}},
		{Binomial{}, []float64{31}}, {BetaBinomial{}, []float64{5, 31}},
		{Student{}, []float64{1, 4}}, {LogNormal{}, []float64{0.5}}, {BetaFamily{}, []float64{8}},
	} {
		y := make([]float64, l.Rows)
		for r := range y {
			y[r] = c.fam.Rand(0.2+0.4*x[r], c.par, rng)
		}
		var tr []float64
		if _, ok := c.fam.(TrialsFamily); ok {
			tr = trials
		}
		for _, re := range []REParam{RECentred, RENonCentred} {
			p, err := Compile(&Spec{Layout: l, Equations: []Equation{{Node: "y", Family: c.fam, Y: y, Trials: tr, UnitRE: true, RE: re, Time: TimeFixed,
				Terms: []Term{{Parent: "x", X: x}, {Parent: "x", Lag: 1, X: xl}}}}})
			if err != nil {
				t.Fatalf("%s %s: %v", c.fam.Name(), re, err)
			}
			checkGradient(t, p, randomPoint(rng, p.Dim(), 0.3), 1e-5)
		}
	}
}
