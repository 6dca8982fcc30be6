package sem

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// AR(1) residuals of a student equation, in brms's form (ar(cov = TRUE)
// with family student): each unit's vector of residuals e = y − mu over
// the rows the equation uses is multivariate Student-t with nu degrees of
// freedom and scale matrix sigma²·C, C the AR(1) correlation over the
// unit's periods (the same stationary start and exact gaps as the
// gaussian). Its density factors through the gaussian's innovations r_i
// and precision factors W_i (see arLik): with m the unit's rows and
// Q = Σ_i W_i·r_i²/sigma²,
//
//	log p = log Γ((nu+m)/2) − log Γ(nu/2) − (m/2)·log(nu) − m·log sigma
//	        + ½·Σ_i log W_i − ((nu+m)/2)·log(1 + Q/nu)
//
// (−(m/2)·log π dropped, as Student.LogLik drops it per row). The
// conditional mean of a residual given the unit's past is rho^k times the
// previous one, as for the gaussian; the scale shrinks or grows with how
// surprising the past was. The row loop runs twice: innovations and each
// unit's Q, then the derivatives scaled by kappa = (nu+m)/(nu+Q).

// arLikStudent is arLik for a student equation (w.mu holds the linear
// predictor). It writes d/dmu into w.dmu and adds the gradients of log
// sigma, log(nu − 1) and atanh(rho) to g.
func (e *equation) arLikStudent(x, g []float64, w *scratch) float64 {
	ar := e.ar
	n := e.n
	mu, dmu, y := w.mu[:n], w.dmu[:n], e.y[:n]
	prev, gap, chain := ar.prev[:n], ar.gap[:n], ar.chain[:n]
	s := x[e.famOff]
	prec := math.Exp(-2 * s)
	nu := 1 + math.Exp(x[e.famOff+1])
	K := ar.maxGap + 1
	e.arTables(x[e.arOff], w.ar)
	P, dP, W, dW, logW := w.ar[:K], w.ar[K:2*K], w.ar[2*K:3*K], w.ar[3*K:4*K], w.ar[4*K:5*K]
	R, Q := w.arc[:n], w.arc[n:n+len(ar.chainN)]
	clear(Q)
	for i := range mu {
		k, p := gap[i], prev[i]
		r := y[i] - mu[i] - P[k]*(y[p]-mu[p])
		R[i] = r
		Q[chain[i]] += r * r * W[k]
	}
	lw, dlw := 0.0, 0.0
	for k, c := range ar.count {
		if c > 0 {
			lw += c * logW[k]
			dlw += c * dW[k] / W[k]
		}
	}
	lgNu, _ := math.Lgamma(nu / 2)
	psiNu := mathext.Digamma(nu / 2)
	logNu := math.Log(nu)
	nf := float64(n)
	lp := -nf*s + 0.5*lw
	ds, dnu := -nf, 0.0
	for j, m := range ar.chainN {
		q := Q[j] * prec
		L := math.Log1p(q / nu)
		h := (nu + m) / 2
		lgH, _ := math.Lgamma(h)
		lp += lgH - lgNu - m/2*logNu - h*L
		dnu += 0.5*mathext.Digamma(h) - 0.5*psiNu - m/(2*nu) - 0.5*L + h*q/(nu*(nu+q))
		kappa := (nu + m) / (nu + q)
		ds += kappa * q
		Q[j] = kappa
	}
	clear(dmu)
	drho := 0.0
	for i := range mu {
		k, p := gap[i], prev[i]
		kappa := Q[chain[i]]
		ep := y[p] - mu[p]
		r := R[i]
		a := kappa * r * W[k]
		drho += a*dP[k]*ep - 0.5*kappa*r*r*dW[k]
		d := a * prec
		dmu[i] += d
		dmu[p] -= d * P[k]
	}
	g[e.famOff] += ds
	g[e.famOff+1] += dnu * (nu - 1)
	g[e.arOff] += (drho*prec + 0.5*dlw) * W[0] // drho/dz = 1 − rho² = W_0
	return lp
}
