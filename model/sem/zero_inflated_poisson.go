package sem

import "math/rand/v2"

// ZeroInflatedPoisson is brms's zero_inflated_poisson: with probability
// zi a structural zero, else poisson(exp(mu)).
type ZeroInflatedPoisson struct {
	// ZI is the prior of the zero-inflation probability zi (default beta(1, 1)).
	ZI Prior
	// c holds the histogram of the data Prepare saw.
	c count
}

// Name returns "zero_inflated_poisson".
func (ZeroInflatedPoisson) Name() string { return "zero_inflated_poisson" }

// Prepare checks the values are non-negative integer counts and takes
// their histogram.
func (f ZeroInflatedPoisson) Prepare(y []float64) (Family, error) {
	c, err := f.cfg().prepare(y)
	if err != nil {
		return nil, err
	}
	f.c = c
	f.ZI = c.zp // the default resolved
	return f, nil
}

// MeanScale is the factor of exp(mu) in the mean (1 − zi).
func (f ZeroInflatedPoisson) MeanScale(par []float64) float64 { return f.cfg().meanScale(par) }

// cfg is the shared count implementation set up as this family.
func (f ZeroInflatedPoisson) cfg() count {
	c := f.c
	c.name, c.nb, c.zero = "zero_inflated_poisson", false, zeroInflated
	c.shape, c.zp = Prior{}, f.ZI
	return c
}

// The Family methods, from count.go (see there).

func (f ZeroInflatedPoisson) Intercept() bool { return f.cfg().Intercept() }

func (f ZeroInflatedPoisson) NumParams() int { return f.cfg().NumParams() }

func (f ZeroInflatedPoisson) ParamNames(node string) []string { return f.cfg().ParamNames(node) }

func (f ZeroInflatedPoisson) Constrain(theta, out []float64) { f.cfg().Constrain(theta, out) }

func (f ZeroInflatedPoisson) LogPrior(theta, grad []float64) float64 {
	return f.cfg().LogPrior(theta, grad)
}

func (f ZeroInflatedPoisson) LogLik(y, mu, theta, dmu, grad []float64) float64 {
	return f.cfg().LogLik(y, mu, theta, dmu, grad)
}

func (f ZeroInflatedPoisson) CentreThreshold() float64 { return f.cfg().CentreThreshold() }

func (f ZeroInflatedPoisson) Linear() bool { return f.cfg().Linear() }

func (f ZeroInflatedPoisson) Mean(mu float64, par []float64) float64 { return f.cfg().Mean(mu, par) }

func (f ZeroInflatedPoisson) MeanLabel(node string) string { return f.cfg().MeanLabel(node) }

func (f ZeroInflatedPoisson) Support(par []float64) Support { return f.cfg().Support(par) }

func (f ZeroInflatedPoisson) LogDensity(y, mu float64, par []float64) float64 {
	return f.cfg().LogDensity(y, mu, par)
}

func (f ZeroInflatedPoisson) Rand(mu float64, par []float64, rng *rand.Rand) float64 {
	return f.cfg().Rand(mu, par, rng)
}

func (f ZeroInflatedPoisson) CDF(y, mu float64, par []float64) float64 {
	return f.cfg().CDF(y, mu, par)
}

func (f ZeroInflatedPoisson) Quantile(u, mu float64, par []float64) float64 {
	return f.cfg().Quantile(u, mu, par)
}

func (f ZeroInflatedPoisson) NoiseSD(par []float64) float64 { return f.cfg().NoiseSD(par) }
