package sem

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// panelLayout is a balanced panel of J units × T periods, rows unit-major.
func panelLayout(J, T int) Layout {
	l := Layout{Rows: J * T}
	for j := 0; j < J; j++ {
		l.Units = append(l.Units, fmt.Sprintf("U%03d", j+1))
	}
	for t := 0; t < T; t++ {
		l.Times = append(l.Times, fmt.Sprintf("P%02d", t+1))
	}
	for j := 0; j < J; j++ {
		for t := 0; t < T; t++ {
			l.Unit = append(l.Unit, j)
			l.Time = append(l.Time, t)
			l.Ordinal = append(l.Ordinal, t+1)
		}
	}
	return l
}

// lagged shifts x by k periods within unit (NaN before the first period).
func lagged(l Layout, x []float64, k int) []float64 {
	out := make([]float64, len(x))
	for r := range x {
		if l.Time[r] < k {
			out[r] = math.NaN()
		} else {
			out[r] = x[r-k]
		}
	}
	return out
}

// normals draws n standard normals.
func normals(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// unitEffects draws one normal(0, sd) effect per unit, expanded to rows.
func unitEffects(rng *rand.Rand, l Layout, sd float64) []float64 {
	u := normals(rng, len(l.Units))
	out := make([]float64, l.Rows)
	for r := range out {
		out[r] = sd * u[l.Unit[r]]
	}
	return out
}

// punch sets a fraction of x to NaN (a copy).
func punch(rng *rand.Rand, x []float64, frac float64) []float64 {
	out := append([]float64(nil), x...)
	for i := range out {
		if rng.Float64() < frac {
			out[i] = math.NaN()
		}
	}
	return out
}

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// drawOrdered draws a category from an ordered logit with cutpoints c.
func drawOrdered(rng *rand.Rand, mu float64, c []float64) float64 {
	lat := mu + math.Log(1/rng.Float64()-1) // logistic noise
	k := 0
	for _, ci := range c {
		if lat > ci {
			k++
		}
	}
	return float64(k)
}

// drawPoisson draws a Poisson count (Knuth; small means only).
func drawPoisson(rng *rand.Rand, mean float64) float64 {
	l, k, p := math.Exp(-mean), 0.0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// randomPoint draws an unconstrained point with moderate values.
func randomPoint(rng *rand.Rand, dim int, sd float64) []float64 {
	x := make([]float64, dim)
	for i := range x {
		x[i] = sd * rng.NormFloat64()
	}
	return x
}

// checkGradient compares the analytic gradient with central finite
// differences at x, reporting the worst coordinates by name.
func checkGradient(t *testing.T, p *Posterior, x []float64, tol float64) {
	t.Helper()
	g := make([]float64, p.Dim())
	lp := p.LogDensityGrad(x, g)
	if math.IsNaN(lp) || math.IsInf(lp, 0) {
		t.Fatalf("log density not finite at the test point: %v", lp)
	}
	gs := make([]float64, p.Dim())
	f := func(y []float64) float64 { return p.LogDensityGrad(y, gs) }
	num := fd.Gradient(nil, f, x, &fd.Settings{Formula: fd.Central, Step: 1e-5})
	names := p.ParamNames()
	bad := 0
	for i := range g {
		if d := math.Abs(g[i] - num[i]); d > tol*(1+math.Abs(num[i])) || math.IsNaN(g[i]) {
			if bad < 8 {
				t.Errorf("d/d %s (x[%d]): analytic %.10g, finite differences %.10g", names[i], i, g[i], num[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d gradient coordinates disagree", bad, len(g))
	}
}

// index returns the position of name in p's parameters (fatal if absent).
func index(t *testing.T, p *Posterior, name string) int {
	t.Helper()
	for i, n := range p.ParamNames() {
		if n == name {
			return i
		}
	}
	t.Fatalf("no parameter %q in %v", name, p.ParamNames())
	return -1
}

// checkFamilyGradient compares the analytic gradient of f's LogLik plus
// LogPrior, with respect to the linear predictors mu and the unconstrained
// parameters th, with central finite differences; label names the case.
func checkFamilyGradient(t *testing.T, label string, f Family, y, mu, th []float64) {
	t.Helper()
	n, np := len(mu), len(th)
	z := append(append([]float64(nil), mu...), th...)
	eval := func(z, grad []float64) float64 {
		dmu := make([]float64, n)
		g := make([]float64, np)
		lp := f.LogLik(y, z[:n], z[n:], dmu, g) + f.LogPrior(z[n:], g)
		if grad != nil {
			copy(grad, dmu)
			copy(grad[n:], g)
		}
		return lp
	}
	got := make([]float64, n+np)
	eval(z, got)
	num := fd.Gradient(nil, func(z []float64) float64 { return eval(z, nil) }, z, &fd.Settings{Formula: fd.Central, Step: 1e-6})
	for i := range got {
		if math.Abs(got[i]-num[i]) > 1e-6*(1+math.Abs(num[i])) {
			t.Errorf("%s: d/dz[%d] analytic %.10g, finite differences %.10g", label, i, got[i], num[i])
		}
	}
}
