package sem

import (
	"fmt"
	"math"
	"strings"
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
}

// ValueError is an observed value a family cannot model.
type ValueError struct {
	Index int     // index into the y given to Prepare
	Value float64 // the value
	Msg   string  // what the family needs, e.g. "bernoulli needs 0 or 1"
}

// Error returns the message with the value.
func (e *ValueError) Error() string { return fmt.Sprintf("%s, got %g", e.Msg, e.Value) }

// FamilyByName returns the built-in family of that name: "gaussian",
// "bernoulli", "ordered" or "poisson", with default priors.
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
	}
	return nil, fmt.Errorf("unknown family %q (want gaussian, bernoulli, ordered or poisson)", name)
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
