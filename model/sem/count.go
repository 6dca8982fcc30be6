package sem

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mathext"
)

// The count families beyond Poisson share one likelihood: a base count
// distribution with log link, poisson or negative binomial, possibly with
// extra zeros (zero-inflated) or with zeros of their own (hurdle). With
// lambda = exp(mu), shape phi and zero/hurdle probability z,
//
//	negative binomial  p(y) = Γ(y+phi)/(Γ(phi) y!) (phi/(phi+lambda))^phi (lambda/(phi+lambda))^y
//	zero-inflated      p(0) = z + (1−z)·B(0),  p(y) = (1−z)·B(y) for y > 0
//	hurdle             p(0) = z,               p(y) = (1−z)·B(y)/(1 − B(0)) for y > 0
//
// where B is the base distribution (brms's parameterization: its variance
// is lambda + lambda²/phi). phi is sampled as log phi, z as logit z, each
// with the log Jacobian of its map.
//
// The log-gamma and digamma terms of the negative binomial depend on the
// row only through y: they are summed over the distinct values of y, with
// their counts, once per evaluation (the data's histogram is taken in
// Prepare), so a gradient costs one exp and one log per row.

// zeroMode says how a count family treats zeros.
type zeroMode int

const (
	zeroNone     zeroMode = iota
	zeroInflated          // extra zeros with probability zi
	zeroHurdle            // all zeros from the hurdle, probability hu
)

// count is the shared implementation of the count families (see above).
// The exported families embed it and name it.
type count struct {
	name  string
	nb    bool     // negative binomial base (else poisson)
	zero  zeroMode // zeros
	shape Prior    // prior of phi
	zp    Prior    // prior of zi or hu
	// Histogram of the positive values of y given to Prepare: vals[k]
	// occurs cnt[k] times; n0 zeros, npos positive values.
	vals, cnt []float64
	n0, npos  float64
}

// prepareCount checks y holds counts and sets up c for them.
func (c count) prepare(y []float64) (count, error) {
	for i, v := range y {
		if !(v >= 0) || v != math.Trunc(v) || math.IsInf(v, 0) {
			return c, &ValueError{Index: i, Value: v, Msg: c.name + " needs non-negative integer counts"}
		}
	}
	if c.nb {
		if err := c.shape.validate(); err != nil {
			return c, fmt.Errorf("shape prior: %v", err)
		}
		if c.shape.Kind == PriorBeta {
			return c, fmt.Errorf("shape prior %s is for probabilities; the shape is any positive number", c.shape)
		}
		c.shape = c.shape.or(defaultShape)
	}
	if c.zero != zeroNone {
		if err := c.zp.validate(); err != nil {
			return c, fmt.Errorf("%s prior: %v", c.zName(), err)
		}
		if k := c.zp.Kind; k != PriorDefault && k != PriorBeta && k != PriorFlat {
			return c, fmt.Errorf("%s prior %s: a probability needs a beta(a,b) prior (or flat)", c.zName(), c.zp)
		}
		c.zp = c.zp.or(defaultZero)
	}
	hist := map[float64]float64{}
	c.n0, c.npos = 0, 0
	for _, v := range y {
		if v == 0 {
			c.n0++
			continue
		}
		c.npos++
		hist[v]++
	}
	c.vals, c.cnt = nil, nil
	for v := range hist {
		c.vals = append(c.vals, v)
	}
	slices.Sort(c.vals)
	for _, v := range c.vals {
		c.cnt = append(c.cnt, hist[v])
	}
	return c, nil
}

// zName is "zi" or "hu".
func (c count) zName() string {
	if c.zero == zeroHurdle {
		return "hu"
	}
	return "zi"
}

// Intercept returns true.
func (count) Intercept() bool { return true }

// NumParams counts phi (negative binomial) and z (zero-inflated, hurdle).
func (c count) NumParams() int {
	k := 0
	if c.nb {
		k++
	}
	if c.zero != zeroNone {
		k++
	}
	return k
}

// ParamNames returns "shape.NODE" and then "zi.NODE" or "hu.NODE", as
// the family has them.
func (c count) ParamNames(node string) []string {
	var names []string
	if c.nb {
		names = append(names, "shape."+node)
	}
	if c.zero != zeroNone {
		names = append(names, c.zName()+"."+node)
	}
	return names
}

// Constrain writes phi = exp(theta) and z = logistic(theta).
func (c count) Constrain(theta, out []float64) {
	k := 0
	if c.nb {
		out[0] = math.Exp(theta[0])
		k = 1
	}
	if c.zero != zeroNone {
		out[k] = sigmoid(theta[k])
	}
}

// LogPrior is the priors of phi and z with the log Jacobians of their maps.
func (c count) LogPrior(theta, grad []float64) float64 {
	lp := 0.0
	k := 0
	if c.nb {
		lp += positiveLogPrior(c.shape, theta[0], &grad[0])
		k = 1
	}
	if c.zero != zeroNone {
		lp += unitLogPrior(c.zp, theta[k], &grad[k])
	}
	return lp
}

// unitLogPrior evaluates prior p on z = logistic(t) with the Jacobian
// log z(1−z), adding the gradient with respect to t to *g.
func unitLogPrior(p Prior, t float64, g *float64) float64 {
	z := sigmoid(t)
	lz, l1z := logSigmoid(t), logSigmoid(-t)
	lp, d := 0.0, 0.0
	if p.Kind == PriorBeta {
		lp = (p.A-1)*lz + (p.B-1)*l1z
		d = (p.A-1)*(1-z) - (p.B-1)*z // d/dt
	}
	*g += d + 1 - 2*z
	return lp + lz + l1z
}

// params reads phi (and its log) and z from theta (unconstrained).
func (c count) params(theta []float64) (phi, logPhi, z, lz, l1z float64) {
	k := 0
	if c.nb {
		logPhi = theta[0]
		phi = math.Exp(logPhi)
		k = 1
	}
	if c.zero != zeroNone {
		t := theta[k]
		z, lz, l1z = sigmoid(t), logSigmoid(t), logSigmoid(-t)
	}
	return
}

// LogLik is Σ log p(y | mu) up to a constant (−log y! dropped); see the
// comment at the top of the file. Logarithms of sums of rows' factors are
// taken as the log of their running product (logAcc), so that a row costs
// one exp (batched) and, for the negative binomial, one log where it needs
// one; a hurdle's zero rows cost nothing.
func (c count) LogLik(y, mu, theta, dmu, grad []float64) float64 {
	y = y[:len(mu)]
	dmu = dmu[:len(mu)]
	phi, logPhi, z, lz, l1z := c.params(theta)
	copy(dmu, mu)
	expInPlace(dmu)
	lp, dphi, dz := 0.0, 0.0, 0.0
	var acc logAcc // Σ log of the rows' factors
	acc.reset()
	switch {
	case c.nb && c.zero == zeroNone:
		// Σ_i φ(logφ − L_i) + y_i(m_i − L_i) with L = log(φ+λ):
		// the φ·L_i part through the product of φ+λ.
		sr, syi := 0.0, 0.0
		for i, m := range mu {
			lam, yi := dmu[i], y[i]
			pl := phi + lam
			inv := 1 / pl
			r := phi * inv
			acc.mul(pl)
			if yi != 0 {
				lp += yi * (m - math.Log(pl))
			}
			dmu[i] = (yi - lam) * r
			sr += r
			syi += yi * inv
		}
		sumL := acc.log()
		n := float64(len(mu))
		lp += n*phi*logPhi - phi*sumL
		dphi = n*(logPhi+1) - sumL - sr - syi
	case c.zero == zeroNone:
		// (Poisson itself is the Poisson family; kept for completeness.)
		for i, m := range mu {
			lam := dmu[i]
			lp += y[i]*m - lam
			dmu[i] = y[i] - lam
		}
	case c.zero == zeroInflated:
		for i, m := range mu {
			lam, yi := dmu[i], y[i]
			var lb0, db0, db0p, pl, r float64
			if c.nb {
				pl = phi + lam
				r = phi / pl
				L := math.Log(pl)
				lb0 = phi * (logPhi - L)
				db0 = -lam * r
				db0p = logPhi - L + 1 - r
				if yi != 0 {
					lp += lb0 + yi*(m-L)
					dmu[i] = (yi - lam) * r
					dphi += db0p - yi/pl
					continue
				}
			} else {
				if yi != 0 {
					lp += yi*m - lam
					dmu[i] = yi - lam
					continue
				}
				lb0, db0 = -lam, -lam
			}
			b0 := fastExp(lb0)
			p0 := z + (1-z)*b0
			ip := 1 / p0
			w := (1 - z) * b0 * ip
			acc.mul(p0)
			dmu[i] = w * db0
			dphi += w * db0p
			dz += (1 - b0) * ip
		}
		lp += acc.log() + c.npos*l1z
		dz -= c.npos / (1 - z)
	default: // hurdle
		for i, m := range mu {
			yi := y[i]
			if yi == 0 {
				dmu[i] = 0
				continue
			}
			lam := dmu[i]
			var lb, db, dbp, lb0, db0, db0p float64
			if c.nb {
				pl := phi + lam
				r := phi / pl
				L := math.Log(pl)
				lb0 = phi * (logPhi - L)
				db0 = -lam * r
				db0p = logPhi - L + 1 - r
				lb = lb0 + yi*(m-L)
				db = (yi - lam) * r
				dbp = db0p - yi/pl
			} else {
				lb0, db0 = -lam, -lam
				lb, db = yi*m-lam, yi-lam
			}
			// −log(1 − B0) = −log(expm1(−lb0)) − lb0; its derivative is
			// B0/(1−B0)·d log B0 = d log B0 / expm1(−lb0).
			e1 := math.Expm1(-lb0)
			q := 1 / e1
			acc.mul(e1)
			lp += lb - lb0
			dmu[i] = db + q*db0
			dphi += dbp + q*db0p
		}
		lp -= acc.log()
		lp += c.n0*lz + c.npos*l1z
		dz += c.n0/z - c.npos/(1-z)
	}
	k := 0
	if c.nb {
		// Σ_rows log Γ(y+phi) − log Γ(phi), over the distinct positive y.
		lgPhi, _ := math.Lgamma(phi)
		dgPhi := mathext.Digamma(phi)
		for j, v := range c.vals {
			lg, _ := math.Lgamma(v + phi)
			lp += c.cnt[j] * (lg - lgPhi)
			dphi += c.cnt[j] * (mathext.Digamma(v+phi) - dgPhi)
		}
		grad[0] += dphi * phi
		k = 1
	}
	if c.zero != zeroNone {
		grad[k] += dz * z * (1 - z)
	}
	return lp
}

// logAcc accumulates Σ log f_i for positive factors f_i as the log of their
// running product, taking a logarithm only when the product leaves
// [1e−150, 1e150] (a factor outside [1e−100, 1e100] is logged at once).
type logAcc struct{ prod, acc float64 }

func (l *logAcc) reset() { l.prod, l.acc = 1, 0 }

func (l *logAcc) mul(f float64) {
	if !(f > 1e-100 && f < 1e100) {
		l.acc += math.Log(f)
		return
	}
	if l.prod *= f; !(l.prod > 1e-150 && l.prod < 1e150) {
		l.acc += math.Log(l.prod)
		l.prod = 1
	}
}

func (l *logAcc) log() float64 { return l.acc + math.Log(l.prod) }

// CentreThreshold returns 10.
func (count) CentreThreshold() float64 { return 10 }

// Linear returns false.
func (count) Linear() bool { return false }

// nat reads phi and z from the natural parameters par.
func (c count) nat(par []float64) (phi, z float64) {
	k := 0
	if c.nb {
		phi = par[0]
		k = 1
	}
	if c.zero != zeroNone {
		z = par[k]
	}
	return
}

// logB0 is log B(0) of the base at lambda.
func (c count) logB0(lam, phi float64) float64 {
	if c.nb {
		return -phi * math.Log1p(lam/phi)
	}
	return -lam
}

// logB is log B(y) of the base, constants included.
func (c count) logB(y, lam, phi float64) float64 {
	lgy, _ := math.Lgamma(y + 1)
	if c.nb {
		a, _ := math.Lgamma(y + phi)
		b, _ := math.Lgamma(phi)
		return a - b - lgy + phi*math.Log(phi/(phi+lam)) + y*math.Log(lam/(phi+lam))
	}
	if y == 0 {
		return -lam
	}
	return y*math.Log(lam) - lam - lgy
}

// Mean is E[y | mu]: lambda, (1−zi)·lambda, or (1−hu)·lambda/(1 − B(0)).
func (c count) Mean(mu float64, par []float64) float64 {
	phi, z := c.nat(par)
	lam := math.Exp(mu)
	switch c.zero {
	case zeroInflated:
		return (1 - z) * lam
	case zeroHurdle:
		return (1 - z) * lam / -math.Expm1(c.logB0(lam, phi))
	}
	return lam
}

// meanScale is the factor of exp(mu) in the mean of a family without a
// hurdle: 1, or 1 − zi.
func (c count) meanScale(par []float64) float64 {
	_, z := c.nat(par)
	return 1 - z
}

// MeanLabel returns "the expected count of NODE".
func (count) MeanLabel(node string) string { return "the expected count of " + node }

// Support is 0, 1, 2, ….
func (count) Support([]float64) Support { return countSupport }

// LogDensity is log p(y | mu) with every constant.
func (c count) LogDensity(y, mu float64, par []float64) float64 {
	if !(y >= 0) || y != math.Trunc(y) || math.IsInf(y, 0) {
		return math.Inf(-1)
	}
	phi, z := c.nat(par)
	lam := math.Exp(mu)
	switch c.zero {
	case zeroInflated:
		if y == 0 {
			return math.Log(z + (1-z)*math.Exp(c.logB0(lam, phi)))
		}
		return math.Log1p(-z) + c.logB(y, lam, phi)
	case zeroHurdle:
		if y == 0 {
			return math.Log(z)
		}
		return math.Log1p(-z) + c.logB(y, lam, phi) - math.Log(-math.Expm1(c.logB0(lam, phi)))
	}
	return c.logB(y, lam, phi)
}

// walk calls f(k, F(k)) for k = 0, 1, … with the CDF F of the family at
// lambda, until f returns false or k passes a bound far in the tail.
func (c count) walk(lam float64, par []float64, f func(k int, F float64) bool) {
	phi, z := c.nat(par)
	// The base's probabilities by recurrence: B(k+1) = B(k)·ratio(k).
	lb := c.logB0(lam, phi)
	b0 := math.Exp(lb)
	p := b0
	cum := 0.0
	sd := math.Sqrt(lam + lam*lam/math.Max(phi, 1e-300))
	if !c.nb {
		sd = math.Sqrt(lam)
	}
	limit := int(math.Min(lam+60*sd+100, 1e7))
	for k := 0; ; k++ {
		cum += p
		var F float64
		switch c.zero {
		case zeroNone:
			F = cum
		case zeroInflated:
			F = z + (1-z)*cum
		case zeroHurdle:
			if b0 < 1 {
				F = z + (1-z)*(cum-b0)/(1-b0)
			} else {
				F = z
			}
		}
		F = math.Min(F, 1)
		if !f(k, F) || k >= limit {
			return
		}
		kf := float64(k)
		if c.nb {
			p *= (kf + phi) / (kf + 1) * (lam / (phi + lam))
		} else {
			p *= lam / (kf + 1)
		}
		if p == 0 && k > int(lam) {
			// Underflow far in the tail: the CDF is 1 from here on.
			f(k+1, 1)
			return
		}
	}
}

// CDF is P(Y ≤ y).
func (c count) CDF(y, mu float64, par []float64) float64 {
	if y < 0 {
		return 0
	}
	K := int(math.Floor(y))
	out := 1.0
	c.walk(math.Exp(mu), par, func(k int, F float64) bool {
		if k == K {
			out = F
			return false
		}
		return true
	})
	return out
}

// Quantile is the smallest k with P(Y ≤ k) > u.
func (c count) Quantile(u, mu float64, par []float64) float64 {
	out := 0
	c.walk(math.Exp(mu), par, func(k int, F float64) bool {
		out = k
		return !(F > u)
	})
	return float64(out)
}

// Rand draws a count by inverting the CDF at a uniform.
func (c count) Rand(mu float64, par []float64, rng *rand.Rand) float64 {
	return c.Quantile(rng.Float64(), math.Min(mu, 40), par)
}

// NoiseSD is NaN: a count has no noise on the log scale.
func (count) NoiseSD([]float64) float64 { return math.NaN() }
