package powerscale

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"
)

// conjugate is a normal mean with known unit data sd: y_j ~ normal(mu, 1),
// j = 1…n, mu ~ normal(m0, t0). Draws are the posterior's quantiles at
// (i − ½)/S, which behave as a very good independent sample.
type conjugate struct {
	m0, t0, ybar float64
	n            int
}

// posterior returns the mean and sd when the prior is raised to ap and
// the likelihood to al.
func (c conjugate) posterior(ap, al float64) (float64, float64) {
	prec := al*float64(c.n) + ap/(c.t0*c.t0)
	mean := (al*float64(c.n)*c.ybar + ap*c.m0/(c.t0*c.t0)) / prec
	return mean, 1 / math.Sqrt(prec)
}

func (c conjugate) draws(S int) (x, lprior, loglik []float64) {
	m, s := c.posterior(1, 1)
	post := distuv.Normal{Mu: m, Sigma: s}
	prior := distuv.Normal{Mu: c.m0, Sigma: c.t0}
	for i := 0; i < S; i++ {
		v := post.Quantile((float64(i) + 0.5) / float64(S))
		x = append(x, v)
		lprior = append(lprior, prior.LogProb(v))
		// Σ_j log normal(y_j | v, 1) up to a constant, from ȳ alone.
		loglik = append(loglik, -0.5*float64(c.n)*(v-c.ybar)*(v-c.ybar))
	}
	return x, lprior, loglik
}

// exactCJS is the CJS distance between two normals by quadrature over
// [a, b], as the package defines it (the larger of the directions x and −x).
func exactCJS(m1, s1, m2, s2, a, b float64) float64 {
	one := func(sign float64) float64 {
		P := func(x float64) float64 { return distuv.Normal{Mu: sign * m1, Sigma: s1}.CDF(x) }
		Q := func(x float64) float64 { return distuv.Normal{Mu: sign * m2, Sigma: s2}.CDF(x) }
		lo, hi := a, b
		if sign < 0 {
			lo, hi = -b, -a
		}
		num := quad.Fixed(func(x float64) float64 {
			p, q := P(x), Q(x)
			v := 0.0
			if p > 0 {
				v += p * math.Log2(2*p/(p+q))
			}
			if q > 0 {
				v += q * math.Log2(2*q/(p+q))
			}
			return v
		}, lo, hi, 4000, nil, 0)
		bound := quad.Fixed(func(x float64) float64 { return P(x) + Q(x) }, lo, hi, 4000, nil, 0)
		return math.Sqrt(num / bound)
	}
	return math.Max(one(1), one(-1))
}

// The weighted-draws estimate of each perturbed posterior's distance from
// the base equals the exact distance between the two normals.
func TestDistanceMatchesClosedForm(t *testing.T) {
	c := conjugate{m0: 1, t0: 0.3, ybar: 0, n: 20}
	x, lp, ll := c.draws(20000)
	sc, err := NewScaler(lp, ll, DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if !sc.Reliable {
		t.Fatalf("k-hats %v on a smooth conjugate posterior", sc.KHat)
	}
	order := make([]int, len(x))
	for i := range order {
		order[i] = i // x is already ascending
	}
	m0, s0 := c.posterior(1, 1)
	cases := []struct {
		k      int
		ap, al float64
	}{{0, 0.99, 1}, {1, 1.01, 1}, {2, 1, 0.99}, {3, 1, 1.01}}
	for _, tc := range cases {
		got := distance(x, order, sc.w[tc.k])
		m, s := c.posterior(tc.ap, tc.al)
		want := exactCJS(m0, s0, m, s, x[0], x[len(x)-1])
		if math.Abs(got-want) > 0.05*want+1e-4 {
			t.Errorf("perturbation %d: CJS distance %.6f, closed form %.6f", tc.k, got, want)
		}
	}
}

func TestDiagnoses(t *testing.T) {
	cases := []struct {
		name string
		c    conjugate
		want Diagnosis
	}{
		// A wide prior and plenty of data: the data decide.
		{"weak prior", conjugate{m0: 0, t0: 10, ybar: 0.3, n: 100}, Fine},
		// A narrow prior far from where the data are: both matter.
		{"conflict", conjugate{m0: 3, t0: 0.2, ybar: 0, n: 25}, Conflict},
		// A narrow prior and one observation: the prior decides.
		{"weak likelihood", conjugate{m0: 0, t0: 0.1, ybar: 0.05, n: 1}, WeakLikelihood},
	}
	for _, tc := range cases {
		x, lp, ll := tc.c.draws(4000)
		sc, err := NewScaler(lp, ll, DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		r, err := sc.Sensitivity(x)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: prior %.4f likelihood %.4f %q", tc.name, r.Prior, r.Likelihood, r.Diagnosis)
		if r.Diagnosis != tc.want {
			t.Errorf("%s: diagnosis %q (prior %.4f, likelihood %.4f), want %q", tc.name, r.Diagnosis, r.Prior, r.Likelihood, tc.want)
		}
	}
}

// Sensitivity grows with the conflict between prior and data.
func TestSensitivityGrowsWithConflict(t *testing.T) {
	prev := -1.0
	for _, m0 := range []float64{0, 1, 2, 4} {
		c := conjugate{m0: m0, t0: 0.3, ybar: 0, n: 20}
		x, lp, ll := c.draws(4000)
		sc, err := NewScaler(lp, ll, DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		r, _ := sc.Sensitivity(x)
		if r.Prior <= prev {
			t.Errorf("prior mean %g: prior sensitivity %.4f, not above %.4f", m0, r.Prior, prev)
		}
		prev = r.Prior
	}
}

func TestBadInput(t *testing.T) {
	ok := make([]float64, 100)
	for i := range ok {
		ok[i] = float64(i) / 100
	}
	if _, err := NewScaler(ok, ok[:50], DefaultSettings()); err == nil {
		t.Error("lengths differ: no error")
	}
	if _, err := NewScaler(ok[:5], ok[:5], DefaultSettings()); err == nil {
		t.Error("5 draws: no error")
	}
	bad := append([]float64(nil), ok...)
	bad[3] = math.Inf(-1)
	if _, err := NewScaler(bad, ok, DefaultSettings()); err == nil {
		t.Error("-Inf log prior: no error")
	}
	if _, err := NewScaler(ok, ok, Settings{LowerAlpha: 1.1, UpperAlpha: 1.2, Threshold: 0.05}); err == nil {
		t.Error("lower alpha above 1: no error")
	}
	sc, err := NewScaler(ok, ok, DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Sensitivity(ok[:10]); err == nil {
		t.Error("quantity of the wrong length: no error")
	}
	r, err := sc.Sensitivity(make([]float64, 100))
	if err != nil || r.Prior != 0 || r.Likelihood != 0 {
		t.Errorf("constant quantity: %+v, %v; want zero sensitivities", r, err)
	}
}
