package sem

import (
	"fmt"
	"math"
	"strings"
)

// MinSlopeUnits is the fewest units with data an equation needs for an
// edge whose strength varies by unit (Term.Varies): with fewer, the slopes'
// sd is known only from its prior.
const MinSlopeUnits = 5

// Varying slopes. A term with Varies adds v_j·x_r to the linear predictor of
// each row r of unit j, so unit j's strength is b + v_j. The equation's rows
// are grouped by unit and its columns centred within unit (x_r = x̄_j + x̃_r),
// so the term splits into a unit part v_j·x̄_j, which joins the unit's
// offset o_j (non-centred intercepts) or the unit mean the centred
// intercepts sample (u_j = m_j − a − x̄_j·b − Σ v_j·x̄_j), and a within part
// v_j·x̃_r. For a gaussian equation the within part has exact sufficient
// statistics per unit: with c_j = b + v_j (the unit's strengths),
//
//	Σ_r∈j (ỹ_r − c_j·x̃_r)² = W_yy,j − 2 c_j·W_xy,j + c_j·W_xx,j·c_j,
//
// so the cost is O(J·p²) whatever the number of rows.

// varyTerm is a compiled term whose strength varies by unit.
type varyTerm struct {
	term   int // index into equation.terms
	col    int // index of its observed column (position in obsTerm)
	re     REParam
	reason string
	prior  Prior // of sd_v
	// sdOff is the offset of log sd_v; vOff of the J unit coordinates:
	// z_j with v_j = sd_v·z_j when non-centred, and when centred each unit's
	// own strength c_j = b + v_j (as centred unit intercepts sample the unit
	// means: b is then tied to the c_j only through their distribution,
	// c_j ~ normal(b, sd_v), not through a ridge b + v_j).
	sdOff, vOff int
	// xbar is each group's raw mean of the column: the varying part of
	// the linear predictor is v_j·x, whatever centring does to the
	// strength's own design (centre.go), so that the unit intercepts stay
	// defined at x = 0, as in brms.
	xbar []float64
}

// slopeScratch is an equation's scratch space for its varying slopes.
type slopeScratch struct {
	v, dv []float64 // per varying term and group: v_j and ∂lp/∂v_j
	c, gc []float64 // per observed column: one unit's strengths and their derivatives (sufficient statistics)
}

func newSlopeScratch(e *equation) slopeScratch {
	if len(e.vary) == 0 {
		return slopeScratch{}
	}
	nv := len(e.vary) * e.J
	return slopeScratch{v: make([]float64, nv), dv: make([]float64, nv), c: make([]float64, e.p), gc: make([]float64, e.p)}
}

// slopes compiles the equation's varying terms (after columns, which
// centred its columns within unit into xw) and checks that they can be
// estimated.
func (c *compiler) slopes(e *equation, in *eqInput, xw []float64) error {
	var k int
	for ti, t := range in.terms {
		if !t.Varies {
			if t.X != nil {
				k++
			}
			continue
		}
		edge := fmt.Sprintf("edge %s -> %s", t.Parent, in.node)
		if t.Lag > 0 {
			edge += fmt.Sprintf(" [lag=%d]", t.Lag)
		}
		switch {
		case in.kind != kindObserved:
			return in.fail("%s: varies=\"unit\" is supported on edges into observed nodes only, and %s is latent", edge, in.node)
		case t.X == nil:
			return in.fail("%s: varies=\"unit\" needs an observed parent, and %s is latent (its values are parameters; a unit-varying strength on them is not supported)", edge, t.Parent)
		case t.UnitMean:
			return in.fail("%s: the unit-mean term cannot vary by unit", edge)
		case len(c.lay.Units) == 0:
			return in.fail("%s: varies=\"unit\" needs a panel with a unit key; the data are a cross-section", edge)
		case e.re == reNone:
			return in.fail("%s: varies=\"unit\" needs unit random intercepts, which unit_effects=\"none\" on %s (or fit --unit-effects none) removes", edge, in.node)
		case e.J < MinSlopeUnits:
			return in.fail("%s: varies=\"unit\" needs at least %d units with data, and %s has %d", edge, MinSlopeUnits, in.node, e.J)
		}
		if err := t.VariesSD.validate(); err != nil {
			return in.fail("%s: varies_prior: %v", edge, err)
		}
		if t.VariesRE < REAuto || t.VariesRE > RENonCentred {
			return in.fail("%s: unknown slope parameterization %d", edge, int(t.VariesRE))
		}
		vt := varyTerm{term: ti, col: k, prior: t.VariesSD.or(defaultScale), re: t.VariesRE}
		for j := 0; j < e.J; j++ {
			vt.xbar = append(vt.xbar, e.xbar[j*e.p+k])
		}
		c.chooseSlopeRE(e, &vt, xw[k*e.n:(k+1)*e.n], in.terms[ti].X)
		e.vary = append(e.vary, vt)
		k++
	}
	return nil
}

// chooseSlopeRE picks the deviations' parameterization. The data inform
// v_j through the within-unit spread of x in unit j: Σ_r∈j x̃_r² / var(x)
// is the number of rows of an x of average spread it is worth. When those
// effective rows per unit reach the family's threshold for centred unit
// intercepts (CentreThreshold), v_j is centred, else non-centred.
func (c *compiler) chooseSlopeRE(e *equation, vt *varyTerm, xw []float64, x []float64) {
	if vt.re != REAuto {
		vt.reason = "as asked"
		return
	}
	var sum, ss float64
	for _, r := range e.rows {
		sum += x[r]
	}
	m := sum / float64(e.n)
	for _, r := range e.rows {
		ss += (x[r] - m) * (x[r] - m)
	}
	within := dot(xw, xw)
	eff := 0.0
	if ss > 0 {
		eff = within / (ss / float64(e.n)) / float64(e.J)
	}
	if eff < 1 {
		t := e.terms[vt.term]
		c.notes = append(c.notes, fmt.Sprintf("edge %s -> %s: %s hardly varies within units (%.2f effective rows per unit), so each unit's strength is told apart from its unit intercept mostly by their priors", t.parent, e.node, t.parent, eff))
	}
	thr := e.fam.CentreThreshold()
	if eff >= thr {
		vt.re = RECentred
		vt.reason = fmt.Sprintf("auto: %.1f effective rows per unit >= %g", eff, thr)
	} else {
		vt.re = RENonCentred
		vt.reason = fmt.Sprintf("auto: %.1f effective rows per unit < %g", eff, thr)
	}
}

// slopeStats computes the per-unit sufficient statistics of a gaussian
// equation with varying slopes: W_xx,j (p×p) and W_xy,j (p) of the
// within-unit centred columns and response. It runs before
// sufficientStats, which drops the rows.
func (e *equation) slopeStats(xw []float64, grp []int32) {
	if len(e.vary) == 0 {
		return
	}
	n, p := e.n, e.p
	ybar := make([]float64, e.J)
	for i, g := range grp {
		ybar[g] += e.y[i]
	}
	for j := range ybar {
		ybar[j] /= e.ng[j]
	}
	e.wxxJ = make([]float64, e.J*p*p)
	e.wxyJ = make([]float64, e.J*p)
	for j := 0; j < e.J; j++ {
		lo, hi := int(e.start[j]), int(e.start[j+1])
		xx := e.wxxJ[j*p*p : (j+1)*p*p]
		xy := e.wxyJ[j*p : (j+1)*p]
		for k := 0; k < p; k++ {
			ck := xw[k*n+lo : k*n+hi]
			for i, v := range ck {
				xy[k] += v * (e.y[lo+i] - ybar[j])
			}
			for l := 0; l <= k; l++ {
				v := dot(ck, xw[l*n+lo:l*n+hi])
				xx[k*p+l], xx[l*p+k] = v, v
			}
		}
	}
}

// slopeOffsets lays out the varying terms' parameters from off on, [log
// sd_v, v_1 … v_J] per term, and returns the offset after them.
func (e *equation) slopeOffsets(off int) int {
	for s := range e.vary {
		e.vary[s].prior = e.vary[s].prior.or(defaultScale)
		e.vary[s].sdOff = off
		e.vary[s].vOff = off + 1
		off += 1 + e.J
	}
	return off
}

// shiftSlopes moves the varying terms' offsets by off (assemble).
func (e *equation) shiftSlopes(off int) {
	for s := range e.vary {
		e.vary[s].sdOff += off
		e.vary[s].vOff += off
	}
}

// slopeStem returns a varying term's parameter-name stem: PARENT.NODE or
// PARENT.lagK.NODE.
func (e *equation) slopeStem(vt *varyTerm) string {
	return strings.TrimPrefix(e.terms[vt.term].name, "b.")
}

// nameSlopes writes the varying terms' parameter names: sd_v.PARENT.NODE and
// v.PARENT.NODE.UNIT.
func (e *equation) nameSlopes(names []string, units []string) {
	for s := range e.vary {
		vt := &e.vary[s]
		stem := e.slopeStem(vt)
		names[vt.sdOff] = "sd_v." + stem
		for j, u := range e.groupUnit {
			names[vt.vOff+j] = "v." + stem + "." + units[u]
		}
	}
}

// SlopeInfo locates the parameters of one edge whose strength varies by
// unit: unit j's strength is the draw of B plus that of First+j.
type SlopeInfo struct {
	Name          string // the mean strength's name, b.PARENT.NODE
	Parent, Child string
	Lag           int
	B             int // index of the mean strength b
	SD            int // index of sd_v, the slopes' sd across units
	First         int // index of v for Units[0]; Units[j] is at First+j
	// Units are the labels of the units with data in the equation, in
	// parameter order; Unit their layout unit indices.
	Units []string
	Unit  []int
	// RE is "centred" or "non-centred"; Reason says why.
	RE, Reason string
	// Rows is the number of rows the equation uses.
	Rows int
}

// slopeInfo describes e's varying terms.
func (e *equation) slopeInfo(units []string) []SlopeInfo {
	var out []SlopeInfo
	for s := range e.vary {
		vt := &e.vary[s]
		t := e.terms[vt.term]
		in := SlopeInfo{Name: t.name, Parent: t.parent, Child: e.node, Lag: t.lag,
			B: e.bOff + vt.term, SD: vt.sdOff, First: vt.vOff, RE: vt.re.String(), Reason: vt.reason, Rows: e.n}
		for _, u := range e.groupUnit {
			in.Units = append(in.Units, units[u])
			in.Unit = append(in.Unit, u)
		}
		out = append(out, in)
	}
	return out
}

// slopeDescr is the varying terms' part of EquationInfo.String.
func (e *equation) slopeDescr() string {
	var parts []string
	for s := range e.vary {
		vt := &e.vary[s]
		parts = append(parts, fmt.Sprintf("strength of %s varies by unit, %s (%s)", e.terms[vt.term].parent, vt.re, vt.reason))
	}
	return strings.Join(parts, "; ")
}

// slopeValues computes the deviations v_j at x into w and clears their
// derivatives (prepare).
func (e *equation) slopeValues(x []float64, w *scratch) {
	if len(e.vary) == 0 {
		return
	}
	J := e.J
	for s := range e.vary {
		vt := &e.vary[s]
		v := w.sl.v[s*J : (s+1)*J]
		copy(v, x[vt.vOff:vt.vOff+J])
		if vt.re == RENonCentred {
			sd := math.Exp(x[vt.sdOff])
			for j := range v {
				v[j] *= sd
			}
		} else {
			b := x[e.bOff+vt.term]
			for j := range v {
				v[j] -= b
			}
		}
	}
	clear(w.sl.dv)
}

// slopeMean is unit j's part of the varying terms, Σ v_j·x̄_j.
func (e *equation) slopeMean(j int, w *scratch) float64 {
	s := 0.0
	for k := range e.vary {
		s += w.sl.v[k*e.J+j] * e.vary[k].xbar[j]
	}
	return s
}

// slopeMeanAt is slopeMean read from x directly (without scratch space).
func (e *equation) slopeMeanAt(x []float64, j int) float64 {
	s := 0.0
	for k := range e.vary {
		vt := &e.vary[k]
		v := x[vt.vOff+j]
		if vt.re == RENonCentred {
			v *= math.Exp(x[vt.sdOff])
		} else {
			v -= x[e.bOff+vt.term]
		}
		s += v * vt.xbar[j]
	}
	return s
}

// slopeBack adds d·x̄_j to each ∂lp/∂v_j, where d is ∂lp/∂ of unit j's
// part of the linear predictor.
func (e *equation) slopeBack(j int, d float64, w *scratch) {
	for k := range e.vary {
		w.sl.dv[k*e.J+j] += d * e.vary[k].xbar[j]
	}
}

// slopeMu adds the within part v_j·x̃_r to the rows' linear predictors.
func (e *equation) slopeMu(mu []float64, w *scratch) {
	n, J := e.n, e.J
	for k := range e.vary {
		col := e.xw[e.vary[k].col*n : (e.vary[k].col+1)*n]
		v := w.sl.v[k*J : (k+1)*J]
		for j, vj := range v {
			lo, hi := e.start[j], e.start[j+1]
			seg, xs := mu[lo:hi], col[lo:hi]
			for r, xv := range xs {
				seg[r] += vj * xv
			}
		}
	}
}

// slopeRowBack adds the rows' derivatives dmu to ∂lp/∂v_j.
func (e *equation) slopeRowBack(dmu []float64, w *scratch) {
	n, J := e.n, e.J
	for k := range e.vary {
		col := e.xw[e.vary[k].col*n : (e.vary[k].col+1)*n]
		dv := w.sl.dv[k*J : (k+1)*J]
		for j := range dv {
			lo, hi := e.start[j], e.start[j+1]
			dv[j] += dot(col[lo:hi], dmu[lo:hi])
		}
	}
}

// suffLikSlopes is suffLik with varying slopes: the within-unit sum of
// squares from each unit's own strengths c_j = b + v_j (see the comment at
// the top of this file), and the between part as in suffLik.
func (e *equation) suffLikSlopes(x, g []float64, w *scratch) float64 {
	s := x[e.famOff]
	prec := math.Exp(-2 * s)
	bx, gbx := w.bx, w.gb // all terms are observed: term order = column order
	p, J := e.p, e.J
	c, gc := w.sl.c, w.sl.gc
	quad := e.wyy
	for j := 0; j < J; j++ {
		copy(c, bx)
		for k := range e.vary {
			c[e.vary[k].col] += w.sl.v[k*J+j]
		}
		xx := e.wxxJ[j*p*p : (j+1)*p*p]
		xy := e.wxyJ[j*p : (j+1)*p]
		for k := 0; k < p; k++ {
			v := dot(xx[k*p:(k+1)*p], c)
			quad += c[k] * (v - 2*xy[k])
			gc[k] = (xy[k] - v) * prec
			gbx[k] += gc[k]
		}
		for k := range e.vary {
			w.sl.dv[k*J+j] += gc[e.vary[k].col]
		}
	}
	between := 0.0
	do := w.do
	for j, nj := range e.ng {
		r := e.ybar[j] - w.o[j]
		between += nj * r * r
		do[j] += nj * r * prec
	}
	ssr := quad + between
	n := float64(e.n)
	g[e.famOff] += -n + ssr*prec
	return -n*s - 0.5*ssr*prec
}

// slopePrior adds the deviations' distribution, v_j ~ normal(0, sd_v), and
// sd_v's prior, and carries ∂lp/∂v_j to the sampler's coordinates.
func (e *equation) slopePrior(x, g []float64, w *scratch) float64 {
	lp := 0.0
	J := e.J
	for k := range e.vary {
		vt := &e.vary[k]
		dv := w.sl.dv[k*J : (k+1)*J]
		if vt.re == RENonCentred {
			// v_j = sd·z_j, z_j ~ normal(0, 1).
			sd := math.Exp(x[vt.sdOff])
			z := x[vt.vOff : vt.vOff+J]
			gz := g[vt.vOff : vt.vOff+J]
			dsd := 0.0
			for j, zj := range z {
				gz[j] += sd*dv[j] - zj
				dsd += zj * dv[j]
				lp -= 0.5 * zj * zj
			}
			g[vt.sdOff] += sd * dsd
		} else {
			// c_j ~ normal(b, sd_v), v_j = c_j − b: what moves v_j moves
			// c_j, and b the opposite way.
			ls := x[vt.sdOff]
			inv := math.Exp(-2 * ls)
			v := w.sl.v[k*J : (k+1)*J]
			gc := g[vt.vOff : vt.vOff+J]
			ss, gb := 0.0, 0.0
			for j, vj := range v {
				d := dv[j] - vj*inv
				gc[j] += d
				gb -= d
				ss += vj * vj
			}
			g[e.bOff+vt.term] += gb
			lp += -float64(J)*ls - 0.5*ss*inv
			g[vt.sdOff] += -float64(J) + ss*inv
		}
		lp += positiveLogPrior(vt.prior, x[vt.sdOff], &g[vt.sdOff])
	}
	return lp
}

// slopeConstrain writes sd_v and the deviations v_j.
func (e *equation) slopeConstrain(x, out []float64) {
	for k := range e.vary {
		vt := &e.vary[k]
		sd := math.Exp(x[vt.sdOff])
		out[vt.sdOff] = sd
		for j := 0; j < e.J; j++ {
			v := x[vt.vOff+j]
			if vt.re == RENonCentred {
				v *= sd
			} else {
				v -= x[e.bOff+vt.term]
			}
			out[vt.vOff+j] = v
		}
	}
}
