package sem

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// TrialsFamily is implemented by families of successes out of a per-row
// number of trials (binomial, beta_binomial). Compile prepares them with
// each used row's trials (Equation.Trials) through PrepareTrials; Prepare
// alone fails. The descriptive methods (Mean, Support, LogDensity, Rand,
// CDF, Quantile) read a row's trials as the last element of par, after the
// family's own parameters (ParamNames does not list it).
type TrialsFamily interface {
	Family
	// PrepareTrials is Prepare with the trials n of the rows of y.
	PrepareTrials(y, n []float64) (Family, error)
}

// checkTrials checks successes y out of trials n: n a positive integer,
// 0 ≤ y ≤ n an integer.
func checkTrials(name string, y, n []float64) error {
	if len(n) != len(y) {
		return fmt.Errorf("%s: %d trials for %d values", name, len(n), len(y))
	}
	for i, v := range n {
		switch {
		case math.IsNaN(v):
			return &ValueError{Index: i, Value: v, Msg: name + " needs the number of trials at every row, but the trials column is missing"}
		case v == 0:
			return &ValueError{Index: i, Value: v, Msg: name + " needs at least one trial, but the trials are zero"}
		case !(v > 0) || v != math.Trunc(v) || math.IsInf(v, 0):
			return &ValueError{Index: i, Value: v, Msg: name + " needs a positive integer number of trials"}
		}
	}
	for i, v := range y {
		if !(v >= 0) || v != math.Trunc(v) {
			return &ValueError{Index: i, Value: v, Msg: name + " needs non-negative integer successes"}
		}
		if v > n[i] {
			return &ValueError{Index: i, Value: v, Msg: fmt.Sprintf("%s needs successes at most the trials (%g)", name, n[i])}
		}
	}
	return nil
}

// Binomial is brms's binomial with logit link: y successes out of n
// trials, each with probability p = 1/(1 + exp(−mu)).
type Binomial struct {
	n []float64 // trials of the rows Prepare saw
}

// Name returns "binomial".
func (Binomial) Name() string { return "binomial" }

// Prepare fails: the family needs the trials (PrepareTrials).
func (Binomial) Prepare([]float64) (Family, error) {
	return nil, fmt.Errorf("binomial needs the number of trials: trials=\"COLUMN\" or trials=\"31\"")
}

// PrepareTrials checks the successes and trials and keeps the trials.
func (b Binomial) PrepareTrials(y, n []float64) (Family, error) {
	if err := checkTrials("binomial", y, n); err != nil {
		return nil, err
	}
	b.n = n
	return b, nil
}

// Intercept returns true.
func (Binomial) Intercept() bool { return true }

// NumParams returns 0.
func (Binomial) NumParams() int { return 0 }

// ParamNames returns nil.
func (Binomial) ParamNames(string) []string { return nil }

// Constrain does nothing.
func (Binomial) Constrain(theta, out []float64) {}

// LogPrior returns 0.
func (Binomial) LogPrior(theta, grad []float64) float64 { return 0 }

// LogLik is Σ y·mu − n·log(1 + exp(mu)) (the binomial coefficient dropped).
func (b Binomial) LogLik(y, mu, theta, dmu, grad []float64) float64 {
	y = y[:len(mu)]
	dmu = dmu[:len(mu)]
	n := b.n[:len(mu)]
	for i, m := range mu {
		dmu[i] = -math.Abs(m)
	}
	expInPlace(dmu)
	lp := 0.0
	for i, m := range mu {
		e := dmu[i]
		q := e / (1 + e)
		pos := float64(math.Float64bits(m)>>63 ^ 1)
		p := q + pos*(1-2*q)
		lp += y[i]*m - n[i]*(max(m, 0)+math.Log1p(e))
		dmu[i] = y[i] - n[i]*p
	}
	return lp
}

// CentreThreshold returns 10.
func (Binomial) CentreThreshold() float64 { return 10 }

// Linear returns false.
func (Binomial) Linear() bool { return false }

// Mean is n·p.
func (Binomial) Mean(mu float64, par []float64) float64 { return par[len(par)-1] * sigmoid(mu) }

// MeanLabel returns "the expected successes of NODE".
func (Binomial) MeanLabel(node string) string { return "the expected successes of " + node }

// Support is 0 … n.
func (Binomial) Support(par []float64) Support {
	return Support{Discrete: true, Upper: trialsOf(par)}
}

// trialsOf is the row's trials, the last element of par (+Inf without).
func trialsOf(par []float64) float64 {
	if len(par) == 0 {
		return math.Inf(1)
	}
	return par[len(par)-1]
}

// LogDensity is log C(n, y) + y·log p + (n−y)·log(1−p).
func (Binomial) LogDensity(y, mu float64, par []float64) float64 {
	n := par[len(par)-1]
	if !(y >= 0) || y > n || y != math.Trunc(y) {
		return math.Inf(-1)
	}
	return lchoose(n, y) + y*logSigmoid(mu) + (n-y)*logSigmoid(-mu)
}

// lchoose is log C(n, k).
func lchoose(n, k float64) float64 {
	a, _ := math.Lgamma(n + 1)
	b, _ := math.Lgamma(k + 1)
	c, _ := math.Lgamma(n - k + 1)
	return a - b - c
}

// CDF is P(Y ≤ y).
func (f Binomial) CDF(y, mu float64, par []float64) float64 {
	return trialsCDF(f, y, mu, par)
}

// Quantile is the smallest k with P(Y ≤ k) > u.
func (f Binomial) Quantile(u, mu float64, par []float64) float64 {
	return trialsQuantile(f, u, mu, par)
}

// Rand draws by inverting the CDF.
func (f Binomial) Rand(mu float64, par []float64, rng *rand.Rand) float64 {
	return trialsQuantile(f, rng.Float64(), mu, par)
}

// NoiseSD is NaN.
func (Binomial) NoiseSD([]float64) float64 { return math.NaN() }

// trialsCDF sums f's probabilities from 0 to y (at most n).
func trialsCDF(f Family, y, mu float64, par []float64) float64 {
	if y < 0 {
		return 0
	}
	n := par[len(par)-1]
	if y >= n {
		return 1
	}
	s := 0.0
	for k := 0.0; k <= math.Floor(y); k++ {
		s += math.Exp(f.LogDensity(k, mu, par))
	}
	return math.Min(s, 1)
}

// trialsQuantile is the smallest k in 0 … n with F(k) > u.
func trialsQuantile(f Family, u, mu float64, par []float64) float64 {
	n := par[len(par)-1]
	s := 0.0
	for k := 0.0; k < n; k++ {
		s += math.Exp(f.LogDensity(k, mu, par))
		if s > u {
			return k
		}
	}
	return n
}
