package sem

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Drawing parameters from their priors, for simulation-based calibration:
// a simulator draws every parameter from the prior the fit uses, simulates
// data from them and checks that the fit's posterior ranks the true values
// uniformly. The draws must follow the fit's priors exactly (their
// truncations and constraints included), or the calibration fails for the
// wrong reason.

// Draw draws one value from p, truncated to values above lower (use
// math.Inf(-1) for none; 0 for a scale, 1 for a Student-t's degrees of
// freedom) by rejection, as the fit's priors on constrained parameters
// are truncated. Half-normal, half-Cauchy, exponential, gamma and beta
// priors are drawn directly. A default prior (resolve it with the role's
// default first) and a flat prior (improper: nothing to draw from) are
// errors.
func (p Prior) Draw(rng *rand.Rand, lower float64) (float64, error) {
	for tries := 0; tries < 10000; tries++ {
		var v float64
		switch p.Kind {
		case PriorNormal:
			v = p.Mu + p.Sigma*rng.NormFloat64()
		case PriorStudentT:
			v = p.Mu + p.Sigma*distuv.StudentsT{Mu: 0, Sigma: 1, Nu: p.Nu, Src: rng}.Rand()
		case PriorCauchy:
			v = p.Mu + p.Sigma*math.Tan(math.Pi*(rng.Float64()-0.5))
		case PriorHalfNormal:
			v = math.Abs(p.Sigma * rng.NormFloat64())
		case PriorHalfCauchy:
			v = math.Abs(p.Sigma * math.Tan(math.Pi*(rng.Float64()-0.5)))
		case PriorExponential:
			v = rng.ExpFloat64() / p.Rate
		case PriorGamma:
			v = distuv.Gamma{Alpha: p.Shape, Beta: p.Rate, Src: rng}.Rand()
		case PriorBeta:
			v = distuv.Beta{Alpha: p.A, Beta: p.B, Src: rng}.Rand()
		case PriorDefault:
			return 0, fmt.Errorf("the default prior: resolve it before drawing")
		default:
			return 0, fmt.Errorf("prior %v is improper: simulation-based calibration needs proper priors", p)
		}
		if v > lower || (math.IsInf(lower, -1) && !math.IsNaN(v)) {
			return v, nil
		}
	}
	return 0, fmt.Errorf("prior %v has almost no mass above %g", p, lower)
}

// ParamDrawer is implemented by families that draw their own parameters
// from their priors (every family of this package): DrawParams returns
// them on their natural scale, in ParamNames order, as Constrain would
// report them. The family's default priors are resolved as Prepare
// resolves them, so an unprepared family draws from the same priors.
type ParamDrawer interface {
	DrawParams(rng *rand.Rand) ([]float64, error)
}

// drawScale draws a positive parameter from p (def when p is the default).
func drawScale(p, def Prior, what string, rng *rand.Rand) (float64, error) {
	v, err := p.or(def).Draw(rng, 0)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", what, err)
	}
	return v, nil
}

// drawProb draws a probability from p (beta; flat is uniform on (0, 1),
// which is proper there).
func drawProb(p, def Prior, what string, rng *rand.Rand) (float64, error) {
	p = p.or(def)
	if p.Kind == PriorFlat {
		return rng.Float64(), nil
	}
	v, err := p.Draw(rng, 0)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", what, err)
	}
	return v, nil
}

// DrawParams draws sigma.
func (g Gaussian) DrawParams(rng *rand.Rand) ([]float64, error) {
	s, err := drawScale(g.Sigma, defaultScale, "sigma", rng)
	return []float64{s}, err
}

// DrawParams draws nothing (bernoulli has no parameters of its own).
func (Bernoulli) DrawParams(*rand.Rand) ([]float64, error) { return nil, nil }

// DrawParams draws nothing (poisson has no parameters of its own).
func (Poisson) DrawParams(*rand.Rand) ([]float64, error) { return nil, nil }

// DrawParams draws nothing (binomial has no parameters of its own).
func (Binomial) DrawParams(*rand.Rand) ([]float64, error) { return nil, nil }

// drawParams draws phi (negative binomial base) and then z (zero-inflated
// or hurdle), as ParamNames orders them.
func (c count) drawParams(rng *rand.Rand) ([]float64, error) {
	var out []float64
	if c.nb {
		phi, err := drawScale(c.shape, defaultShape, "shape", rng)
		if err != nil {
			return nil, err
		}
		out = append(out, phi)
	}
	if c.zero != zeroNone {
		z, err := drawProb(c.zp, defaultZero, c.zName(), rng)
		if err != nil {
			return nil, err
		}
		out = append(out, z)
	}
	return out, nil
}

// DrawParams draws the shape.
func (f NegBinomial) DrawParams(rng *rand.Rand) ([]float64, error) { return f.cfg().drawParams(rng) }

// DrawParams draws zi.
func (f ZeroInflatedPoisson) DrawParams(rng *rand.Rand) ([]float64, error) {
	return f.cfg().drawParams(rng)
}

// DrawParams draws the shape and zi.
func (f ZeroInflatedNegBinomial) DrawParams(rng *rand.Rand) ([]float64, error) {
	return f.cfg().drawParams(rng)
}

// DrawParams draws hu.
func (f HurdlePoisson) DrawParams(rng *rand.Rand) ([]float64, error) { return f.cfg().drawParams(rng) }

// DrawParams draws the shape and hu.
func (f HurdleNegBinomial) DrawParams(rng *rand.Rand) ([]float64, error) {
	return f.cfg().drawParams(rng)
}

// DrawParams draws sigma and nu (nu from its prior truncated to nu > 1,
// as the fit's map nu = 1 + exp(theta) truncates it).
func (s Student) DrawParams(rng *rand.Rand) ([]float64, error) {
	sigma, err := drawScale(s.Sigma, defaultScale, "sigma", rng)
	if err != nil {
		return nil, err
	}
	nu, err := s.Nu.or(defaultNu).Draw(rng, 1)
	if err != nil {
		return nil, fmt.Errorf("nu: %v", err)
	}
	return []float64{sigma, nu}, nil
}

// DrawParams draws sigma.
func (f LogNormal) DrawParams(rng *rand.Rand) ([]float64, error) {
	s, err := drawScale(f.Sigma, defaultScale, "sigma", rng)
	return []float64{s}, err
}

// DrawParams draws phi.
func (f BetaFamily) DrawParams(rng *rand.Rand) ([]float64, error) {
	p, err := drawScale(f.Phi, defaultShape, "phi", rng)
	return []float64{p}, err
}

// DrawParams draws phi.
func (f BetaBinomial) DrawParams(rng *rand.Rand) ([]float64, error) {
	p, err := drawScale(f.Phi, defaultShape, "phi", rng)
	return []float64{p}, err
}

// DrawParams draws the K−1 cutpoints. The fit's prior is Σ prior(c_k) on
// the ordered cutpoints (c_1 < … < c_{K−1}), which is the density of the
// order statistics of K−1 independent draws from the prior: so the
// cutpoints are K−1 draws, sorted. K must be known (a prepared family, or
// K set in the model).
func (o Ordered) DrawParams(rng *rand.Rand) ([]float64, error) {
	if o.K < 2 {
		return nil, fmt.Errorf("ordered: the number of categories is not known yet (prepare the family on the data)")
	}
	p := o.Cutpoints.or(defaultCutpoint)
	c := make([]float64, o.K-1)
	for k := range c {
		v, err := p.Draw(rng, math.Inf(-1))
		if err != nil {
			return nil, fmt.Errorf("cutpoint: %v", err)
		}
		c[k] = v
	}
	slices.Sort(c)
	return c, nil
}

// TimeEffectPrior is the prior of mode's period parameters in an equation
// whose TimePrior is p: each fixed effect's z_t (default normal(0, 1)) or
// the random walk's step sd (default half_normal(0.5)).
func TimeEffectPrior(mode TimeMode, p Prior) Prior {
	if mode == TimeRandomWalk {
		return p.or(defaultTimeStep)
	}
	return p.or(defaultTimeFixed)
}
