package inference_test

import (
	"math"
	"math/rand/v2"
	"strconv"

	"dilemma/inference"
)

// This file holds the test targets with known answers.

// stdNormal is the standard normal in Dim dimensions.
type stdNormal struct{ n int }

func (t stdNormal) Dim() int { return t.n }
func (t stdNormal) LogDensityGrad(x, g []float64) float64 {
	var s float64
	for i, v := range x {
		s += v * v
		g[i] = -v
	}
	return -0.5 * s
}

// gaussian is N(mean, cov) given by the precision matrix prec = cov⁻¹
// (row-major); it keeps a scratch vector, so it needs one per chain.
type gaussian struct {
	n    int
	mean []float64
	prec []float64
	d    []float64
}

func (t *gaussian) Dim() int { return t.n }
func (t *gaussian) LogDensityGrad(x, g []float64) float64 {
	n := t.n
	for i := range t.d {
		t.d[i] = x[i] - t.mean[i]
	}
	var s float64
	for i := 0; i < n; i++ {
		row := t.prec[i*n : i*n+n]
		var r float64
		for j, dj := range t.d {
			r += row[j] * dj
		}
		g[i] = -r
		s += t.d[i] * r
	}
	return -0.5 * s
}

// newCorrelated returns the factory of a Gaussian with sds sd and
// correlation rho^|i−j| (an AR(1) correlation), and its covariance.
func newCorrelated(sd []float64, rho float64) (inference.TargetFactory, []float64) {
	n := len(sd)
	cov := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			cov[i*n+j] = sd[i] * sd[j] * math.Pow(rho, math.Abs(float64(i-j)))
		}
	}
	prec := invertSPD(cov, n)
	mean := make([]float64, n)
	for i := range mean {
		mean[i] = float64(i) - 1
	}
	return func() inference.Target {
		return &gaussian{n: n, mean: mean, prec: prec, d: make([]float64, n)}
	}, cov
}

// invertSPD inverts a small symmetric positive definite matrix by
// Gauss–Jordan elimination.
func invertSPD(a []float64, n int) []float64 {
	m := append([]float64(nil), a...)
	inv := make([]float64, n*n)
	for i := 0; i < n; i++ {
		inv[i*n+i] = 1
	}
	for c := 0; c < n; c++ {
		p := m[c*n+c]
		for j := 0; j < n; j++ {
			m[c*n+j] /= p
			inv[c*n+j] /= p
		}
		for r := 0; r < n; r++ {
			if r == c {
				continue
			}
			f := m[r*n+c]
			for j := 0; j < n; j++ {
				m[r*n+j] -= f * m[c*n+j]
				inv[r*n+j] -= f * inv[c*n+j]
			}
		}
	}
	return inv
}

// scaled is the independent normal with sds scale.
type scaled struct{ scale []float64 }

func (t scaled) Dim() int { return len(t.scale) }
func (t scaled) LogDensityGrad(x, g []float64) float64 {
	var s float64
	for i, v := range x {
		z := v / t.scale[i]
		s += z * z
		g[i] = -z / t.scale[i]
	}
	return -0.5 * s
}

// funnel is Neal's funnel: v ~ N(0, 3), x_i | v ~ N(0, exp(v/2)).
type funnel struct{ n int }

func (t funnel) Dim() int { return t.n + 1 }
func (t funnel) LogDensityGrad(x, g []float64) float64 {
	v := x[0]
	lp := -v * v / 18
	g[0] = -v / 9
	ev := math.Exp(-v)
	var ss float64
	for i := 1; i <= t.n; i++ {
		ss += x[i] * x[i]
		g[i] = -x[i] * ev
	}
	lp += -0.5*ss*ev - 0.5*float64(t.n)*v
	g[0] += 0.5*ss*ev - 0.5*float64(t.n)
	return lp
}

// logistic is a Bernoulli-logit regression with a Normal(0, priorSD) prior
// on every coefficient, reported as beta.1 … beta.k through Model.
type logistic struct {
	n, k    int
	x       []float64 // n×k row-major design
	y       []float64 // 0/1
	priorSD float64
}

func (t *logistic) Dim() int { return t.k }
func (t *logistic) ParamNames() []string {
	names := make([]string, t.k)
	for i := range names {
		names[i] = "beta." + strconv.Itoa(i+1)
	}
	return names
}
func (t *logistic) Constrain(x, out []float64) { copy(out, x) }
func (t *logistic) LogDensityGrad(b, g []float64) float64 {
	k := t.k
	var lp float64
	iv := 1 / (t.priorSD * t.priorSD)
	for j, bj := range b {
		lp -= 0.5 * bj * bj * iv
		g[j] = -bj * iv
	}
	for i := 0; i < t.n; i++ {
		row := t.x[i*k : i*k+k]
		var e float64
		for j, bj := range b {
			e += row[j] * bj
		}
		// log p(y | eta) = y·eta − log(1 + e^eta)
		var l1p float64
		if e > 0 {
			l1p = e + math.Log1p(math.Exp(-e))
		} else {
			l1p = math.Log1p(math.Exp(e))
		}
		lp += t.y[i]*e - l1p
		r := t.y[i] - 1/(1+math.Exp(-e))
		for j := range row {
			g[j] += r * row[j]
		}
	}
	return lp
}

// newLogistic simulates a logistic regression data set with an intercept
// and k−1 standard normal predictors.
func newLogistic(n, k int, seed uint64) *logistic {
	r := rand.New(rand.NewPCG(seed, 7))
	beta := make([]float64, k)
	for j := range beta {
		beta[j] = 1.5 * (r.Float64() - 0.5)
	}
	x := make([]float64, n*k)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		x[i*k] = 1
		e := beta[0]
		for j := 1; j < k; j++ {
			x[i*k+j] = r.NormFloat64()
			e += x[i*k+j] * beta[j]
		}
		if r.Float64() < 1/(1+math.Exp(-e)) {
			y[i] = 1
		}
	}
	return &logistic{n: n, k: k, x: x, y: y, priorSD: 2.5}
}

// clone returns a copy sharing the (read-only) data, as a per-chain factory
// would.
func (t *logistic) clone() *logistic {
	c := *t
	return &c
}
