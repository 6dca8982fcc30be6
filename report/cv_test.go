package report

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"

	"dilemma/internal/quadrature"
)

// TestLogMarginalGaussian checks the adaptive Gauss-Hermite marginal
// against the closed form: k gaussian values around means mu with a shared
// normal(0, tau) intercept are jointly normal with covariance sigma²I +
// tau²J (gonum's Cholesky density), from one row to a 36-period unit, and
// from a weak to a dominant intercept.
func TestLogMarginalGaussian(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	x, w := make([]float64, hermiteNodes), make([]float64, hermiteNodes)
	quad.Hermite{}.FixedLocations(x, w, math.Inf(-1), math.Inf(1))
	for _, k := range []int{1, 5, 36} {
		for _, tau := range []float64{0.05, 0.5, 3} {
			sigma := 0.7
			y := make([]float64, k)
			shift := tau * rng.NormFloat64()
			for i := range y {
				y[i] = shift + sigma*rng.NormFloat64()
			}
			h := func(v float64) float64 {
				s := 0.0
				for _, yi := range y {
					z := (yi - v) / sigma
					s += -0.5*z*z - math.Log(sigma) - 0.5*math.Log(2*math.Pi)
				}
				return s
			}
			cov := mat.NewSymDense(k, nil)
			for i := 0; i < k; i++ {
				for j := 0; j < k; j++ {
					v := tau * tau
					if i == j {
						v += sigma * sigma
					}
					cov.SetSym(i, j, v)
				}
			}
			var ch mat.Cholesky
			if !ch.Factorize(cov) {
				t.Fatal("not positive definite")
			}
			var sol mat.VecDense
			yv := mat.NewVecDense(k, y)
			if err := ch.SolveVecTo(&sol, yv); err != nil {
				t.Fatal(err)
			}
			want := -0.5 * (float64(k)*math.Log(2*math.Pi) + ch.LogDet() + mat.Dot(yv, &sol))
			if got := quadrature.LogNormalMarginal(h, tau, x, w); math.Abs(got-want) > 1e-6 {
				t.Errorf("k=%d tau=%g: %.9f, want %.9f", k, tau, got, want)
			}
		}
	}
}

func TestSumSE(t *testing.T) {
	s, se := sumSE([]float64{1, 2, 3, 4})
	// sd = sqrt(5/3), se = sqrt(4)·sd.
	if s != 10 || math.Abs(se-2*math.Sqrt(5.0/3)) > 1e-12 {
		t.Errorf("sum %v se %v", s, se)
	}
}
