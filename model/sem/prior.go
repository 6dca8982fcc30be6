package sem

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// PriorKind is a prior's distribution family.
type PriorKind int

const (
	// PriorDefault stands for the default prior of the parameter's role
	// (see the package doc).
	PriorDefault PriorKind = iota
	// PriorNormal is normal(Mu, Sigma).
	PriorNormal
	// PriorStudentT is student_t(Nu, Mu, Sigma).
	PriorStudentT
	// PriorCauchy is cauchy(Mu, Sigma).
	PriorCauchy
	// PriorHalfNormal is half_normal(Sigma), for positive parameters.
	PriorHalfNormal
	// PriorHalfCauchy is half_cauchy(Sigma), for positive parameters.
	PriorHalfCauchy
	// PriorExponential is exponential(Rate), for positive parameters.
	PriorExponential
	// PriorFlat is the improper uniform prior.
	PriorFlat
	// PriorGamma is gamma(Shape, Rate), for positive parameters. With a
	// shape above 1 its density vanishes at 0, which keeps measurement-error
	// scales away from the boundary (a Heywood case).
	PriorGamma
	// PriorBeta is beta(A, B), for probabilities (a zero-inflation or
	// hurdle probability).
	PriorBeta
)

// Prior is a prior distribution for one parameter. The zero value is
// PriorDefault. On a positive parameter (a scale, the first loading) normal,
// student_t and cauchy priors are truncated to the positive half-line.
type Prior struct {
	Kind  PriorKind
	Mu    float64 // location (normal, student_t, cauchy)
	Sigma float64 // scale (all but exponential and flat)
	Nu    float64 // degrees of freedom (student_t)
	Rate  float64 // rate (exponential, gamma)
	Shape float64 // shape (gamma)
	A, B  float64 // shapes (beta)
}

// Convenience constructors.

// Normal returns normal(mu, sigma).
func Normal(mu, sigma float64) Prior { return Prior{Kind: PriorNormal, Mu: mu, Sigma: sigma} }

// StudentT returns student_t(nu, mu, sigma).
func StudentT(nu, mu, sigma float64) Prior {
	return Prior{Kind: PriorStudentT, Nu: nu, Mu: mu, Sigma: sigma}
}

// HalfNormal returns half_normal(sigma).
func HalfNormal(sigma float64) Prior { return Prior{Kind: PriorHalfNormal, Sigma: sigma} }

// Exponential returns exponential(rate).
func Exponential(rate float64) Prior { return Prior{Kind: PriorExponential, Rate: rate} }

// Gamma returns gamma(shape, rate).
func Gamma(shape, rate float64) Prior { return Prior{Kind: PriorGamma, Shape: shape, Rate: rate} }

// Beta returns beta(a, b).
func Beta(a, b float64) Prior { return Prior{Kind: PriorBeta, A: a, B: b} }

// Flat returns the improper flat prior.
func Flat() Prior { return Prior{Kind: PriorFlat} }

// Default priors of each parameter role (on the standardized scale).
var (
	defaultStrength  = Normal(0, 1)
	defaultIntercept = Normal(0, 2.5)
	defaultScale     = HalfNormal(1)
	defaultLoading   = Normal(0, 1)
	defaultLoading1  = HalfNormal(1)
	defaultCutpoint  = StudentT(3, 0, 2.5)
	defaultTimeFixed = Normal(0, 1)
	defaultTimeStep  = HalfNormal(0.5)
	defaultShape     = Gamma(0.01, 0.01) // a negative binomial's shape, as brms
	defaultZero      = Beta(1, 1)        // a zero-inflation or hurdle probability, as brms
	defaultNu        = Gamma(2, 0.1)     // a Student-t's degrees of freedom, as brms
)

// or returns p, or def when p is PriorDefault.
func (p Prior) or(def Prior) Prior {
	if p.Kind == PriorDefault {
		return def
	}
	return p
}

// ParsePrior reads a prior written as in model files: "normal(0,0.5)",
// "student_t(3,0,2.5)", "cauchy(0,1)", "half_normal(1)", "half_cauchy(1)",
// "exponential(1)", "flat", or "default". Spaces are ignored.
func ParsePrior(s string) (Prior, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	name, args := t, []float64(nil)
	if i := strings.IndexByte(t, '('); i >= 0 {
		if !strings.HasSuffix(t, ")") {
			return Prior{}, fmt.Errorf("prior %q: missing closing parenthesis", s)
		}
		name = t[:i]
		inner := t[i+1 : len(t)-1]
		if inner != "" {
			for _, f := range strings.Split(inner, ",") {
				v, err := strconv.ParseFloat(f, 64)
				if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					return Prior{}, fmt.Errorf("prior %q: %q is not a finite number", s, f)
				}
				args = append(args, v)
			}
		}
	}
	want := func(n int, usage string) error {
		if len(args) != n {
			return fmt.Errorf("prior %q: want %s", s, usage)
		}
		return nil
	}
	var p Prior
	var err error
	switch name {
	case "default":
		err = want(0, "default")
	case "flat":
		p, err = Flat(), want(0, "flat")
	case "normal":
		if err = want(2, "normal(mu,sigma)"); err == nil {
			p = Normal(args[0], args[1])
		}
	case "student_t":
		if err = want(3, "student_t(nu,mu,sigma)"); err == nil {
			p = StudentT(args[0], args[1], args[2])
		}
	case "cauchy":
		if err = want(2, "cauchy(mu,sigma)"); err == nil {
			p = Prior{Kind: PriorCauchy, Mu: args[0], Sigma: args[1]}
		}
	case "half_normal":
		if err = want(1, "half_normal(sigma)"); err == nil {
			p = HalfNormal(args[0])
		}
	case "half_cauchy":
		if err = want(1, "half_cauchy(sigma)"); err == nil {
			p = Prior{Kind: PriorHalfCauchy, Sigma: args[0]}
		}
	case "exponential":
		if err = want(1, "exponential(rate)"); err == nil {
			p = Exponential(args[0])
		}
	case "gamma":
		if err = want(2, "gamma(shape,rate)"); err == nil {
			p = Gamma(args[0], args[1])
		}
	case "beta":
		if err = want(2, "beta(a,b)"); err == nil {
			p = Beta(args[0], args[1])
		}
	default:
		return Prior{}, fmt.Errorf("prior %q: unknown distribution %q (want normal, student_t, cauchy, half_normal, half_cauchy, exponential, gamma, beta or flat)", s, name)
	}
	if err != nil {
		return Prior{}, err
	}
	if err := p.validate(); err != nil {
		return Prior{}, fmt.Errorf("prior %q: %v", s, err)
	}
	return p, nil
}

// validate checks the hyperparameters.
func (p Prior) validate() error {
	switch p.Kind {
	case PriorDefault, PriorFlat:
		return nil
	case PriorNormal, PriorCauchy, PriorHalfNormal, PriorHalfCauchy:
		if !(p.Sigma > 0) || math.IsInf(p.Sigma, 0) || math.IsNaN(p.Mu) || math.IsInf(p.Mu, 0) {
			return fmt.Errorf("scale must be positive and finite")
		}
	case PriorStudentT:
		if !(p.Sigma > 0) || math.IsInf(p.Sigma, 0) || !(p.Nu > 0) || math.IsInf(p.Nu, 0) || math.IsNaN(p.Mu) || math.IsInf(p.Mu, 0) {
			return fmt.Errorf("degrees of freedom and scale must be positive and finite")
		}
	case PriorExponential:
		if !(p.Rate > 0) || math.IsInf(p.Rate, 0) {
			return fmt.Errorf("rate must be positive and finite")
		}
	case PriorGamma:
		if !(p.Rate > 0) || math.IsInf(p.Rate, 0) || !(p.Shape > 0) || math.IsInf(p.Shape, 0) {
			return fmt.Errorf("shape and rate must be positive and finite")
		}
	case PriorBeta:
		if !(p.A > 0) || math.IsInf(p.A, 0) || !(p.B > 0) || math.IsInf(p.B, 0) {
			return fmt.Errorf("shapes must be positive and finite")
		}
	default:
		return fmt.Errorf("unknown prior kind %d", int(p.Kind))
	}
	return nil
}

// positiveOnly reports whether the prior only makes sense on a positive parameter.
func (p Prior) positiveOnly() bool {
	return p.Kind == PriorHalfNormal || p.Kind == PriorHalfCauchy || p.Kind == PriorExponential || p.Kind == PriorGamma || p.Kind == PriorBeta
}

// String writes the prior as ParsePrior reads it.
func (p Prior) String() string {
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	switch p.Kind {
	case PriorDefault:
		return "default"
	case PriorNormal:
		return "normal(" + g(p.Mu) + "," + g(p.Sigma) + ")"
	case PriorStudentT:
		return "student_t(" + g(p.Nu) + "," + g(p.Mu) + "," + g(p.Sigma) + ")"
	case PriorCauchy:
		return "cauchy(" + g(p.Mu) + "," + g(p.Sigma) + ")"
	case PriorHalfNormal:
		return "half_normal(" + g(p.Sigma) + ")"
	case PriorHalfCauchy:
		return "half_cauchy(" + g(p.Sigma) + ")"
	case PriorExponential:
		return "exponential(" + g(p.Rate) + ")"
	case PriorGamma:
		return "gamma(" + g(p.Shape) + "," + g(p.Rate) + ")"
	case PriorBeta:
		return "beta(" + g(p.A) + "," + g(p.B) + ")"
	case PriorFlat:
		return "flat"
	}
	return fmt.Sprintf("Prior(%d)", int(p.Kind))
}

// logDensity returns the log density of the prior at v, up to a constant,
// and its derivative. The half priors are meant for v > 0 (the caller
// guarantees it through its transform).
func (p Prior) logDensity(v float64) (lp, d float64) {
	switch p.Kind {
	case PriorNormal:
		z := (v - p.Mu) / p.Sigma
		return -0.5 * z * z, -z / p.Sigma
	case PriorHalfNormal:
		z := v / p.Sigma
		return -0.5 * z * z, -z / p.Sigma
	case PriorStudentT:
		r := v - p.Mu
		q := p.Nu*p.Sigma*p.Sigma + r*r
		return -0.5 * (p.Nu + 1) * math.Log1p(r*r/(p.Nu*p.Sigma*p.Sigma)), -(p.Nu + 1) * r / q
	case PriorCauchy, PriorHalfCauchy:
		mu := p.Mu
		if p.Kind == PriorHalfCauchy {
			mu = 0
		}
		r := v - mu
		q := p.Sigma*p.Sigma + r*r
		return -math.Log1p(r * r / (p.Sigma * p.Sigma)), -2 * r / q
	case PriorExponential:
		return -p.Rate * v, -p.Rate
	case PriorGamma:
		return (p.Shape-1)*math.Log(v) - p.Rate*v, (p.Shape-1)/v - p.Rate
	case PriorBeta:
		return (p.A-1)*math.Log(v) + (p.B-1)*math.Log1p(-v), (p.A-1)/v - (p.B-1)/(1-v)
	}
	return 0, 0 // flat
}

// Variance returns the prior's variance: for positive parameters (positive
// true) the variance of the prior truncated to v > 0. It is +Inf for flat
// and heavy-tailed priors and NaN where no closed form is implemented
// (student_t truncated away from 0).
func (p Prior) Variance(positive bool) float64 {
	switch p.Kind {
	case PriorNormal:
		if !positive {
			return p.Sigma * p.Sigma
		}
		// Normal truncated to (0, ∞): alpha = −mu/sigma, lambda = φ(α)/(1−Φ(α)).
		a := -p.Mu / p.Sigma
		tail := 0.5 * math.Erfc(a/math.Sqrt2)
		lam := math.Exp(-0.5*a*a) / math.Sqrt(2*math.Pi) / tail
		return p.Sigma * p.Sigma * (1 + a*lam - lam*lam)
	case PriorHalfNormal:
		return p.Sigma * p.Sigma * (1 - 2/math.Pi)
	case PriorStudentT:
		if p.Nu <= 2 {
			return math.Inf(1)
		}
		v := p.Sigma * p.Sigma * p.Nu / (p.Nu - 2)
		if !positive {
			return v
		}
		if p.Mu != 0 {
			return math.NaN()
		}
		// Half-t: E[X] = 2σ√(ν/π) Γ((ν+1)/2) / (Γ(ν/2)(ν−1)).
		lg1, _ := math.Lgamma((p.Nu + 1) / 2)
		lg2, _ := math.Lgamma(p.Nu / 2)
		m := 2 * p.Sigma * math.Sqrt(p.Nu/math.Pi) * math.Exp(lg1-lg2) / (p.Nu - 1)
		return v - m*m
	case PriorExponential:
		return 1 / (p.Rate * p.Rate)
	case PriorGamma:
		return p.Shape / (p.Rate * p.Rate)
	case PriorBeta:
		ab := p.A + p.B
		return p.A * p.B / (ab * ab * (ab + 1))
	}
	return math.Inf(1) // flat, cauchy, half-cauchy, default (unresolved)
}
