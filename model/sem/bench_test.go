package sem

import (
	"math"
	"math/rand/v2"
	"testing"
)

// benchPanel is a synthetic panel the size of the real one used by issue 8's
// Stan comparison (156 units × 35 rows = 5,460 rows) with nodes of every
// family. Equations are picked by name.
func benchPanel(which []string, opt compileOptions) (*Posterior, error) {
	rng := rand.New(rand.NewPCG(99, 1))
	l := panelLayout(156, 35)
	n := l.Rows
	x1, x2, x3 := normals(rng, n), normals(rng, n), normals(rng, n)
	y1, y2 := make([]float64, n), make([]float64, n)
	yo, yb, yp := make([]float64, n), make([]float64, n), make([]float64, n)
	u1, u2 := unitEffects(rng, l, 0.7), unitEffects(rng, l, 0.5)
	eta := normals(rng, n)
	for r := 0; r < n; r++ {
		y1[r] = 0.2 + 0.5*x1[r] - 0.3*x2[r] + u1[r] + 0.6*rng.NormFloat64()
		y2[r] = -0.1 + 0.4*y1[r] + 0.2*x1[r] + 0.3*x3[r] + u2[r] + 0.7*rng.NormFloat64()
		yo[r] = drawOrdered(rng, 0.8*y1[r]+u1[r], []float64{-1.5, -0.5, 0.5, 1.5})
		if rng.Float64() < logistic(-0.2+0.6*y2[r]+u2[r]) {
			yb[r] = 1
		}
		yp[r] = drawPoisson(rng, math.Exp(0.3+0.3*x1[r]+0.5*u1[r]))
		eta[r] += 0.5 * x1[r]
	}
	ind := func(lam float64) []float64 {
		v := make([]float64, n)
		for r := range v {
			v[r] = lam*eta[r] + 0.5*rng.NormFloat64()
		}
		return v
	}
	all := map[string]Equation{
		"gaussian1": {Node: "y1", Y: y1, UnitRE: true, Terms: []Term{{Parent: "x1", X: x1}, {Parent: "x2", X: x2}}},
		"gaussian2": {Node: "y2", Y: y2, UnitRE: true, Terms: []Term{{Parent: "y1", X: y1}, {Parent: "x1", X: x1}, {Parent: "x3", X: x3}}},
		"ordered":   {Node: "yo", Family: Ordered{}, Y: yo, UnitRE: true, Terms: []Term{{Parent: "y1", X: y1}, {Parent: "x2", X: x2}}},
		"bernoulli": {Node: "yb", Family: Bernoulli{}, Y: yb, UnitRE: true, Terms: []Term{{Parent: "y2", X: y2}, {Parent: "x1", X: x1}}},
		"poisson":   {Node: "yp", Family: Poisson{}, Y: yp, UnitRE: true, Terms: []Term{{Parent: "x1", X: x1}}},
	}
	spec := &Spec{Layout: l}
	for _, w := range which {
		if w == "latent" || w == "latent-conditional" {
			l := Latent{Node: "L", Terms: []Term{{Parent: "x1", X: x1}},
				Indicators: []Indicator{{Node: "i1", Y: ind(1)}, {Node: "i2", Y: ind(0.7)}, {Node: "i3", Y: ind(-0.5)}}}
			if w == "latent-conditional" {
				l.Values = LatentConditional
			}
			spec.Latents = append(spec.Latents, l)
			continue
		}
		spec.Equations = append(spec.Equations, all[w])
	}
	return compile(spec, opt)
}

func benchLogDensity(b *testing.B, which []string, opt compileOptions) {
	p, err := benchPanel(which, opt)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 1))
	x := randomPoint(rng, p.Dim(), 0.3)
	g := make([]float64, p.Dim())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.LogDensityGrad(x, g)
	}
	b.ReportMetric(float64(p.Dim()), "params")
}

// Issue 8's reference: 2 gaussian equations with unit intercepts on 5,460
// rows (Stan, glm form: ≈105 µs per gradient).
func BenchmarkTwoGaussian(b *testing.B) {
	benchLogDensity(b, []string{"gaussian1", "gaussian2"}, compileOptions{})
}

// The same through the row loop, to show what sufficient statistics save.
func BenchmarkTwoGaussianRowLoop(b *testing.B) {
	benchLogDensity(b, []string{"gaussian1", "gaussian2"}, compileOptions{noSuff: true})
}

func BenchmarkOrdered(b *testing.B) { benchLogDensity(b, []string{"ordered"}, compileOptions{}) }

func BenchmarkBernoulli(b *testing.B) { benchLogDensity(b, []string{"bernoulli"}, compileOptions{}) }

func BenchmarkPoisson(b *testing.B) { benchLogDensity(b, []string{"poisson"}, compileOptions{}) }

// A latent node with 3 gaussian indicators: 5,460 latent values.
func BenchmarkLatent(b *testing.B) { benchLogDensity(b, []string{"latent"}, compileOptions{}) }

// The same in LatentConditional form.
func BenchmarkLatentConditional(b *testing.B) {
	benchLogDensity(b, []string{"latent-conditional"}, compileOptions{})
}

// Two gaussian, one ordered and one bernoulli equation.
func BenchmarkMixed(b *testing.B) {
	benchLogDensity(b, []string{"gaussian1", "gaussian2", "ordered", "bernoulli"}, compileOptions{})
}
