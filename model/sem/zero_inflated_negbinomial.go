package sem

import "math/rand/v2"

// ZeroInflatedNegBinomial is brms's zero_inflated_negbinomial: with
// probability zi a structural zero, else negative binomial with mean
// exp(mu) and shape phi.
type ZeroInflatedNegBinomial struct {
	// Shape is the prior of the shape phi (default gamma(0.01, 0.01)).
	Shape Prior
	// ZI is the prior of the zero-inflation probability zi (default beta(1, 1)).
	ZI Prior
	// c holds the histogram of the data Prepare saw.
	c count
}

// Name returns "zero_inflated_negbinomial".
func (ZeroInflatedNegBinomial) Name() string { return "zero_inflated_negbinomial" }

// Prepare checks the values are non-negative integer counts and takes
// their histogram.
func (f ZeroInflatedNegBinomial) Prepare(y []float64) (Family, error) {
	c, err := f.cfg().prepare(y)
	if err != nil {
		return nil, err
	}
	f.c = c
	f.Shape = c.shape // the default resolved
	f.ZI = c.zp       // the default resolved
	return f, nil
}

// MeanScale is the factor of exp(mu) in the mean (1 − zi).
func (f ZeroInflatedNegBinomial) MeanScale(par []float64) float64 { return f.cfg().meanScale(par) }

// cfg is the shared count implementation set up as this family.
func (f ZeroInflatedNegBinomial) cfg() count {
	c := f.c
	c.name, c.nb, c.zero = "zero_inflated_negbinomial", true, zeroInflated
	c.shape, c.zp = f.Shape, f.ZI
	return c
}

// The Family methods, from count.go (see there).

func (f ZeroInflatedNegBinomial) Intercept() bool { return f.cfg().Intercept() }

func (f ZeroInflatedNegBinomial) NumParams() int { return f.cfg().NumParams() }

func (f ZeroInflatedNegBinomial) ParamNames(node string) []string { return f.cfg().ParamNames(node) }

func (f ZeroInflatedNegBinomial) Constrain(theta, out []float64) { f.cfg().Constrain(theta, out) }

func (f ZeroInflatedNegBinomial) LogPrior(theta, grad []float64) float64 {
	return f.cfg().LogPrior(theta, grad)
}

func (f ZeroInflatedNegBinomial) LogLik(y, mu, theta, dmu, grad []float64) float64 {
	return f.cfg().LogLik(y, mu, theta, dmu, grad)
}

func (f ZeroInflatedNegBinomial) CentreThreshold() float64 { return f.cfg().CentreThreshold() }

func (f ZeroInflatedNegBinomial) Linear() bool { return f.cfg().Linear() }

func (f ZeroInflatedNegBinomial) Mean(mu float64, par []float64) float64 {
	return f.cfg().Mean(mu, par)
}

func (f ZeroInflatedNegBinomial) MeanLabel(node string) string { return f.cfg().MeanLabel(node) }

func (f ZeroInflatedNegBinomial) Support(par []float64) Support { return f.cfg().Support(par) }

func (f ZeroInflatedNegBinomial) LogDensity(y, mu float64, par []float64) float64 {
	return f.cfg().LogDensity(y, mu, par)
}

func (f ZeroInflatedNegBinomial) Rand(mu float64, par []float64, rng *rand.Rand) float64 {
	return f.cfg().Rand(mu, par, rng)
}

func (f ZeroInflatedNegBinomial) CDF(y, mu float64, par []float64) float64 {
	return f.cfg().CDF(y, mu, par)
}

func (f ZeroInflatedNegBinomial) Quantile(u, mu float64, par []float64) float64 {
	return f.cfg().Quantile(u, mu, par)
}

func (f ZeroInflatedNegBinomial) NoiseSD(par []float64) float64 { return f.cfg().NoiseSD(par) }
