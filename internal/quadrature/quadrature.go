// Package quadrature integrates a unit's random intercept out of its log
// likelihood: adaptive Gauss–Hermite quadrature of exp(h(u)) against a
// normal(0, tau) density, as cross-validation over held-out units needs
// (package sweep's cv sweeps and the compare command's --cv).
package quadrature

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// Hermite returns the n Gauss–Hermite nodes and weights (for
// ∫ f(x) exp(−x²) dx).
func Hermite(n int) (x, w []float64) {
	x, w = make([]float64, n), make([]float64, n)
	quad.Hermite{}.FixedLocations(x, w, math.Inf(-1), math.Inf(1))
	return x, w
}

// LogNormalMarginal returns log ∫ exp(h(u)) normal(u | 0, tau) du by adaptive
// Gauss–Hermite quadrature (as lme4's nAGQ): with k(u) = h(u) + log
// normal(u | 0, tau), its mode m (damped Newton) and s = 1/√(−k″(m)), the
// integral is √2·s·Σ w_i exp(k(m + √2·s·x_i) + x_i²). Exact when exp(k) is
// a normal density times a polynomial of degree below 2n.
func LogNormalMarginal(h func(float64) float64, tau float64, x, w []float64) float64 {
	if !(tau > 0) {
		return h(0) // no random intercept to integrate
	}
	k := func(u float64) float64 {
		return h(u) - 0.5*u*u/(tau*tau) - math.Log(tau) - 0.5*math.Log(2*math.Pi)
	}
	m, km := 0.0, k(0)
	curv := -1 / (tau * tau)
	for it := 0; it < 100; it++ {
		e := 1e-4 * math.Max(tau, 1e-3)
		kp, kn := k(m+e), k(m-e)
		d1 := (kp - kn) / (2 * e)
		d2 := (kp - 2*km + kn) / (e * e)
		if !(d2 < 0) || math.IsNaN(d2) {
			d2 = -1 / (tau * tau) // not concave here: a prior-sized step
		}
		step := -d1 / d2
		// Backtrack until k does not decrease.
		for bt := 0; bt < 30; bt++ {
			if kv := k(m + step); kv >= km || math.IsNaN(km) {
				m, km = m+step, kv
				break
			}
			step /= 2
		}
		curv = d2
		if math.Abs(step) < 1e-8*math.Max(tau, 1e-3) {
			break
		}
	}
	// Curvature at the mode.
	e := 1e-4 * math.Max(1/math.Sqrt(-curv), 1e-6)
	if d2 := (k(m+e) - 2*km + k(m-e)) / (e * e); d2 < 0 {
		curv = d2
	}
	s := 1 / math.Sqrt(-curv)
	terms := make([]float64, len(x))
	for i := range x {
		terms[i] = math.Log(w[i]) + k(m+math.Sqrt2*s*x[i]) + x[i]*x[i]
	}
	return math.Log(math.Sqrt2*s) + LogSumExp(terms)
}

// LogSumExp is log Σ exp(x), computed stably.
func LogSumExp(x []float64) float64 {
	mx := math.Inf(-1)
	for _, v := range x {
		mx = math.Max(mx, v)
	}
	if math.IsInf(mx, -1) {
		return mx
	}
	s := 0.0
	for _, v := range x {
		s += math.Exp(v - mx)
	}
	return mx + math.Log(s)
}
