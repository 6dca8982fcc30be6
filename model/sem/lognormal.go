package sem

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// LogNormal is brms's lognormal: log y ~ normal(mu, sigma), for positive
// skewed outcomes. Its mean is exp(mu + sigma²/2).
type LogNormal struct {
	// Sigma is the prior of sigma, the sd of log y (default half_normal(1)).
	Sigma Prior
	ly    []float64 // log y of the rows Prepare saw
	sumLy float64
}

// Name returns "lognormal".
func (LogNormal) Name() string { return "lognormal" }

// Prepare checks the values are positive and keeps their logs.
func (f LogNormal) Prepare(y []float64) (Family, error) {
	f.ly = make([]float64, len(y))
	f.sumLy = 0
	for i, v := range y {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, &ValueError{Index: i, Value: v, Msg: "lognormal needs positive finite values"}
		}
		f.ly[i] = math.Log(v)
		f.sumLy += f.ly[i]
	}
	if len(y) > 1 && noVariance(y) {
		return nil, noVarianceError("lognormal needs a column that varies", y)
	}
	if err := f.Sigma.validate(); err != nil {
		return nil, fmt.Errorf("sigma prior: %v", err)
	}
	f.Sigma = f.Sigma.or(defaultScale)
	return f, nil
}

// Intercept returns true.
func (LogNormal) Intercept() bool { return true }

// NumParams returns 1 (sigma).
func (LogNormal) NumParams() int { return 1 }

// ParamNames returns "sigma.NODE".
func (LogNormal) ParamNames(node string) []string { return []string{"sigma." + node} }

// Constrain returns sigma = exp(theta[0]).
func (LogNormal) Constrain(theta, out []float64) { out[0] = math.Exp(theta[0]) }

// LogPrior is the sigma prior plus the log Jacobian.
func (f LogNormal) LogPrior(theta, grad []float64) float64 {
	return positiveLogPrior(f.Sigma, theta[0], &grad[0])
}

// LogLik is Σ −(log y − mu)²/(2σ²) − log σ − log y (−½ log 2π dropped).
func (f LogNormal) LogLik(y, mu, theta, dmu, grad []float64) float64 {
	s := theta[0]
	prec := math.Exp(-2 * s)
	ly := f.ly[:len(mu)]
	dmu = dmu[:len(mu)]
	ss := 0.0
	for i, m := range mu {
		r := ly[i] - m
		ss += r * r
		dmu[i] = r * prec
	}
	n := float64(len(mu))
	grad[0] += -n + ss*prec
	return -n*s - 0.5*ss*prec - f.sumLy
}

// CentreThreshold returns 10.
func (LogNormal) CentreThreshold() float64 { return 10 }

// Linear returns false: the noise multiplies.
func (LogNormal) Linear() bool { return false }

// Mean is exp(mu + sigma²/2).
func (LogNormal) Mean(mu float64, par []float64) float64 { return math.Exp(mu + par[0]*par[0]/2) }

// MeanScale is exp(sigma²/2).
func (LogNormal) MeanScale(par []float64) float64 { return math.Exp(par[0] * par[0] / 2) }

// MeanLabel returns "the expected value of NODE".
func (LogNormal) MeanLabel(node string) string { return "the expected value of " + node }

// Support is y > 0.
func (LogNormal) Support([]float64) Support {
	return Support{Upper: math.Inf(1), OpenLower: true}
}

// LogDensity is the lognormal log density.
func (LogNormal) LogDensity(y, mu float64, par []float64) float64 {
	if !(y > 0) {
		return math.Inf(-1)
	}
	return distuv.LogNormal{Mu: mu, Sigma: par[0]}.LogProb(y)
}

// Rand draws exp(mu + sigma·z).
func (LogNormal) Rand(mu float64, par []float64, rng *rand.Rand) float64 {
	return math.Exp(mu + par[0]*rng.NormFloat64())
}

// CDF is Φ((log y − mu)/sigma).
func (LogNormal) CDF(y, mu float64, par []float64) float64 {
	if !(y > 0) {
		return 0
	}
	return distuv.UnitNormal.CDF((math.Log(y) - mu) / par[0])
}

// Quantile is exp(mu + sigma·Φ⁻¹(u)).
func (LogNormal) Quantile(u, mu float64, par []float64) float64 {
	return math.Exp(mu + par[0]*distuv.UnitNormal.Quantile(u))
}

// NoiseSD is sigma, the sd of the noise on the log scale.
func (LogNormal) NoiseSD(par []float64) float64 { return par[0] }
