package sweep

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"dilemma/model/sem"
)

// The AR unit density equals the multivariate normal density with the
// full covariance tau²·J + sigma²·rho^|t−s|/(1−rho²) over the unit's
// periods (gaps included, rows given out of period order), by Cholesky.
func TestARUnitLogDensity(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	periods := []int{4, 0, 1, 7, 3, 8} // a gap of 2 and one of 4
	lay := sem.Layout{Rows: len(periods), Time: periods}
	rows := []int{0, 1, 2, 3, 4, 5}
	y := make([]float64, len(rows))
	for _, c := range []struct{ rho, sigma, tau float64 }{{0.6, 0.8, 0.5}, {-0.4, 1.2, 0}, {0.95, 0.3, 1.1}} {
		ed := &eqDraws{rho: []float64{c.rho}, buf: []float64{c.sigma, 0}}
		ed.mu = ed.mu[:0]
		for i := range rows {
			y[i] = rng.NormFloat64()
			ed.mu = append(ed.mu, 0.3*rng.NormFloat64())
		}
		k := len(rows)
		cov := mat.NewSymDense(k, nil)
		e := make([]float64, k)
		for i := 0; i < k; i++ {
			e[i] = y[i] - ed.mu[i]
			for j := 0; j < k; j++ {
				d := math.Abs(float64(periods[i] - periods[j]))
				cov.SetSym(i, j, c.tau*c.tau+c.sigma*c.sigma*math.Pow(c.rho, d)/(1-c.rho*c.rho))
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(cov) {
			t.Fatal("covariance not positive definite")
		}
		var x mat.VecDense
		if err := ch.SolveVecTo(&x, mat.NewVecDense(k, e)); err != nil {
			t.Fatal(err)
		}
		want := -0.5 * (float64(k)*math.Log(2*math.Pi) + ch.LogDet() + mat.Dot(mat.NewVecDense(k, e), &x))
		if got := ed.arUnitLogDensity(rows, y, 0, lay, c.tau); math.Abs(got-want) > 1e-10 {
			t.Errorf("rho %g tau %g: %.12g, multivariate normal %.12g", c.rho, c.tau, got, want)
		}
	}
}

// Without unit intercepts the student AR unit density is the multivariate
// t density with the AR(1) scale matrix, computed densely.
func TestARStudentUnit(t *testing.T) {
	periods := []int{4, 0, 1, 7, 3, 8}
	lay := sem.Layout{Rows: len(periods), Time: periods}
	rows := []int{0, 1, 2, 3, 4, 5}
	rng := rand.New(rand.NewPCG(2, 2))
	rho, sigma, nu := 0.7, 0.9, 4.5
	ed := &eqDraws{fam: sem.Student{}, rho: []float64{rho}, buf: []float64{sigma, nu, 0}}
	y := make([]float64, len(rows))
	k := len(rows)
	cov := mat.NewSymDense(k, nil)
	e := make([]float64, k)
	for i := range rows {
		y[i] = rng.NormFloat64()
		ed.mu = append(ed.mu, 0.2*rng.NormFloat64())
		e[i] = y[i] - ed.mu[i]
	}
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			cov.SetSym(i, j, sigma*sigma*math.Pow(rho, math.Abs(float64(periods[i]-periods[j])))/(1-rho*rho))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(cov) {
		t.Fatal("not positive definite")
	}
	var x mat.VecDense
	if err := ch.SolveVecTo(&x, mat.NewVecDense(k, e)); err != nil {
		t.Fatal(err)
	}
	q := mat.Dot(mat.NewVecDense(k, e), &x)
	kf := float64(k)
	l1, _ := math.Lgamma((nu + kf) / 2)
	l2, _ := math.Lgamma(nu / 2)
	want := l1 - l2 - kf/2*math.Log(nu*math.Pi) - 0.5*ch.LogDet() - (nu+kf)/2*math.Log1p(q/nu)
	if got := ed.arStudentUnit(rows, y, 0, lay, 0); math.Abs(got-want) > 1e-10 {
		t.Errorf("%.12g, multivariate t %.12g", got, want)
	}
}
