package sem

import (
	"strconv"
)

// assemble lays the equations' parameters out in one vector, the latent
// values last, and builds the Posterior.
func (c *compiler) assemble(eqs []*equation) (*Posterior, error) {
	p := &Posterior{name: c.spec.Name, eqs: eqs, priorOnly: c.spec.PriorOnly, notes: c.notes}
	off := 0
	shift := func(v *int) {
		if *v >= 0 {
			*v += off
		}
	}
	for _, e := range eqs {
		e.first = off
		shift(&e.aOff)
		shift(&e.bOff)
		if e.famN > 0 {
			shift(&e.famOff)
		} else {
			e.famOff = 0
		}
		shift(&e.arOff)
		shift(&e.tauOff)
		shift(&e.uOff)
		shift(&e.tsdOff)
		shift(&e.tOff)
		e.shiftSlopes(off)
		off += e.nparam
	}
	etaOff := make([]int, len(c.spec.Latents))
	for li := range c.spec.Latents {
		etaOff[li] = off
		off += len(c.etaRows[li])
	}
	p.dim = off
	c.miAssemble(p, eqs, etaOff)                               // imputed values after the latent values
	c.ncAssemble(p, eqs)                                       // those in units without data: non-centred (nodata.go)
	if err := c.sumAssemble(p, eqs, etaOff, off); err != nil { // summed-out values (sumout.go)
		return nil, err
	}
	for _, e := range eqs {
		for _, lt := range e.lat {
			base := int32(etaOff[e.terms[lt.term].latent])
			for i := range lt.idx {
				lt.idx[i] += base
			}
		}
		if e.kind == kindLatent {
			base := int32(etaOff[e.latent])
			for i := range e.yIdx {
				e.yIdx[i] += base
			}
		}
	}
	p.names = make([]string, p.dim)
	for _, e := range eqs {
		c.nameEquation(e, p.names)
		p.info = append(p.info, c.info(e))
		for i, t := range e.terms {
			p.coefs = append(p.coefs, Coef{
				Name: t.name, Index: e.bOff + i, Parent: t.parent, Child: e.node, Lag: t.lag,
				Sign: t.sign, Loading: e.kind == kindIndicator, Prior: t.prior,
				PriorVar: t.prior.Variance(t.positive), Rows: p.info[len(p.info)-1].Rows, UnitMean: t.unitMean,
				Moderator: t.moderator, ModeratorLag: t.modLag,
				RowsImputed: p.info[len(p.info)-1].RowsImputed,
			})
		}
		p.slopes = append(p.slopes, e.slopeInfo(c.lay.Units)...)
	}
	p.first = make([]int, len(c.spec.Latents))
	p.sign = make([]float64, len(c.spec.Latents))
	for _, e := range eqs {
		if e.kind == kindIndicator && e.terms[0].positive {
			p.first[e.terms[0].latent] = e.bOff
		}
	}
	for li := range c.spec.Latents {
		node := c.spec.Latents[li].Node
		for k, r := range c.etaRows[li] {
			p.names[etaOff[li]+k] = "eta." + node + "." + c.rowName(int(r))
		}
		p.latents = append(p.latents, LatentInfo{Node: node, First: etaOff[li], Rows: append([]int32(nil), c.etaRows[li]...)})
	}
	c.miNames(p)
	for i, e := range eqs {
		if e.cond == nil {
			p.order = append(p.order, i)
		} else {
			p.conds = append(p.conds, i)
		}
		if e.rotU {
			p.rots = append(p.rots, i)
		}
	}
	p.order = append(p.order, p.conds...)
	if len(p.conds) > 0 || len(p.rots) > 0 || p.miTransform {
		p.xt = make([]float64, p.dim)
	}
	p.work = newScratch(eqs)
	p.sumW = p.newSumScratch()
	return p, nil
}

// rowName names a row inside parameter names: "USA.2020-04", or the 1-based
// row number where the layout has no labels.
func (c *compiler) rowName(r int) string {
	switch {
	case len(c.lay.Units) > 0 && len(c.lay.Times) > 0:
		return c.lay.Units[c.lay.Unit[r]] + "." + c.lay.Times[c.lay.Time[r]]
	case len(c.lay.Units) > 0:
		return c.lay.Units[c.lay.Unit[r]] + "." + strconv.Itoa(r+1)
	case len(c.lay.Times) > 0:
		return c.lay.Times[c.lay.Time[r]] + "." + strconv.Itoa(r+1)
	}
	return strconv.Itoa(r + 1)
}

// nameEquation writes the names of e's parameters.
func (c *compiler) nameEquation(e *equation, names []string) {
	if e.aOff >= 0 {
		names[e.aOff] = "a." + e.node
	}
	for i, t := range e.terms {
		names[e.bOff+i] = t.name
	}
	if e.famN > 0 {
		copy(names[e.famOff:], e.fam.ParamNames(e.node))
	}
	if e.arOff >= 0 {
		names[e.arOff] = "ar." + e.node
	}
	if e.re != reNone {
		names[e.tauOff] = "tau." + e.node
		for j, u := range e.groupUnit {
			names[e.uOff+j] = "u." + e.node + "." + c.lay.Units[u]
		}
	}
	if e.time == TimeRandomWalk {
		names[e.tsdOff] = "tau_time." + e.node
	}
	e.nameSlopes(names, c.lay.Units)
	switch e.time {
	case TimeFixed:
		for t := 0; t < e.T; t++ {
			names[e.tOff+t] = "g." + e.node + "." + c.lay.Times[e.times[t]]
		}
	case TimeRandomWalk:
		for t := 1; t < e.T; t++ {
			names[e.tOff+t-1] = "g." + e.node + "." + c.lay.Times[e.times[t]]
		}
	}
}

// info describes e for reports.
func (c *compiler) info(e *equation) EquationInfo {
	in := EquationInfo{
		Node: e.node, Column: e.column, Kind: e.kind.String(), Rows: e.n, RE: "none",
		Time: e.time, Periods: e.T, SufficientStats: e.suff, First: e.first, NumParams: e.nparam,
		Values: e.values, AR: e.arOrder(), Slopes: e.slopeDescr(),
	}
	e.miInfo(&in)
	e.sumInfo(&in)
	if e.fam != nil {
		in.Family = e.fam.Name()
	} else {
		in.Family = "gaussian(sd=1)"
	}
	if e.re != reNone {
		in.Units = e.J
		in.RowsPerUnit = float64(e.n) / float64(e.J)
		in.RE = e.re.String()
		in.REReason = e.reReason
	}
	return in
}

func dot(a, b []float64) float64 {
	b = b[:len(a)]
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
