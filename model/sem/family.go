package sem

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// Family is a response distribution with its link: given the linear
// predictor mu of each row it gives the log likelihood of the observed
// values and its gradient. A family may have parameters of its own (a
// gaussian's sigma, an ordered family's cutpoints), which it keeps on an
// unconstrained scale theta and maps to their natural scale itself.
//
// Adding a family is one small type implementing this interface.
type Family interface {
	// Name is the family's name in model files, e.g. "gaussian".
	Name() string
	// Prepare checks that the observed values y (no NaN) can come from the
	// family and returns the family set up for them (for example an ordered
	// family learns its number of categories). A value the family cannot
	// model is reported as a *ValueError.
	Prepare(y []float64) (Family, error)
	// Intercept reports whether the linear predictor has a free intercept
	// (false when the family's own parameters absorb it, as cutpoints do).
	Intercept() bool
	// NumParams is the number of the family's own parameters.
	NumParams() int
	// ParamNames names them for node, e.g. "sigma.fear".
	ParamNames(node string) []string
	// Constrain maps the unconstrained theta to the parameters' natural scale.
	Constrain(theta, out []float64)
	// LogPrior returns the log prior of the family's parameters plus the log
	// Jacobian of their transform, at theta, and adds its gradient to grad.
	LogPrior(theta, grad []float64) float64
	// LogLik returns Σ_i log p(y[i] | mu[i], theta) up to a constant, writes
	// its derivative with respect to mu[i] into dmu[i], and adds its
	// gradient with respect to theta to grad. It must not allocate.
	LogLik(y, mu, theta, dmu, grad []float64) float64
	// CentreThreshold is the mean number of rows per unit from which unit
	// random intercepts are centred when REAuto is asked for.
	CentreThreshold() float64

	// The methods below describe the response given the linear predictor
	// mu and the family's parameters par on their natural scale (the
	// values Constrain writes, as a fit reports them under ParamNames).
	// Queries, predictive checks, LOO and simulation ask them; none of
	// them is on the sampler's hot path.

	// Linear reports whether y = mu + noise with noise that does not depend
	// on mu (identity link, additive noise): a change of mu then moves y one
	// for one, and a unit's noise is its residual y − mu.
	Linear() bool
	// Mean is E[y | mu, par].
	Mean(mu float64, par []float64) float64
	// MeanLabel says in words what Mean is for node, e.g. "the expected
	// count of deaths".
	MeanLabel(node string) string
	// Support is the set of values y can take.
	Support(par []float64) Support
	// LogDensity is log p(y | mu, par) with every constant (a density for a
	// continuous family, a probability for a discrete one), −Inf outside
	// the support: the pointwise log likelihood LOO needs.
	LogDensity(y, mu float64, par []float64) float64
	// Rand draws y given mu from rng.
	Rand(mu float64, par []float64, rng *rand.Rand) float64
	// CDF is P(Y ≤ y | mu, par).
	CDF(y, mu float64, par []float64) float64
	// Quantile is the smallest y in the support with CDF(y) > u, for
	// 0 < u < 1 (for a continuous family the inverse of CDF). It never
	// leaves the support: a unit counterfactual that keeps the unit's
	// randomized quantile u (see Abduct) and changes mu stays a value the
	// family can produce.
	Quantile(u, mu float64, par []float64) float64
	// NoiseSD is the sd of the noise on the linear predictor's scale: sigma
	// for gaussian, π/√3 for the logistic threshold families, NaN for a
	// family without such a noise (poisson).
	NoiseSD(par []float64) float64
}

// Support is the set of values a family's response takes.
type Support struct {
	// Discrete: y takes integer values only.
	Discrete bool
	// Lower and Upper bound y (±Inf when unbounded). OpenLower and
	// OpenUpper say the bound itself is excluded (beta's 0 < y < 1).
	Lower, Upper         float64
	OpenLower, OpenUpper bool
}

// Contains reports whether y is a value of the support.
func (s Support) Contains(y float64) bool {
	if math.IsNaN(y) || y < s.Lower || y > s.Upper {
		return false
	}
	if (s.OpenLower && y == s.Lower) || (s.OpenUpper && y == s.Upper) {
		return false
	}
	return !s.Discrete || y == math.Trunc(y)
}

// Abduct returns the randomized quantile of an observed y (a "randomized
// PIT"): for a continuous family u = F(y); for a discrete one u = F(y−1) +
// v·(F(y) − F(y−1)), uniform within the step of F at y when v is uniform on
// (0, 1). Quantile(u, mu, par) gives y back; Quantile(u, mu′, par) is the
// unit's value had its linear predictor been mu′, with the same noise.
func Abduct(f Family, y, mu float64, par []float64, v float64) float64 {
	hi := f.CDF(y, mu, par)
	if !f.Support(par).Discrete {
		return hi
	}
	lo := f.CDF(y-1, mu, par)
	return lo + v*(hi-lo)
}

// Threshold is implemented by families whose value is the number of
// cutpoints c_1 < … < c_K below mu + ε, with ε standard logistic
// (bernoulli: one cutpoint at 0; ordered: its estimated cutpoints). The
// noise ε is then a quantity of its own, and queries abduct it exactly
// (a truncated logistic) and compute means in closed form.
type Threshold interface {
	Family
	// NumCuts is K.
	NumCuts() int
	// Cut is cutpoint k (0-based) at the natural parameters par.
	Cut(par []float64, k int) float64
}

// ExpMean is implemented by families whose expected value is
// MeanScale(par)·exp(mu): a log link whose mean factors out of mu (poisson,
// negative binomial, their zero-inflated forms). Queries use it to
// integrate a normal noise on mu in closed form (E[exp(mu + s·Z)] =
// exp(mu + s²/2)) and to reuse exp(mu) across worlds.
type ExpMean interface {
	Family
	MeanScale(par []float64) float64
}

// ValueError is an observed value a family cannot model.
type ValueError struct {
	Index int     // index into the y given to Prepare
	Value float64 // the value
	Msg   string  // what the family needs, e.g. "bernoulli needs 0 or 1"
}

// Error returns the message with the value.
func (e *ValueError) Error() string { return fmt.Sprintf("%s, got %g", e.Msg, e.Value) }

// FamilyNames lists the built-in families by their model-file names
// (brms's names).
var FamilyNames = []string{"gaussian", "bernoulli", "ordered", "poisson", "negbinomial",
	"zero_inflated_poisson", "zero_inflated_negbinomial", "hurdle_poisson", "hurdle_negbinomial",
	"binomial", "beta_binomial", "beta", "student", "lognormal"}

// FamilyByName returns the built-in family of that name (one of
// FamilyNames), with default priors.
func FamilyByName(name string) (Family, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "gaussian", "normal":
		return Gaussian{}, nil
	case "bernoulli", "binary", "logit":
		return Bernoulli{}, nil
	case "ordered", "ordinal", "cumulative":
		return Ordered{}, nil
	case "poisson":
		return Poisson{}, nil
	case "negbinomial", "negative_binomial":
		return NegBinomial{}, nil
	case "zero_inflated_poisson":
		return ZeroInflatedPoisson{}, nil
	case "zero_inflated_negbinomial":
		return ZeroInflatedNegBinomial{}, nil
	case "hurdle_poisson":
		return HurdlePoisson{}, nil
	case "hurdle_negbinomial":
		return HurdleNegBinomial{}, nil
	case "binomial":
		return Binomial{}, nil
	case "beta_binomial":
		return BetaBinomial{}, nil
	case "beta":
		return BetaFamily{}, nil
	case "student", "student_t":
		return Student{}, nil
	case "lognormal":
		return LogNormal{}, nil
	}
	return nil, fmt.Errorf("unknown family %q (want one of %s)", name, strings.Join(FamilyNames, ", "))
}

// noVariance reports whether all values of y are equal.
func noVariance(y []float64) bool {
	for _, v := range y {
		if v != y[0] {
			return false
		}
	}
	return true
}

// noVarianceError says that all of y's values are the same.
func noVarianceError(need string, y []float64) error {
	return fmt.Errorf("%s, but all %d rows used have the value %g", need, len(y), y[0])
}

// checkFinite reports the first non-finite value.
func checkFinite(y []float64) error {
	for i, v := range y {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return &ValueError{Index: i, Value: v, Msg: "values must be finite"}
		}
	}
	return nil
}

// Gaussian is the normal family with identity link: y ~ normal(mu, sigma).
type Gaussian struct {
	// Sigma is the prior of the residual sd (default half_normal(1)).
	Sigma Prior
}

// Name returns "gaussian".
func (Gaussian) Name() string { return "gaussian" }

// Prepare checks the values are finite and vary.
func (g Gaussian) Prepare(y []float64) (Family, error) {
	if err := checkFinite(y); err != nil {
		return nil, err
	}
	if len(y) > 1 && noVariance(y) {
		return nil, noVarianceError("gaussian needs a column that varies", y)
	}
	if err := g.Sigma.validate(); err != nil {
		return nil, fmt.Errorf("sigma prior: %v", err)
	}
	g.Sigma = g.Sigma.or(defaultScale)
	return g, nil
}

// Intercept returns true.
func (Gaussian) Intercept() bool { return true }

// NumParams returns 1 (sigma, kept as log sigma).
func (Gaussian) NumParams() int { return 1 }

// ParamNames returns "sigma.NODE".
func (Gaussian) ParamNames(node string) []string { return []string{"sigma." + node} }

// Constrain returns sigma = exp(theta[0]).
func (Gaussian) Constrain(theta, out []float64) { out[0] = math.Exp(theta[0]) }

// LogPrior is the sigma prior plus the log Jacobian log sigma.
func (g Gaussian) LogPrior(theta, grad []float64) float64 {
	return positiveLogPrior(g.Sigma, theta[0], &grad[0])
}

// LogLik is Σ −(y−mu)²/(2σ²) − log σ.
func (Gaussian) LogLik(y, mu, theta, dmu, grad []float64) float64 {
	s := theta[0]
	prec := math.Exp(-2 * s)
	y = y[:len(mu)]
	dmu = dmu[:len(mu)]
	ss := 0.0
	for i, m := range mu {
		r := y[i] - m
		ss += r * r
		dmu[i] = r * prec
	}
	n := float64(len(mu))
	grad[0] += -n + ss*prec
	return -n*s - 0.5*ss*prec
}

// CentreThreshold returns 10.
func (Gaussian) CentreThreshold() float64 { return 10 }

// positiveLogPrior evaluates prior p on v = exp(t) with the Jacobian t,
// adding the gradient with respect to t to *g.
func positiveLogPrior(p Prior, t float64, g *float64) float64 {
	v := math.Exp(t)
	lp, d := p.logDensity(v)
	*g += d*v + 1
	return lp + t
}

// Bernoulli is the binary family with logit link: P(y = 1) = 1/(1+exp(−mu)).
type Bernoulli struct{}

// Name returns "bernoulli".
func (Bernoulli) Name() string { return "bernoulli" }

// Prepare checks every value is 0 or 1 and both occur.
func (b Bernoulli) Prepare(y []float64) (Family, error) {
	for i, v := range y {
		if v != 0 && v != 1 {
			return nil, &ValueError{Index: i, Value: v, Msg: "bernoulli needs 0 or 1"}
		}
	}
	if len(y) > 1 && noVariance(y) {
		return nil, noVarianceError("bernoulli needs both 0 and 1", y)
	}
	return b, nil
}

// Intercept returns true.
func (Bernoulli) Intercept() bool { return true }

// NumParams returns 0.
func (Bernoulli) NumParams() int { return 0 }

// ParamNames returns nil.
func (Bernoulli) ParamNames(string) []string { return nil }

// Constrain does nothing.
func (Bernoulli) Constrain(theta, out []float64) {}

// LogPrior returns 0.
func (Bernoulli) LogPrior(theta, grad []float64) float64 { return 0 }

// LogLik is Σ y·mu − log(1+exp(mu)).
func (Bernoulli) LogLik(y, mu, theta, dmu, grad []float64) float64 {
	y = y[:len(mu)]
	dmu = dmu[:len(mu)]
	lp := 0.0
	var lg logProduct
	lg.reset()
	// e = exp(−|m|) never overflows; log(1+exp(m)) = max(m,0) + log(1+e).
	for i, m := range mu {
		dmu[i] = -math.Abs(m)
	}
	expInPlace(dmu)
	for i, m := range mu {
		e := dmu[i]
		// q = P(y=1) at −|m|; P(y=1) = q for m < 0 and 1 − q otherwise,
		// selected without a branch (the sign is unpredictable).
		q := e / (1 + e)
		pos := float64(math.Float64bits(m)>>63 ^ 1)
		p := q + pos*(1-2*q)
		lp += y[i]*m - max(m, 0)
		if lg.prod *= 1 + e; lg.prod > 1e100 {
			lg.flush()
		}
		dmu[i] = y[i] - p
	}
	return lp - lg.log()
}

// CentreThreshold returns 30: a binary row carries little information. (On
// the embedded panel, 35 rows per unit, the centred form mixes better:
// bench/README.md.)
func (Bernoulli) CentreThreshold() float64 { return 30 }

// Poisson is the count family with log link: y ~ poisson(exp(mu)).
type Poisson struct{}

// Name returns "poisson".
func (Poisson) Name() string { return "poisson" }

// Prepare checks every value is a non-negative integer.
func (p Poisson) Prepare(y []float64) (Family, error) {
	for i, v := range y {
		if !(v >= 0) || v != math.Trunc(v) || math.IsInf(v, 0) {
			return nil, &ValueError{Index: i, Value: v, Msg: "poisson needs non-negative integer counts"}
		}
	}
	return p, nil
}

// Intercept returns true.
func (Poisson) Intercept() bool { return true }

// NumParams returns 0.
func (Poisson) NumParams() int { return 0 }

// ParamNames returns nil.
func (Poisson) ParamNames(string) []string { return nil }

// Constrain does nothing.
func (Poisson) Constrain(theta, out []float64) {}

// LogPrior returns 0.
func (Poisson) LogPrior(theta, grad []float64) float64 { return 0 }

// LogLik is Σ y·mu − exp(mu) (dropping the constant −log y!).
func (Poisson) LogLik(y, mu, theta, dmu, grad []float64) float64 {
	y = y[:len(mu)]
	dmu = dmu[:len(mu)]
	lp := 0.0
	copy(dmu, mu)
	expInPlace(dmu)
	for i, m := range mu {
		e := dmu[i]
		lp += y[i]*m - e
		dmu[i] = y[i] - e
	}
	return lp
}

// CentreThreshold returns 10.
func (Poisson) CentreThreshold() float64 { return 10 }

// logProduct accumulates Σ log f_i for factors f_i ≥ 1 as the log of their
// running product, taking a logarithm only when the product grows past
// 1e100 instead of once per row (a logarithm costs far more than a
// multiplication). The result's absolute error, about n·2⁻⁵³ for n
// factors, matches that of summing the logs one by one.
type logProduct struct {
	prod, acc float64
}

func (l *logProduct) reset() { l.prod, l.acc = 1, 0 }

// flush moves the running product into the sum of logs. The row loops
// multiply prod themselves and call flush when it passes 1e100.
func (l *logProduct) flush() {
	l.acc += math.Log(l.prod)
	l.prod = 1
}

func (l *logProduct) log() float64 { return l.acc + math.Log(l.prod) }

// Linear returns true: y = mu + normal(0, sigma) noise.
func (Gaussian) Linear() bool { return true }

// Mean returns mu.
func (Gaussian) Mean(mu float64, par []float64) float64 { return mu }

// MeanLabel returns "NODE on the fit's transformed scale".
func (Gaussian) MeanLabel(node string) string { return node + " on the fit's transformed scale" }

// Support is the real line.
func (Gaussian) Support([]float64) Support { return Support{Lower: math.Inf(-1), Upper: math.Inf(1)} }

// LogDensity is the normal log density.
func (Gaussian) LogDensity(y, mu float64, par []float64) float64 {
	s := par[0]
	z := (y - mu) / s
	return -0.5*z*z - math.Log(s) - 0.5*math.Log(2*math.Pi)
}

// Rand returns mu + sigma·z.
func (Gaussian) Rand(mu float64, par []float64, rng *rand.Rand) float64 {
	return mu + par[0]*rng.NormFloat64()
}

// CDF is Φ((y − mu)/sigma).
func (Gaussian) CDF(y, mu float64, par []float64) float64 {
	return distuv.UnitNormal.CDF((y - mu) / par[0])
}

// Quantile is mu + sigma·Φ⁻¹(u).
func (Gaussian) Quantile(u, mu float64, par []float64) float64 {
	return mu + par[0]*distuv.UnitNormal.Quantile(u)
}

// NoiseSD returns sigma.
func (Gaussian) NoiseSD(par []float64) float64 { return par[0] }

// Linear returns false.
func (Bernoulli) Linear() bool { return false }

// Mean is P(y = 1) = 1/(1 + exp(−mu)).
func (Bernoulli) Mean(mu float64, par []float64) float64 { return sigmoid(mu) }

// MeanLabel returns "the probability that NODE = 1".
func (Bernoulli) MeanLabel(node string) string { return "the probability that " + node + " = 1" }

// Support is {0, 1}.
func (Bernoulli) Support([]float64) Support { return Support{Discrete: true, Upper: 1} }

// LogDensity is log P(y | mu).
func (Bernoulli) LogDensity(y, mu float64, par []float64) float64 {
	switch y {
	case 1:
		return logSigmoid(mu)
	case 0:
		return logSigmoid(-mu)
	}
	return math.Inf(-1)
}

// Rand draws 1 with probability 1/(1 + exp(−mu)).
func (Bernoulli) Rand(mu float64, par []float64, rng *rand.Rand) float64 {
	if rng.Float64() < sigmoid(mu) {
		return 1
	}
	return 0
}

// CDF is P(Y ≤ y).
func (Bernoulli) CDF(y, mu float64, par []float64) float64 {
	switch {
	case y < 0:
		return 0
	case y < 1:
		return sigmoid(-mu)
	}
	return 1
}

// Quantile is 0 when u < P(y = 0), else 1.
func (Bernoulli) Quantile(u, mu float64, par []float64) float64 {
	if u < sigmoid(-mu) {
		return 0
	}
	return 1
}

// NoiseSD is π/√3, the sd of the latent logistic noise.
func (Bernoulli) NoiseSD([]float64) float64 { return math.Pi / math.Sqrt(3) }

// NumCuts returns 1: y = 1 when mu + ε > 0.
func (Bernoulli) NumCuts() int { return 1 }

// Cut returns 0.
func (Bernoulli) Cut([]float64, int) float64 { return 0 }

// Linear returns false.
func (Poisson) Linear() bool { return false }

// Mean is exp(mu).
func (Poisson) Mean(mu float64, par []float64) float64 { return math.Exp(mu) }

// MeanScale returns 1.
func (Poisson) MeanScale([]float64) float64 { return 1 }

// MeanLabel returns "the expected count of NODE".
func (Poisson) MeanLabel(node string) string { return "the expected count of " + node }

// Support is 0, 1, 2, ….
func (Poisson) Support([]float64) Support { return countSupport }

// countSupport is the support of the count families.
var countSupport = Support{Discrete: true, Upper: math.Inf(1)}

// LogDensity is y·mu − exp(mu) − log y!.
func (Poisson) LogDensity(y, mu float64, par []float64) float64 {
	if !(y >= 0) || y != math.Trunc(y) {
		return math.Inf(-1)
	}
	lg, _ := math.Lgamma(y + 1)
	return y*mu - math.Exp(mu) - lg
}

// Rand draws a poisson count with mean exp(mu) (mu capped at 40).
func (Poisson) Rand(mu float64, par []float64, rng *rand.Rand) float64 {
	return distuv.Poisson{Lambda: math.Exp(math.Min(mu, 40)), Src: rng}.Rand()
}

// CDF is P(Y ≤ y) for Y ~ poisson(exp(mu)).
func (Poisson) CDF(y, mu float64, par []float64) float64 {
	return poissonCDF(int(math.Floor(y)), math.Exp(mu))
}

// Quantile is the smallest k with P(Y ≤ k) > u.
func (Poisson) Quantile(u, mu float64, par []float64) float64 {
	return poissonQuantile(u, math.Exp(mu))
}

// NoiseSD is NaN: a poisson count has no noise on the log scale.
func (Poisson) NoiseSD([]float64) float64 { return math.NaN() }

// poissonCDF is P(Y ≤ k) for Y ~ poisson(lambda); 0 for k < 0.
func poissonCDF(k int, lambda float64) float64 {
	if k < 0 {
		return 0
	}
	if lambda <= 0 {
		return 1
	}
	ll := math.Log(lambda)
	s := 0.0
	for i := 0; i <= k; i++ {
		lg, _ := math.Lgamma(float64(i + 1))
		s += math.Exp(float64(i)*ll - lambda - lg)
	}
	return math.Min(s, 1)
}

// poissonQuantile is the smallest k with P(Y ≤ k) > u.
func poissonQuantile(u, lambda float64) float64 {
	if lambda <= 0 {
		return 0
	}
	ll := math.Log(lambda)
	s := 0.0
	limit := int(lambda + 60*math.Sqrt(lambda) + 100)
	for k := 0; k < limit; k++ {
		lg, _ := math.Lgamma(float64(k + 1))
		s += math.Exp(float64(k)*ll - lambda - lg)
		if s > u {
			return float64(k)
		}
	}
	return float64(limit)
}

// FamilyAt is a family at fixed parameters (natural scale): it draws a
// response from a linear predictor, as data.SimEquation's Sampler asks.
type FamilyAt struct {
	Family Family
	Par    []float64
}

// Draw returns Family.Rand(eta, Par, rng).
func (f FamilyAt) Draw(eta float64, rng *rand.Rand) float64 { return f.Family.Rand(eta, f.Par, rng) }
