package inference

import (
	"math"
	"math/rand/v2"
	"testing"
)

// corrGauss is a 2-d correlated Gaussian with precision matrix
// [[a, b], [b, c]], plus independent standard normals in further dimensions.
type corrGauss struct {
	n       int
	a, b, c float64
}

func (t corrGauss) Dim() int { return t.n }
func (t corrGauss) LogDensityGrad(x, g []float64) float64 {
	g[0] = -(t.a*x[0] + t.b*x[1])
	g[1] = -(t.b*x[0] + t.c*x[1])
	lp := 0.5 * (x[0]*g[0] + x[1]*g[1])
	for i := 2; i < t.n; i++ {
		g[i] = -x[i]
		lp -= 0.5 * x[i] * x[i]
	}
	return lp
}

// refNUTS is a deliberately plain, allocating transcription of the
// multinomial NUTS transition (Betancourt 2017, appendix A, with Stan's
// extra U-turn checks across each merge), written with value semantics and
// no shared buffers. It draws random numbers in the same order as nuts, so
// the two must agree bit for bit.
type refNUTS struct {
	t         Target
	m         *metric
	r         *rand.Rand
	eps       float64
	maxDepth  int
	maxDeltaH float64

	q, g []float64
	lp   float64
}

type refPoint struct {
	q, p, g []float64
	lp      float64
}

type refTree struct {
	valid      bool
	lsw        float64
	rho        []float64
	pBeg, pEnd []float64 // plain momenta at the first and last point built
	sBeg, sEnd []float64 // their sharp forms
	prop       refPoint
	propK      float64
	end        refPoint // integrator state after the subtree
}

func clone(x []float64) []float64 { return append([]float64(nil), x...) }

func (r *refNUTS) sharp(p []float64) ([]float64, float64) {
	out := make([]float64, len(p))
	k := r.m.sharp(p, out)
	return out, k
}

func (r *refNUTS) step(z refPoint, eps float64) refPoint {
	n := len(z.q)
	p := clone(z.p)
	for i := range p {
		p[i] += 0.5 * eps * z.g[i]
	}
	v, _ := r.sharp(p)
	q := clone(z.q)
	for i := range q {
		q[i] += eps * v[i]
	}
	g := make([]float64, n)
	lp := r.t.LogDensityGrad(q, g)
	for i := range p {
		p[i] += 0.5 * eps * g[i]
	}
	return refPoint{q: q, p: p, g: g, lp: lp}
}

func add(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] + b[i]
	}
	return out
}

type tally struct {
	h0        float64
	n         int
	sumMetro  float64
	divergent bool
}

func (r *refNUTS) build(z refPoint, depth int, sign float64, tl *tally) refTree {
	if depth == 0 {
		z1 := r.step(z, sign*r.eps)
		tl.n++
		s, k := r.sharp(z1.p)
		h := -z1.lp + k
		if math.IsNaN(h) || math.IsInf(h, -1) {
			h = math.Inf(1)
		}
		if h-tl.h0 > r.maxDeltaH {
			tl.divergent = true
		}
		tl.sumMetro += math.Min(1, math.Exp(tl.h0-h))
		return refTree{
			valid: !tl.divergent, lsw: tl.h0 - h, rho: clone(z1.p),
			pBeg: z1.p, pEnd: z1.p, sBeg: s, sEnd: s, prop: z1, propK: k, end: z1,
		}
	}
	left := r.build(z, depth-1, sign, tl)
	if !left.valid {
		return refTree{}
	}
	right := r.build(left.end, depth-1, sign, tl)
	if !right.valid {
		return refTree{}
	}
	out := refTree{
		lsw: logSumExp(left.lsw, right.lsw), rho: add(left.rho, right.rho),
		pBeg: left.pBeg, pEnd: right.pEnd, sBeg: left.sBeg, sEnd: right.sEnd,
		prop: left.prop, propK: left.propK, end: right.end,
	}
	if right.lsw > out.lsw || r.r.Float64() < math.Exp(right.lsw-out.lsw) {
		out.prop, out.propK = right.prop, right.propK
	}
	out.valid = uturnFree(out.sBeg, out.sEnd, out.rho) &&
		uturnFree(left.sBeg, right.sBeg, add(left.rho, right.pBeg)) &&
		uturnFree(left.sEnd, right.sEnd, add(right.rho, left.pEnd))
	return out
}

func (r *refNUTS) transition() Stats {
	n := len(r.q)
	p := make([]float64, n)
	r.m.sampleMomentum(r.r, p)
	z0 := refPoint{q: clone(r.q), p: p, g: clone(r.g), lp: r.lp}
	s0, k0 := r.sharp(p)
	tl := &tally{h0: -r.lp + k0}
	// The trajectory is the ordered list of points from the backward end to
	// the forward end; keep its end states, boundary momenta and momentum sum.
	bck, fwd := z0, z0
	sBB, sFF := s0, s0 // sharp momenta at the two ends
	rho := clone(p)
	lsw := 0.0
	sample, sampleK := z0, k0
	depth := 0
	for depth < r.maxDepth {
		var sub refTree
		var oldRho, oldEndP, oldEndS []float64
		forward := r.r.Float64() > 0.5
		oldRho = rho
		if forward {
			oldEndP, oldEndS = fwd.p, sFF
			sub = r.build(fwd, depth, 1, tl)
		} else {
			oldEndP, oldEndS = bck.p, sBB
			sub = r.build(bck, depth, -1, tl)
		}
		if !sub.valid {
			break
		}
		depth++
		if sub.lsw > lsw || r.r.Float64() < math.Exp(sub.lsw-lsw) {
			sample, sampleK = sub.prop, sub.propK
		}
		lsw = logSumExp(lsw, sub.lsw)
		rho = add(oldRho, sub.rho)
		var ok bool
		if forward {
			fwd, sFF = sub.end, sub.sEnd
			// old = [bck … oldEnd], new = [sub.beg … fwd]
			ok = uturnFree(sBB, sFF, rho) &&
				uturnFree(sBB, sub.sBeg, add(oldRho, sub.pBeg)) &&
				uturnFree(oldEndS, sFF, add(sub.rho, oldEndP))
		} else {
			bck, sBB = sub.end, sub.sEnd
			// new = [bck … sub.beg], old = [oldEnd … fwd]
			ok = uturnFree(sBB, sFF, rho) &&
				uturnFree(sBB, oldEndS, add(sub.rho, oldEndP)) &&
				uturnFree(sub.sBeg, sFF, add(oldRho, sub.pBeg))
		}
		if !ok {
			break
		}
	}
	r.q, r.g, r.lp = sample.q, sample.g, sample.lp
	return Stats{
		LogDensity: sample.lp, AcceptStat: tl.sumMetro / float64(tl.n), StepSize: r.eps,
		TreeDepth: depth, NumLeapfrog: tl.n, Divergent: tl.divergent, Energy: -sample.lp + sampleK,
	}
}

// TestNUTSMatchesReference drives the buffered sampler and the plain
// transcription with identical random streams and demands identical draws,
// over step sizes that give short and long trees, divergences and the
// maximum depth, with both metrics.
func TestNUTSMatchesReference(t *testing.T) {
	target := corrGauss{n: 5, a: 10.256, b: -9.744, c: 10.256} // correlation 0.95
	cases := []struct {
		name     string
		dense    bool
		eps      float64
		maxDepth int
	}{
		{"diag small step", false, 0.05, 10},
		{"diag good step", false, 0.3, 10},
		{"diag huge step", false, 2.5, 10},
		{"diag unstable step", false, 0.62, 10},
		{"diag depth 3", false, 0.05, 3},
		{"dense", true, 0.4, 10},
		{"dense huge step", true, 3, 10},
	}
	inv := []float64{1, 0.9, 0, 0, 0, 0.9, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var init []float64
			if c.dense {
				init = inv
			} else {
				init = []float64{1, 0.5, 1, 2, 1}
			}
			m1, err := newMetric(5, c.dense, init)
			if err != nil {
				t.Fatal(err)
			}
			m2, _ := newMetric(5, c.dense, init)
			u := newNUTS(target, m1, rand.New(rand.NewPCG(9, 9)), c.maxDepth, 1000)
			u.eps = c.eps
			ref := &refNUTS{t: target, m: m2, r: rand.New(rand.NewPCG(9, 9)), eps: c.eps, maxDepth: c.maxDepth, maxDeltaH: 1000}
			q := []float64{0.5, -0.3, 1, 0, 2}
			g := make([]float64, 5)
			lp := target.LogDensityGrad(q, g)
			u.setCurrent(q, g, lp)
			ref.q, ref.g, ref.lp = clone(q), clone(g), lp
			divs, maxed := 0, 0
			for it := 0; it < 300; it++ {
				a, b := u.transition(), ref.transition()
				if a != b {
					t.Fatalf("iteration %d: stats\n got %+v\nwant %+v", it, a, b)
				}
				for i := range q {
					if u.cur.q[i] != ref.q[i] {
						t.Fatalf("iteration %d: q = %v, want %v", it, u.cur.q, ref.q)
					}
				}
				if a.Divergent {
					divs++
				}
				if a.TreeDepth == c.maxDepth {
					maxed++
				}
				if a.NumLeapfrog < 1<<a.TreeDepth-1 || a.NumLeapfrog > 1<<(a.TreeDepth+1)-1 {
					t.Fatalf("iteration %d: %d leapfrog steps at depth %d", it, a.NumLeapfrog, a.TreeDepth)
				}
			}
			t.Logf("divergent %d, at max depth %d", divs, maxed)
			if c.eps > 2 && divs == 0 {
				t.Error("a huge step size gave no divergence")
			}
			if c.maxDepth == 3 && maxed == 0 {
				t.Error("depth 3 with a tiny step never reached the maximum depth")
			}
		})
	}
}

// TestLeapfrogReversible checks that the integrator conserves energy to
// second order and retraces its path when run backward.
func TestLeapfrogReversible(t *testing.T) {
	target := corrGauss{n: 3, a: 2, b: 0.5, c: 1}
	m, _ := newMetric(3, false, []float64{1, 2, 0.5})
	u := newNUTS(target, m, rand.New(rand.NewPCG(1, 1)), 10, 1000)
	z := &u.fwd
	copy(z.q, []float64{1, -1, 0.5})
	copy(z.p, []float64{0.2, 0.7, -1})
	z.lp = target.LogDensityGrad(z.q, z.g)
	q0, p0 := clone(z.q), clone(z.p)
	tmp := make([]float64, 3)
	h0 := -z.lp + m.sharp(z.p, tmp)
	var errs []float64
	for _, eps := range []float64{0.1, 0.05} {
		copy(z.q, q0)
		copy(z.p, p0)
		z.lp = target.LogDensityGrad(z.q, z.g)
		for i := 0; i < 10; i++ {
			u.leapfrog(z, eps)
		}
		errs = append(errs, math.Abs(-z.lp+m.sharp(z.p, tmp)-h0))
		for i := 0; i < 10; i++ {
			u.leapfrog(z, -eps)
		}
		for i := range q0 {
			if math.Abs(z.q[i]-q0[i]) > 1e-12 || math.Abs(z.p[i]-p0[i]) > 1e-12 {
				t.Fatalf("eps %v: not reversible: q=%v p=%v, want %v %v", eps, z.q, z.p, q0, p0)
			}
		}
	}
	// Halving the step (over half the time) cuts the energy error about 4×
	// per unit time; here over the same number of steps, by ≥ 3×.
	if !(errs[1] < errs[0]/3) {
		t.Errorf("energy errors %v do not shrink quadratically", errs)
	}
}

func TestTransitionDoesNotAllocate(t *testing.T) {
	for _, dense := range []bool{false, true} {
		target := corrGauss{n: 20, a: 10.256, b: -9.744, c: 10.256}
		m, _ := newMetric(20, dense, nil)
		u := newNUTS(target, m, rand.New(rand.NewPCG(5, 6)), 10, 1000)
		u.eps = 0.05
		q := make([]float64, 20)
		g := make([]float64, 20)
		u.setCurrent(q, g, target.LogDensityGrad(q, g))
		for i := 0; i < 50; i++ { // allocate the per-depth buffers
			u.transition()
		}
		allocs := testing.AllocsPerRun(200, func() { u.transition() })
		if allocs != 0 {
			t.Errorf("dense=%v: %v allocations per transition", dense, allocs)
		}
		allocs = testing.AllocsPerRun(20, func() {
			if err := u.initStepSize(); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("dense=%v: %v allocations per step-size search", dense, allocs)
		}
	}
}

func TestStepSizeHeuristic(t *testing.T) {
	// For a standard normal and unit metric one leapfrog step of size e
	// changes H by O(e³)… the search must end near the step where the
	// acceptance of one step crosses 0.8, starting from 1 or from 1e-4.
	target := corrGauss{n: 10, a: 1, b: 0, c: 1}
	for _, start := range []float64{1, 1e-4, 64} {
		m, _ := newMetric(10, false, nil)
		u := newNUTS(target, m, rand.New(rand.NewPCG(7, 7)), 10, 1000)
		q := []float64{0.1, -0.5, 1, 0.3, -1, 0.2, 0, 0.7, -0.2, 0.4}
		g := make([]float64, 10)
		u.setCurrent(q, g, target.LogDensityGrad(q, g))
		u.eps = start
		if err := u.initStepSize(); err != nil {
			t.Fatal(err)
		}
		if u.eps < 0.25 || u.eps > 4 {
			t.Errorf("start %v: step size %v, want within a few doublings of 1", start, u.eps)
		}
		if math.Log2(u.eps/start) != math.Round(math.Log2(u.eps/start)) {
			t.Errorf("start %v: step size %v is not start·2^k", start, u.eps)
		}
		for i := range q {
			if u.cur.q[i] != q[i] {
				t.Fatal("the search moved the current sample")
			}
		}
	}
	// A target that is flat (improper) makes the search run away.
	m, _ := newMetric(1, false, nil)
	u := newNUTS(flat{}, m, rand.New(rand.NewPCG(1, 1)), 10, 1000)
	u.setCurrent([]float64{0}, []float64{0}, 0)
	u.eps = 1
	if err := u.initStepSize(); err != errImproper {
		t.Errorf("flat target: err = %v, want %v", err, errImproper)
	}
}

type flat struct{}

func (flat) Dim() int { return 1 }
func (flat) LogDensityGrad(x, g []float64) float64 {
	g[0] = 0
	return 0
}

// uturnFree is the generalized no-U-turn criterion, written plainly for
// the reference transcription: both end sharp momenta
// still point along the summed momentum rho.
func uturnFree(sMinus, sPlus, rho []float64) bool {
	return dot(sPlus, rho) > 0 && dot(sMinus, rho) > 0
}

func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
