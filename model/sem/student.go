package sem

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// Student is brms's student family: y = mu + sigma·t_nu, identity link
// with Student-t noise of nu > 1 degrees of freedom (heavy tails; the mean
// exists). sigma is sampled as log sigma, nu as log(nu − 1).
type Student struct {
	// Sigma is the prior of the scale sigma (default half_normal(1)).
	Sigma Prior
	// Nu is the prior of the degrees of freedom nu (default gamma(2, 0.1),
	// as brms), on nu > 1.
	Nu Prior
}

// Name returns "student".
func (Student) Name() string { return "student" }

// Prepare checks the values are finite and vary.
func (s Student) Prepare(y []float64) (Family, error) {
	if err := checkFinite(y); err != nil {
		return nil, err
	}
	if len(y) > 1 && noVariance(y) {
		return nil, noVarianceError("student needs a column that varies", y)
	}
	for _, p := range []struct {
		what string
		p    Prior
	}{{"sigma", s.Sigma}, {"nu", s.Nu}} {
		if err := p.p.validate(); err != nil {
			return nil, fmt.Errorf("%s prior: %v", p.what, err)
		}
		if p.p.Kind == PriorBeta {
			return nil, fmt.Errorf("%s prior %s is for probabilities", p.what, p.p)
		}
	}
	s.Sigma = s.Sigma.or(defaultScale)
	s.Nu = s.Nu.or(defaultNu)
	return s, nil
}

// Intercept returns true.
func (Student) Intercept() bool { return true }

// NumParams returns 2 (sigma, nu).
func (Student) NumParams() int { return 2 }

// ParamNames returns "sigma.NODE" and "nu.NODE".
func (Student) ParamNames(node string) []string { return []string{"sigma." + node, "nu." + node} }

// Constrain returns sigma = exp(theta[0]) and nu = 1 + exp(theta[1]).
func (Student) Constrain(theta, out []float64) {
	out[0] = math.Exp(theta[0])
	out[1] = 1 + math.Exp(theta[1])
}

// LogPrior is the priors of sigma and nu with the log Jacobians.
func (s Student) LogPrior(theta, grad []float64) float64 {
	lp := positiveLogPrior(s.Sigma, theta[0], &grad[0])
	e := math.Exp(theta[1])
	l, d := s.Nu.logDensity(1 + e)
	grad[1] += d*e + 1
	return lp + l + theta[1]
}

// LogLik is Σ log p(y | mu) without −½ log π per row.
func (Student) LogLik(y, mu, theta, dmu, grad []float64) float64 {
	ls := theta[0]
	sigma := math.Exp(ls)
	nu := 1 + math.Exp(theta[1])
	is := 1 / sigma
	y = y[:len(mu)]
	dmu = dmu[:len(mu)]
	var lg logProduct // Σ log(1 + z²/nu)
	lg.reset()
	sw, szw := 0.0, 0.0
	for i, m := range mu {
		z := (y[i] - m) * is
		z2 := z * z
		q := nu + z2
		w := (nu + 1) / q
		if lg.prod *= q / nu; lg.prod > 1e100 {
			lg.flush()
		}
		dmu[i] = w * z * is
		sw += w * z2
		szw += z2 / (nu * q)
	}
	L := lg.log()
	n := float64(len(mu))
	a, _ := math.Lgamma((nu + 1) / 2)
	b, _ := math.Lgamma(nu / 2)
	lp := n*(a-b-0.5*math.Log(nu)-ls) - (nu+1)/2*L
	grad[0] += -n + sw
	dnu := n*(0.5*mathext.Digamma((nu+1)/2)-0.5*mathext.Digamma(nu/2)-0.5/nu) - 0.5*L + (nu+1)/2*szw
	grad[1] += dnu * (nu - 1)
	return lp
}

// CentreThreshold returns 10.
func (Student) CentreThreshold() float64 { return 10 }

// Linear returns true: y = mu + sigma·t noise.
func (Student) Linear() bool { return true }

// Mean returns mu.
func (Student) Mean(mu float64, par []float64) float64 { return mu }

// MeanLabel returns "NODE on the fit's transformed scale".
func (Student) MeanLabel(node string) string { return node + " on the fit's transformed scale" }

// Support is the real line.
func (Student) Support([]float64) Support { return Support{Lower: math.Inf(-1), Upper: math.Inf(1)} }

func studentDist(mu float64, par []float64, rng *rand.Rand) distuv.StudentsT {
	return distuv.StudentsT{Mu: mu, Sigma: par[0], Nu: par[1], Src: rng}
}

// LogDensity is the Student-t log density.
func (Student) LogDensity(y, mu float64, par []float64) float64 {
	return studentDist(mu, par, nil).LogProb(y)
}

// Rand draws mu + sigma·t_nu.
func (Student) Rand(mu float64, par []float64, rng *rand.Rand) float64 {
	return studentDist(mu, par, rng).Rand()
}

// CDF is the Student-t CDF.
func (Student) CDF(y, mu float64, par []float64) float64 { return studentDist(mu, par, nil).CDF(y) }

// Quantile is its inverse.
func (Student) Quantile(u, mu float64, par []float64) float64 {
	return studentDist(mu, par, nil).Quantile(u)
}

// NoiseSD is sigma·√(nu/(nu−2)), NaN for nu ≤ 2 (infinite variance).
func (Student) NoiseSD(par []float64) float64 {
	if par[1] <= 2 {
		return math.NaN()
	}
	return par[0] * math.Sqrt(par[1]/(par[1]-2))
}
