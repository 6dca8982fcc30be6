package sem

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// BetaFamily is brms's beta family for proportions 0 < y < 1: logit link,
// y ~ beta(p·phi, (1−p)·phi) with mean p = 1/(1 + exp(−mu)) and precision
// phi (sampled as log phi).
type BetaFamily struct {
	// Phi is the prior of the precision phi (default gamma(0.01, 0.01), as brms).
	Phi Prior
	// log y and log(1 − y) of the rows Prepare saw, and their sums.
	ly, l1y       []float64
	sumLy, sumL1y float64
}

// Name returns "beta".
func (BetaFamily) Name() string { return "beta" }

// Prepare checks 0 < y < 1 and keeps log y and log(1 − y).
func (f BetaFamily) Prepare(y []float64) (Family, error) {
	f.ly, f.l1y = make([]float64, len(y)), make([]float64, len(y))
	f.sumLy, f.sumL1y = 0, 0
	for i, v := range y {
		if !(v > 0 && v < 1) {
			return nil, &ValueError{Index: i, Value: v, Msg: "beta needs values strictly between 0 and 1"}
		}
		f.ly[i], f.l1y[i] = math.Log(v), math.Log1p(-v)
		f.sumLy += f.ly[i]
		f.sumL1y += f.l1y[i]
	}
	if err := f.Phi.validate(); err != nil {
		return nil, fmt.Errorf("phi prior: %v", err)
	}
	if f.Phi.Kind == PriorBeta {
		return nil, fmt.Errorf("phi prior %s is for probabilities; the precision is any positive number", f.Phi)
	}
	f.Phi = f.Phi.or(defaultShape)
	return f, nil
}

// Intercept returns true.
func (BetaFamily) Intercept() bool { return true }

// NumParams returns 1 (phi).
func (BetaFamily) NumParams() int { return 1 }

// ParamNames returns "phi.NODE".
func (BetaFamily) ParamNames(node string) []string { return []string{"phi." + node} }

// Constrain returns phi = exp(theta).
func (BetaFamily) Constrain(theta, out []float64) { out[0] = math.Exp(theta[0]) }

// LogPrior is phi's prior and the log Jacobian.
func (f BetaFamily) LogPrior(theta, grad []float64) float64 {
	return positiveLogPrior(f.Phi, theta[0], &grad[0])
}

// LogLik is Σ log Γ(phi) − log Γ(a) − log Γ(b) + (a−1) log y + (b−1) log(1−y).
func (f BetaFamily) LogLik(y, mu, theta, dmu, grad []float64) float64 {
	phi := math.Exp(theta[0])
	ly, l1y := f.ly[:len(mu)], f.l1y[:len(mu)]
	dmu = dmu[:len(mu)]
	lp, dphi := 0.0, 0.0
	for i, m := range mu {
		p := sigmoid(m)
		a, b := p*phi, (1-p)*phi
		la, _ := math.Lgamma(a)
		lb, _ := math.Lgamma(b)
		da, db := mathext.Digamma(a), mathext.Digamma(b)
		lp += a*ly[i] + b*l1y[i] - la - lb
		dmu[i] = phi * p * (1 - p) * (ly[i] - l1y[i] - da + db)
		dphi += p*(ly[i]-da) + (1-p)*(l1y[i]-db)
	}
	n := float64(len(mu))
	lg, _ := math.Lgamma(phi)
	lp += n*lg - f.sumLy - f.sumL1y
	dphi += n * mathext.Digamma(phi)
	grad[0] += dphi * phi
	return lp
}

// CentreThreshold returns 10.
func (BetaFamily) CentreThreshold() float64 { return 10 }

// Linear returns false.
func (BetaFamily) Linear() bool { return false }

// Mean is p = 1/(1 + exp(−mu)).
func (BetaFamily) Mean(mu float64, par []float64) float64 { return sigmoid(mu) }

// MeanLabel returns "the expected value of NODE (a proportion)".
func (BetaFamily) MeanLabel(node string) string {
	return "the expected value of " + node + " (a proportion)"
}

// Support is 0 < y < 1.
func (BetaFamily) Support([]float64) Support {
	return Support{Upper: 1, OpenLower: true, OpenUpper: true}
}

func betaDist(mu float64, par []float64, rng *rand.Rand) distuv.Beta {
	p := sigmoid(mu)
	return distuv.Beta{Alpha: p * par[0], Beta: (1 - p) * par[0], Src: rng}
}

// LogDensity is the beta log density.
func (BetaFamily) LogDensity(y, mu float64, par []float64) float64 {
	if !(y > 0 && y < 1) {
		return math.Inf(-1)
	}
	return betaDist(mu, par, nil).LogProb(y)
}

// Rand draws from the beta distribution.
func (BetaFamily) Rand(mu float64, par []float64, rng *rand.Rand) float64 {
	return betaDist(mu, par, rng).Rand()
}

// CDF is the regularized incomplete beta function.
func (BetaFamily) CDF(y, mu float64, par []float64) float64 {
	switch {
	case y <= 0:
		return 0
	case y >= 1:
		return 1
	}
	d := betaDist(mu, par, nil)
	return mathext.RegIncBeta(d.Alpha, d.Beta, y)
}

// Quantile is its inverse, kept strictly inside (0, 1).
func (BetaFamily) Quantile(u, mu float64, par []float64) float64 {
	d := betaDist(mu, par, nil)
	q := mathext.InvRegIncBeta(d.Alpha, d.Beta, u)
	return math.Min(math.Max(q, math.SmallestNonzeroFloat64), 1-0x1p-53)
}

// NoiseSD is NaN.
func (BetaFamily) NoiseSD([]float64) float64 { return math.NaN() }
