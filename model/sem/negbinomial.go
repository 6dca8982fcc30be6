package sem

import "math/rand/v2"

// NegBinomial is the negative binomial family with log link (brms's
// negbinomial): y has mean lambda = exp(mu) and variance lambda +
// lambda²/phi, with shape phi > 0 (see count.go for the likelihood).
type NegBinomial struct {
	// Shape is the prior of the shape phi (default gamma(0.01, 0.01)).
	Shape Prior
	// c holds the histogram of the data Prepare saw.
	c count
}

// Name returns "negbinomial".
func (NegBinomial) Name() string { return "negbinomial" }

// Prepare checks the values are non-negative integer counts and takes
// their histogram.
func (f NegBinomial) Prepare(y []float64) (Family, error) {
	c, err := f.cfg().prepare(y)
	if err != nil {
		return nil, err
	}
	f.c = c
	f.Shape = c.shape // the default resolved
	return f, nil
}

// MeanScale is the factor of exp(mu) in the mean (1).
func (f NegBinomial) MeanScale(par []float64) float64 { return f.cfg().meanScale(par) }

// cfg is the shared count implementation set up as this family.
func (f NegBinomial) cfg() count {
	c := f.c
	c.name, c.nb, c.zero = "negbinomial", true, zeroNone
	c.shape, c.zp = f.Shape, Prior{}
	return c
}

// The Family methods, from count.go (see there).

func (f NegBinomial) Intercept() bool { return f.cfg().Intercept() }

func (f NegBinomial) NumParams() int { return f.cfg().NumParams() }

func (f NegBinomial) ParamNames(node string) []string { return f.cfg().ParamNames(node) }

func (f NegBinomial) Constrain(theta, out []float64) { f.cfg().Constrain(theta, out) }

func (f NegBinomial) LogPrior(theta, grad []float64) float64 { return f.cfg().LogPrior(theta, grad) }

func (f NegBinomial) LogLik(y, mu, theta, dmu, grad []float64) float64 {
	return f.cfg().LogLik(y, mu, theta, dmu, grad)
}

func (f NegBinomial) CentreThreshold() float64 { return f.cfg().CentreThreshold() }

func (f NegBinomial) Linear() bool { return f.cfg().Linear() }

func (f NegBinomial) Mean(mu float64, par []float64) float64 { return f.cfg().Mean(mu, par) }

func (f NegBinomial) MeanLabel(node string) string { return f.cfg().MeanLabel(node) }

func (f NegBinomial) Support(par []float64) Support { return f.cfg().Support(par) }

func (f NegBinomial) LogDensity(y, mu float64, par []float64) float64 {
	return f.cfg().LogDensity(y, mu, par)
}

func (f NegBinomial) Rand(mu float64, par []float64, rng *rand.Rand) float64 {
	return f.cfg().Rand(mu, par, rng)
}

func (f NegBinomial) CDF(y, mu float64, par []float64) float64 { return f.cfg().CDF(y, mu, par) }

func (f NegBinomial) Quantile(u, mu float64, par []float64) float64 {
	return f.cfg().Quantile(u, mu, par)
}

func (f NegBinomial) NoiseSD(par []float64) float64 { return f.cfg().NoiseSD(par) }
