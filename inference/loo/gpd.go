package loo

import (
	"math"
	"slices"
)

// Constants of the generalized Pareto fit.
const (
	gpdPrior     = 3.0  // Zhang and Stephens' prior constant for the θ grid
	gpdMinGrid   = 30   // the grid has gpdMinGrid + ⌊√n⌋ points
	wipPseudoObs = 10.0 // weight of the weakly informative prior on k
	wipPriorK    = 0.5  // where that prior is centred
)

// FitGPD estimates the shape k and scale σ of a generalized Pareto
// distribution with location 0 from a sample x of non-negative values, by
// the empirical Bayes method of Zhang and Stephens (2009, section 4) followed
// by the weakly informative prior of Vehtari et al. (2024), which pulls k
// towards 0.5: k ← (n·k + 10·0.5)/(n + 10). Here k is positive for heavy
// tails (the negative of Zhang and Stephens' k): the distribution has finite
// moments of order below 1/k.
//
// FitGPD returns NaN, NaN when x has fewer than 2 values or a value that is
// negative or not finite. It returns +Inf, NaN when the fit fails: when the
// first quartile of x is 0 (a quarter of the sample is tied at the bottom,
// far from a generalized Pareto distribution) or the estimate is not a
// number.
func FitGPD(x []float64) (k, sigma float64) {
	if len(x) < 2 {
		return math.NaN(), math.NaN()
	}
	for _, v := range x {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return math.NaN(), math.NaN()
		}
	}
	s := slices.Clone(x)
	slices.Sort(s)
	var g gpdWork
	return g.fit(s)
}

// gpdWork holds the θ grid and profile log-likelihoods, reused between fits.
type gpdWork struct {
	theta, logLik []float64
}

// fit is FitGPD for x already sorted ascending, finite and non-negative,
// with at least 2 values.
func (g *gpdWork) fit(x []float64) (k, sigma float64) {
	n := len(x)
	fn := float64(n)
	xstar := x[int(fn/4+0.5)-1] // first quartile
	if !(xstar > 0) {
		return math.Inf(1), math.NaN()
	}
	m := gpdMinGrid + int(math.Sqrt(fn))
	g.theta = slices.Grow(g.theta[:0], m)[:m]
	g.logLik = slices.Grow(g.logLik[:0], m)[:m]

	// Grid of θ = −k/σ values, all below 1/max(x) so that 1 − θx > 0.
	// Each gets its profile log-likelihood n(log(−θ/k) − k − 1) with
	// k = mean(log(1 − θx)).
	xmax := x[n-1]
	maxLL := math.Inf(-1)
	for j := range m {
		th := 1/xmax + (1-math.Sqrt(float64(m)/(float64(j)+0.5)))/(gpdPrior*xstar)
		kj := meanLog1p(x, -th)
		var ll float64
		if kj == 0 {
			// θ = 0 exactly: the exponential limit, σ = mean(x).
			ll = fn * (-math.Log(mean(x)) - 1)
		} else {
			ll = fn * (math.Log(-th/kj) - kj - 1)
		}
		g.theta[j], g.logLik[j] = th, ll
		if ll > maxLL {
			maxLL = ll
		}
	}
	// Posterior mean of θ over the grid.
	var sumW, sumWT float64
	for j, ll := range g.logLik {
		w := math.Exp(ll - maxLL)
		sumW += w
		sumWT += w * g.theta[j]
	}
	thetaHat := sumWT / sumW

	k = meanLog1p(x, -thetaHat)
	sigma = -k / thetaHat
	k = (k*fn + wipPseudoObs*wipPriorK) / (fn + wipPseudoObs)
	if math.IsNaN(k) || math.IsNaN(sigma) || math.IsInf(sigma, 0) || sigma <= 0 {
		return math.Inf(1), math.NaN()
	}
	return k, sigma
}

// meanLog1p returns the mean of log(1 + a·x_i).
func meanLog1p(x []float64, a float64) float64 {
	var s float64
	for _, v := range x {
		s += math.Log1p(a * v)
	}
	return s / float64(len(x))
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// gpdQuantile is the p quantile of the generalized Pareto distribution with
// location 0, scale sigma and shape k: σ((1 − p)^(−k) − 1)/k, or −σ log(1 − p)
// when k is 0.
func gpdQuantile(p, k, sigma float64) float64 {
	if math.Abs(k) < 1e-15 {
		return -sigma * math.Log1p(-p)
	}
	return sigma * math.Expm1(-k*math.Log1p(-p)) / k
}
