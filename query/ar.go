package query

import (
	"fmt"
	"math"
)

// AR(1) residuals (a node with ar="1", see package model/sem). The node's
// structural equation is read as
//
//	y_t = mu_t + rho·(y_{t−1} − mu_{t−1}) + eps_t
//
// within unit, mu the linear predictor: the residual e = y − mu persists
// from period to period. An intervention that moves y only through its
// parents moves mu and y alike, so the residual, and with it every later
// period, is untouched: a sustained do(x = +1) on x -> y moves y by
// b·Δx at every period, whatever rho. An intervention that moves y itself
// at period t (do(y = v), or a pulse) changes the residual by
// δy_t − δmu_t, and that change persists: at period t + h it is
// rho^h·(δy_t − δmu_t). A unit counterfactual therefore keeps the unit's
// own residual at every period (the observed y − mu) and adds the
// intervention's persisting part, per draw of rho.

// readAR finds rho of a node with AR(1) residuals (parameter ar.NODE).
func (s *system) readAR(n *sysNode) {
	if j := s.param("ar." + n.name); j >= 0 {
		n.hasAR, n.rho = true, j
	}
}

// arBuffers allocates, for each world, period and node with AR(1)
// residuals that the job computes, a buffer of n draws for the change of
// its linear predictor.
func (s *system) arBuffers(p *jobPlan, H, n int) [][][][]float64 {
	var out [][][][]float64
	for w := 0; w < p.nw; w++ {
		perH := make([][][]float64, H+1)
		for h := range perH {
			perH[h] = make([][]float64, len(s.nodes))
			for v, nd := range s.nodes {
				if nd.hasAR && p.aff[w][h][v] {
					perH[h][v] = make([]float64, n)
				}
			}
		}
		out = append(out, perH)
	}
	return out
}

// arCarry turns de, the change of AR node v's linear predictor in world w
// at period h, into the change of its value: it keeps de as the predictor's
// change and adds rho times the residual's change at period h − 1.
func (wk *worker) arCarry(w, h, v, c, lo, hi int, de []float64) {
	m := len(de)
	copy(wk.arMu[w][h][v][:m], de)
	if h == 0 || !wk.p.aff[w][h-1][v] {
		return
	}
	rho := wk.col(c, wk.s.nodes[v].rho, lo, hi)
	prev, prevMu := wk.delta[w][h-1][v][:m], wk.arMu[w][h-1][v][:m]
	for i := range de {
		de[i] += rho[i] * (prev[i] - prevMu[i])
	}
}

// arResidualSD turns the innovation sd sigma per draw (in sd) into the sd
// of an AR(1) node's residual given its parents, sigma/√(1 − rho²), and
// says what it is.
func (s *system) arResidualSD(n *sysNode, sd []float64) string {
	d := 0
	for c := range s.draws {
		for _, rho := range s.draws[c][n.rho] {
			sd[d] /= math.Sqrt(1 - rho*rho)
			d++
		}
	}
	if n.fam != nil && n.fam.Name() == "student" {
		return "sigma." + n.name + "·√(nu/(nu − 2))/√(1 − ar." + n.name + "²) per draw (the AR(1) residual's stationary sd, multivariate t)"
	}
	return "sigma." + n.name + "/√(1 − ar." + n.name + "²) per draw (the AR(1) residual's stationary sd)"
}

// arNotes says, in a query's basis, where AR(1) residuals enter the answer
// over a horizon: a node intervened on carries the change of its own
// residual forward as rho^h; the outcome's own persistence matters only
// through such a change.
func (e *Engine) arNotes(b *Basis, xs []string, y string, horizon int) {
	if horizon == 0 {
		return
	}
	s := e.s
	for _, x := range xs {
		i, ok := s.index[x]
		if !ok || !s.nodes[i].hasAR {
			continue
		}
		n := s.nodes[i]
		sum := 0.0
		for c := range s.draws {
			for _, v := range s.draws[c][n.rho] {
				sum += v
			}
		}
		b.Notes = append(b.Notes, fmt.Sprintf("%s has AR(1) residuals (ar.%s, posterior mean %.3f): the change the intervention makes to %s's own residual persists as ar.%s^h at later periods, on its way to %s", x, x, sum/float64(s.nDraws), x, x, y))
	}
}
