package sem

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"dilemma/inference"
	"dilemma/inference/diagnostics"
)

func arStudentSpec(l Layout, x, y []float64, unitRE bool) *Spec {
	s := arSpec(l, x, y, unitRE)
	s.Equations[0].Family = Student{}
	return s
}

func TestARStudentGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 2))
	l, x, y := arPanel(rng, 7, 11, 0.2, 0.5, 0.6, 0.7, 0.5, 0.2)
	for _, re := range []REParam{RECentred, RENonCentred} {
		for _, unitRE := range []bool{true, false} {
			s := arStudentSpec(l, x, y, unitRE)
			s.Equations[0].RE = re
			p, err := Compile(s)
			if err != nil {
				t.Fatal(err)
			}
			for k := 0; k < 3; k++ {
				checkGradient(t, p, randomPoint(rng, p.Dim(), 0.6), 1e-5)
			}
		}
	}
}

// The student AR likelihood of two units equals the sum of their
// multivariate Student-t densities with scale matrix sigma²·rho^|t−s|/(1−rho²)
// over the periods observed (gaps included), computed densely.
func TestARStudentEqualsMultivariateT(t *testing.T) {
	l := panelLayout(2, 8)
	nan := math.NaN()
	y := []float64{0.3, -0.2, nan, 0.9, 1.1, nan, nan, -0.4, 0.5, 0.1, -0.3, nan, 0.8, 0.6, 0.2, -0.1}
	x := make([]float64, len(y))
	for i := range x {
		x[i] = math.Sin(float64(i))
	}
	p, err := compile(arStudentSpec(l, x, y, false), compileOptions{noCentre: true})
	if err != nil {
		t.Fatal(err)
	}
	a, b, sigma, rho, nu := 0.4, -0.7, 0.8, 0.55, 4.5
	pt := make([]float64, p.Dim())
	pt[index(t, p, "a.y")] = a
	pt[index(t, p, "b.x.y")] = b
	pt[index(t, p, "sigma.y")] = math.Log(sigma)
	pt[index(t, p, "nu.y")] = math.Log(nu - 1)
	pt[index(t, p, "ar.y")] = math.Atanh(rho)
	g := make([]float64, p.Dim())
	got := p.LogDensityGrad(pt, g) - p.PriorPart().LogDensityGrad(pt, g)

	want := 0.0
	for u := 0; u < 2; u++ {
		var obs []int
		for r := u * 8; r < (u+1)*8; r++ {
			if !math.IsNaN(y[r]) {
				obs = append(obs, r)
			}
		}
		m := len(obs)
		cov := mat.NewSymDense(m, nil)
		res := make([]float64, m)
		for i, ri := range obs {
			res[i] = y[ri] - a - b*x[ri]
			for j, rj := range obs {
				cov.SetSym(i, j, sigma*sigma*math.Pow(rho, math.Abs(float64(ri-rj)))/(1-rho*rho))
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(cov) {
			t.Fatal("not positive definite")
		}
		sol := mat.NewVecDense(m, nil)
		if err := ch.SolveVecTo(sol, mat.NewVecDense(m, res)); err != nil {
			t.Fatal(err)
		}
		q := mat.Dot(sol, mat.NewVecDense(m, res))
		mf := float64(m)
		l1, _ := math.Lgamma((nu + mf) / 2)
		l2, _ := math.Lgamma(nu / 2)
		// Without −(m/2)·log π, as the package drops it.
		want += l1 - l2 - mf/2*math.Log(nu) - 0.5*ch.LogDet() - (nu+mf)/2*math.Log1p(q/nu)
	}
	if d := math.Abs(got - want); d > 1e-9 {
		t.Errorf("student AR log likelihood %.12g, multivariate t %.12g (diff %.3g)", got, want, d)
	}
}

// rho, sigma, nu and the strength recovered from a panel whose units'
// residual vectors are multivariate t (a gaussian AR(1) chain scaled per
// unit by √(nu/chi²_nu)), 40 units × 30 periods, rho 0.6, nu 5.
func TestARStudentRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("sampling")
	}
	rng := rand.New(rand.NewPCG(12, 5))
	const J, T, rho, sigma, nu, b = 40, 30, 0.6, 0.7, 5.0, 0.5
	l := panelLayout(J, T)
	x := normals(rng, l.Rows)
	u := unitEffects(rng, l, 0.5)
	y := make([]float64, l.Rows)
	e, scale := 0.0, 1.0
	for r := range y {
		if l.Time[r] == 0 {
			chi := 0.0
			for k := 0; k < int(nu); k++ {
				z := rng.NormFloat64()
				chi += z * z
			}
			scale = math.Sqrt(nu / chi)
			e = sigma / math.Sqrt(1-rho*rho) * rng.NormFloat64()
		} else {
			e = rho*e + sigma*rng.NormFloat64()
		}
		y[r] = 0.2 + b*x[r] + u[r] + scale*e
	}
	p, err := Compile(arStudentSpec(l, x, y, true))
	if err != nil {
		t.Fatal(err)
	}
	s := inference.DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples, s.Seed = 2, 300, 300, 4
	res, err := inference.Sample(context.Background(), func() inference.Target { return p.Clone() }, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	truth := map[string]float64{"ar.y": rho, "sigma.y": sigma, "b.x.y": b, "nu.y": nu}
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
}

func TestARStudentZeroAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	l, x, y := arPanel(rng, 10, 20, 0, 0.5, 0.5, 1, 0.5, 0.1)
	p, err := Compile(arStudentSpec(l, x, y, true))
	if err != nil {
		t.Fatal(err)
	}
	xp := randomPoint(rng, p.Dim(), 0.3)
	g := make([]float64, p.Dim())
	if n := testing.AllocsPerRun(50, func() { p.LogDensityGrad(xp, g) }); n != 0 {
		t.Errorf("%v allocations per gradient, want 0", n)
	}
}
