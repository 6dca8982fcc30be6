package sweep

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"dilemma/internal/quadrature"
	"dilemma/model/sem"
)

// TestCSLogDensity checks the closed form against gonum's multivariate
// normal density (Cholesky) with the full covariance sigma²I + tau²J.
func TestCSLogDensity(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, k := range []int{1, 2, 6} {
		sig2, tau2 := 0.7, 0.3
		cov := mat.NewSymDense(k, nil)
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				v := tau2
				if i == j {
					v += sig2
				}
				cov.SetSym(i, j, v)
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(cov) {
			t.Fatal("covariance not positive definite")
		}
		e := make([]float64, k)
		var sse, se float64
		for i := range e {
			e[i] = rng.NormFloat64()
			sse += e[i] * e[i]
			se += e[i]
		}
		var x mat.VecDense
		if err := ch.SolveVecTo(&x, mat.NewVecDense(k, e)); err != nil {
			t.Fatal(err)
		}
		want := -0.5 * (float64(k)*math.Log(2*math.Pi) + ch.LogDet() + mat.Dot(mat.NewVecDense(k, e), &x))
		if got := csLogDensity(sse, se, k, sig2, tau2); math.Abs(got-want) > 1e-12 {
			t.Errorf("k=%d: %v, want %v", k, got, want)
		}
	}
}

const cvSweep = `kind = "cv"
model = "my.dag"
data = "panel.csv"
[fit]
chains = 2
warmup = 200
samples = 200
[cv]
folds = 3
`

// TestCVFolds: three folds hold out every unit once; each fold's elpd is
// the sum of its units'; the elpd per held-out value is near the true
// model's expected log density (y = 0.5 x + u + e, u ~ normal(0, 0.5),
// e ~ normal(0, 1), six periods per unit: about −1.50 per value).
func TestCVFolds(t *testing.T) {
	path := tinySweep(t, cvSweep)
	p, dir := planTo(t, path)
	if len(p.Tasks) != 3 {
		t.Fatalf("%d tasks", len(p.Tasks))
	}
	seen := map[string]int{}
	for _, task := range p.Tasks {
		for _, u := range task.CV.Units {
			seen[u]++
		}
	}
	if len(seen) != 12 {
		t.Errorf("folds cover %d units, want 12", len(seen))
	}
	for u, n := range seen {
		if n != 1 {
			t.Errorf("unit %s in %d folds", u, n)
		}
	}
	if rep, err := RunLocal(context.Background(), dir, 2, nil); err != nil || len(rep.Failed) > 0 {
		t.Fatalf("%+v %v", rep, err)
	}
	col, err := Collect(dir)
	if err != nil {
		t.Fatal(err)
	}
	cv := col.CV
	if cv == nil || len(cv.Folds) != 3 || cv.Units != 12 {
		t.Fatalf("cv %+v", cv)
	}
	total, rows := 0.0, 0
	for _, f := range cv.Folds {
		s := 0.0
		for _, u := range f.Units {
			s += float64(u.Elpd)
		}
		if math.Abs(s-float64(f.Elpd)) > 1e-9 {
			t.Errorf("fold %d: elpd %g, units sum to %g", f.Fold, float64(f.Elpd), s)
		}
		total += s
		rows += f.Rows
	}
	if rows != 72 || math.Abs(total-float64(cv.Elpd)) > 1e-9 {
		t.Errorf("rows %d, total %g vs %g", rows, total, float64(cv.Elpd))
	}
	if per := total / float64(rows); per < -1.8 || per > -1.25 {
		t.Errorf("elpd per value %.3f, want about -1.50", per)
	}
	if !(float64(cv.SE) > 0) {
		t.Errorf("se %v", cv.SE)
	}
	if s := col.Table(); s == nil || !strings.Contains(s.Rows[len(s.Rows)-1][0], "total") {
		t.Errorf("table %+v", s)
	}
}

// TestUnitMarginal checks the adaptive Gauss–Hermite integral of a unit's
// intercept: for gaussian values it equals the closed form csLogDensity;
// for poisson counts (a sharp likelihood: 30 rows at a mean of 20) it
// equals a fine trapezoid rule over ±(8 tau + 1).
func TestUnitMarginal(t *testing.T) {
	x, w := quadrature.Hermite(cvQuadNodes)
	rng := rand.New(rand.NewPCG(8, 9))
	for _, tau := range []float64{0.05, 0.5, 3} {
		// Gaussian.
		const sigma = 0.8
		e := make([]float64, 7)
		var sse, se float64
		for i := range e {
			e[i] = 1.5*rng.NormFloat64() + 0.3
			sse += e[i] * e[i]
			se += e[i]
		}
		h := func(u float64) float64 {
			l := 0.0
			for _, v := range e {
				d := (v - u) / sigma
				l += -0.5*d*d - math.Log(sigma) - 0.5*math.Log(2*math.Pi)
			}
			return l
		}
		want := csLogDensity(sse, se, len(e), sigma*sigma, tau*tau)
		if got := quadrature.LogNormalMarginal(h, tau, x, w); math.Abs(got-want) > 1e-6 {
			t.Errorf("gaussian, tau %g: %.9f, closed form %.9f", tau, got, want)
		}
		// Poisson.
		fam := sem.Poisson{}
		ys := make([]float64, 30)
		for i := range ys {
			ys[i] = fam.Rand(math.Log(20)+0.4, nil, rng)
		}
		hp := func(u float64) float64 {
			l := 0.0
			for _, y := range ys {
				l += fam.LogDensity(y, math.Log(20)+u, nil)
			}
			return l
		}
		const n = 100000
		lo, step := -8*tau-1, (16*tau+2)/n
		terms := make([]float64, n+1)
		for i := range terms {
			u := lo + float64(i)*step
			terms[i] = hp(u) - 0.5*u*u/(tau*tau) - math.Log(tau*math.Sqrt(2*math.Pi)) + math.Log(step)
			if i == 0 || i == n {
				terms[i] += math.Log(0.5)
			}
		}
		want = quadrature.LogSumExp(terms)
		if got := quadrature.LogNormalMarginal(hp, tau, x, w); math.Abs(got-want) > 1e-5 {
			t.Errorf("poisson, tau %g: %.9f, trapezoid %.9f", tau, got, want)
		}
	}
}

// TestCVCounts: leave-units-out CV of a poisson outcome with unit
// intercepts and fixed period effects scores the held-out counts through
// the family's LogDensity, the unit intercept integrated out. The data
// come from that model (log mean 1 + 0.3 x + u + g_t, u ~ normal(0, 0.4)),
// so the elpd per value is near the true model's expected log predictive
// density of a new unit (computed here by simulation with the true
// parameters), a little below it for the parameters' uncertainty.
func TestCVCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("3 fits")
	}
	const units, periods = 24, 6
	g := []float64{-0.3, -0.1, 0, 0.1, 0.1, 0.2}
	fam := sem.Poisson{}
	rng := rand.New(rand.NewPCG(31, 32))
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("iso3,month,x,y\n")
	for u := 0; u < units; u++ {
		ue := 0.4 * rng.NormFloat64()
		for p := 0; p < periods; p++ {
			x := rng.NormFloat64()
			y := fam.Rand(1+0.3*x+ue+g[p], nil, rng)
			fmt.Fprintf(&b, "U%03d,2020-%02d,%.5f,%g\n", u, p+1, x, y)
		}
	}
	os.WriteFile(filepath.Join(dir, "panel.csv"), []byte(b.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "my.dag"), []byte(`dag { x -> y }
settings {
  x [column="x"]
  y [column="y", family="poisson"]
}
`), 0o644)
	path := filepath.Join(dir, "sweep.toml")
	os.WriteFile(path, []byte(`kind = "cv"
model = "my.dag"
data = "panel.csv"
[fit]
chains = 2
warmup = 300
samples = 200
time_effects = "fixed"
[cv]
folds = 3
`), 0o644)
	_, sdir := planTo(t, path)
	if rep, err := RunLocal(context.Background(), sdir, 2, nil); err != nil || len(rep.Failed) > 0 {
		t.Fatalf("%+v %v", rep, err)
	}
	col, err := Collect(sdir)
	if err != nil {
		t.Fatal(err)
	}
	if col.CV == nil || col.CV.Units != units {
		t.Fatalf("cv %+v", col.CV)
	}
	rows := 0
	for _, f := range col.CV.Folds {
		rows += f.Rows
	}
	if rows != units*periods {
		t.Errorf("%d rows scored", rows)
	}
	// The true model's expected log density of a new unit's 6 counts.
	x, w := quadrature.Hermite(cvQuadNodes)
	truth := 0.0
	const sims = 4000
	for s := 0; s < sims; s++ {
		ue := 0.4 * rng.NormFloat64()
		ys, mus := make([]float64, periods), make([]float64, periods)
		for p := range ys {
			mus[p] = 1 + 0.3*rng.NormFloat64() + g[p]
			ys[p] = fam.Rand(mus[p]+ue, nil, rng)
		}
		truth += quadrature.LogNormalMarginal(func(u float64) float64 {
			l := 0.0
			for p, y := range ys {
				l += fam.LogDensity(y, mus[p]+u, nil)
			}
			return l
		}, 0.4, x, w) / sims
	}
	per, want := float64(col.CV.Elpd)/float64(rows), truth/periods
	t.Logf("elpd per value %.3f, true model %.3f", per, want)
	if per < want-0.2 || per > want+0.1 {
		t.Errorf("elpd per value %.3f, the true model's %.3f", per, want)
	}
}
