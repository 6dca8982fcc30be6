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

	"dilemma/model/sem"
)

// TestLatentLogDensity checks the Woodbury form against the dense
// covariance Psi + A·D·Aᵀ, factorized by gonum.
func TestLatentLogDensity(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for _, tc := range []struct {
		nrows int
		tau   float64
		kids  []float64
	}{{1, 0, nil}, {3, 0.7, nil}, {4, 0, []float64{0.5}}, {5, 1.3, []float64{0.4, 2}}} {
		var es []LatentEntry
		for i := 0; i < 3*tc.nrows; i++ {
			e := LatentEntry{Res: rng.NormFloat64() * 2, Psi: 0.2 + rng.Float64(), Load: rng.NormFloat64(), Src: rng.IntN(tc.nrows), Kid: -1}
			if len(tc.kids) > 0 && i%2 == 1 {
				e.Kid, e.KidLoading = rng.IntN(len(tc.kids)), 1
			}
			es = append(es, e)
		}
		n := len(es)
		// A's columns: the rows' residuals, the kids, u.
		q := tc.nrows + len(tc.kids) + 1
		d := make([]float64, q)
		for i := 0; i < tc.nrows; i++ {
			d[i] = 1
		}
		for k, v := range tc.kids {
			d[tc.nrows+k] = v * v
		}
		d[q-1] = tc.tau * tc.tau
		A := mat.NewDense(n, q, nil)
		for i, e := range es {
			A.Set(i, e.Src, e.Load)
			if e.Kid >= 0 {
				A.Set(i, tc.nrows+e.Kid, e.KidLoading)
			}
			A.Set(i, q-1, e.Load)
		}
		cov := mat.NewSymDense(n, nil)
		for a := 0; a < n; a++ {
			for b := a; b < n; b++ {
				v := 0.0
				for k := 0; k < q; k++ {
					v += A.At(a, k) * d[k] * A.At(b, k)
				}
				if a == b {
					v += es[a].Psi
				}
				cov.SetSym(a, b, v)
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(cov) {
			t.Fatal("not positive definite")
		}
		r := make([]float64, n)
		for i, e := range es {
			r[i] = e.Res
		}
		var x mat.VecDense
		if err := ch.SolveVecTo(&x, mat.NewVecDense(n, r)); err != nil {
			t.Fatal(err)
		}
		want := -0.5 * (float64(n)*math.Log(2*math.Pi) + ch.LogDet() + mat.Dot(mat.NewVecDense(n, r), &x))
		if got := LatentLogDensity(es, tc.nrows, tc.tau, tc.kids); math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("%+v: %.12g, dense %.12g", tc, got, want)
		}
	}
}

// TestLatentUnitDensity checks a held-out unit's block density (a latent
// with a parent x, period effects, a unit intercept, two indicators and a
// child y with its own unit intercept reading the latent one period back)
// against a Monte Carlo average of the density given the sources: the
// latent's unit intercept, its values and the child's unit intercept drawn
// from their distributions.
func TestLatentUnitDensity(t *testing.T) {
	const rows = 4
	lay := sem.Layout{Rows: rows, Units: []string{"A"}, Unit: make([]int, rows), Times: []string{"1", "2", "3", "4"}, Time: []int{0, 1, 2, 3}}
	x := []float64{0.3, -1, 0.5, 2}
	i1 := []float64{1.2, math.NaN(), 0.4, 2.5}
	i2 := []float64{0.1, -0.8, math.NaN(), 1.9}
	y := []float64{math.NaN(), 0.9, 0.2, 1.1}
	spec := &sem.Spec{Layout: lay,
		Latents: []sem.Latent{{Node: "L", Terms: []sem.Term{{Parent: "x", X: x}}, UnitRE: true, Time: sem.TimeFixed,
			Indicators: []sem.Indicator{{Node: "i1", Y: i1}, {Node: "i2", Y: i2}}}},
		Equations: []sem.Equation{{Node: "y", Y: y, UnitRE: true, Terms: []sem.Term{{Parent: "L", Lag: 1}}}},
	}
	one := func(v float64) []float64 { return []float64{v} }
	const b, tau, a1, l1, s1, a2, l2, s2, ay, beta, sy, tauy = 0.8, 0.6, 0.2, 1.1, 0.5, -0.3, 0.7, 0.9, 0.4, -0.6, 0.7, 0.3
	g := []float64{0.1, -0.2, 0, 0.3}
	lc := &latentCV{l: &spec.Latents[0], held: [][]float64{i1, i2}, b: [][]float64{one(b)}, tau: one(tau),
		g:  [][]float64{one(g[0]), one(g[1]), one(g[2]), one(g[3])},
		ia: [][]float64{one(a1), one(a2)}, lam: [][]float64{one(l1), one(l2)}, isig: [][]float64{one(s1), one(s2)},
		kids: []latentKid{{eq: 0, term: 0}}, order: map[[2]int]int{}}
	for r := 0; r < rows; r++ {
		lc.order[[2]int{0, r}] = r
	}
	ed := &eqDraws{S: 1, a: one(ay), b: [][]float64{one(beta)}, par: [][]float64{one(sy)}, tau: one(tauy)}
	got, n := lc.unitLogDensity(spec, 0, [][]float64{y}, []*eqDraws{ed}, 0)
	if n != 9 {
		t.Errorf("%d values scored, want 6 indicator values and 3 of y", n)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	const sims = 400000
	lp := make([]float64, sims)
	norm := func(v, m, s float64) float64 {
		z := (v - m) / s
		return -0.5*z*z - math.Log(s) - 0.5*math.Log(2*math.Pi)
	}
	for k := range lp {
		u, uy := tau*rng.NormFloat64(), tauy*rng.NormFloat64()
		eta := make([]float64, rows)
		for r := range eta {
			eta[r] = b*x[r] + g[r] + u + rng.NormFloat64()
			if !math.IsNaN(i1[r]) {
				lp[k] += norm(i1[r], a1+l1*eta[r], s1)
			}
			if !math.IsNaN(i2[r]) {
				lp[k] += norm(i2[r], a2+l2*eta[r], s2)
			}
			if r > 0 && !math.IsNaN(y[r]) {
				lp[k] += norm(y[r], ay+beta*eta[r-1]+uy, sy)
			}
		}
	}
	want := logMeanExp(lp)
	t.Logf("closed form %.5f, Monte Carlo %.5f", got, want)
	if math.Abs(got-want) > 0.02 {
		t.Errorf("closed form %.5f, Monte Carlo %.5f", got, want)
	}
}

// TestCVLatentRanksTrueGraph: data simulated with a latent L (parent x,
// three gaussian indicators, unit intercepts) that drives y; leave-units-out
// CV of the true graph (x -> L -> y) beats the graph without L -> y (y on
// x directly) and the graph without x -> L, by more than two standard
// errors of the paired difference.
func TestCVLatentRanksTrueGraph(t *testing.T) {
	if testing.Short() {
		t.Skip("9 fits")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(41, 42))
	var b strings.Builder
	b.WriteString("iso3,month,x,y,i1,i2,i3\n")
	for u := 0; u < 24; u++ {
		ul := 0.5 * rng.NormFloat64()
		for p := 1; p <= 6; p++ {
			x := rng.NormFloat64()
			eta := 0.8*x + ul + rng.NormFloat64()
			y := 0.3 + 0.9*eta + 0.5*rng.NormFloat64()
			fmt.Fprintf(&b, "U%03d,2020-%02d,%.5f,%.5f,%.5f,%.5f,%.5f\n", u, p, x, y,
				1+0.9*eta+0.5*rng.NormFloat64(), -0.5+0.7*eta+0.6*rng.NormFloat64(), 0.2+1.2*eta+0.5*rng.NormFloat64())
		}
	}
	os.WriteFile(filepath.Join(dir, "panel.csv"), []byte(b.String()), 0o644)
	models := map[string]string{
		"true":  `dag { x -> L; L -> y }`,
		"no-Ly": `dag { x -> L; x -> y }`,
		"no-xL": `dag { x -> y; L -> y }`,
	}
	elpd := map[string][]float64{}
	for name, g := range models {
		os.WriteFile(filepath.Join(dir, name+".dag"), []byte(g+`
settings {
  x [column="x"]
  L [latent, indicators="i1,i2,i3"]
  y [column="y"]
}
`), 0o644)
		path := filepath.Join(dir, name+".toml")
		os.WriteFile(path, []byte(`kind = "cv"
model = "`+name+`.dag"
data = "panel.csv"
[fit]
chains = 2
warmup = 300
samples = 200
[cv]
folds = 3
`), 0o644)
		_, sdir := planTo(t, path)
		if rep, err := RunLocal(context.Background(), sdir, 1, nil); err != nil || len(rep.Failed) > 0 {
			t.Fatalf("%s: %+v %v", name, rep, err)
		}
		col, err := Collect(sdir)
		if err != nil {
			t.Fatal(err)
		}
		per := map[string]float64{}
		for _, f := range col.CV.Folds {
			for _, u := range f.Units {
				per[u.Unit] = float64(u.Elpd)
			}
		}
		for u := 0; u < 24; u++ {
			elpd[name] = append(elpd[name], per[fmt.Sprintf("U%03d", u)])
		}
		t.Logf("%s: elpd %.1f (se %.1f) over %d units", name, float64(col.CV.Elpd), float64(col.CV.SE), col.CV.Units)
	}
	for _, alt := range []string{"no-Ly", "no-xL"} {
		d := make([]float64, 24)
		for u := range d {
			d[u] = elpd["true"][u] - elpd[alt][u]
		}
		sum, se := sumAndSE(d)
		t.Logf("true − %s: %.1f (se %.1f)", alt, sum, se)
		if !(sum > 2*se) {
			t.Errorf("the true graph does not beat %s: difference %.1f, se %.1f", alt, sum, se)
		}
	}
}

func sumAndSE(x []float64) (float64, float64) {
	n := float64(len(x))
	s := 0.0
	for _, v := range x {
		s += v
	}
	m, ss := s/n, 0.0
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	return s, math.Sqrt(n * ss / (n - 1))
}

// TestCVLatentRefusals: latent models cross-validation cannot integrate
// (a count child, a latent parent of a latent) are refused at plan time,
// naming the node. (Indicators from model files are always gaussian.)
func TestCVLatentRefusals(t *testing.T) {
	for _, tc := range []struct{ graph, extra, want string }{
		{`dag { x -> L; L -> n }`, `  n [column="n", family="poisson"]`, "node n (poisson) has the latent parent L"},
		{`dag { x -> L; L -> M; M -> y }`, "  L [latent, indicators=\"i1,i2\"]\n  M [latent, indicators=\"i3,n\"]", "latent M has the latent parent L"},
	} {
		dir := t.TempDir()
		var b strings.Builder
		b.WriteString("iso3,month,x,y,i1,i2,i3,n\n")
		for u := 0; u < 6; u++ {
			for p := 1; p <= 4; p++ {
				fmt.Fprintf(&b, "U%d,2020-%02d,%d,%d,%d,%d,%d,%d\n", u, p, (u+p)%5, (u*p)%4, p%3, u%3, (u+2*p)%5, (u+p)%3)
			}
		}
		os.WriteFile(filepath.Join(dir, "panel.csv"), []byte(b.String()), 0o644)
		settings := "settings {\n  x [column=\"x\"]\n  L [latent, indicators=\"i1,i2,i3\"]\n  y [column=\"y\"]\n" + tc.extra + "\n}\n"
		if strings.Contains(tc.extra, "  L [") {
			settings = strings.Replace(settings, "  L [latent, indicators=\"i1,i2,i3\"]\n", "", 1)
		}
		if !strings.Contains(tc.graph, "y") {
			settings = strings.Replace(settings, "  y [column=\"y\"]\n", "", 1)
		}
		os.WriteFile(filepath.Join(dir, "my.dag"), []byte(tc.graph+"\n"+settings), 0o644)
		path := filepath.Join(dir, "sweep.toml")
		os.WriteFile(path, []byte("kind = \"cv\"\nmodel = \"my.dag\"\ndata = \"panel.csv\"\n[cv]\nfolds = 3\n"), 0o644)
		f, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Build(f); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.graph, err, tc.want)
		}
	}
}
