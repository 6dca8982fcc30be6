package sem

import (
	"fmt"
	"math"
)

// maxCondIndicators is the most indicators a latent in LatentConditional
// form may have (its rows are sorted into 2^K patterns of missingness).
const maxCondIndicators = 8

// condLatent is a latent's structural equation in LatentConditional form.
// For a row with structural mean mu and observed indicators k (values y_k,
// intercepts a_k, loadings l_k, noise precisions t_k = 1/sigma_k²),
//
//	P  = 1 + Σ_k l_k² t_k               precision of eta given the indicators
//	e_k = y_k − a_k − l_k·mu            residuals at the prior mean
//	d  = Σ_k l_k t_k e_k / P            m − mu, the shift of the conditional mean
//	eta = mu + d + z/√P
//
// and the row contributes the indicators' marginal log likelihood plus the
// standard normal log density of z:
//
//	−½ Σ_k t_k e_k² + ½ P d² − ½ log P − Σ_k log sigma_k − ½ z²
//	  = −½ Σ_k t_k rho_k² − ½ d² − ½ log P − Σ_k log sigma_k − ½ z²
//
// with rho_k = e_k − l_k·d the residual at the conditional mean. The
// second form is the one computed: its terms are all negative, while the
// first cancels catastrophically when a noise sd is small (t_k large).
//
// (the marginal of the indicators, normal with covariance diag(sigma²) +
// l·lᵀ, by the matrix determinant lemma and Woodbury's identity). Whatever
// else depends on eta (the latent's children) is evaluated at eta, and its
// derivative G with respect to eta is carried back through eta's
// dependence on mu, a, l, log sigma and z.
//
// The indicators' intercepts are sampled centred on the latent's mean
// structural mean mū (over its rows): the sampler's coordinate is
// a'_k = a_k + l_k·mū. Shifting every unit's intercept of the latent by c
// moves mū by c and a_k by −l_k·c, so the data no longer tie the
// intercepts to the level of the unit intercepts, which only their prior
// fixes (a ridge a diagonal metric crosses slowly). The map has unit
// Jacobian; Constrain reports a_k.
type condLatent struct {
	ind  []*equation // the indicator equations, in order
	K    int
	y    []float64 // K×n, k-major: indicator k at row i (0 where missing)
	obs  []float64 // K×n: 1 where indicator k is observed at row i, else 0
	pat  []uint8   // per row: bit k set when indicator k is observed
	pats []int     // patterns present
	npat []float64 // rows per pattern (2^K)
	nobs []float64 // rows with indicator k observed
}

// condScratch is a conditional latent's working space.
type condScratch struct {
	// per row: the sampler's z and the shift d (condForward), then for
	// condLik's loop over indicators mc = mu + d, Gp = G/P with G the
	// derivative with respect to eta, h1 = 1/P + mu·Gp + 2h and
	// h2 = 1/P + 2h, where h = G·(d + z/(2√P))/P
	z, d, mc, Gp, h1, h2 []float64
	// K×n, k-major: the residuals e_k at the structural mean (0 where
	// indicator k is missing), and an n-long buffer for t_k·rho_k
	e    []float64
	trho []float64
	// per pattern: P, 1/P and 1/√P; Q[k<<K|p] is P without indicator k's
	// term, 1 + Σ_{j≠k} l_j² t_j, summed directly (P − l_k² t_k cancels
	// when t_k is large)
	P, ip, s, Q []float64
	// the indicators' intercepts a_k, loadings, log sds and noise
	// precisions at the point, and the mean structural mean mū
	a, lam, ls, tau [maxCondIndicators]float64
	mubar           float64
}

func newCondScratch(c *condLatent, n int) *condScratch {
	v := func(n int) []float64 { return make([]float64, n) }
	np := 1 << c.K
	return &condScratch{z: v(n), d: v(n), mc: v(n), Gp: v(n), h1: v(n), h2: v(n), e: v(c.K * n), trho: v(n),
		P: v(np), ip: v(np), s: v(np), Q: v(c.K * np)}
}

// conditional sets up latent equation e (kindLatent, rows built) in
// LatentConditional form over its indicators inds, or explains why not.
func (c *compiler) conditional(e *equation, l *Latent, inds []*equation) (string, bool) {
	switch {
	case c.spec.PriorOnly:
		return "prior only", false
	case len(e.lat) > 0:
		return "a latent parent", false
	case len(inds) > maxCondIndicators:
		return fmt.Sprintf("more than %d indicators", maxCondIndicators), false
	}
	for _, ind := range inds {
		if _, ok := ind.fam.(Gaussian); !ok {
			return "indicator " + ind.node + " is " + ind.fam.Name(), false
		}
	}
	K, n := len(inds), e.n
	cl := &condLatent{ind: inds, K: K, y: make([]float64, K*n), obs: make([]float64, K*n),
		pat: make([]uint8, n), npat: make([]float64, 1<<K), nobs: make([]float64, K)}
	for k := range inds {
		y := l.Indicators[k].Y
		for i, r := range e.rows {
			if v := y[r]; !math.IsNaN(v) {
				cl.y[k*n+i], cl.obs[k*n+i] = v, 1
				cl.pat[i] |= 1 << k
				cl.nobs[k]++
			}
		}
	}
	for _, p := range cl.pat {
		cl.npat[p]++
	}
	for p, m := range cl.npat {
		if m > 0 {
			cl.pats = append(cl.pats, p)
		}
	}
	e.cond = cl
	for _, ind := range inds {
		ind.condInd = true
	}
	return "", true
}

// params reads the indicators' parameters at x and computes P, 1/P and
// 1/√P for every pattern present.
func (cl *condLatent) params(x []float64, w *condScratch) {
	for k, in := range cl.ind {
		w.a[k], w.lam[k], w.ls[k] = x[in.aOff], x[in.bOff], x[in.famOff]
		w.tau[k] = math.Exp(-2 * w.ls[k])
	}
	for _, p := range cl.pats {
		P := 1.0
		for k := 0; k < cl.K; k++ {
			if p&(1<<k) != 0 {
				P += w.lam[k] * w.lam[k] * w.tau[k]
			}
		}
		w.P[p], w.ip[p], w.s[p] = P, 1/P, 1/math.Sqrt(P)
		for k := 0; k < cl.K; k++ {
			Q := 1.0
			for j := 0; j < cl.K; j++ {
				if j != k && p&(1<<j) != 0 {
					Q += w.lam[j] * w.lam[j] * w.tau[j]
				}
			}
			w.Q[k<<cl.K|p] = Q
		}
	}
}

// condForward computes the latent's values at x into dst (at the latents'
// positions) and the indicators' intercepts a_k (at theirs), and leaves
// the structural means in w.mu and z and d in the conditional scratch.
func (e *equation) condForward(x, dst []float64, w *scratch) {
	cl, cw := e.cond, w.cond
	e.prepare(x, w)
	e.fillMu(x, w)
	cl.params(x, cw)
	n := e.n
	mu, idx := w.mu[:n], e.yIdx[:n]
	mubar := 0.0
	for _, m := range mu {
		mubar += m
	}
	mubar /= float64(n)
	cw.mubar = mubar
	for k, in := range cl.ind {
		cw.a[k] -= cw.lam[k] * mubar // x holds a'_k = a_k + l_k·mū
		dst[in.aOff] = cw.a[k]
	}
	// d = Σ_k l_k t_k e_k / P, one indicator at a time.
	d := cw.d[:n]
	clear(d)
	for k := range cl.ind {
		ak, lk, ltk := cw.a[k], cw.lam[k], cw.lam[k]*cw.tau[k]
		y, obs := cl.y[k*n:(k+1)*n], cl.obs[k*n:(k+1)*n]
		for i, m := range mu {
			d[i] += obs[i] * ltk * (y[i] - ak - lk*m)
		}
	}
	z, pat := cw.z[:n], cl.pat[:n]
	for i, m := range mu {
		p := pat[i]
		d[i] *= cw.ip[p]
		z[i] = x[idx[i]]
		dst[idx[i]] = m + d[i] + cw.s[p]*z[i]
	}
}

// condLik is the likelihood part of a conditional latent: the indicators'
// marginal log likelihood and z's standard normal density. It reads the
// derivative of the rest of the density with respect to each eta from g
// (where the other equations left it), replaces it by the derivative with
// respect to z, writes d/dmu into w.dmu and adds the indicators' gradients.
//
// Per row and observed indicator k, with e = y − a − l·mu, rho = y − a −
// l·(mu + d) and t = 1/sigma², the derivatives of the marginal log
// likelihood are t·rho (a), t·(rho·(mu + d) − l/P) (l) and
// t·(rho² + l²/P) − 1 (log sigma), and d eta/d a = −l·t/P,
// d eta/d l = t·((e − l·mu)/P − 2·l·c), d eta/d log sigma =
// −2·t·l·(e/P − l·c) with c = (d + z/(2√P))/P; d eta/d mu = 1/P and
// d eta/d z = 1/√P.
func (e *equation) condLik(g []float64, w *scratch) float64 {
	cl, cw := e.cond, w.cond
	n := e.n
	mu, dmu, idx, pat := w.mu[:n], w.dmu[:n], e.yIdx[:n], cl.pat[:n]
	d, z, mc, Gp, h1, h2 := cw.d[:n], cw.z[:n], cw.mc[:n], cw.Gp[:n], cw.h1[:n], cw.h2[:n]
	lp := 0.0
	for i, m := range mu {
		p := pat[i]
		ip, s := cw.ip[p], cw.s[p]
		G := g[idx[i]]
		gp := G * ip
		h := gp * (d[i] + 0.5*z[i]*s)
		mc[i], Gp[i] = m+d[i], gp
		h1[i], h2[i] = ip+m*gp+2*h, ip+2*h
		lp -= 0.5 * (d[i]*d[i] + z[i]*z[i])
		dmu[i] = d[i] + gp
		g[idx[i]] = G*s - z[i]
	}
	for _, p := range cl.pats {
		lp -= 0.5 * cl.npat[p] * math.Log(cw.P[p])
	}
	// The residuals e_k at the structural mean, then one indicator at a
	// time (sums in registers). t_k·rho_k is computed as
	// t_k·(e_k·Q_k − l_k·Σ_{j≠k} l_j t_j e_j)/P, which equals
	// t_k·(e_k − l_k·d) without its cancellation: when sigma_k is small,
	// rho_k is a difference of nearly equal numbers and t_k multiplies its
	// rounding error into noise on the gradient, which drives the step
	// size to nothing where a chain wanders towards sigma_k → 0.
	for k := range cl.ind {
		ak, lk := cw.a[k], cw.lam[k]
		y, obs, ek := cl.y[k*n:(k+1)*n], cl.obs[k*n:(k+1)*n], cw.e[k*n:(k+1)*n]
		for i, m := range mu {
			ek[i] = obs[i] * (y[i] - ak - lk*m)
		}
	}
	shift := 0.0
	for k, in := range cl.ind {
		lk, tk := cw.lam[k], cw.tau[k]
		obs, ek, tr := cl.obs[k*n:(k+1)*n], cw.e[k*n:(k+1)*n], cw.trho[:n]
		Q := cw.Q[k<<cl.K : (k+1)<<cl.K]
		for i := range tr {
			tr[i] = ek[i] * Q[pat[i]]
		}
		for j := range cl.ind {
			if j == k {
				continue
			}
			c := lk * cw.lam[j] * cw.tau[j]
			ej := cw.e[j*n : (j+1)*n]
			for i := range tr {
				tr[i] -= c * ej[i]
			}
		}
		for i := range tr {
			tr[i] *= obs[i] * tk * cw.ip[pat[i]]
		}
		// t_k·rho_k² is (t_k·rho_k)²/t_k, from the stable t_k·rho_k.
		var ss, ga, gl, gs float64
		for i, r := range tr {
			t := obs[i] * tk
			e := ek[i]
			ss += r * r
			ga += r - t*lk*Gp[i]
			gl += r*mc[i] + t*(e*Gp[i]-lk*h1[i])
			gs += t * lk * (lk*h2[i] - 2*e*Gp[i])
		}
		ss /= tk
		gs += ss
		lp -= 0.5*ss + cl.nobs[k]*cw.ls[k]
		// a_k = a'_k − l_k·mū: the derivative with respect to a_k
		// (likelihood here, prior from the indicator's equation) is
		// a'_k's, and it moves l_k and every row's mu (mū is their mean).
		gak := g[in.aOff] + ga
		g[in.aOff] = gak
		g[in.bOff] += gl - cw.mubar*gak
		g[in.famOff] += gs - cl.nobs[k]
		shift -= lk * gak
	}
	shift /= float64(n)
	for i := range dmu {
		dmu[i] += shift
	}
	return lp
}
