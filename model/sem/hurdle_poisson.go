package sem

import "math/rand/v2"

// HurdlePoisson is brms's hurdle_poisson: y = 0 with probability hu,
// else a poisson(exp(mu)) count truncated to y > 0. The linear predictor
// moves only the positive counts.
type HurdlePoisson struct {
	// HU is the prior of the hurdle probability hu (default beta(1, 1)).
	HU Prior
	// c holds the histogram of the data Prepare saw.
	c count
}

// Name returns "hurdle_poisson".
func (HurdlePoisson) Name() string { return "hurdle_poisson" }

// Prepare checks the values are non-negative integer counts and takes
// their histogram.
func (f HurdlePoisson) Prepare(y []float64) (Family, error) {
	c, err := f.cfg().prepare(y)
	if err != nil {
		return nil, err
	}
	f.c = c
	f.HU = c.zp // the default resolved
	return f, nil
}

// cfg is the shared count implementation set up as this family.
func (f HurdlePoisson) cfg() count {
	c := f.c
	c.name, c.nb, c.zero = "hurdle_poisson", false, zeroHurdle
	c.shape, c.zp = Prior{}, f.HU
	return c
}

// The Family methods, from count.go (see there).

func (f HurdlePoisson) Intercept() bool { return f.cfg().Intercept() }

func (f HurdlePoisson) NumParams() int { return f.cfg().NumParams() }

func (f HurdlePoisson) ParamNames(node string) []string { return f.cfg().ParamNames(node) }

func (f HurdlePoisson) Constrain(theta, out []float64) { f.cfg().Constrain(theta, out) }

func (f HurdlePoisson) LogPrior(theta, grad []float64) float64 { return f.cfg().LogPrior(theta, grad) }

func (f HurdlePoisson) LogLik(y, mu, theta, dmu, grad []float64) float64 {
	return f.cfg().LogLik(y, mu, theta, dmu, grad)
}

func (f HurdlePoisson) CentreThreshold() float64 { return f.cfg().CentreThreshold() }

func (f HurdlePoisson) Linear() bool { return f.cfg().Linear() }

func (f HurdlePoisson) Mean(mu float64, par []float64) float64 { return f.cfg().Mean(mu, par) }

func (f HurdlePoisson) MeanLabel(node string) string { return f.cfg().MeanLabel(node) }

func (f HurdlePoisson) Support(par []float64) Support { return f.cfg().Support(par) }

func (f HurdlePoisson) LogDensity(y, mu float64, par []float64) float64 {
	return f.cfg().LogDensity(y, mu, par)
}

func (f HurdlePoisson) Rand(mu float64, par []float64, rng *rand.Rand) float64 {
	return f.cfg().Rand(mu, par, rng)
}

func (f HurdlePoisson) CDF(y, mu float64, par []float64) float64 { return f.cfg().CDF(y, mu, par) }

func (f HurdlePoisson) Quantile(u, mu float64, par []float64) float64 {
	return f.cfg().Quantile(u, mu, par)
}

func (f HurdlePoisson) NoiseSD(par []float64) float64 { return f.cfg().NoiseSD(par) }
