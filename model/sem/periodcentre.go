package sem

// Centring the design within periods. With fixed period effects g_t, an
// observed parent whose values share a common time pattern (cases and
// deaths in pandemic waves, a regional mean by month) makes the strength b
// trade off against every g_t at once: raising b by δ and lowering each
// g_t by δ·c_t, with c_t the parent's mean in period t, leaves the fit
// almost unchanged. That ridge runs through T + 1 coordinates, and a
// diagonal metric crosses it slowly. Equations with fixed period effects
// therefore sample z'_t = z_t + d_t·b in place of the period coordinates
// z_t (g_t = z_t − mean(z)), with d_t = c_t − mean over periods of c_t and
// c_t the period mean of each observed column after its centring within
// unit. The design's columns become x_r − d_{t(r)} (e.xw holds them so
// shifted), and the rows see z'_t − mean(z') as their period's effect:
//
//	g_t + b·x_r = (z'_t − mean(z')) + b·(x_r − d_{t(r)}),
//
// so b is informed by the variation of x within periods. The map is a
// shear (unit Jacobian) and the d_t sum to zero, so mean(z') = mean(z); the
// prior stays on each z_t = z'_t − d_t·b and Constrain reports g as before.

// centrePeriods computes e.xd (T×p, d_t per observed column) and shifts
// e.xw by it, for an equation with fixed period effects evaluated row by
// row; call it after periods and after e.xw is set.
func (e *equation) centrePeriods() {
	// Not with varying slopes, which read the within-group columns xw as
	// the raw x minus the unit mean (slopes.go), nor with imputed rows,
	// whose constants are x minus the unit mean (missing.go).
	if e.time != TimeFixed || e.p == 0 || e.xw == nil || e.T < 2 || len(e.vary) > 0 || e.mi != nil || e.sum != nil {
		return
	}
	n, p, T := e.n, e.p, e.T
	cnt := make([]float64, T)
	for _, t := range e.tix[:n] {
		cnt[t]++
	}
	e.xd = make([]float64, T*p)
	for k := 0; k < p; k++ {
		col := e.xw[k*n : (k+1)*n]
		for r, t := range e.tix[:n] {
			e.xd[int(t)*p+k] += col[r]
		}
		m := 0.0
		for t := 0; t < T; t++ {
			e.xd[t*p+k] /= cnt[t] // every period used has rows
			m += e.xd[t*p+k]
		}
		m /= float64(T)
		for t := 0; t < T; t++ {
			e.xd[t*p+k] -= m
		}
		for r, t := range e.tix[:n] {
			col[r] -= e.xd[int(t)*p+k]
		}
	}
}

// periodShift returns d_t·b at x for period t (0 without period centring),
// latent parents' part included (latcentre.go; w as latMeans left it):
// z_t = z'_t − periodShift(x, t, w).
func (e *equation) periodShift(x []float64, t int, w *scratch) float64 {
	if e.xd == nil {
		return e.latPeriod(t, w)
	}
	s := e.latPeriod(t, w)
	d := e.xd[t*e.p : (t+1)*e.p]
	for k, ti := range e.obsTerm {
		s += d[k] * x[e.bOff+ti]
	}
	return s
}

// periodShiftBack adds to g the derivative through b of z_t = z'_t − d_t·b
// when z_t receives dz (its prior's): ∂/∂b_k −= dz·d_tk (latent parents'
// through latBack).
func (e *equation) periodShiftBack(g []float64, t int, dz float64, w *scratch) {
	if e.lc != nil {
		w.lc.dz[t] += dz
	}
	if e.xd == nil {
		return
	}
	d := e.xd[t*e.p : (t+1)*e.p]
	for k, ti := range e.obsTerm {
		g[e.bOff+ti] -= dz * d[k]
	}
}
