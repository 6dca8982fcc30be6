package inference

import (
	"errors"
	"math"
	"math/rand/v2"
)

// This file holds one chain's No-U-Turn transition: Stan's multinomial NUTS
// (Betancourt 2017, "A Conceptual Introduction to Hamiltonian Monte Carlo",
// appendix A; Stan Reference Manual, "MCMC sampling"). The trajectory grows
// by doubling in a random direction. A new subtree replaces the current
// sample with probability min(1, w_new/w_old) (biased progressive sampling);
// inside a subtree the two halves are merged by multinomial sampling in
// proportion to their weights exp(H0 − H). Growth stops at a divergence
// (H − H0 > MaxDeltaH, NaN counting as infinite), at the maximum depth, or
// when the generalized U-turn criterion with sharp momenta p♯ = M⁻¹p fails
// across a merged trajectory or across either seam of the merge (the
// left half plus the first point of the right half, and the last point of
// the left half plus the right half).
//
// Every buffer is allocated once per chain (the per-depth buffers at the
// first tree of that depth), so a transition does not allocate.

// point is a phase-space point with the log density and its gradient at q.
type point struct {
	q, p, g []float64
	lp      float64
}

// state is a candidate sample: position, gradient, log density and the
// kinetic energy of its momentum (for energy__).
type state struct {
	q, g    []float64
	lp      float64
	kinetic float64
}

func newState(n int) state {
	return state{q: make([]float64, n), g: make([]float64, n)}
}

func (s *state) setPoint(z *point, kinetic float64) {
	copy(s.q, z.q)
	copy(s.g, z.g)
	s.lp = z.lp
	s.kinetic = kinetic
}

func (s *state) set(o *state) {
	copy(s.q, o.q)
	copy(s.g, o.g)
	s.lp = o.lp
	s.kinetic = o.kinetic
}

// level holds the buffers of a subtree of one depth ≥ 1 being built: its
// initial and final halves, their boundary momenta, sharp momenta and
// momentum sums, and the final half's proposal.
type level struct {
	pInitEnd, sInitEnd, rhoInit    []float64
	pFinalBeg, sFinalBeg, rhoFinal []float64
	propFinal                      state
}

func newLevel(n int) *level {
	buf := make([]float64, 6*n)
	next := func() []float64 {
		s := buf[:n:n]
		buf = buf[n:]
		return s
	}
	return &level{
		pInitEnd: next(), sInitEnd: next(), rhoInit: next(),
		pFinalBeg: next(), sFinalBeg: next(), rhoFinal: next(),
		propFinal: newState(n),
	}
}

// nuts is the transition kernel of one chain.
type nuts struct {
	target    Target
	n         int
	rng       *rand.Rand
	metric    *metric
	eps       float64
	maxDepth  int
	maxDeltaH float64
	gradEvals int64

	cur     state // the chain's current sample
	propose state
	fwd     point // forward end of the trajectory
	bck     point // backward end of the trajectory

	pFF, sFF, pFB, sFB       []float64 // forward part: its last and first momenta, plain and sharp
	pBF, sBF, pBB, sBB       []float64 // backward part: its last (forward-most) and first momenta
	rho, rhoFwd, rhoBck, tmp []float64
	levels                   []*level

	// Per-transition tallies.
	h0        float64
	nLeapfrog int
	sumMetro  float64
	divergent bool
}

func newNUTS(t Target, m *metric, r *rand.Rand, maxDepth int, maxDeltaH float64) *nuts {
	n := t.Dim()
	buf := make([]float64, 12*n)
	next := func() []float64 {
		s := buf[:n:n]
		buf = buf[n:]
		return s
	}
	u := &nuts{target: t, n: n, rng: r, metric: m, maxDepth: maxDepth, maxDeltaH: maxDeltaH}
	u.cur, u.propose = newState(n), newState(n)
	u.fwd = point{q: make([]float64, n), p: make([]float64, n), g: make([]float64, n)}
	u.bck = point{q: make([]float64, n), p: make([]float64, n), g: make([]float64, n)}
	u.pFF, u.sFF, u.pFB, u.sFB = next(), next(), next(), next()
	u.pBF, u.sBF, u.pBB, u.sBB = next(), next(), next(), next()
	u.rho, u.rhoFwd, u.rhoBck, u.tmp = next(), next(), next(), next()
	u.levels = make([]*level, maxDepth+1)
	return u
}

// logDensity evaluates the target and counts the evaluation.
func (u *nuts) logDensity(q, g []float64) float64 {
	u.gradEvals++
	return u.target.LogDensityGrad(q, g)
}

// setCurrent makes q the chain's current sample; lp and g must be the log
// density and gradient at q.
func (u *nuts) setCurrent(q, g []float64, lp float64) {
	copy(u.cur.q, q)
	copy(u.cur.g, g)
	u.cur.lp = lp
}

// leapfrog moves z by one explicit leapfrog step of size eps: half a step
// of momentum, a full step of position along M⁻¹p, half a step of momentum.
func (u *nuts) leapfrog(z *point, eps float64) {
	half := 0.5 * eps
	p, g, q := z.p, z.g[:len(z.p)], z.q[:len(z.p)]
	if !u.metric.dense {
		inv := u.metric.inv[:len(p)]
		for i := range p {
			pi := p[i] + half*g[i]
			p[i] = pi
			q[i] += eps * (inv[i] * pi)
		}
	} else {
		v := u.tmp[:len(p)]
		for i := range p {
			p[i] += half * g[i]
		}
		u.metric.sharp(p, v)
		for i := range q {
			q[i] += eps * v[i]
		}
	}
	z.lp = u.logDensity(z.q, z.g)
	for i := range p {
		p[i] += half * g[i]
	}
}

// energy returns the Hamiltonian −lp + kinetic, with NaN and −Inf (a
// target returning +Inf) made +Inf so that they count as divergent.
func energy(lp, kinetic float64) float64 {
	h := -lp + kinetic
	if math.IsNaN(h) || math.IsInf(h, -1) {
		return math.Inf(1)
	}
	return h
}

// transition runs one NUTS transition from the current sample and returns
// its statistics; the current sample becomes the selected state.
func (u *nuts) transition() Stats {
	fwd, bck := &u.fwd, &u.bck
	u.metric.sampleMomentum(u.rng, fwd.p)
	copy(fwd.q, u.cur.q)
	copy(fwd.g, u.cur.g)
	fwd.lp = u.cur.lp
	k0 := u.metric.sharp(fwd.p, u.sFF)
	copy(bck.q, fwd.q)
	copy(bck.p, fwd.p)
	copy(bck.g, fwd.g)
	bck.lp = fwd.lp
	copy(u.pFF, fwd.p)
	copy(u.pFB, fwd.p)
	copy(u.pBF, fwd.p)
	copy(u.pBB, fwd.p)
	copy(u.rho, fwd.p)
	copy(u.sFB, u.sFF)
	copy(u.sBF, u.sFF)
	copy(u.sBB, u.sFF)
	u.cur.kinetic = k0
	u.h0 = energy(u.cur.lp, k0)
	u.nLeapfrog, u.sumMetro, u.divergent = 0, 0, false

	logSumWeight := 0.0 // log of the weight exp(H0 − H0) of the initial point
	depth := 0
	for depth < u.maxDepth {
		clear(u.rhoFwd)
		clear(u.rhoBck)
		lswSub := math.Inf(-1)
		var valid bool
		if u.rng.Float64() > 0.5 {
			// Extend forward: the trajectory so far becomes the backward part.
			copy(u.rhoBck, u.rho)
			copy(u.pBF, u.pFF)
			copy(u.sBF, u.sFF)
			valid = u.build(depth, fwd, 1, &u.propose, u.sFB, u.sFF, u.rhoFwd, u.pFB, u.pFF, &lswSub)
		} else {
			// Extend backward: the trajectory so far becomes the forward part.
			copy(u.rhoFwd, u.rho)
			copy(u.pFB, u.pBB)
			copy(u.sFB, u.sBB)
			valid = u.build(depth, bck, -1, &u.propose, u.sBF, u.sBB, u.rhoBck, u.pBF, u.pBB, &lswSub)
		}
		if !valid {
			break
		}
		depth++

		// Biased progressive sampling of the new subtree.
		if lswSub > logSumWeight {
			u.cur.set(&u.propose)
		} else if u.rng.Float64() < math.Exp(lswSub-logSumWeight) {
			u.cur.set(&u.propose)
		}
		logSumWeight = logSumExp(logSumWeight, lswSub)

		clear(u.rho)
		if !mergeFree(u.sBB, u.sBF, u.pBF, u.rhoBck, u.sFB, u.sFF, u.pFB, u.rhoFwd, u.rho) {
			break
		}
	}

	div := u.divergent
	return Stats{
		LogDensity:  u.cur.lp,
		AcceptStat:  u.sumMetro / float64(u.nLeapfrog),
		StepSize:    u.eps,
		TreeDepth:   depth,
		NumLeapfrog: u.nLeapfrog,
		Divergent:   div,
		Energy:      -u.cur.lp + u.cur.kinetic,
	}
}

// build grows a subtree of 2^depth leapfrog steps from z in direction sign,
// leaving z at its far end. It adds the subtree's log weight to *lsw and its
// momenta to rho (which is zero on entry), writes its proposal into prop,
// its first and last momenta into pBeg and pEnd and their sharp forms into
// sBeg and sEnd. It returns false when the subtree diverged or contains a
// U-turn, in which case the trajectory must not grow further.
func (u *nuts) build(depth int, z *point, sign float64, prop *state,
	sBeg, sEnd, rho, pBeg, pEnd []float64, lsw *float64) bool {
	if depth == 0 {
		u.leapfrog(z, sign*u.eps)
		u.nLeapfrog++
		k := u.leaf(z.p, sBeg, sEnd, rho, pBeg, pEnd)
		h := energy(z.lp, k)
		if h-u.h0 > u.maxDeltaH {
			u.divergent = true
		}
		d := u.h0 - h
		*lsw = logSumExp(*lsw, d)
		if d > 0 {
			u.sumMetro++
		} else {
			u.sumMetro += math.Exp(d)
		}
		prop.setPoint(z, k)
		return !u.divergent
	}

	lv := u.levels[depth]
	if lv == nil {
		lv = newLevel(u.n)
		u.levels[depth] = lv
	}

	clear(lv.rhoInit)
	lswInit := math.Inf(-1)
	if !u.build(depth-1, z, sign, prop, sBeg, lv.sInitEnd, lv.rhoInit, pBeg, lv.pInitEnd, &lswInit) {
		return false
	}
	clear(lv.rhoFinal)
	lswFinal := math.Inf(-1)
	if !u.build(depth-1, z, sign, &lv.propFinal, lv.sFinalBeg, sEnd, lv.rhoFinal, lv.pFinalBeg, pEnd, &lswFinal) {
		return false
	}

	// Multinomial sampling between the two halves.
	lswSub := logSumExp(lswInit, lswFinal)
	*lsw = logSumExp(*lsw, lswSub)
	if lswFinal > lswSub {
		prop.set(&lv.propFinal)
	} else if u.rng.Float64() < math.Exp(lswFinal-lswSub) {
		prop.set(&lv.propFinal)
	}

	return mergeFree(sBeg, lv.sInitEnd, lv.pInitEnd, lv.rhoInit, lv.sFinalBeg, sEnd, lv.pFinalBeg, lv.rhoFinal, rho)
}

// leaf records the momentum p of a new leaf: its sharp form into sBeg and
// sEnd, p itself into pBeg and pEnd, and p added to rho. It returns the
// kinetic energy.
func (u *nuts) leaf(p, sBeg, sEnd, rho, pBeg, pEnd []float64) float64 {
	n := len(p)
	sBeg, sEnd, rho, pBeg, pEnd = sBeg[:n], sEnd[:n], rho[:n], pBeg[:n], pEnd[:n]
	var k float64
	if !u.metric.dense {
		inv := u.metric.inv[:n]
		for i, pi := range p {
			v := inv[i] * pi
			k += pi * v
			sBeg[i], sEnd[i] = v, v
			rho[i] += pi
			pBeg[i], pEnd[i] = pi, pi
		}
		return 0.5 * k
	}
	k = u.metric.sharp(p, sBeg)
	copy(sEnd, sBeg)
	for i, pi := range p {
		rho[i] += pi
	}
	copy(pBeg, p)
	copy(pEnd, p)
	return k
}

// mergeFree joins a left part L and a right part R that follows it along
// the trajectory, adding the momentum sum of the whole to rho, and applies
// the generalized U-turn criterion three times: across the whole, across L
// plus the first point of R, and across the last point of L plus R. sLBeg,
// sLEnd are L's first and last sharp momenta, pLEnd its last momentum and
// rhoL its momentum sum; likewise for R. The six dot products are taken in
// one pass.
func mergeFree(sLBeg, sLEnd, pLEnd, rhoL, sRBeg, sREnd, pRBeg, rhoR, rho []float64) bool {
	n := len(rho)
	sLBeg, sLEnd, pLEnd, rhoL = sLBeg[:n], sLEnd[:n], pLEnd[:n], rhoL[:n]
	sRBeg, sREnd, pRBeg, rhoR = sRBeg[:n], sREnd[:n], pRBeg[:n], rhoR[:n]
	var whole1, whole2, left1, left2, right1, right2 float64
	for i := range rho {
		s := rhoL[i] + rhoR[i]
		rho[i] += s
		whole1 += sREnd[i] * s
		whole2 += sLBeg[i] * s
		a := rhoL[i] + pRBeg[i]
		left1 += sRBeg[i] * a
		left2 += sLBeg[i] * a
		b := rhoR[i] + pLEnd[i]
		right1 += sREnd[i] * b
		right2 += sLEnd[i] * b
	}
	return whole1 > 0 && whole2 > 0 && left1 > 0 && left2 > 0 && right1 > 0 && right2 > 0
}

// logSumExp returns log(exp(a) + exp(b)) without overflow.
func logSumExp(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	if math.IsInf(b, -1) {
		return a
	}
	if a > b {
		return a + math.Log1p(math.Exp(b-a))
	}
	return b + math.Log1p(math.Exp(a-b))
}

// errImproper and errNoStepSize are the failures of the step-size
// heuristic.
var (
	errImproper   = errors.New("step-size search passed 1e7: the posterior may be improper; check the model")
	errNoStepSize = errors.New("step-size search reached 0: no acceptably small step size (is the log density continuous?)")
)

// initStepSize is Stan's step-size heuristic: from the current sample, with
// a fresh momentum each time, take one leapfrog step and double (or halve)
// the step size until the acceptance probability of that step crosses 0.8.
func (u *nuts) initStepSize() error {
	if u.eps == 0 || u.eps > 1e7 || math.IsNaN(u.eps) {
		return nil
	}
	log08 := math.Log(0.8)
	dir := 1
	if !(u.oneStep() > log08) {
		dir = -1
	}
	for {
		dH := u.oneStep()
		if dir == 1 && !(dH > log08) {
			break
		}
		if dir == -1 && !(dH < log08) {
			break
		}
		if dir == 1 {
			u.eps *= 2
		} else {
			u.eps *= 0.5
		}
		if u.eps > 1e7 {
			return errImproper
		}
		if u.eps == 0 {
			return errNoStepSize
		}
	}
	return nil
}

// oneStep takes one leapfrog step from the current sample with a fresh
// momentum and returns H0 − H.
func (u *nuts) oneStep() float64 {
	z := &u.fwd
	copy(z.q, u.cur.q)
	copy(z.g, u.cur.g)
	z.lp = u.cur.lp
	u.metric.sampleMomentum(u.rng, z.p)
	h0 := -z.lp + u.metric.sharp(z.p, u.tmp)
	u.leapfrog(z, u.eps)
	h := -z.lp + u.metric.sharp(z.p, u.tmp)
	if math.IsNaN(h) {
		h = math.Inf(1)
	}
	return h0 - h
}
