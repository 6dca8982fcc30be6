package sem

import "math/rand/v2"

// HurdleNegBinomial is brms's hurdle_negbinomial: y = 0 with
// probability hu, else a negative binomial count (mean exp(mu), shape phi)
// truncated to y > 0.
type HurdleNegBinomial struct {
	// Shape is the prior of the shape phi (default gamma(0.01, 0.01)).
	Shape Prior
	// HU is the prior of the hurdle probability hu (default beta(1, 1)).
	HU Prior
	// c holds the histogram of the data Prepare saw.
	c count
}

// Name returns "hurdle_negbinomial".
func (HurdleNegBinomial) Name() string { return "hurdle_negbinomial" }

// Prepare checks the values are non-negative integer counts and takes
// their histogram.
func (f HurdleNegBinomial) Prepare(y []float64) (Family, error) {
	c, err := f.cfg().prepare(y)
	if err != nil {
		return nil, err
	}
	f.c = c
	f.Shape = c.shape // the default resolved
	f.HU = c.zp       // the default resolved
	return f, nil
}

// cfg is the shared count implementation set up as this family.
func (f HurdleNegBinomial) cfg() count {
	c := f.c
	c.name, c.nb, c.zero = "hurdle_negbinomial", true, zeroHurdle
	c.shape, c.zp = f.Shape, f.HU
	return c
}

// The Family methods, from count.go (see there).

func (f HurdleNegBinomial) Intercept() bool { return f.cfg().Intercept() }

func (f HurdleNegBinomial) NumParams() int { return f.cfg().NumParams() }

func (f HurdleNegBinomial) ParamNames(node string) []string { return f.cfg().ParamNames(node) }

func (f HurdleNegBinomial) Constrain(theta, out []float64) { f.cfg().Constrain(theta, out) }

func (f HurdleNegBinomial) LogPrior(theta, grad []float64) float64 {
	return f.cfg().LogPrior(theta, grad)
}

func (f HurdleNegBinomial) LogLik(y, mu, theta, dmu, grad []float64) float64 {
	return f.cfg().LogLik(y, mu, theta, dmu, grad)
}

func (f HurdleNegBinomial) CentreThreshold() float64 { return f.cfg().CentreThreshold() }

func (f HurdleNegBinomial) Linear() bool { return f.cfg().Linear() }

func (f HurdleNegBinomial) Mean(mu float64, par []float64) float64 { return f.cfg().Mean(mu, par) }

func (f HurdleNegBinomial) MeanLabel(node string) string { return f.cfg().MeanLabel(node) }

func (f HurdleNegBinomial) Support(par []float64) Support { return f.cfg().Support(par) }

func (f HurdleNegBinomial) LogDensity(y, mu float64, par []float64) float64 {
	return f.cfg().LogDensity(y, mu, par)
}

func (f HurdleNegBinomial) Rand(mu float64, par []float64, rng *rand.Rand) float64 {
	return f.cfg().Rand(mu, par, rng)
}

func (f HurdleNegBinomial) CDF(y, mu float64, par []float64) float64 { return f.cfg().CDF(y, mu, par) }

func (f HurdleNegBinomial) Quantile(u, mu float64, par []float64) float64 {
	return f.cfg().Quantile(u, mu, par)
}

func (f HurdleNegBinomial) NoiseSD(par []float64) float64 { return f.cfg().NoiseSD(par) }
