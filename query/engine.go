package query

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// action is one assignment resolved against the system.
type action struct {
	node    int
	kind    Kind
	value   float64   // the value to set, or the shift (sd already applied)
	perUnit []float64 // Quantile: the unit's own quantile (NaN: no values)
	// perRow, when set, is the value to set at each row (a shift in a
	// column's own units through a nonlinear transform, units.go); push
	// is then the shift's direction.
	perRow []float64
	push   float64
	shown  float64 // the shift in the query's units (for reports)
	desc   string  // what the action does, in words ("" to derive it)
}

// world is an intervention resolved against the system: act[v] is the index
// into acts of the action on node v, or −1.
type world struct {
	acts []action
	act  []int
}

func (s *system) newWorld(acts []action) world {
	w := world{acts: acts, act: make([]int, len(s.nodes))}
	for i := range w.act {
		w.act[i] = -1
	}
	for k, a := range acts {
		w.act[a.node] = k
	}
	return w
}

// scenario is one world to contrast with the job's base world. Nodes in
// block keep the base world's values (for natural direct effects).
type scenario struct {
	w     world
	block []bool
}

// job is one propagation over the rows and draws: several scenarios
// contrasted with a base world, on one outcome, over periods 0 … horizon.
type job struct {
	scen    []scenario
	base    world
	outcome int
	horizon int
	pulse   bool // a one-period intervention at period 0 (else sustained)
	cf      bool // counterfactual: abduct each unit's noise (else population average)
	seed    uint64
	starts  []int // rows where the intervention starts (period 0)
	keepRow bool  // keep each start row's per-draw values
	// out, when set, maps the outcome's changes to its column's own units
	// row by row (units.go); res.eta stays on the fit's scale.
	out *rawOutcome
}

// jobResult holds per-draw effects.
type jobResult struct {
	// mean[k][h][d]: scenario k's effect on the outcome at period h, draw
	// d, averaged over the valid start rows (outcome scale: value or
	// expected value).
	mean [][][]float64
	// eta[k][h][d]: the same on the outcome's linear-predictor scale.
	eta [][][]float64
	// count[h]: how many start rows are valid at period h.
	count []int
	// valid[i][h]: start row i has a valid answer at period h.
	valid [][]bool
	// target[i][h]: the row of start i at period h (−1 if none).
	target [][]int
	// perRow[k][i][h][d] when keepRow: scenario k's effect at start i.
	perRow [][][][]float64
	// approx lists nonlinear nodes whose expected value enters another
	// nonlinear equation (the plug-in is then an approximation).
	approx []string
}

// plan holds what a job needs that does not depend on the draws.
type jobPlan struct {
	nw      int        // worlds: 0 = base, 1 … = scenarios
	aff     [][][]bool // [w][h][v] the node's value may differ from the factual
	active  [][][]bool // [w][h][v] the node is intervened on
	needEta [][]bool   // [h][v] the node's factual linear predictor is needed
	block   [][]bool   // [w][v]
	// rowConst[w][h][v]: the node's linear-predictor change is the same at
	// every row (shifts propagated through linear equations only), so
	// functions of it can be computed once per draw.
	rowConst [][][]bool
	acts     []world
	// marg[v]: node v's factual linear predictor has latent parents whose
	// values the fit did not keep; its expected value is integrated over
	// their noise.
	marg []bool
	// fuse[h][v] lists the worlds whose change of nonlinear node v at
	// period h is computed in one pass with its factual mean (fusedMeans):
	// population averages where the change of the linear predictor is the
	// same at every row; fused[w][h][v] marks them.
	fuse  [][][]int
	fused [][][]bool
}

// fuseWorlds enables the fused pass; tests turn it off to compare with the
// world-by-world path.
var fuseWorlds = true

func (j *job) world(w int) world {
	if w == 0 {
		return j.base
	}
	return j.scen[w-1].w
}

func (s *system) planJob(j *job) (*jobPlan, []string) {
	nw := 1 + len(j.scen)
	H := j.horizon
	p := &jobPlan{nw: nw}
	p.aff = make([][][]bool, nw)
	p.active = make([][][]bool, nw)
	p.block = make([][]bool, nw)
	carries := make([][][]bool, nw)
	approx := map[string]bool{}
	// rel[h][v]: node v at period h can reach the outcome at some period
	// up to H; other nodes need not be computed.
	rel := make([][]bool, H+1)
	for h := H; h >= 0; h-- {
		rel[h] = make([]bool, len(s.nodes))
		rel[h][j.outcome] = true
		// A lagged edge may come from a node later in topological order:
		// repeat until nothing changes.
		for changed := true; changed; {
			changed = false
			for v := len(s.nodes) - 1; v >= 0; v-- {
				// AR(1) residuals carry v's change at h to h + 1 (ar.go).
				if s.nodes[v].hasAR && h < H && rel[h+1][v] && !rel[h][v] {
					rel[h][v] = true
					changed = true
				}
				for _, t := range s.nodes[v].terms {
					// The parent at period h reaches v at h + lag.
					if hv := h + t.lag; hv <= H && rel[hv][v] && !rel[h][t.parent] {
						rel[h][t.parent] = true
						changed = true
					}
				}
			}
		}
	}
	for w := 0; w < nw; w++ {
		p.acts = append(p.acts, j.world(w))
		if w > 0 {
			p.block[w] = j.scen[w-1].block
		}
		p.aff[w] = make([][]bool, H+1)
		p.active[w] = make([][]bool, H+1)
		carries[w] = make([][]bool, H+1)
		wd := j.world(w)
		for h := 0; h <= H; h++ {
			aff := make([]bool, len(s.nodes))
			act := make([]bool, len(s.nodes))
			car := make([]bool, len(s.nodes))
			for v, n := range s.nodes {
				if !rel[h][v] {
					continue
				}
				if wd.act[v] >= 0 && (!j.pulse || h == 0) {
					act[v], aff[v] = true, true
					continue
				}
				if p.block[w] != nil && p.block[w][v] {
					aff[v] = p.aff[0][h][v]
					car[v] = carries[0][h][v]
					continue
				}
				nlIn := false
				for _, t := range n.terms {
					if h-t.lag < 0 {
						continue
					}
					var pa, pc bool
					if h-t.lag == h {
						pa, pc = aff[t.parent], car[t.parent]
					} else {
						pa, pc = p.aff[w][h-t.lag][t.parent], carries[w][h-t.lag][t.parent]
					}
					if pa {
						aff[v] = true
						nlIn = nlIn || pc
					}
				}
				if n.hasAR && h > 0 && p.aff[w][h-1][v] {
					// A change of v's residual persists (ar.go).
					aff[v] = true
					nlIn = nlIn || carries[w][h-1][v]
				}
				if aff[v] && !j.cf && s.productApprox(p, w, h, n, aff, car, carries) { // moderation.go
					approx[n.name] = true
				}
				if aff[v] {
					if n.linear() {
						car[v] = nlIn
					} else {
						car[v] = true
						if nlIn && !j.cf {
							approx[n.name] = true
						}
					}
				}
			}
			p.aff[w][h], p.active[w][h], carries[w][h] = aff, act, car
		}
	}
	p.rowConst = make([][][]bool, nw)
	for w := 0; w < nw; w++ {
		p.rowConst[w] = make([][]bool, H+1)
		for h := 0; h <= H; h++ {
			rc := make([]bool, len(s.nodes))
			for v, n := range s.nodes {
				if !p.aff[w][h][v] {
					rc[v] = true
					continue
				}
				if p.active[w][h][v] {
					k := p.acts[w].act[v]
					kind := p.acts[w].acts[k].kind
					rc[v] = kind == Shift || kind == ShiftSD
					continue
				}
				if p.block[w] != nil && p.block[w][v] {
					rc[v] = w == 0 || p.rowConst[0][h][v]
					continue
				}
				// The change of the linear predictor: constant when every
				// affected parent's change is constant and the parent is
				// linear (a nonlinear parent's change depends on the row).
				ok := true
				for _, t := range n.terms {
					hp := h - t.lag
					if hp < 0 || !p.aff[w][hp][t.parent] {
						continue
					}
					pn := s.nodes[t.parent]
					pc := rc[t.parent]
					if hp != h {
						pc = p.rowConst[w][hp][t.parent]
					}
					pActive := p.active[w][hp][t.parent]
					if !pc || (!pn.linear() && !pActive) || t.vary != nil { // a strength varying by unit differs by row
						ok = false
					}
				}
				if n.hasAR && h > 0 && p.aff[w][h-1][v] && !p.rowConst[w][h-1][v] {
					ok = false // the residual's change carried from h − 1 (ar.go)
				}
				if ok && s.productMoves(p, w, h, n) { // moderation.go
					ok = false
				}
				rc[v] = ok
			}
			p.rowConst[w][h] = rc
		}
	}
	p.needEta = make([][]bool, H+1)
	for h := 0; h <= H; h++ {
		p.needEta[h] = make([]bool, len(s.nodes))
		for v, n := range s.nodes {
			if n.linear() || n.kind == kindExogenous {
				continue
			}
			for w := 0; w < nw; w++ {
				if p.aff[w][h][v] && !p.active[w][h][v] && !(p.block[w] != nil && p.block[w][v]) {
					p.needEta[h][v] = true
				}
			}
		}
	}
	p.marg = make([]bool, len(s.nodes))
	for h := 0; h <= H; h++ {
		for v, n := range s.nodes {
			if p.needEta[h][v] && s.margParents(n) {
				p.marg[v] = true
			}
		}
	}
	p.fuse = make([][][]int, H+1)
	p.fused = make([][][]bool, nw)
	for w := range p.fused {
		p.fused[w] = make([][]bool, H+1)
		for h := range p.fused[w] {
			p.fused[w][h] = make([]bool, len(s.nodes))
		}
	}
	for h := 0; h <= H; h++ {
		p.fuse[h] = make([][]int, len(s.nodes))
		if j.cf || !fuseWorlds {
			continue
		}
		for v := range s.nodes {
			if !p.needEta[h][v] {
				continue
			}
			for w := 0; w < nw; w++ {
				if p.aff[w][h][v] && !p.active[w][h][v] && !(p.block[w] != nil && p.block[w][v]) && p.rowConst[w][h][v] {
					p.fuse[h][v] = append(p.fuse[h][v], w)
					p.fused[w][h][v] = true
				}
			}
		}
	}
	var out []string
	for _, n := range s.nodes {
		if approx[n.name] {
			out = append(out, n.name)
		}
	}
	return p, out
}

// latentNeeds returns an error when the job needs latent values the fit
// did not keep and cannot integrate over: a counterfactual (its abduction
// needs the unit's own values), a latent outcome's factual level, or a
// latent node set to a value.
func (s *system) latentNeeds(j *job) error {
	p, _ := s.planJob(j)
	for v, n := range s.nodes {
		if j.cf && p.marg[v] {
			for _, t := range n.terms {
				if q := s.nodes[t.parent]; q.kind == kindLatent && !q.etaOK {
					return latentValuesError(q.name, "the counterfactual of "+n.name)
				}
			}
		}
		if n.kind != kindLatent || n.etaOK {
			continue
		}
		if j.cf && v == j.outcome {
			return latentValuesError(n.name, "the factual value of the outcome")
		}
		for w := 0; w < p.nw; w++ {
			if k := p.acts[w].act[v]; k >= 0 {
				if kind := p.acts[w].acts[k].kind; kind == Set || kind == Quantile {
					return latentValuesError(n.name, "setting it to a value")
				}
			}
		}
	}
	return nil
}

// leadRow returns the row of r's unit h periods later, or −1.
func (s *system) leadRow(r, h int) int {
	if h == 0 {
		return r
	}
	return s.lagRow(r, -h)
}

// validity works out, per start row and period, whether every factual value
// the propagation needs exists.
func (s *system) validity(j *job, p *jobPlan) (valid [][]bool, target [][]int, count []int) {
	H := j.horizon
	count = make([]int, H+1)
	valid = make([][]bool, len(j.starts))
	target = make([][]int, len(j.starts))
	y := s.nodes[j.outcome]
	for i, st := range j.starts {
		valid[i] = make([]bool, H+1)
		target[i] = make([]int, H+1)
		chain := true
		for h := 0; h <= H; h++ {
			r := s.leadRow(st, h)
			target[i][h] = r
			if chain {
				chain = s.factualsExist(j, p, h, r)
			}
			ok := chain && r >= 0
			if ok {
				if j.cf {
					ok = y.defined(r)
				} else {
					ok = y.eqRow[r]
				}
			}
			valid[i][h] = ok
			if ok {
				count[h]++
			}
		}
	}
	return valid, target, count
}

// factualsExist reports whether period h at row r (−1: the period has no
// row) has what the propagation needs.
func (s *system) factualsExist(j *job, p *jobPlan, h, r int) bool {
	for v, n := range s.nodes {
		if !s.productFactuals(p, h, n, r) { // moderation.go
			return false
		}
		if p.needEta[h][v] {
			if r < 0 {
				return false
			}
			for k := range n.terms {
				if !s.termDefined(&n.terms[k], r) {
					return false
				}
			}
			if j.cf && !n.defined(r) {
				return false
			}
		}
		for w := 0; w < p.nw; w++ {
			if !p.active[w][h][v] {
				continue
			}
			a := p.acts[w].acts[p.acts[w].act[v]]
			switch a.kind {
			case Set:
				if !n.defined(r) || a.perRow != nil && math.IsNaN(a.perRow[r]) {
					return false
				}
			case Quantile:
				if r < 0 || !n.defined(r) || math.IsNaN(a.perUnit[s.unitOf(r)]) {
					return false
				}
			}
		}
	}
	return true
}

// run executes a job over every draw, in parallel over blocks of draws. The
// result does not depend on the number of workers.
func (s *system) run(j *job) *jobResult {
	p, approx := s.planJob(j)
	valid, target, count := s.validity(j, p)
	H := j.horizon
	S := len(j.scen)
	res := &jobResult{count: count, valid: valid, target: target, approx: approx}
	res.mean = make([][][]float64, S)
	res.eta = make([][][]float64, S)
	linOut := s.nodes[j.outcome].linear() && j.out == nil
	for k := range res.mean {
		res.mean[k] = make([][]float64, H+1)
		res.eta[k] = make([][]float64, H+1)
		for h := range res.mean[k] {
			res.mean[k][h] = make([]float64, s.nDraws)
			if linOut {
				// The linear predictor of a linear node is its value.
				res.eta[k][h] = res.mean[k][h]
			} else {
				res.eta[k][h] = make([]float64, s.nDraws)
			}
		}
	}
	if j.keepRow {
		res.perRow = make([][][][]float64, S)
		for k := range res.perRow {
			res.perRow[k] = make([][][]float64, len(j.starts))
			for i := range res.perRow[k] {
				res.perRow[k][i] = make([][]float64, H+1)
				for h := range res.perRow[k][i] {
					if valid[i][h] {
						res.perRow[k][i][h] = make([]float64, s.nDraws)
					}
				}
			}
		}
	}
	type task struct{ c, lo, hi int }
	const block = 256
	var tasks []task
	for c := range s.draws {
		n := len(s.draws[c][0])
		for lo := 0; lo < n; lo += block {
			tasks = append(tasks, task{c, lo, min(n, lo+block)})
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(tasks))
	ch := make(chan task)
	var wg sync.WaitGroup
	var fault sync.Once
	var panicked any
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A fault in a worker is raised again in the caller's
			// goroutine, where the command reports it in one line.
			defer func() {
				if r := recover(); r != nil {
					fault.Do(func() { panicked = r })
					for range ch {
					}
				}
			}()
			wk := s.newWorker(j, p, block)
			for t := range ch {
				wk.do(t.c, t.lo, t.hi, res)
			}
		}()
	}
	for _, t := range tasks {
		ch <- t
	}
	close(ch)
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
	for k := range res.mean {
		for h := range res.mean[k] {
			if count[h] == 0 {
				for d := range res.mean[k][h] {
					res.mean[k][h][d] = math.NaN()
					if !linOut {
						res.eta[k][h][d] = math.NaN()
					}
				}
				continue
			}
			inv := 1 / float64(count[h])
			for d := range res.mean[k][h] {
				res.mean[k][h][d] *= inv
				if !linOut {
					res.eta[k][h][d] *= inv
				}
			}
		}
	}
	return res
}

// worker holds one goroutine's scratch vectors (one entry per draw of a
// block).
type worker struct {
	s     *system
	j     *job
	p     *jobPlan
	delta [][][][]float64 // [w][h][v][i]
	deta  [][][]float64   // [w][h][i] the outcome's linear-predictor change
	deC   [][][][]float64 // [w][h][v][i] a nonlinear node's row-constant linear-predictor change
	haveD [][][]bool      // [w][h][v] this block's row-constant change is computed
	eF    [][][]float64   // [h][v][i] factual linear predictor
	eps   [][][]float64   // [h][v][i] abducted noise (cf), or for the outcome the noise interval's lower end
	epsHi [][]float64     // [h][i] the outcome's noise interval upper end (cf)
	tmp   []float64
	tmp2  []float64
	// arMu[w][h][v] is, for a node with AR(1) residuals, the change of its
	// linear predictor (its change minus arMu is its residual's, ar.go).
	arMu [][][][]float64
	// slope holds a strength varying by unit at the current row's unit
	// (strength, slopes.go); unit is the layout unit of the row step works on.
	slope []float64
	unit  int
	// fE, fOut are fusedMeans' lists of the fused worlds' de and changes.
	fE, fOut [][]float64
	expC     [][]float64   // [v][i·K+k] exp(cutpoint k) of threshold node v at draw i; [v][i] MeanScale of an ExpMean node
	parC     [][]float64   // [v][i·P+k] family parameter k of nonlinear node v at draw i
	e0       [][][]float64 // [h][v][i] exp(−eF) (threshold), exp(eF) (ExpMean) or eF (other families)
	m0       [][][]float64 // [h][v][i] the factual expected value m(eF)
	expDe    [][][][]float64
	have     [][][]bool // [w][h][v] expDe holds this block's row-constant exp(∓de)
	rngs     []*rand.Rand
	// For nodes whose latent parents' values were not kept: muBuf[L] the
	// structural mean of latent L, and for node v each draw's quadrature
	// factors exp(−s·z_q) and weights (see quadSetup).
	muBuf [][]float64
	qz    [][]float64
	qw    [][]float64
	qoff  [][]int
	// For such an ordered node v, each draw's expected value as a function
	// of the linear predictor, tabulated (see tabSetup): tabN[v] points per
	// draw from tabLo[v][i].
	tab     [][]float64
	tabLo   [][]float64
	tabLast [][]float64 // the last point of draw i's own grid
	tabN    []int
	// r is the row being propagated (moderation.go reads the factual
	// values of an interaction's factors there).
	r int
}

func (s *system) newWorker(j *job, p *jobPlan, n int) *worker {
	H := j.horizon
	N := len(s.nodes)
	wk := &worker{s: s, j: j, p: p, tmp: make([]float64, n), tmp2: make([]float64, n), slope: make([]float64, n)}
	vec := func() []float64 { return make([]float64, n) }
	wk.delta = make([][][][]float64, p.nw)
	for w := range wk.delta {
		wk.delta[w] = make([][][]float64, H+1)
		for h := range wk.delta[w] {
			wk.delta[w][h] = make([][]float64, N)
			for v := range N {
				if p.aff[w][h][v] {
					wk.delta[w][h][v] = vec()
				}
			}
		}
	}
	wk.deta = make([][][]float64, p.nw)
	wk.deC = make([][][][]float64, p.nw)
	wk.haveD = make([][][]bool, p.nw)
	for w := range wk.deta {
		wk.deta[w] = make([][]float64, H+1)
		wk.deC[w] = make([][][]float64, H+1)
		wk.haveD[w] = make([][]bool, H+1)
		for h := range wk.deta[w] {
			wk.deta[w][h] = vec()
			wk.deC[w][h] = make([][]float64, N)
			wk.haveD[w][h] = make([]bool, N)
			for v := range N {
				if p.rowConst[w][h][v] && p.aff[w][h][v] {
					wk.deC[w][h][v] = vec()
				}
			}
		}
	}
	wk.arMu = s.arBuffers(p, H, n) // ar.go
	wk.eF = make([][][]float64, H+1)
	wk.eps = make([][][]float64, H+1)
	wk.epsHi = make([][]float64, H+1)
	for h := range wk.eF {
		wk.eF[h] = make([][]float64, N)
		wk.eps[h] = make([][]float64, N)
		for v := range N {
			if p.needEta[h][v] {
				wk.eF[h][v] = vec()
				if j.cf {
					wk.eps[h][v] = vec()
				}
			}
		}
		if j.cf {
			wk.epsHi[h] = vec()
		}
	}
	wk.expC = make([][]float64, N)
	wk.parC = make([][]float64, N)
	for v, nd := range s.nodes {
		if nd.kind != kindEquation || nd.linear() {
			continue
		}
		switch {
		case nd.thr != nil:
			wk.expC[v] = make([]float64, n*nd.ncut)
		case nd.expm != nil:
			wk.expC[v] = make([]float64, n)
		}
		wk.parC[v] = make([]float64, n*nd.width())
	}
	wk.e0 = make([][][]float64, H+1)
	wk.m0 = make([][][]float64, H+1)
	for h := range wk.e0 {
		wk.e0[h] = make([][]float64, N)
		wk.m0[h] = make([][]float64, N)
		for v := range N {
			if p.needEta[h][v] && !j.cf {
				wk.e0[h][v], wk.m0[h][v] = vec(), vec()
			}
		}
	}
	wk.muBuf = make([][]float64, N)
	wk.qz = make([][]float64, N)
	wk.qw = make([][]float64, N)
	wk.qoff = make([][]int, N)
	wk.tab, wk.tabLo, wk.tabLast, wk.tabN = make([][]float64, N), make([][]float64, N), make([][]float64, N), make([]int, N)
	for v, nd := range s.nodes {
		if nd.kind == kindLatent && !nd.etaOK {
			wk.muBuf[v] = vec()
		}
		if p.marg[v] {
			wk.qz[v] = make([]float64, 0, n*maxQuadNodes)
			wk.qw[v] = make([]float64, 0, n*maxQuadNodes)
			wk.qoff[v] = make([]int, 0, n+1)
		}
		if nd.tabulated() && !j.cf && tabulate {
			wk.tabLo[v], wk.tabLast[v] = vec(), vec()
			if !p.marg[v] {
				// No noise to integrate: a one-point rule.
				wk.qz[v], wk.qw[v], wk.qoff[v] = make([]float64, n), make([]float64, n), make([]int, n+1)
				for i := range n {
					wk.qz[v][i], wk.qw[v][i], wk.qoff[v][i+1] = 1, 1, i+1
				}
			}
		}
	}
	wk.expDe = make([][][][]float64, p.nw)
	wk.have = make([][][]bool, p.nw)
	for w := range wk.expDe {
		wk.expDe[w] = make([][][]float64, H+1)
		wk.have[w] = make([][]bool, H+1)
		for h := range wk.expDe[w] {
			wk.expDe[w][h] = make([][]float64, N)
			wk.have[w][h] = make([]bool, N)
			for v := range N {
				if p.needEta[h][v] && p.rowConst[w][h][v] && !j.cf {
					wk.expDe[w][h][v] = vec()
				}
			}
		}
	}
	return wk
}

// col returns parameter j's draws lo … hi−1 of chain c.
func (wk *worker) col(c, j, lo, hi int) []float64 { return wk.s.draws[c][j][lo:hi] }

// factual writes node v's factual value at row r into out.
func (wk *worker) factual(v, r, c, lo, hi int, out []float64) {
	n := wk.s.nodes[v]
	if n.kind == kindLatent {
		copy(out, wk.col(c, n.eta[r], lo, hi))
		return
	}
	if d := wk.imputedDraws(v, r, c, lo, hi); d != nil {
		copy(out, d)
		return
	}
	x := n.obs[r]
	for i := range out {
		out[i] = x
	}
}

// linPred writes node v's factual linear predictor at row r into out.
func (wk *worker) linPred(v, r, c, lo, hi int, out []float64) {
	s := wk.s
	n := s.nodes[v]
	clear(out)
	if n.a >= 0 {
		a := wk.col(c, n.a, lo, hi)
		copy(out, a)
	}
	if u := n.u[s.unitOf(r)]; u >= 0 {
		add(out, wk.col(c, u, lo, hi))
	}
	if t := s.timeOf(r); t >= 0 && n.g[t] >= 0 {
		add(out, wk.col(c, n.g[t], lo, hi))
	}
	if n.off != nil {
		for i := range out {
			out[i] += n.off[r]
		}
	}
	for k := range n.terms {
		t := &n.terms[k]
		b := wk.strength(t, s.unitOf(r), c, lo, hi) // b, or the unit's own b + v_j
		if t.x != nil {
			if d := wk.termImputed(t, r, c, lo, hi); d != nil {
				for i := range out {
					out[i] += b[i] * d[i]
				}
				continue
			}
			axpy(out, t.x[r], b)
			continue
		}
		var e []float64
		if pn := s.nodes[t.parent]; pn.etaOK {
			e = wk.col(c, pn.eta[s.lagRow(r, t.lag)], lo, hi)
		} else {
			e = wk.latMean(t.parent, s.lagRow(r, t.lag), c, lo, hi)
		}
		for i := range out {
			out[i] += b[i] * e[i]
		}
	}
}

// do runs the job for draws lo … hi−1 of chain c, adding into res.
func (wk *worker) do(c, lo, hi int, res *jobResult) {
	s, j, p := wk.s, wk.j, wk.p
	m := hi - lo
	off := s.offset[c] + lo
	for v := range s.nodes {
		wk.familyBlock(v, c, lo, hi)
	}
	for w := range wk.have {
		for h := range wk.have[w] {
			clear(wk.have[w][h])
			clear(wk.haveD[w][h])
		}
	}
	for v := range s.nodes {
		if p.marg[v] && !j.cf {
			wk.quadSetup(v, c, lo, hi)
		}
		if wk.tabLo[v] != nil {
			wk.tabSetup(v, c, lo, hi)
		}
	}
	if j.cf {
		wk.rngs = wk.rngs[:0]
		for i := 0; i < m; i++ {
			wk.rngs = append(wk.rngs, rand.New(rand.NewPCG(j.seed, uint64(off+i))))
		}
	}
	Y := j.outcome
	linOut := s.nodes[Y].linear() && j.out == nil
	for si := range j.starts {
		last := -1
		for h := j.horizon; h >= 0; h-- {
			if res.valid[si][h] {
				last = h
				break
			}
		}
		if last < 0 {
			continue
		}
		for h := 0; h <= last; h++ {
			r := res.target[si][h]
			wk.r = r // the row productChange reads factual values at
			for v := range s.nodes {
				if p.needEta[h][v] {
					eF := wk.eF[h][v][:m]
					wk.linPred(v, r, c, lo, hi, eF)
					wk.setTrials(v, r, m)
					if j.cf {
						wk.abduct(v, r, h, c, lo, hi, v == Y)
					} else {
						wk.fusedMeans(h, v, c, lo, hi)
					}
				}
				for w := 0; w < p.nw; w++ {
					if !p.aff[w][h][v] {
						continue
					}
					wk.step(w, h, v, r, c, lo, hi)
				}
			}
			if !res.valid[si][h] {
				continue
			}
			for k := 0; k < p.nw-1; k++ {
				mean := res.mean[k][h][off : off+m]
				var eta []float64
				if !linOut {
					eta = res.eta[k][h][off : off+m]
				}
				var d1, d0, e1, e0 []float64
				if p.aff[k+1][h][Y] {
					d1, e1 = wk.delta[k+1][h][Y][:m], wk.deta[k+1][h][:m]
				}
				if p.aff[0][h][Y] {
					d0, e0 = wk.delta[0][h][Y][:m], wk.deta[0][h][:m]
				}
				if j.out != nil {
					j.out.acc(mean, r, d1, d0, false)
				} else {
					accDiff(mean, d1, d0)
				}
				if eta != nil {
					accDiff(eta, e1, e0)
				}
				if j.keepRow {
					if j.out != nil {
						j.out.acc(res.perRow[k][si][h][off:off+m], r, d1, d0, true)
					} else {
						setDiff(res.perRow[k][si][h][off:off+m], d1, d0)
					}
				}
			}
		}
	}
}

// accDiff adds a[i] − b[i] to dst[i]; a nil slice counts as zeros.
func accDiff(dst, a, b []float64) {
	switch {
	case a != nil && b != nil:
		a, b = a[:len(dst)], b[:len(dst)]
		for i := range dst {
			dst[i] += a[i] - b[i]
		}
	case a != nil:
		a = a[:len(dst)]
		for i := range dst {
			dst[i] += a[i]
		}
	case b != nil:
		b = b[:len(dst)]
		for i := range dst {
			dst[i] -= b[i]
		}
	}
}

// setDiff sets dst[i] = a[i] − b[i]; a nil slice counts as zeros.
func setDiff(dst, a, b []float64) {
	switch {
	case a != nil && b != nil:
		a, b = a[:len(dst)], b[:len(dst)]
		for i := range dst {
			dst[i] = a[i] - b[i]
		}
	case a != nil:
		copy(dst, a)
	case b != nil:
		b = b[:len(dst)]
		for i := range dst {
			dst[i] = -b[i]
		}
	default:
		clear(dst)
	}
}

// linChange writes into de the change of node v's linear predictor in
// world w at period h: Σ strength × the parent's change.
func (wk *worker) linChange(w, h, v, c, lo, hi int, de []float64) {
	p := wk.p
	n := wk.s.nodes[v]
	m := len(de)
	clear(de)
	for k := range n.terms {
		t := &n.terms[k]
		hp := h - t.lag
		if t.modName != "" {
			wk.productChange(w, h, t, c, lo, hi, de) // moderation.go
			continue
		}
		if hp < 0 || !p.aff[w][hp][t.parent] {
			continue
		}
		b := wk.strength(t, wk.unit, c, lo, hi) // b, or the row's unit's own b + v_j
		dp := wk.delta[w][hp][t.parent][:m]
		for i := range de {
			de[i] += b[i] * dp[i]
		}
	}
}

// step computes node v's change in world w at period h (row r). A change
// that is the same at every row (rowConst) is computed once per block of
// draws and then reused.
func (wk *worker) step(w, h, v, r, c, lo, hi int) {
	s, j, p := wk.s, wk.j, wk.p
	if p.fused[w][h][v] {
		return // computed by fusedMeans
	}
	m := hi - lo
	n := s.nodes[v]
	wk.unit = s.unitOf(r) // for strengths varying by unit (linChange)
	out := wk.delta[w][h][v][:m]
	constant := p.rowConst[w][h][v]
	if constant && (n.linear() || p.active[w][h][v]) {
		if wk.haveD[w][h][v] {
			return
		}
		wk.haveD[w][h][v] = true
	}
	if p.active[w][h][v] {
		wd := p.acts[w]
		a := wd.acts[wd.act[v]]
		switch a.kind {
		case Shift, ShiftSD:
			for i := range out {
				out[i] = a.value
			}
		case Set, Quantile:
			val := a.value
			if a.kind == Quantile {
				val = a.perUnit[s.unitOf(r)]
			}
			if a.perRow != nil {
				val = a.perRow[r]
			}
			wk.factual(v, r, c, lo, hi, out)
			for i := range out {
				out[i] = val - out[i]
			}
		}
		if v == j.outcome {
			copy(wk.deta[w][h][:m], out)
		}
		if n.hasAR {
			wk.linChange(w, h, v, c, lo, hi, wk.arMu[w][h][v][:m]) // ar.go
		}
		return
	}
	if p.block[w] != nil && p.block[w][v] {
		copy(out, wk.delta[0][h][v][:m])
		if v == j.outcome {
			copy(wk.deta[w][h][:m], wk.deta[0][h][:m])
		}
		if n.hasAR {
			copy(wk.arMu[w][h][v][:m], wk.arMu[0][h][v][:m])
		}
		return
	}
	de := out
	fresh := true
	if !n.linear() {
		de = wk.tmp[:m]
		if constant && !j.cf {
			de = wk.deC[w][h][v][:m]
			fresh = !wk.haveD[w][h][v]
			wk.haveD[w][h][v] = true
		}
	}
	if fresh {
		wk.linChange(w, h, v, c, lo, hi, de)
		if n.hasAR {
			wk.arCarry(w, h, v, c, lo, hi, de) // ar.go
		}
	}
	if v == j.outcome {
		copy(wk.deta[w][h][:m], de)
	}
	if n.linear() {
		return
	}
	eF := wk.eF[h][v][:m]
	switch {
	case !j.cf:
		wk.meanChange(w, h, v, de, out)
	case v == j.outcome:
		wk.expectedCF(v, r, h, c, lo, hi, eF, de, out)
	default:
		wk.sampleCF(v, r, h, c, lo, hi, eF, de, out)
	}
}

// familyBlock reads nonlinear node v's family parameters at draws lo … hi−1
// of chain c into parC[v] and, for a threshold family, the exponentials of
// its cutpoints into expC[v] (for an ExpMean family, its mean scale).
func (wk *worker) familyBlock(v, c, lo, hi int) {
	n := wk.s.nodes[v]
	pc := wk.parC[v]
	if pc == nil {
		return
	}
	m, P := hi-lo, n.width()
	for k, j := range n.par {
		col := wk.col(c, j, lo, hi)
		for i := 0; i < m; i++ {
			pc[i*P+k] = col[i]
		}
	}
	e := wk.expC[v]
	switch {
	case n.thr != nil:
		K := n.ncut
		for i := 0; i < m; i++ {
			par := pc[i*P : (i+1)*P]
			for k := 0; k < K; k++ {
				e[i*K+k] = math.Exp(n.thr.Cut(par, k))
			}
		}
	case n.expm != nil:
		for i := 0; i < m; i++ {
			e[i] = n.expm.MeanScale(pc[i*P : (i+1)*P])
		}
	}
}

// parAt returns nonlinear node v's family parameters at draw i of the
// block (with the current row's trials last, see setTrials).
func (wk *worker) parAt(v, i int) []float64 {
	P := wk.s.nodes[v].width()
	return wk.parC[v][i*P : (i+1)*P]
}

// setTrials writes row r's trials into node v's parameters at the block's
// m draws (a sem.TrialsFamily reads them last).
func (wk *worker) setTrials(v, r, m int) {
	n := wk.s.nodes[v]
	if n.trials == nil || wk.parC[v] == nil {
		return
	}
	P := n.width()
	for i := 0; i < m; i++ {
		wk.parC[v][i*P+P-1] = n.trials[r]
	}
}
