package sem

import "math"

// Units without data. A gaussian equation with unit intercepts (an
// observed root with gaps, as the model package fit gives, or a node with
// parents, such as fig1's and fig2's fear in Turkmenistan, which reports
// no deaths) has, in a unit where the node is never observed, values known
// only through its children (and its parents): y_t ~ normal(mu_t, sigma)
// around a mean that holds the unit's offset m_j, with sigma the
// within-unit sd, tiny for a column nearly constant within units. Sampled
// as they are, the unit's values and m_j form a ridge the sampler crawls
// along (every y_t must move with m_j, in steps of sigma; u.fear.TKM had
// R-hat 1.013 and bulk ESS 226 at 4 × (1000 + 1000) in fig1). Such values
// are therefore sampled non-centred about the unit's offset coordinate:
// the sampler's coordinate is v_t with
//
//	y_t = m_j + sigma·v_t,
//
// m_j the unit's sampled offset (its centred mean, or a + tau·z_j), so
// that the values move with m_j; without parents and period effects
// v_t ~ normal(0, 1) a priori whatever m_j and sigma, and with them v_t
// is centred at the rest of y_t's mean over sigma. Any m_j that is a
// function of other coordinates gives the same model: the map has log
// Jacobian log sigma per value; ParamNames and Constrain give y_t
// (mi.NODE.UNIT.TIME) as for any imputed value. Values in units with data
// keep the plain coordinates (their m_j is pinned by the data).

// noDataEligible reports whether spec equation i's values in units
// without data are sampled non-centred: gaussian, unit intercepts on a
// panel, no AR residuals or offset.
func (c *compiler) noDataEligible(i int) bool {
	e := &c.spec.Equations[i]
	if _, ok := e.Family.(Gaussian); !ok && e.Family != nil {
		return false
	}
	return e.UnitRE && len(c.lay.Units) > 0 && len(e.Y) == c.lay.Rows && e.AR == 0 && e.Offset == nil
}

// ncValue is an imputed value sampled non-centred: its index into x, its
// equation and the unit's group there.
type ncValue struct {
	idx, eq, j int32
}

// ncAssemble finds the imputed values in units without data (after
// miAssemble).
func (c *compiler) ncAssemble(p *Posterior, eqs []*equation) {
	if c.mi == nil || c.noNC {
		return
	}
	for _, mi := range p.missing {
		i := c.mi.eqOf[mi.Node]
		obs := c.mi.noData[i]
		if obs == nil {
			continue
		}
		e := eqs[i]
		groupOf := map[int]int32{}
		for j, u := range e.groupUnit {
			groupOf[u] = int32(j)
		}
		for k, r := range mi.Rows {
			u := c.lay.Unit[r]
			if !obs[u] {
				p.nc = append(p.nc, ncValue{idx: int32(mi.First + k), eq: int32(i), j: groupOf[u]})
			}
		}
	}
	if len(p.nc) > 0 {
		p.miTransform = true
	}
}

// ncOffset is the unit's offset coordinate m_j in e at x: its centred
// mean, a + tau·z_j (non-centred) or a. With parents it is the level the
// unit's values are non-centred about, not their mean.
func (e *equation) ncOffset(x []float64, j int) float64 {
	switch e.re {
	case RECentred:
		return x[e.uOff+j]
	case RENonCentred:
		return x[e.aOff] + math.Exp(x[e.tauOff])*x[e.uOff+j]
	}
	return x[e.aOff]
}

// ncForward writes the non-centred values y = m_j + sigma·v into xe.
func (p *Posterior) ncForward(x, xe []float64) {
	for _, v := range p.nc {
		e := p.eqs[v.eq]
		xe[v.idx] = e.ncOffset(x, int(v.j)) + math.Exp(x[e.famOff])*x[v.idx]
	}
}

// ncChain turns the gradient with respect to the non-centred values into
// the gradient with respect to v, m_j's coordinates and log sigma, and
// returns the log Jacobian Σ log sigma.
func (p *Posterior) ncChain(x, g []float64) float64 {
	lj := 0.0
	for _, v := range p.nc {
		e := p.eqs[v.eq]
		j := int(v.j)
		gy := g[v.idx]
		s := math.Exp(x[e.famOff])
		g[v.idx] = gy * s
		g[e.famOff] += gy*s*x[v.idx] + 1
		lj += x[e.famOff]
		switch e.re {
		case RECentred:
			g[e.uOff+j] += gy
		case RENonCentred:
			tau := math.Exp(x[e.tauOff])
			g[e.aOff] += gy
			g[e.uOff+j] += tau * gy
			g[e.tauOff] += tau * x[e.uOff+j] * gy
		default:
			g[e.aOff] += gy
		}
	}
	return lj
}
