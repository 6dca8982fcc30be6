package quadrature

import (
	"math"
	"testing"
)

// TestLogNormalMarginalGaussian: for a gaussian likelihood of k values
// around a shared normal(0, tau) intercept the marginal has a closed form,
// and adaptive Gauss–Hermite with 24 nodes reaches it; tau = 0 gives h(0).
func TestLogNormalMarginalGaussian(t *testing.T) {
	x, w := Hermite(24)
	y := []float64{2.5, 3.1, 1.7, 4.0, 2.2}
	const s = 0.6
	h := func(u float64) float64 {
		l := 0.0
		for _, v := range y {
			r := (v - u) / s
			l += -0.5*r*r - math.Log(s) - 0.5*math.Log(2*math.Pi)
		}
		return l
	}
	for _, tau := range []float64{0.05, 0.5, 2, 20} {
		// y ~ normal(0, s²I + tau²J): determinant s^(2(k−1))·(s² + k·tau²).
		k := float64(len(y))
		sum, ss := 0.0, 0.0
		for _, v := range y {
			sum += v
			ss += v * v
		}
		v := s*s + k*tau*tau
		quadForm := (ss - tau*tau*sum*sum/v) / (s * s)
		want := -0.5*k*math.Log(2*math.Pi) - 0.5*((k-1)*math.Log(s*s)+math.Log(v)) - 0.5*quadForm
		if got := LogNormalMarginal(h, tau, x, w); math.Abs(got-want) > 1e-6 {
			t.Errorf("tau %g: quadrature %.9f, closed form %.9f", tau, got, want)
		}
	}
	if got, want := LogNormalMarginal(h, 0, x, w), h(0); got != want {
		t.Errorf("tau 0: %g, want h(0) = %g", got, want)
	}
	if got := LogSumExp([]float64{math.Inf(-1), math.Inf(-1)}); !math.IsInf(got, -1) {
		t.Errorf("LogSumExp of nothing: %g", got)
	}
}
