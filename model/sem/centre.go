package sem

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Centring the design. An equation with a free intercept a and observed
// parents x has the linear predictor a + x·b. When the parents' means are
// far from 0, a is the level at x = 0, far from the data, and a and b form a
// ridge in the posterior (a moves with −x̄·b): the sampler crosses it in tiny
// steps. Such equations therefore sample a' = a + x̄·b, the level at the
// mean x̄ of the parents over the equation's used rows, in place of a; a'
// and b are nearly uncorrelated a posteriori. The map is linear with unit
// Jacobian, so the model is unchanged: the group offsets use x̄_j − x̄ in
// place of the group means x̄_j (e.xbar holds them so shifted), Constrain
// reports a = a' − x̄·b under its usual name a.NODE, and the intercept's
// prior is on the reported a. Equations without a free intercept (ordered
// families, latent nodes' structural equations) are left as they are.
//
// For a gaussian equation every row carries the same information about the
// level, and x̄ is the plain mean. For other families the information of a
// row is −∂²log p/∂mu², which can be far from uniform: a rare event is
// informative only where it happens (on bench/betabin.dag days of total
// ban occur almost only at c8_max = 4, whose mean is 2.4, and a at the mean
// still moves with b at correlation −0.98). Such equations centre at the
// information-weighted mean of x at the pooled maximum-likelihood fit of
// the level and the observed strengths (a few Newton steps at compile
// time, with the family's parameters at 0 on the sampler's scale); any x̄
// gives the same model, this one the roundest posterior.

// centre shifts e.xbar by the mean of each observed column over the used
// rows (kept in e.xc) when e has a free intercept; call it after offsets.
func (e *equation) centre() {
	if e.aOff < 0 || e.p == 0 || e.n == 0 {
		return
	}
	e.xc = make([]float64, e.p)
	for j, nj := range e.ng {
		for k := range e.xc {
			e.xc[k] += nj * e.xbar[j*e.p+k]
		}
	}
	for k := range e.xc {
		e.xc[k] /= float64(e.n)
	}
	if _, gauss := e.fam.(Gaussian); !gauss && e.y != nil && e.xw != nil {
		if w := e.informationWeights(); w != nil {
			e.weightedCentre(w)
		}
	}
	for j := 0; j < e.J; j++ {
		for k, c := range e.xc {
			e.xbar[j*e.p+k] -= c
		}
	}
}

// intercept returns the reported intercept a = a' − x̄·b from the sampler's
// a' and the coefficients of x (e.xc is nil for an uncentred equation). The
// observed parents' coefficients need no orientation: an equation with a
// free intercept is an observed node's or an indicator's, and its observed
// columns are not latent.
func (e *equation) intercept(x []float64) float64 {
	a := x[e.aOff]
	for k, ti := range e.obsTerm[:len(e.xc)] {
		a -= e.xc[k] * x[e.bOff+ti]
	}
	return a
}

// rawColumn writes observed column k of the used rows, uncentred (e.xbar
// must still hold the group means), into dst.
func (e *equation) rawColumn(k int, dst []float64) {
	col := e.xw[k*e.n : (k+1)*e.n]
	for j := 0; j < e.J; j++ {
		for r := e.start[j]; r < e.start[j+1]; r++ {
			dst[r] = col[r] + e.xbar[j*e.p+k]
		}
	}
}

// weightedCentre sets e.xc to the w-weighted means of the observed columns.
func (e *equation) weightedCentre(w []float64) {
	x := make([]float64, e.n)
	for k := range e.xc {
		e.rawColumn(k, x)
		s, sw := 0.0, 0.0
		for r, v := range x {
			s += w[r] * v
			sw += w[r]
		}
		e.xc[k] = s / sw
	}
}

// informationWeights returns max(0, −∂²log p(y_r)/∂mu_r²) per used row at the pooled
// maximum-likelihood fit of mu = a + x·b (+ offset), found by damped
// Newton steps from b = 0 with the family's parameters at 0, or nil when
// the fit or the weights are not usable (then x̄ stays the plain mean).
func (e *equation) informationWeights() []float64 {
	n, p := e.n, e.p
	x := make([]float64, n*p)
	for k := 0; k < p; k++ {
		e.rawColumn(k, x[k*n:(k+1)*n])
	}
	theta := make([]float64, e.famN)
	gth := make([]float64, e.famN)
	mu, dmu, dm2 := make([]float64, n), make([]float64, n), make([]float64, n)
	beta := make([]float64, p+1) // a, b_1 … b_p
	fill := func(beta []float64, shift float64) {
		for r := range mu {
			v := beta[0] + shift
			for k := 0; k < p; k++ {
				v += beta[k+1] * x[k*n+r]
			}
			if e.off != nil {
				v += e.off[r]
			}
			mu[r] = v
		}
	}
	loglik := func(beta []float64) float64 {
		fill(beta, 0)
		return e.fam.LogLik(e.y, mu, theta, dmu, gth)
	}
	// weights at beta: central differences of the score in mu.
	const h = 1e-4
	weights := func(beta []float64) []float64 {
		w := make([]float64, n)
		fill(beta, h)
		e.fam.LogLik(e.y, mu, theta, dmu, gth)
		copy(dm2, dmu)
		fill(beta, -h)
		e.fam.LogLik(e.y, mu, theta, dmu, gth)
		for r := range w {
			// A row where log p is locally convex in mu (a beta-binomial
			// at 0 or at the trials with much overdispersion) adds no
			// information about the level: weight 0.
			w[r] = max(0, (dmu[r]-dm2[r])/(2*h))
		}
		return w
	}
	cur := loglik(beta)
	if math.IsNaN(cur) || math.IsInf(cur, 0) {
		return nil
	}
	q := p + 1
	H := mat.NewSymDense(q, nil)
	grad := make([]float64, q)
	for iter := 0; iter < 30; iter++ {
		loglik(beta) // dmu at beta
		clear(grad)
		for r, d := range dmu {
			grad[0] += d
			for k := 0; k < p; k++ {
				grad[k+1] += d * x[k*n+r]
			}
		}
		w := weights(beta)
		for i := 0; i < q; i++ {
			for j := i; j < q; j++ {
				s := 0.0
				for r, v := range w {
					xi, xj := 1.0, 1.0
					if i > 0 {
						xi = x[(i-1)*n+r]
					}
					if j > 0 {
						xj = x[(j-1)*n+r]
					}
					s += v * xi * xj
				}
				if i == j {
					s += 1e-6 * (1 + s) // keep it positive definite
				}
				H.SetSym(i, j, s)
			}
		}
		var step mat.VecDense
		var ch mat.Cholesky
		if !ch.Factorize(H) || ch.SolveVecTo(&step, mat.NewVecDense(q, grad)) != nil {
			break
		}
		next := make([]float64, q)
		moved := false
		for t := 1.0; t > 1e-4; t /= 2 {
			for i := range next {
				next[i] = beta[i] + t*step.AtVec(i)
			}
			if l := loglik(next); l >= cur && !math.IsNaN(l) {
				moved = l-cur > 1e-9*(1+math.Abs(cur))
				beta, cur = next, l
				break
			}
		}
		if !moved {
			break
		}
	}
	w := weights(beta)
	sw := 0.0
	for _, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		sw += v
	}
	if sw <= 0 {
		return nil
	}
	return w
}
