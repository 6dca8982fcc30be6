package sweep

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
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
