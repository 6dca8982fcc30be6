package sem

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
