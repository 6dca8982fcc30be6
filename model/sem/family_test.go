package sem

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// loglik1 is a family's log likelihood of a single row.
func loglik1(f Family, y, mu float64, theta []float64) float64 {
	dmu := []float64{0}
	g := make([]float64, len(theta))
	return f.LogLik([]float64{y}, []float64{mu}, theta, dmu, g)
}

// The families' densities are proper: they sum (or integrate) to one over y.
func TestFamilyNormalization(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for trial := 0; trial < 50; trial++ {
		mu := 3 * rng.NormFloat64()
		if trial%10 == 0 {
			mu = 800 * rng.NormFloat64() // exercises the ordered fallback
		}
		// ordered, K = 5: the log likelihood is exact (no dropped constant).
		o, _ := Ordered{K: 5}.Prepare([]float64{0, 4})
		theta := randomPoint(rng, 4, 1)
		s := 0.0
		for k := 0; k < 5; k++ {
			s += math.Exp(loglik1(o, float64(k), mu, theta))
		}
		if math.Abs(s-1) > 1e-12 {
			t.Errorf("ordered: probabilities at mu=%g sum to %.15g", mu, s)
		}
		// bernoulli
		b := math.Exp(loglik1(Bernoulli{}, 0, mu, nil)) + math.Exp(loglik1(Bernoulli{}, 1, mu, nil))
		if math.Abs(b-1) > 1e-12 {
			t.Errorf("bernoulli: probabilities at mu=%g sum to %.15g", mu, b)
		}
		if math.Abs(mu) > 5 {
			continue
		}
		// poisson: the dropped constant is −log y!.
		s = 0
		for y := 0; y < 200; y++ {
			lg, _ := math.Lgamma(float64(y) + 1)
			s += math.Exp(loglik1(Poisson{}, float64(y), mu, nil) - lg)
		}
		if math.Abs(s-1) > 1e-10 {
			t.Errorf("poisson: probabilities at mu=%g sum to %.15g", mu, s)
		}
		// gaussian: the dropped constant is −log √(2π).
		ls := rng.NormFloat64()
		y := mu + rng.NormFloat64()
		sd := math.Exp(ls)
		want := -0.5*math.Pow((y-mu)/sd, 2) - math.Log(sd) - 0.5*math.Log(2*math.Pi)
		if got := loglik1(Gaussian{}, y, mu, []float64{ls}) - 0.5*math.Log(2*math.Pi); math.Abs(got-want) > 1e-12 {
			t.Errorf("gaussian: log density %g, want %g", got, want)
		}
	}
}

// Every family's gradient with respect to mu and its own parameters, and its
// prior's gradient, agree with finite differences.
func TestFamilyGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 1))
	n := 40
	cases := []struct {
		fam  Family
		draw func(mu float64) float64
	}{
		{Gaussian{}, func(mu float64) float64 { return mu + rng.NormFloat64() }},
		{Gaussian{Sigma: Exponential(2)}, func(mu float64) float64 { return mu + rng.NormFloat64() }},
		{Bernoulli{}, func(mu float64) float64 {
			if rng.Float64() < logistic(mu) {
				return 1
			}
			return 0
		}},
		{Poisson{}, func(mu float64) float64 { return drawPoisson(rng, math.Exp(mu)) }},
		{Ordered{K: 4}, func(mu float64) float64 { return drawOrdered(rng, mu, []float64{-1, 0, 1.5}) }},
		{Ordered{K: 2, Cutpoints: Normal(0, 3)}, func(mu float64) float64 { return drawOrdered(rng, mu, []float64{0.3}) }},
		{Ordered{Cutpoints: Flat()}, func(mu float64) float64 { return drawOrdered(rng, mu, []float64{-2, -1, 0, 1, 2}) }},
	}
	for _, c := range cases {
		for trial := 0; trial < 5; trial++ {
			mu := make([]float64, n)
			y := make([]float64, n)
			for i := range mu {
				mu[i] = 1.5 * rng.NormFloat64()
				if _, bounded := f0(c.fam); trial == 4 && bounded {
					mu[i] *= 20 // extreme rows (bounded likelihoods only)
				}
				y[i] = c.draw(mu[i])
			}
			y[0], y[1] = 0, 1 // both categories present for Prepare
			f, err := c.fam.Prepare(y)
			if err != nil {
				t.Fatalf("%s: Prepare: %v", c.fam.Name(), err)
			}
			np := f.NumParams()
			th := randomPoint(rng, np, 0.7)
			checkFamilyGradient(t, fmt.Sprintf("%s trial %d", f.Name(), trial), f, y, mu, th)
		}
	}
}

// f0 reports whether a family's likelihood is bounded in mu (bernoulli,
// ordered), so that extreme linear predictors make sense in a test.
func f0(f Family) (string, bool) {
	switch f.(type) {
	case Bernoulli, Ordered:
		return f.Name(), true
	}
	return f.Name(), false
}

// The ordered family's fast path and its log-sigmoid fallback agree.
func TestOrderedFastMatchesStable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	f, _ := Ordered{K: 6}.Prepare([]float64{0, 5})
	o := f.(Ordered)
	n := 200
	y, mu := make([]float64, n), make([]float64, n)
	for i := range y {
		y[i] = float64(rng.IntN(6))
		mu[i] = 4 * rng.NormFloat64()
	}
	theta := randomPoint(rng, 5, 0.8)
	dmuFast, gFast := make([]float64, n), make([]float64, 5)
	lpFast := o.LogLik(y, mu, theta, dmuFast, gFast)

	var cut, q, dc [MaxCategories]float64
	o.Constrain(theta, cut[:5])
	for k := 1; k < 5; k++ {
		q[k] = 1 / math.Expm1(cut[k]-cut[k-1])
	}
	dmuStable, gStable := make([]float64, n), make([]float64, 5)
	lpStable := o.logLikStable(y, mu, cut[:5], q[:5], dmuStable, dc[:5])
	cutGrad(theta, dc[:5], gStable)
	if math.Abs(lpFast-lpStable) > 1e-9*math.Abs(lpStable) {
		t.Errorf("log likelihood: fast %.15g, stable %.15g", lpFast, lpStable)
	}
	for i := range dmuFast {
		if math.Abs(dmuFast[i]-dmuStable[i]) > 1e-12 {
			t.Errorf("dmu[%d]: fast %g, stable %g", i, dmuFast[i], dmuStable[i])
		}
	}
	for k := range gFast {
		if math.Abs(gFast[k]-gStable[k]) > 1e-9*(1+math.Abs(gStable[k])) {
			t.Errorf("dtheta[%d]: fast %g, stable %g", k, gFast[k], gStable[k])
		}
	}
	// Far out, where exp(−mu) overflows, the result is still finite.
	mu[0], y[0] = -1000, 0
	mu[1], y[1] = 1000, 5
	if lp := o.LogLik(y, mu, theta, dmuFast, gFast); math.IsNaN(lp) || math.IsInf(lp, 0) {
		t.Errorf("log likelihood at extreme mu is %v", lp)
	}
}

// Prepare rejects values a family cannot model, with the index.
func TestFamilyPrepareErrors(t *testing.T) {
	cases := []struct {
		fam   Family
		y     []float64
		index int
	}{
		{Bernoulli{}, []float64{0, 1, 0.3}, 2},
		{Ordered{}, []float64{0, 1.5, 2}, 1},
		{Ordered{}, []float64{0, -1, 2}, 1},
		{Ordered{K: 3}, []float64{0, 1, 3}, 2},
		{Poisson{}, []float64{0, 3, 2.5}, 2},
		{Poisson{}, []float64{0, -3}, 1},
	}
	for _, c := range cases {
		_, err := c.fam.Prepare(c.y)
		ve, ok := err.(*ValueError)
		if !ok {
			t.Errorf("%s on %v: error %v, want a *ValueError", c.fam.Name(), c.y, err)
			continue
		}
		if ve.Index != c.index {
			t.Errorf("%s on %v: index %d, want %d (%v)", c.fam.Name(), c.y, ve.Index, c.index, ve)
		}
	}
	for _, c := range []struct {
		fam Family
		y   []float64
	}{{Bernoulli{}, []float64{1, 1, 1}}, {Ordered{}, []float64{2, 2}}, {Gaussian{}, []float64{1.5, 1.5, 1.5}}} {
		_, err := c.fam.Prepare(c.y)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("all %d rows used have the value %g", len(c.y), c.y[0])) {
			t.Errorf("%s on constant %v: error %v", c.fam.Name(), c.y, err)
		}
	}
	if f, err := (Ordered{}).Prepare([]float64{0, 3, 1}); err != nil || f.NumParams() != 3 {
		t.Errorf("ordered K from data: %v, %v", f, err)
	}
	for _, name := range []string{"gaussian", "bernoulli", "ordered", "poisson"} {
		if f, err := FamilyByName(name); err != nil || f.Name() != name {
			t.Errorf("FamilyByName(%q) = %v, %v", name, f, err)
		}
	}
	if _, err := FamilyByName("weibull"); err == nil {
		t.Error("FamilyByName(weibull) gave no error")
	}
}
