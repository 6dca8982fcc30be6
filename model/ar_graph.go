package model

import "fmt"

// AR(1) residuals in the identification graph. A node with ar="1" has a
// latent residual chain within unit, u_{t−1} -> u_t, each u_t a parent of
// the node at t. The chain is latent and each of its links has an
// observed child, so over the periods the graph is unrolled over its
// latent projection joins every two periods of the node by a bidirected
// edge (y <-> y@t-1, y <-> y@t-2, y@t-1 <-> y@t-2, …): the same
// d-separations among the observed nodes as the chain itself. This is the
// graph that adjustment sets, d-separation queries and the structure
// snapshot see. Its consequence: once the model has a path from an
// earlier period of y to the exposure (y -> x [lag=1], or a common cause
// of y@t-1 and x), y's earlier values join the back-door paths
// (x <- y@t-1 <-> y), and a set must block them, typically by adjusting
// for y@t-1.
//
// The fit itself conditions each period's residual on the previous one
// (the likelihood is a product of innovations): for the single-door check
// of an edge into an AR node (EdgeIdentified) the residual u_{t−1} is
// conditioned on, which cuts every link of the chain through periods t and
// t−1; the bidirected edges that touch y or y@t-1 are then dropped, and
// those among earlier periods stay (see arCut).

// addARResiduals adds, for every node with ar="1" that is not a fixed
// root, a hidden common parent of each two of its periods 0 … P−1.
func (g *agraph) addARResiduals(m *Model, P int) {
	nm := len(m.Nodes)
	for i, n := range m.Nodes {
		if n.AR == 0 || n.Fixed() {
			continue
		}
		for j := 0; j < P; j++ {
			for k := j + 1; k < P; k++ {
				a, b := j*nm+i, k*nm+i
				h := g.addNode("", -1, j, true, true, false)
				g.spouse[h] = [2]int{a, b}
				g.arRes[h] = true
				g.link(h, a)
				g.link(h, b)
			}
		}
	}
}

// arCut returns g for the equation of node v at period t (slice 0) with
// AR(1) residuals: the graph once the fit has conditioned on the previous
// period's residual, without the chain's bidirected edges that touch
// periods t or t−1 of v's node. Without AR residuals it returns g.
func (g *agraph) arCut(v int) *agraph {
	base := g.base[v]
	if base < 0 || g.model.Nodes[base].AR == 0 || g.slice[v] != 0 {
		return g
	}
	return g.without(func(h, w int) bool {
		if !g.arRes[h] {
			return false
		}
		a, b := g.spouse[h][0], g.spouse[h][1]
		return g.base[a] == base && (g.slice[a] <= 1 || g.slice[b] <= 1)
	})
}

// arExplain says why a bidirected edge of an AR residual chain cannot be
// blocked.
func (g *agraph) arExplain(h int) string {
	a, b := g.spouse[h][0], g.spouse[h][1]
	return fmt.Sprintf("%s <-> %s is %s's AR(1) residual chain (ar=\"1\"), latent, which no observed set can block", g.names[a], g.names[b], g.model.Nodes[g.base[a]].Name)
}
