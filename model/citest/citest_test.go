package citest

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// panel draws G units × T periods of x, y and z. Each variable has a unit
// effect (sd su) and AR(1) noise with coefficient rho; y depends on z
// (and on x with coefficient bx); a shock common to all units in a period
// (sd sc) enters x and y.
type panelSpec struct {
	G, T         int
	su, rho, sc  float64
	bx           float64
	invariantX   bool
	invariantZ   bool
	sharedEffect bool // x and y share their unit effect
}

func simulate(rng *rand.Rand, s panelSpec) Data {
	var d Data
	ar := func(prev float64) float64 {
		return s.rho*prev + math.Sqrt(1-s.rho*s.rho)*rng.NormFloat64()
	}
	shock := make([]float64, s.T)
	for t := range shock {
		shock[t] = s.sc * rng.NormFloat64()
	}
	for g := 0; g < s.G; g++ {
		ux, uy, uz := s.su*rng.NormFloat64(), s.su*rng.NormFloat64(), s.su*rng.NormFloat64()
		if s.sharedEffect {
			uy = ux
		}
		ex, ey, ez := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		for t := 0; t < s.T; t++ {
			ex, ey, ez = ar(ex), ar(ey), ar(ez)
			x := ux + ex + shock[t]
			if s.invariantX {
				x = ux
			}
			z := uz + ez
			if s.invariantZ {
				z = uz
			}
			y := uy + 0.7*z + s.bx*x + ey + shock[t]
			d.X = append(d.X, x)
			d.Y = append(d.Y, y)
			if len(d.Z) == 0 {
				d.Z = [][]float64{nil}
			}
			d.Z[0] = append(d.Z[0], z)
			d.Unit = append(d.Unit, g)
			d.Period = append(d.Period, t)
		}
	}
	return d
}

// The clustered test agrees with the sandwich computed the textbook way:
// regression on unit dummies by QR, (X'X)⁻¹ from the full design.
func TestClusteredMatchesSandwich(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	d := simulate(rng, panelSpec{G: 12, T: 6, su: 1, rho: 0.5, bx: 0.2})
	d.X[3] = math.NaN() // a missing row is left out
	res := Test(d, Within)
	if !res.Tested() {
		t.Fatal(res.Untestable)
	}
	// Complete rows.
	var rows []int
	for i := range d.Y {
		if !math.IsNaN(d.X[i]) {
			rows = append(rows, i)
		}
	}
	n, G := len(rows), 12
	// Design: x, z, unit dummies.
	X := mat.NewDense(n, 2+G, nil)
	y := mat.NewVecDense(n, nil)
	for j, i := range rows {
		X.Set(j, 0, d.X[i])
		X.Set(j, 1, d.Z[0][i])
		X.Set(j, 2+d.Unit[i], 1)
		y.SetVec(j, d.Y[i])
	}
	var xtx mat.Dense
	xtx.Mul(X.T(), X)
	var inv mat.Dense
	if err := inv.Inverse(&xtx); err != nil {
		t.Fatal(err)
	}
	var beta mat.VecDense
	var xty mat.VecDense
	xty.MulVec(X.T(), y)
	beta.MulVec(&inv, &xty)
	var fitted mat.VecDense
	fitted.MulVec(X, &beta)
	meat := mat.NewDense(2+G, 2+G, nil)
	for g := 0; g < G; g++ {
		s := mat.NewVecDense(2+G, nil)
		for j, i := range rows {
			if d.Unit[i] != g {
				continue
			}
			u := y.AtVec(j) - fitted.AtVec(j)
			s.AddScaledVec(s, u, X.RowView(j))
		}
		var o mat.Dense
		o.Outer(1, s, s)
		meat.Add(meat, &o)
	}
	var v mat.Dense
	v.Product(&inv, meat, &inv)
	K := 2 // x and z; the unit effects are absorbed (nested in the clusters)
	c := float64(G) / float64(G-1) * float64(n-1) / float64(n-K)
	se := math.Sqrt(c * v.At(0, 0))
	tt := beta.AtVec(0) / se
	if math.Abs(res.T-tt) > 1e-8*math.Abs(tt) || res.DF != float64(G-1) || res.N != n || res.Clusters != G {
		t.Errorf("t = %v (df %v, n %d, G %d), textbook %v (df %d, n %d)", res.T, res.DF, res.N, res.Clusters, tt, G-1, n)
	}
}

// Under the null, with unit effects and strongly autocorrelated noise in
// both variables, the within test keeps its size; the pooled test does not.
func TestSizeUnderAutocorrelation(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	reps := 300
	rej := map[Method]int{}
	for r := 0; r < reps; r++ {
		d := simulate(rng, panelSpec{G: 60, T: 20, su: 1, rho: 0.8})
		for _, m := range []Method{Within, Pooled} {
			if res := Test(d, m); res.Tested() && res.P < 0.05 {
				rej[m]++
			}
		}
	}
	within, pooled := float64(rej[Within])/float64(reps), float64(rej[Pooled])/float64(reps)
	t.Logf("rejection rate at 0.05: within %.3f, pooled %.3f", within, pooled)
	if within < 0.02 || within > 0.085 {
		t.Errorf("within test size %.3f, want near 0.05", within)
	}
	if pooled < 0.2 {
		t.Errorf("pooled test size %.3f: expected far above 0.05 on this panel", pooled)
	}
}

// A common shock per period biases the one-way test; two-way demeaning
// removes it.
func TestWithinTimeRemovesCommonShocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	reps := 100
	rej := map[Method]int{}
	for r := 0; r < reps; r++ {
		d := simulate(rng, panelSpec{G: 60, T: 20, su: 1, rho: 0.3, sc: 2})
		// Make the panel unbalanced.
		for i := 0; i < len(d.Y); i += 7 {
			d.Y[i] = math.NaN()
		}
		for _, m := range []Method{Within, WithinTime} {
			if res := Test(d, m); res.Tested() && res.P < 0.05 {
				rej[m]++
			}
		}
	}
	if rej[WithinTime] > 12 || rej[Within] < 50 {
		t.Errorf("rejections in %d: within %d (want many), within-time %d (want about 5)", reps, rej[Within], rej[WithinTime])
	}
}

// Power: a real within-unit effect is found.
func TestPower(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	d := simulate(rng, panelSpec{G: 100, T: 20, su: 1, rho: 0.5, bx: 0.2})
	res := Test(d, Within)
	if !(res.P < 1e-4) || !(res.R > 0 && res.Lo > 0) {
		t.Errorf("effect 0.2 not found: %+v", res)
	}
}

func TestInvariant(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	d := simulate(rng, panelSpec{G: 30, T: 10, su: 1, rho: 0.5, invariantX: true})
	if res := Test(d, Within); res.Tested() || res.Invariant != 1 {
		t.Errorf("time-invariant X tested within units: %+v", res)
	}
	if res := Test(d, Pooled); !res.Tested() {
		t.Errorf("pooled test of time-invariant X: %s", res.Untestable)
	}
	d = simulate(rng, panelSpec{G: 30, T: 10, su: 1, rho: 0.5, invariantZ: true})
	res := Test(d, Within)
	if !res.Tested() || len(res.DroppedZ) != 1 || res.DroppedZ[0] != 0 {
		t.Errorf("time-invariant Z not dropped: %+v", res)
	}
	// A cross-section cannot be tested within units.
	d.Unit = nil
	if res := Test(d, Within); res.Tested() {
		t.Error("within test without units")
	}
}

func TestPooledPartialCorrelation(t *testing.T) {
	// y = z + e1, x = z + e2 with e1, e2 correlated 0.5: the partial
	// correlation is 0.5.
	rng := rand.New(rand.NewPCG(11, 12))
	var d Data
	d.Z = [][]float64{nil}
	for i := 0; i < 20000; i++ {
		z, a, b := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		d.Z[0] = append(d.Z[0], z)
		d.Y = append(d.Y, z+a)
		d.X = append(d.X, z+0.5*a+math.Sqrt(0.75)*b)
	}
	res := Test(d, Pooled)
	if math.Abs(res.R-0.5) > 0.02 || !(res.Lo < 0.5 && res.Hi > 0.5) || res.DF != 20000-3 {
		t.Errorf("pooled partial correlation %+v, want 0.5", res)
	}
}

func TestAdjust(t *testing.T) {
	p := []float64{0.01, 0.04, math.NaN(), 0.03, 0.2}
	// R: p.adjust(c(0.01, 0.04, 0.03, 0.2), "holm") and "BH".
	holm := []float64{0.04, 0.09, math.NaN(), 0.09, 0.2}
	bh := []float64{0.04, 0.16 / 3, math.NaN(), 0.16 / 3, 0.2}
	for name, pair := range map[string][2][]float64{"holm": {Holm(p), holm}, "bh": {BH(p), bh}} {
		for i := range p {
			got, want := pair[0][i], pair[1][i]
			if math.IsNaN(want) != math.IsNaN(got) || math.Abs(got-want) > 1e-12 {
				t.Errorf("%s[%d] = %v, want %v", name, i, got, want)
			}
		}
	}
}

func TestParseMethod(t *testing.T) {
	for i, s := range Methods {
		m, err := ParseMethod(s)
		if err != nil || int(m) != i || m.String() != s {
			t.Errorf("%s: %v %v", s, m, err)
		}
	}
	if _, err := ParseMethod("fixed"); err == nil {
		t.Error("unknown method accepted")
	}
}

// A memoryless series against its own lag: demeaning biases the within
// coefficient to about −1/T, which the half-panel jackknife removes; an
// AR(1) series is still found.
func TestJackknifeRemovesNickellBias(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	lagged := func(rho float64) Data {
		var d Data
		for g := 0; g < 100; g++ {
			u := rng.NormFloat64()
			e := rng.NormFloat64()
			prev := math.NaN()
			for tt := 0; tt < 12; tt++ {
				e = rho*e + math.Sqrt(1-rho*rho)*rng.NormFloat64()
				v := u + e
				d.Y = append(d.Y, v)
				d.X = append(d.X, prev)
				d.Unit = append(d.Unit, g)
				d.Period = append(d.Period, tt)
				d.Ordinal = append(d.Ordinal, tt)
				prev = v
			}
		}
		return d
	}
	reps := 200
	plain, jack := 0, 0
	for r := 0; r < reps; r++ {
		d := lagged(0)
		if res := Test(d, Within); res.P < 0.05 {
			plain++
		}
		d.Jackknife = true
		if res := Test(d, Within); res.P < 0.05 {
			jack++
		}
	}
	t.Logf("memoryless series, T = 12: plain within rejects %d of %d, jackknife %d", plain, reps, jack)
	if plain < reps/2 || float64(jack) > 0.09*float64(reps) {
		t.Errorf("rejections of a true independence: plain %d (want most), jackknife %d (want about 5%%) of %d", plain, jack, reps)
	}
	d := lagged(0.3)
	d.Jackknife = true
	if res := Test(d, Within); !(res.P < 1e-3) || !(res.R > 0.15) {
		t.Errorf("AR(1) 0.3 not found by the jackknife test: %+v", res)
	}
}
