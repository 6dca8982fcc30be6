package loo

import (
	"math"
	"math/rand/v2"
)

// normalModel is y_i ~ N(μ, σ²) with σ known and prior μ ~ N(mu0, tau0²):
// the posterior of μ, with or without any one observation, is normal.
type normalModel struct {
	y                []float64
	sigma, mu0, tau0 float64
}

// posterior returns the mean and standard deviation of μ given y without
// observation skip (skip < 0 keeps every observation).
func (m normalModel) posterior(skip int) (mean, sd float64) {
	prec := 1 / (m.tau0 * m.tau0)
	num := m.mu0 * prec
	for i, v := range m.y {
		if i == skip {
			continue
		}
		prec += 1 / (m.sigma * m.sigma)
		num += v / (m.sigma * m.sigma)
	}
	return num / prec, math.Sqrt(1 / prec)
}

// exactLOO returns log p(y_i | y_−i) = log N(y_i | mean_−i, σ² + sd_−i²).
func (m normalModel) exactLOO() []float64 {
	out := make([]float64, len(m.y))
	for i, v := range m.y {
		mu, sd := m.posterior(i)
		out[i] = logNormal(v, mu, math.Sqrt(m.sigma*m.sigma+sd*sd))
	}
	return out
}

// draws returns s exact posterior draws of μ without observation skip.
func (m normalModel) draws(r *rand.Rand, s, skip int) []float64 {
	mu, sd := m.posterior(skip)
	out := make([]float64, s)
	for d := range out {
		out[d] = mu + sd*r.NormFloat64()
	}
	return out
}

// loglik is the [draw][observation] log-likelihood of draws mus.
func (m normalModel) loglik(mus []float64) [][]float64 {
	ll := make([][]float64, len(mus))
	for d, mu := range mus {
		ll[d] = make([]float64, len(m.y))
		for i, v := range m.y {
			ll[d][i] = logNormal(v, mu, m.sigma)
		}
	}
	return ll
}

func logNormal(x, mu, sd float64) float64 {
	z := (x - mu) / sd
	return -0.5*z*z - math.Log(sd) - 0.5*math.Log(2*math.Pi)
}

// simNormal draws n observations from N(mu, sigma²).
func simNormal(r *rand.Rand, n int, mu, sigma float64) []float64 {
	y := make([]float64, n)
	for i := range y {
		y[i] = mu + sigma*r.NormFloat64()
	}
	return y
}

// regression is y_i ~ N(a + b·x_i, σ²) with σ known and independent priors
// a, b ~ N(0, tau²); the posterior of (a, b) is bivariate normal.
type regression struct {
	x, y       []float64
	sigma, tau float64
}

// draws returns s exact posterior draws of (a, b).
func (m regression) draws(r *rand.Rand, s int) (a, b []float64) {
	// Posterior precision P = XᵀX/σ² + I/τ², mean P⁻¹Xᵀy/σ².
	s2 := m.sigma * m.sigma
	var sx, sxx, sy, sxy float64
	for i, x := range m.x {
		sx += x
		sxx += x * x
		sy += m.y[i]
		sxy += x * m.y[i]
	}
	n := float64(len(m.x))
	p11 := n/s2 + 1/(m.tau*m.tau)
	p12 := sx / s2
	p22 := sxx/s2 + 1/(m.tau*m.tau)
	det := p11*p22 - p12*p12
	c11, c12, c22 := p22/det, -p12/det, p11/det // covariance
	ma := c11*sy/s2 + c12*sxy/s2
	mb := c12*sy/s2 + c22*sxy/s2
	// Cholesky of the covariance.
	l11 := math.Sqrt(c11)
	l21 := c12 / l11
	l22 := math.Sqrt(c22 - l21*l21)
	a, b = make([]float64, s), make([]float64, s)
	for d := range a {
		z1, z2 := r.NormFloat64(), r.NormFloat64()
		a[d] = ma + l11*z1
		b[d] = mb + l21*z1 + l22*z2
	}
	return a, b
}

func (m regression) loglik(a, b []float64) [][]float64 {
	ll := make([][]float64, len(a))
	for d := range a {
		ll[d] = make([]float64, len(m.y))
		for i, y := range m.y {
			ll[d][i] = logNormal(y, a[d]+b[d]*m.x[i], m.sigma)
		}
	}
	return ll
}

// column returns column i of a [draw][observation] matrix.
func column(ll [][]float64, i int) []float64 {
	out := make([]float64, len(ll))
	for d, row := range ll {
		out[d] = row[i]
	}
	return out
}

// logMeanExp is log((1/n) Σ exp(x)).
func logMeanExp(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s/float64(len(x)))
}

// simGPD draws n values from the generalized Pareto distribution with
// location 0, shape k and scale sigma, by inversion.
func simGPD(r *rand.Rand, n int, k, sigma float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = gpdQuantile(r.Float64(), k, sigma)
	}
	return x
}

// mcseLogMeanExp is the delta-method Monte Carlo standard error of
// logMeanExp(x) for independent draws: sd(e^x)/(mean(e^x)·√n).
func mcseLogMeanExp(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	e := make([]float64, len(x))
	for i, v := range x {
		e[i] = math.Exp(v - m)
	}
	return math.Sqrt(variance(e)/float64(len(e))) / mean(e)
}
