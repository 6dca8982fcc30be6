package sem

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"dilemma/inference"
	"dilemma/inference/diagnostics"
)

// arPanel simulates y = a + b·x + u_unit + e with AR(1) residuals e within
// unit (stationary start), on J units × T periods, and removes a fraction
// gapFrac of y's values (gaps in time).
func arPanel(rng *rand.Rand, J, T int, a, b, rho, sigma, tau, gapFrac float64) (Layout, []float64, []float64) {
	l := panelLayout(J, T)
	x := normals(rng, l.Rows)
	u := unitEffects(rng, l, tau)
	y := make([]float64, l.Rows)
	e := 0.0
	for r := range y {
		if l.Time[r] == 0 {
			e = sigma / math.Sqrt(1-rho*rho) * rng.NormFloat64()
		} else {
			e = rho*e + sigma*rng.NormFloat64()
		}
		y[r] = a + b*x[r] + u[r] + e
	}
	return l, x, punch(rng, y, gapFrac)
}

func arSpec(l Layout, x, y []float64, unitRE bool) *Spec {
	return &Spec{Name: "ar", Layout: l, Equations: []Equation{
		{Node: "y", Y: y, AR: 1, UnitRE: unitRE, Terms: []Term{{Parent: "x", X: x}}},
	}}
}

func TestARGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	l, x, y := arPanel(rng, 8, 12, 0.2, 0.5, 0.6, 0.7, 0.5, 0.2)
	for _, re := range []REParam{RECentred, RENonCentred} {
		for _, unitRE := range []bool{true, false} {
			s := arSpec(l, x, y, unitRE)
			s.Equations[0].RE = re
			// A second equation with period effects and a latent-free
			// parent: the AR equation sits among others.
			s.Equations = append(s.Equations, Equation{Node: "w", Y: normals(rng, l.Rows), AR: 1, UnitRE: unitRE, RE: re, Time: TimeFixed,
				Terms: []Term{{Parent: "y", X: y}}})
			p, err := Compile(s)
			if err != nil {
				t.Fatal(err)
			}
			for k := 0; k < 3; k++ {
				xp := randomPoint(rng, p.Dim(), 0.6)
				checkGradient(t, p, xp, 1e-5)
			}
		}
	}
}

// The AR likelihood of one unit equals the multivariate normal density of
// its residuals with the AR(1) covariance sigma²·rho^|t−s|/(1−rho²) at the
// periods observed: the stationary start and the exact k-step transitions
// across gaps are what the dense covariance implies.
func TestARLikelihoodEqualsMultivariateNormal(t *testing.T) {
	l := panelLayout(1, 10)
	nan := math.NaN()
	y := []float64{0.3, -0.2, nan, 0.9, 1.1, nan, nan, nan, -0.4, 0.2}
	x := []float64{0.1, 0.5, -0.3, 0.2, 1.0, -1.2, 0.4, 0.0, 0.7, -0.6}
	p, err := compile(arSpec(l, x, y, false), compileOptions{noCentre: true}) // the intercept read at x = 0
	if err != nil {
		t.Fatal(err)
	}
	a, b, sigma, rho := 0.4, -0.7, 0.8, 0.55
	pt := make([]float64, p.Dim())
	pt[index(t, p, "a.y")] = a
	pt[index(t, p, "b.x.y")] = b
	pt[index(t, p, "sigma.y")] = math.Log(sigma)
	pt[index(t, p, "ar.y")] = math.Atanh(rho)
	g := make([]float64, p.Dim())
	lp := p.LogDensityGrad(pt, g)
	prior := p.PriorPart().LogDensityGrad(pt, g)

	var obs []int
	for r, v := range y {
		if !math.IsNaN(v) {
			obs = append(obs, r)
		}
	}
	n := len(obs)
	cov := mat.NewSymDense(n, nil)
	res := make([]float64, n)
	for i, ri := range obs {
		res[i] = y[ri] - a - b*x[ri]
		for j, rj := range obs {
			cov.SetSym(i, j, sigma*sigma*math.Pow(rho, math.Abs(float64(ri-rj)))/(1-rho*rho))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(cov) {
		t.Fatal("covariance not positive definite")
	}
	sol := mat.NewVecDense(n, nil)
	if err := ch.SolveVecTo(sol, mat.NewVecDense(n, res)); err != nil {
		t.Fatal(err)
	}
	want := -0.5*ch.LogDet() - 0.5*mat.Dot(sol, mat.NewVecDense(n, res))
	// Compile's density drops the 2π constants.
	got := lp - prior
	if d := math.Abs(got - want); d > 1e-9 {
		t.Errorf("AR log likelihood %.12g, multivariate normal %.12g (diff %.3g)", got, want, d)
	}
}

func TestARZeroAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	l, x, y := arPanel(rng, 10, 20, 0, 0.5, 0.5, 1, 0.5, 0.1)
	p, err := Compile(arSpec(l, x, y, true))
	if err != nil {
		t.Fatal(err)
	}
	xp := randomPoint(rng, p.Dim(), 0.3)
	g := make([]float64, p.Dim())
	if n := testing.AllocsPerRun(50, func() { p.LogDensityGrad(xp, g) }); n != 0 {
		t.Errorf("%v allocations per gradient, want 0", n)
	}
	out := make([]float64, p.Dim())
	p.Constrain(xp, out)
	if got, want := out[index(t, p, "ar.y")], math.Tanh(xp[index(t, p, "ar.y")]); got != want {
		t.Errorf("ar.y constrained to %g, want tanh = %g", got, want)
	}
	in := p.Equations()[0]
	if in.AR != 1 || in.SufficientStats || !strings.Contains(in.String(), "AR(1)") {
		t.Errorf("equation info %+v: want AR 1 through the row loop", in)
	}
}

// rho, sigma and the strength recovered on a simulated panel of 30 units ×
// 40 periods with rho = 0.6 and 10% of the rows missing (gaps).
func TestARRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("sampling")
	}
	rng := rand.New(rand.NewPCG(11, 5))
	l, x, y := arPanel(rng, 30, 40, 0.3, 0.5, 0.6, 0.8, 0.6, 0.1)
	p, err := Compile(arSpec(l, x, y, true))
	if err != nil {
		t.Fatal(err)
	}
	s := inference.DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples, s.Seed = 2, 300, 300, 9
	res, err := inference.Sample(context.Background(), func() inference.Target { return p.Clone() }, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	truth := map[string]float64{"ar.y": 0.6, "sigma.y": 0.8, "b.x.y": 0.5, "tau.y": 0.6}
	for name, v := range truth {
		sum := diagnostics.Summarize(name, res.Column(res.Index(name)))
		t.Logf("%-8s truth %.2f mean %.3f sd %.3f rhat %.3f ess %.0f", name, v, sum.Mean, sum.SD, sum.Rhat, sum.ESSBulk)
		if z := (sum.Mean - v) / sum.SD; math.Abs(z) > 4 || math.IsNaN(z) {
			t.Errorf("%s: mean %.3f (sd %.3f) is %.1f sd from the truth %.2f", name, sum.Mean, sum.SD, z, v)
		}
		if sum.Rhat > 1.05 {
			t.Errorf("%s: R-hat %.3f", name, sum.Rhat)
		}
	}
	// A fit that ignores the autocorrelation is not what is tested here,
	// but rho itself must be sharp: 1,080 transitions give sd ≈ 0.03.
	if sum := diagnostics.Summarize("ar.y", res.Column(res.Index("ar.y"))); sum.SD > 0.06 {
		t.Errorf("ar.y posterior sd %.3f: rho is barely learned", sum.SD)
	}
}

func TestARErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	l, x, y := arPanel(rng, 5, 6, 0, 0.5, 0.5, 1, 0.5, 0)
	counts := make([]float64, l.Rows)
	for r := range counts {
		counts[r] = drawPoisson(rng, 2)
	}
	one := panelLayout(12, 1) // one period per unit
	cross := Layout{Rows: l.Rows}
	cases := []struct {
		name string
		spec *Spec
		want string
	}{
		{"order 2", &Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y, AR: 2, Terms: []Term{{Parent: "x", X: x}}}}},
			`ar="2": only AR(1)`},
		{"poisson", &Spec{Layout: l, Equations: []Equation{{Node: "c", Family: Poisson{}, Y: counts, AR: 1, Terms: []Term{{Parent: "x", X: x}}}}},
			`node c: ar="1" needs a gaussian or student node, not poisson`},
		{"self-lag", &Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y, AR: 1, Terms: []Term{{Parent: "y", Lag: 1, X: lagged(l, y, 1)}}}}},
			"not identified"},
		{"one period", &Spec{Layout: one, Equations: []Equation{{Node: "y", Y: normals(rng, 12), AR: 1, Terms: []Term{{Parent: "x", X: normals(rng, 12)}}}}},
			"each unit has at most one of the 12 rows"},
		{"cross-section", &Spec{Layout: cross, Equations: []Equation{{Node: "y", Y: y, AR: 1, Terms: []Term{{Parent: "x", X: x}}}}},
			"needs a panel"},
	}
	for _, c := range cases {
		_, err := Compile(c.spec)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error spans lines: %q", c.name, err)
		}
	}
}

// benchAR times the gradient of one gaussian equation with unit intercepts
// and two parents on a panel the size of the embedded one (156 units × 35
// periods), with AR(1) residuals or without (opt.noSuff: through the row
// loop, as AR needs; else on sufficient statistics).
func benchAR(b *testing.B, ar int, opt compileOptions) {
	rng := rand.New(rand.NewPCG(99, 1))
	l, x, y := arPanel(rng, 156, 35, 0.2, 0.5, 0.6, 0.6, 0.7, 0)
	x2 := normals(rng, l.Rows)
	spec := &Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y, AR: ar, UnitRE: true,
		Terms: []Term{{Parent: "x", X: x}, {Parent: "x2", X: x2}}}}}
	p, err := compile(spec, opt)
	if err != nil {
		b.Fatal(err)
	}
	xp := randomPoint(rng, p.Dim(), 0.3)
	g := make([]float64, p.Dim())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.LogDensityGrad(xp, g)
	}
}

func BenchmarkGaussianAR(b *testing.B)          { benchAR(b, 1, compileOptions{}) }
func BenchmarkGaussianNoARRowLoop(b *testing.B) { benchAR(b, 0, compileOptions{noSuff: true}) }
func BenchmarkGaussianNoARSuff(b *testing.B)    { benchAR(b, 0, compileOptions{}) }

// REAuto counts the effective rows of autocorrelated residuals: 35
// periods at rho 0.9 are worth about 2 independent rows per unit
// (non-centred unit intercepts), at rho 0.1 about 29 (centred).
func TestARAutoRE(t *testing.T) {
	for _, c := range []struct {
		rho  float64
		want REParam
	}{{0.9, RENonCentred}, {0.1, RECentred}} {
		rng := rand.New(rand.NewPCG(31, 7))
		l, x, y := arPanel(rng, 40, 35, 0, 0.2, c.rho, 0.5, 0.5, 0)
		p, err := Compile(arSpec(l, x, y, true))
		if err != nil {
			t.Fatal(err)
		}
		in := p.Equations()[0]
		t.Log(in)
		if in.RE != c.want.String() || !strings.Contains(in.REReason, "effective rows per unit") {
			t.Errorf("rho %.1f: %s unit intercepts (%s), want %s", c.rho, in.RE, in.REReason, c.want)
		}
	}
}

// Near |rho| = 1 (z = atanh(rho) = ±20, where tanh rounds to ±1) the
// density and its gradient stay finite: the stationary start is carried
// as a precision 1 − rho², not a variance.
func TestARFiniteNearUnitRoot(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	l, x, y := arPanel(rng, 6, 10, 0, 0.5, 0.5, 1, 0.5, 0.2)
	p, err := Compile(arSpec(l, x, y, true))
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range []float64{-20, 20} {
		xp := randomPoint(rng, p.Dim(), 0.3)
		xp[index(t, p, "ar.y")] = z
		g := make([]float64, p.Dim())
		lp := p.LogDensityGrad(xp, g)
		if math.IsNaN(lp) || math.IsInf(lp, 0) {
			t.Errorf("z = %g: log density %g", z, lp)
		}
		for i, v := range g {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("z = %g: gradient of %s is %g", z, p.ParamNames()[i], v)
			}
		}
	}
}

// The AR likelihood on sufficient statistics (ar_suff.go) equals the row
// loop's, value and gradient, with unit intercepts centred, non-centred
// or absent, gaps of several lengths and two parents.
func TestARSufficientStatsEqualRowLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 8))
	l, x, y := arPanel(rng, 9, 14, 0.3, 0.5, 0.7, 0.6, 0.5, 0.3)
	x2 := normals(rng, l.Rows)
	for _, re := range []REParam{RECentred, RENonCentred} {
		for _, unitRE := range []bool{true, false} {
			s := &Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y, AR: 1, UnitRE: unitRE, RE: re,
				Terms: []Term{{Parent: "x", X: x}, {Parent: "x2", X: x2}}}}}
			fast, err := Compile(s)
			if err != nil {
				t.Fatal(err)
			}
			slow, err := compile(s, compileOptions{noSuff: true})
			if err != nil {
				t.Fatal(err)
			}
			if fast.eqs[0].arS == nil || slow.eqs[0].arS != nil {
				t.Fatalf("want sufficient statistics in one and the row loop in the other")
			}
			if k := len(fast.eqs[0].arS.gaps); k < 3 {
				t.Fatalf("only %d gap lengths: the test needs gaps", k)
			}
			for k := 0; k < 4; k++ {
				xp := randomPoint(rng, fast.Dim(), 0.8)
				g1, g2 := make([]float64, fast.Dim()), make([]float64, fast.Dim())
				l1, l2 := fast.LogDensityGrad(xp, g1), slow.LogDensityGrad(xp, g2)
				if math.Abs(l1-l2) > 1e-9*math.Max(1, math.Abs(l2)) {
					t.Errorf("re %v unitRE %v: log density %.12g, row loop %.12g", re, unitRE, l1, l2)
				}
				for i := range g1 {
					if math.Abs(g1[i]-g2[i]) > 1e-8*math.Max(1, math.Abs(g2[i])) {
						t.Errorf("re %v unitRE %v: gradient of %s %.10g, row loop %.10g", re, unitRE, fast.ParamNames()[i], g1[i], g2[i])
					}
				}
				checkGradient(t, fast, xp, 1e-5)
			}
		}
	}
}
