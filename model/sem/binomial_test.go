package sem

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// trialsCases are the families of successes out of trials, with their own
// parameters (natural scale).
var trialsCases = []struct {
	fam TrialsFamily
	par []float64
}{
	{Binomial{}, nil},
	{BetaBinomial{}, []float64{4}},
	{BetaBinomial{Phi: Gamma(2, 0.1)}, []float64{0.7}},
}

// TestTrialsGradients checks the analytic gradients of binomial and
// beta_binomial against gonum's finite differences, LogLik against
// LogDensity (they differ by the binomial coefficients), and that the
// probabilities of 0 … n sum to 1 with mean Mean and Quantile inverting
// Abduct.
func TestTrialsGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	const n = 50
	for _, c := range trialsCases {
		mu, y, tr := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range mu {
			mu[i] = 1.3 * rng.NormFloat64()
			tr[i] = float64(1 + rng.IntN(31))
			y[i] = c.fam.Rand(mu[i], append(append([]float64(nil), c.par...), tr[i]), rng)
		}
		f, err := c.fam.PrepareTrials(y, tr)
		if err != nil {
			t.Fatal(err)
		}
		np := f.NumParams()
		th := make([]float64, np)
		for k := range th {
			th[k] = math.Log(c.par[k]) + 0.3*rng.NormFloat64()
		}
		checkFamilyGradient(t, fmt.Sprintf("%s", f.Name()), f, y, mu, th)
		nat := make([]float64, np)
		f.Constrain(th, nat)
		want := 0.0
		for i := range y {
			want += f.LogDensity(y[i], mu[i], append(append([]float64(nil), nat...), tr[i])) - lchoose(tr[i], y[i])
		}
		dmu, g := make([]float64, n), make([]float64, np)
		if ll := f.LogLik(y, mu, th, dmu, g); math.Abs(ll-want) > 1e-8*(1+math.Abs(want)) {
			t.Errorf("%s: LogLik %.12g, Σ LogDensity − log C(n,y) %.12g", f.Name(), ll, want)
		}
		// One row's distribution.
		par := append(append([]float64(nil), nat...), 31)
		for _, m := range []float64{-2, 0.4, 3} {
			tot, mean := 0.0, 0.0
			for k := 0.0; k <= 31; k++ {
				p := math.Exp(f.LogDensity(k, m, par))
				tot += p
				mean += k * p
				if p > 1e-12 {
					if q := f.Quantile(Abduct(f, k, m, par, 0.5), m, par); q != k {
						t.Errorf("%s: Quantile(Abduct(%g)) = %g", f.Name(), k, q)
					}
				}
			}
			if math.Abs(tot-1) > 1e-9 || math.Abs(mean-f.Mean(m, par)) > 1e-8 {
				t.Errorf("%s mu=%g: probabilities sum to %g, mean %g want %g", f.Name(), m, tot, mean, f.Mean(m, par))
			}
			for range 100 {
				if q := f.Quantile(rng.Float64(), m+3*rng.NormFloat64(), par); !f.Support(par).Contains(q) || q > 31 {
					t.Fatalf("%s: quantile %g outside 0 … 31", f.Name(), q)
				}
			}
		}
	}
}

// TestTrialsErrors: successes above the trials, missing or zero trials,
// and a trials family without trials are errors naming the node, the row,
// its unit and period.
func TestTrialsErrors(t *testing.T) {
	l := panelLayout(3, 4)
	base := func() (y, n []float64) {
		y, n = make([]float64, l.Rows), make([]float64, l.Rows)
		for r := range y {
			y[r], n[r] = float64(r%4), 31
		}
		return
	}
	for _, c := range []struct {
		edit func(y, n []float64)
		want string
	}{
		{func(y, n []float64) { y[5] = 32 }, "successes at most the trials (31)"},
		{func(y, n []float64) { n[5] = math.NaN() }, "trials column is missing"},
		{func(y, n []float64) { n[5], y[5] = 0, 0 }, "trials are zero"},
		{func(y, n []float64) { y[5] = 1.5 }, "non-negative integer successes"},
	} {
		for _, fam := range []Family{Binomial{}, BetaBinomial{}} {
			y, n := base()
			c.edit(y, n)
			_, err := Compile(&Spec{Layout: l, Equations: []Equation{{Node: "days", Family: fam, Y: y, Trials: n}}})
			u, tm := l.Units[l.Unit[5]], l.Times[l.Time[5]]
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "node days") ||
				!strings.Contains(err.Error(), "row 6") || !strings.Contains(err.Error(), u+" "+tm) {
				t.Errorf("%s: %v, want %q at row 6 (%s %s)", fam.Name(), err, c.want, u, tm)
			}
		}
	}
	y, _ := base()
	if _, err := Compile(&Spec{Layout: l, Equations: []Equation{{Node: "days", Family: Binomial{}, Y: y}}}); err == nil || !strings.Contains(err.Error(), "needs the number of trials") {
		t.Errorf("no trials: %v", err)
	}
}
