package query

import (
	"math"
	"strings"

	"dilemma/model/sem"
)

// Moderation (the edge attribute moderator="z" on x -> y) puts c·x·z into
// y's linear predictor. The fit carries it as a term whose column is the
// product; queries follow it exactly: in a world where x changes by Δx and
// z by Δz (each its own change in that world, at its own lag), the product
// changes by Δx·z + x·Δz + Δx·Δz, with x and z the row's factual values.

// interactionTerm is the system's view of interaction term t (coefficient
// parameter j, named name) among an equation's terms: the product column
// for the factual linear predictor, and the factual factors from the
// parent's and the moderator's own terms.
func interactionTerm(t sem.Term, terms []sem.Term, j int, name string) sysTerm {
	st := sysTerm{parent: -1, pname: t.Parent, lag: t.Lag, x: t.X, b: j, name: name,
		modName: t.Moderator, modLag: t.ModeratorLag}
	for _, o := range terms {
		if o.Moderator != "" || o.UnitMean {
			continue
		}
		if o.Parent == t.Parent && o.Lag == t.Lag {
			st.xf = o.X
		}
		if o.Parent == t.Moderator && o.Lag == t.ModeratorLag {
			st.zf = o.X
		}
	}
	return st
}

// factorsMoved reports whether an interaction term's parent (at h−lag) or
// moderator (at h−modLag) may differ from its factual value (aff says
// whether node v may at period h).
func factorsMoved(h int, t *sysTerm, aff func(v, h int) bool) (x, z bool) {
	if hp := h - t.lag; hp >= 0 {
		x = aff(t.parent, hp)
	}
	if hz := h - t.modLag; hz >= 0 {
		z = aff(t.mod, hz)
	}
	return x, z
}

// productMoves reports whether node n has an interaction term one of
// whose factors changes in world w at period h: the change of n's linear
// predictor then depends on the row's factual values, so it is not the
// same at every row.
func (s *system) productMoves(p *jobPlan, w, h int, n *sysNode) bool {
	for k := range n.terms {
		t := &n.terms[k]
		if t.modName == "" {
			continue
		}
		x, z := factorsMoved(h, t, func(v, hh int) bool { return p.aff[w][hh][v] })
		if x || z {
			return true
		}
	}
	return false
}

// productApprox reports whether a population average through an
// interaction term of n is a plug-in: both factors change and both
// changes are expected values of nonlinear nodes (random given the draw),
// so the mean of their product is not the product of their means.
// aff and car are period h's flags so far; carries holds earlier periods'.
func (s *system) productApprox(p *jobPlan, w, h int, n *sysNode, aff, car []bool, carries [][][]bool) bool {
	for k := range n.terms {
		t := &n.terms[k]
		if t.modName == "" {
			continue
		}
		look := func(v, hh int) bool {
			if hh == h {
				return aff[v] && car[v]
			}
			return p.aff[w][hh][v] && carries[w][hh][v]
		}
		if x, z := factorsMoved(h, t, look); x && z {
			return true
		}
	}
	return false
}

// productChange adds to de the change of interaction term t's contribution
// to the linear predictor in world w at period h, at the worker's current
// row: c·(Δx·z + x·Δz + Δx·Δz).
func (wk *worker) productChange(w, h int, t *sysTerm, c, lo, hi int, de []float64) {
	p, r := wk.p, wk.r
	m := len(de)
	var dx, dz []float64
	if hp := h - t.lag; hp >= 0 && p.aff[w][hp][t.parent] {
		dx = wk.delta[w][hp][t.parent][:m]
	}
	if hz := h - t.modLag; hz >= 0 && p.aff[w][hz][t.mod] {
		dz = wk.delta[w][hz][t.mod][:m]
	}
	if dx == nil && dz == nil {
		return
	}
	b := wk.col(c, t.b, lo, hi)
	x, z := t.xf[r], t.zf[r]
	switch {
	case dz == nil:
		for i := range de {
			de[i] += b[i] * dx[i] * z
		}
	case dx == nil:
		for i := range de {
			de[i] += b[i] * x * dz[i]
		}
	default:
		for i := range de {
			de[i] += b[i] * (dx[i]*(z+dz[i]) + x*dz[i])
		}
	}
}

// addInteractions adds to the basis the interaction coefficients of the
// child's equation that the edge from -> to (at lag) enters, as the
// moderated parent or as the moderator: the answer rests on them too. They
// share the edge's identification.
func (e *Engine) addInteractions(b *Basis, seen map[string]bool, from, to string, lag int, edge EdgeBasis) {
	for _, es := range e.s.fit.Edges {
		if es.Kind != "interaction" || es.Child != to || seen[es.Name] {
			continue
		}
		if !(es.Parent == from && es.Lag == lag) && !(es.Moderator == from && es.ModeratorLag == lag) {
			continue
		}
		seen[es.Name] = true
		b.Edges = append(b.Edges, EdgeBasis{Edge: es.Edge, Param: es.Name, Mean: es.Mean, SD: es.SD, Contraction: es.Contraction,
			Identified: edge.Identified, Reason: edge.Reason})
	}
}

// productNote says, for a method line, through which nodes' interaction
// terms the job's change passes ("" when none).
func (s *system) productNote(p *jobPlan) string {
	var names []string
	for v, n := range s.nodes {
		moved := false
		for w := 0; w < p.nw && !moved; w++ {
			for h := range p.aff[w] {
				if p.aff[w][h][v] && !p.active[w][h][v] && s.productMoves(p, w, h, n) {
					moved = true
					break
				}
			}
		}
		if moved {
			names = append(names, n.name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "; through the interaction terms (moderator=) of " + strings.Join(names, ", ") + " each row's product x·z changes by exactly Δx·z + x·Δz + Δx·Δz, with the row's own x and z"
}

// productFactuals reports whether row r (−1: period h has no row) has the
// factual parent and moderator of every interaction term of n whose
// factors change at period h in some world: the change of the product
// reads them, even in a linear equation, whose change otherwise needs no
// factual value.
func (s *system) productFactuals(p *jobPlan, h int, n *sysNode, r int) bool {
	for k := range n.terms {
		t := &n.terms[k]
		if t.modName == "" {
			continue
		}
		for w := 0; w < p.nw; w++ {
			x, z := factorsMoved(h, t, func(v, hh int) bool { return p.aff[w][hh][v] })
			if !x && !z {
				continue
			}
			if r < 0 || math.IsNaN(t.xf[r]) || math.IsNaN(t.zf[r]) {
				return false
			}
			break
		}
	}
	return true
}

// holding returns a copy of s in which node v's factual values are val
// (on the fit's scale) at every row where they exist: its own column, every
// term that reads it (at any lag), and the products and factors of the
// interaction terms it enters. Nodes that do not read v are shared.
func (s *system) holding(v int, val float64) *system {
	c := *s
	c.nodes = append([]*sysNode(nil), s.nodes...)
	name := s.nodes[v].name
	hold := func(x []float64) []float64 {
		if x == nil {
			return nil
		}
		out := make([]float64, len(x))
		for r, a := range x {
			out[r] = a
			if !math.IsNaN(a) {
				out[r] = val
			}
		}
		return out
	}
	for i, n := range s.nodes {
		reads := i == v
		for _, t := range n.terms {
			reads = reads || t.pname == name || t.modName == name
		}
		if !reads {
			continue
		}
		cp := *n
		cp.terms = append([]sysTerm(nil), n.terms...)
		if i == v {
			cp.obs = hold(n.obs)
		}
		for k := range cp.terms {
			t := &cp.terms[k]
			switch {
			case t.modName == "" && t.pname == name:
				t.x = hold(t.x)
			case t.modName != "" && (t.pname == name || t.modName == name):
				if t.pname == name {
					t.xf = hold(t.xf)
				}
				if t.modName == name {
					t.zf = hold(t.zf)
				}
				t.x = make([]float64, len(t.xf))
				for r := range t.x {
					t.x[r] = t.xf[r] * t.zf[r]
				}
			}
		}
		c.nodes[i] = &cp
	}
	return &c
}
