package sem

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
)

// MaxCategories is the largest number of categories an Ordered family takes.
const MaxCategories = 64

// Ordered is the ordered-categorical family with cumulative logit link, for
// scales such as a 0–4 policy index: with cutpoints c_1 < … < c_{K−1},
//
//	P(y ≤ k) = 1/(1 + exp(−(c_{k+1} − mu)))   for k = 0 … K−2.
//
// The values are the integers 0 … K−1. The cutpoints absorb the intercept,
// so the linear predictor has none. They are kept unconstrained as c_1 and
// the logs of the increments c_{k+1} − c_k (with the Jacobian of that map).
// In an equation with unit intercepts the sampler's first coordinate is
// c_1 − ō, ō the mean over the rows of the unit offsets (the unit means,
// or x̄_j·b + tau·z_j non-centred): the cutpoints then move with the level
// of the unit intercepts, which otherwise only the intercepts' prior ties
// down (a ridge that a diagonal metric crosses slowly; the map has unit
// Jacobian, and Constrain reports c).
type Ordered struct {
	// K is the number of categories; 0 means max(y)+1 from the data.
	K int
	// Cutpoints is the prior of each cutpoint (default student_t(3, 0, 2.5)).
	Cutpoints Prior
}

// Name returns "ordered".
func (Ordered) Name() string { return "ordered" }

// Prepare checks the values are integers in 0 … K−1 and that at least two
// categories occur, and fixes K from the data when it is 0.
func (o Ordered) Prepare(y []float64) (Family, error) {
	if o.K < 0 || o.K == 1 || o.K > MaxCategories {
		return nil, fmt.Errorf("ordered needs 2 to %d categories, got K = %d", MaxCategories, o.K)
	}
	hi := 0.0
	for i, v := range y {
		if !(v >= 0) || v != math.Trunc(v) || math.IsInf(v, 0) {
			return nil, &ValueError{Index: i, Value: v, Msg: "ordered needs integer categories 0, 1, 2, …"}
		}
		if o.K > 0 && v > float64(o.K-1) {
			return nil, &ValueError{Index: i, Value: v, Msg: "ordered with " + strconv.Itoa(o.K) + " categories needs values 0 … " + strconv.Itoa(o.K-1)}
		}
		if v >= MaxCategories {
			return nil, &ValueError{Index: i, Value: v, Msg: fmt.Sprintf("ordered takes at most %d categories (values 0 … %d)", MaxCategories, MaxCategories-1)}
		}
		hi = math.Max(hi, v)
	}
	if len(y) > 1 && noVariance(y) {
		return nil, noVarianceError("ordered needs at least two categories", y)
	}
	if o.K == 0 {
		o.K = int(hi) + 1
		if o.K < 2 {
			o.K = 2
		}
	}
	if err := o.Cutpoints.validate(); err != nil {
		return nil, fmt.Errorf("cutpoint prior: %v", err)
	}
	if o.Cutpoints.positiveOnly() {
		return nil, fmt.Errorf("cutpoint prior %s is for positive parameters; cutpoints can be negative", o.Cutpoints)
	}
	o.Cutpoints = o.Cutpoints.or(defaultCutpoint)
	return o, nil
}

// Intercept returns false: the cutpoints absorb it.
func (Ordered) Intercept() bool { return false }

// NumParams returns K−1.
func (o Ordered) NumParams() int { return o.K - 1 }

// ParamNames returns "c.NODE.1" … "c.NODE.K−1".
func (o Ordered) ParamNames(node string) []string {
	names := make([]string, o.K-1)
	for k := range names {
		names[k] = "c." + node + "." + strconv.Itoa(k+1)
	}
	return names
}

// Constrain writes the cutpoints.
func (o Ordered) Constrain(theta, out []float64) {
	out[0] = theta[0]
	for k := 1; k < o.K-1; k++ {
		out[k] = out[k-1] + math.Exp(theta[k])
	}
}

// cutGrad turns the gradient dc with respect to the cutpoints into the
// gradient with respect to theta and adds it to grad.
func cutGrad(theta, dc, grad []float64) {
	acc := 0.0
	for k := len(theta) - 1; k >= 0; k-- {
		acc += dc[k]
		if k == 0 {
			grad[0] += acc
		} else {
			grad[k] += acc * math.Exp(theta[k])
		}
	}
}

// LogPrior is Σ prior(c_k) plus the log Jacobian Σ_{k≥2} theta_k.
func (o Ordered) LogPrior(theta, grad []float64) float64 {
	var cbuf, dbuf [MaxCategories]float64
	nc := o.K - 1
	c, dc := cbuf[:nc], dbuf[:nc]
	o.Constrain(theta, c)
	lp := 0.0
	for k := range c {
		l, d := o.Cutpoints.logDensity(c[k])
		lp += l
		dc[k] = d
	}
	cutGrad(theta, dc, grad)
	for k := 1; k < nc; k++ {
		lp += theta[k]
		grad[k]++
	}
	return lp
}

// LogLik is Σ log P(y_i | mu_i). A row in category k has probability
// F(c_{k+1} − mu) − F(c_k − mu), with F the logistic cdf, c_0 = −∞ and
// c_K = +∞. With A = exp(c_k − mu) and B = exp(mu − c_{k+1}) (0 where the
// cutpoint is infinite) that probability is
//
//	(1 − exp(c_k − c_{k+1})) / ((1 + A)(1 + B)),
//
// the same expression for every category: the loop needs one exp, one
// division and no branch per row, and a log only every few hundred rows.
// Should it overflow, the rows are redone in log-sigmoid form.
func (o Ordered) LogLik(y, mu, theta, dmu, grad []float64) float64 {
	// Per category k: lo = exp(c_k), hi = exp(−c_{k+1}), l1r = log(1−r),
	// q = r/(1−r) with r = exp(c_k − c_{k+1}); dcs[k] collects the
	// gradient with respect to c_k (dcs[0] and dcs[K] are scratch).
	var cut, lo, hi, l1r, q [MaxCategories]float64
	var dcs [MaxCategories + 1]float64
	K, nc := o.K, o.K-1
	o.Constrain(theta, cut[:nc])
	for k := 0; k < K; k++ {
		if k > 0 {
			lo[k] = math.Exp(cut[k-1])
		}
		if k < nc {
			hi[k] = math.Exp(-cut[k])
		}
		if k > 0 && k < nc {
			em := math.Expm1(cut[k] - cut[k-1])
			q[k] = 1 / em
			l1r[k] = math.Log(-math.Expm1(cut[k-1] - cut[k]))
		}
	}
	y = y[:len(mu)]
	dmu = dmu[:len(mu)]
	lp := 0.0
	var lg logProduct // Σ log (1+A)(1+B)
	lg.reset()
	copy(dmu, mu)
	expInPlace(dmu)
	for i := range mu {
		k := int(y[i])
		e := dmu[i]
		A := lo[k] / e
		B := hi[k] * e
		den := (1 + A) * (1 + B)
		inv := 1 / den
		fa := A * (1 + B) * inv  // F(c_k − mu)
		fnb := B * (1 + A) * inv // 1 − F(c_{k+1} − mu)
		lp += l1r[k]
		if lg.prod *= den; lg.prod > 1e100 {
			lg.flush()
		}
		dmu[i] = fa - fnb
		dcs[k] -= fa + q[k]
		dcs[k+1] += fnb + q[k]
	}
	lp -= lg.log()
	dc := dcs[1:K]
	if math.IsNaN(lp) || math.IsInf(lp, 0) {
		lp = o.logLikStable(y, mu, cut[:nc], q[:K], dmu, dc)
	}
	cutGrad(theta, dc, grad)
	return lp
}

// logLikStable is LogLik's rows in log-sigmoid form, for extreme values.
// It overwrites dmu and dc.
func (o Ordered) logLikStable(y, mu, cut, q, dmu, dc []float64) float64 {
	nc := len(cut)
	clear(dc)
	lp := 0.0
	for i, m := range mu {
		switch k := int(y[i]); {
		case k == 0:
			b := cut[0] - m
			lp += logSigmoid(b)
			fnb := sigmoid(-b)
			dmu[i] = -fnb
			dc[0] += fnb
		case k == nc:
			a := cut[nc-1] - m
			lp += logSigmoid(-a)
			fa := sigmoid(a)
			dmu[i] = fa
			dc[nc-1] -= fa
		default:
			a, b := cut[k-1]-m, cut[k]-m
			lp += logSigmoid(b) + logSigmoid(-a) + math.Log(-math.Expm1(a-b))
			fa, fnb := sigmoid(a), sigmoid(-b)
			dmu[i] = fa - fnb
			dc[k-1] -= fa + q[k]
			dc[k] += fnb + q[k]
		}
	}
	return lp
}

// CentreThreshold returns 20.
func (Ordered) CentreThreshold() float64 { return 20 }

// sigmoid is 1/(1+exp(−x)), without overflow.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// logSigmoid is log(1/(1+exp(−x))), without overflow.
func logSigmoid(x float64) float64 {
	if x >= 0 {
		return -math.Log1p(math.Exp(-x))
	}
	return x - math.Log1p(math.Exp(x))
}

// Linear returns false.
func (Ordered) Linear() bool { return false }

// Mean is E[y] = Σ_k P(y > k) = Σ_k 1/(1 + exp(c_k − mu)).
func (Ordered) Mean(mu float64, par []float64) float64 {
	s := 0.0
	for _, c := range par {
		s += sigmoid(mu - c)
	}
	return s
}

// MeanLabel returns "the expected category of NODE (0 … K−1)".
func (o Ordered) MeanLabel(node string) string {
	return fmt.Sprintf("the expected category of %s (0 … %d)", node, o.K-1)
}

// Support is 0 … K−1.
func (o Ordered) Support(par []float64) Support {
	return Support{Discrete: true, Upper: float64(len(par))}
}

// LogDensity is log P(y | mu, c).
func (Ordered) LogDensity(y, mu float64, par []float64) float64 {
	k := int(y)
	K := len(par) + 1
	if k < 0 || k >= K || float64(k) != y {
		return math.Inf(-1)
	}
	switch {
	case K == 1:
		return 0
	case k == 0:
		return logSigmoid(par[0] - mu)
	case k == K-1:
		return logSigmoid(mu - par[K-2])
	}
	return math.Log(sigmoid(par[k]-mu) - sigmoid(par[k-1]-mu))
}

// Rand draws a category.
func (Ordered) Rand(mu float64, par []float64, rng *rand.Rand) float64 {
	u := rng.Float64()
	for k, c := range par {
		if u < sigmoid(c-mu) {
			return float64(k)
		}
	}
	return float64(len(par))
}

// CDF is P(Y ≤ y) = 1/(1 + exp(mu − c_{y+1})).
func (Ordered) CDF(y, mu float64, par []float64) float64 {
	k := int(math.Floor(y))
	switch {
	case k < 0:
		return 0
	case k >= len(par):
		return 1
	}
	return sigmoid(par[k] - mu)
}

// Quantile is the smallest category k with P(Y ≤ k) > u.
func (Ordered) Quantile(u, mu float64, par []float64) float64 {
	for k, c := range par {
		if sigmoid(c-mu) > u {
			return float64(k)
		}
	}
	return float64(len(par))
}

// NoiseSD is π/√3, the sd of the latent logistic noise.
func (Ordered) NoiseSD([]float64) float64 { return math.Pi / math.Sqrt(3) }

// NumCuts returns K−1.
func (o Ordered) NumCuts() int { return o.K - 1 }

// Cut returns c_{k+1}.
func (Ordered) Cut(par []float64, k int) float64 { return par[k] }
