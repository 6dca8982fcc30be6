package sweep

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"dilemma/fit"
	"dilemma/model/sem"
)

// Latent nodes in cross-validation. A held-out unit's latent values are
// unknown, so its indicators and the latent's children are scored jointly
// with the latent integrated out. For a latent with observed parents,
// gaussian indicators and gaussian children (each with no other latent
// parent), everything the latent touches in the unit is jointly gaussian
// given the observed values: with eta[r] = m[r] + u + e[r] (m the
// structural mean from the observed parents and period effect, u the
// unit's latent intercept ~ normal(0, tau), e[r] ~ normal(0, 1)),
//
//	indicator k at row r:  y = a_k + lambda_k·m[r] + lambda_k·(u + e[r]) + noise_k
//	child c at row r:      y = mean_c[r] + beta_c·m[r'] + beta_c·(u + e[r']) + u_c + noise_c
//
// (r' the latent's row lag periods before, u_c the child's unit intercept
// ~ normal(0, tau_c)). So the residuals r = y − (fixed part) are normal
// with covariance Psi + A·D·Aᵀ: Psi the noise variances, A the loadings of
// the independent sources (u, every e[r], every u_c) and D their
// variances. The log density is taken through the Woodbury identity with
// the sources' matrix M = D⁻¹ + AᵀPsi⁻¹A (one row per source: the unit's
// latent rows plus a few), exactly. Observed values of children condition
// the fixed parts of later equations as usual: the joint density factors
// into each block given its observed parents.

// latentCV is one latent's block: the draws of its structural equation,
// its indicators and the equations it is a parent of.
type latentCV struct {
	l     *sem.Latent
	held  [][]float64 // the indicators' values before holding out
	b     [][]float64 // by term
	tau   []float64   // nil without unit intercepts
	g     [][]float64 // by period; nil entries: no effect
	ia    [][]float64 // indicators' intercepts
	lam   [][]float64 // loadings
	isig  [][]float64 // indicators' sds
	kids  []latentKid
	order map[[2]int]int // (unit, ordinal) -> row
}

// latentKid is an equation with the latent as a parent.
type latentKid struct {
	eq, term int
}

// latentChildren maps each equation with a latent parent to its latent's
// index, or returns why cross-validation cannot score the model.
func latentChildren(spec *sem.Spec) (map[int]int, error) {
	idx := map[string]int{}
	for i, l := range spec.Latents {
		idx[l.Node] = i
	}
	for _, l := range spec.Latents {
		for _, t := range l.Terms {
			if t.X == nil {
				return nil, fmt.Errorf("latent %s has the latent parent %s; cross-validation integrates one latent at a time, so far", l.Node, t.Parent)
			}
		}
		for _, ind := range l.Indicators {
			if _, ok := ind.Family.(sem.Gaussian); !ok && ind.Family != nil {
				return nil, fmt.Errorf("indicator %s of latent %s is %s; cross-validation integrates a latent with gaussian indicators only, so far", ind.Node, l.Node, ind.Family.Name())
			}
		}
	}
	kids := map[int]int{}
	for i, eq := range spec.Equations {
		for _, t := range eq.Terms {
			li, ok := idx[t.Parent]
			if !ok || t.X != nil {
				continue
			}
			if prev, dup := kids[i]; dup && prev != li {
				return nil, fmt.Errorf("node %s has two latent parents; cross-validation integrates one latent at a time, so far", eq.Node)
			} else if dup {
				return nil, fmt.Errorf("node %s has latent %s as a parent twice; cross-validation supports one term per latent, so far", eq.Node, t.Parent)
			}
			if _, ok := eq.Family.(sem.Gaussian); !ok && eq.Family != nil {
				return nil, fmt.Errorf("node %s (%s) has the latent parent %s; cross-validation integrates a latent whose children are gaussian only, so far", eq.Node, eq.Family.Name(), t.Parent)
			}
			if eq.AR > 0 || t.Varies {
				return nil, fmt.Errorf("node %s has the latent parent %s and AR residuals or a varying strength; not supported by cross-validation so far", eq.Node, t.Parent)
			}
			kids[i] = li
		}
	}
	return kids, nil
}

// newLatentCV reads the draws of latent li's block from the fit; held are
// its indicators' values before holding out.
func newLatentCV(f *fit.Fit, spec *sem.Spec, li int, held [][]float64, kids map[int]int) (*latentCV, error) {
	flat := func(name string) ([]float64, error) {
		ch := f.Param(name)
		if ch == nil {
			return nil, fmt.Errorf("the fit has no parameter %s", name)
		}
		var v []float64
		for _, c := range ch {
			v = append(v, c...)
		}
		return v, nil
	}
	l := &spec.Latents[li]
	lc := &latentCV{l: l, held: held}
	for _, t := range l.Terms {
		v, err := flat(sem.TermParamName(l.Node, t))
		if err != nil {
			return nil, err
		}
		lc.b = append(lc.b, v)
	}
	var err error
	if l.UnitRE && spec.Layout.Unit != nil {
		if lc.tau, err = flat("tau." + l.Node); err != nil {
			return nil, err
		}
	}
	if l.Time != sem.TimeNone {
		lc.g = make([][]float64, len(spec.Layout.Times))
		for t, label := range spec.Layout.Times {
			if f.Param("g."+l.Node+"."+label) != nil {
				lc.g[t], _ = flat("g." + l.Node + "." + label)
			}
		}
	}
	for _, ind := range l.Indicators {
		a, err := flat("a." + ind.Node)
		if err != nil {
			return nil, err
		}
		lam, err := flat("lambda." + l.Node + "." + ind.Node)
		if err != nil {
			return nil, err
		}
		sig, err := flat("sigma." + ind.Node)
		if err != nil {
			return nil, err
		}
		lc.ia, lc.lam, lc.isig = append(lc.ia, a), append(lc.lam, lam), append(lc.isig, sig)
	}
	for i := range spec.Equations {
		if k, ok := kids[i]; ok && k == li {
			for ti, t := range spec.Equations[i].Terms {
				if t.X == nil && t.Parent == l.Node {
					lc.kids = append(lc.kids, latentKid{eq: i, term: ti})
				}
			}
		}
	}
	lay := spec.Layout
	lc.order = make(map[[2]int]int, lay.Rows)
	for r := 0; r < lay.Rows; r++ {
		lc.order[[2]int{lay.Unit[r], ordinal(lay, r)}] = r
	}
	return lc, nil
}

// ordinal is row r's period ordinal (Layout.Ordinal, else its period index).
func ordinal(lay sem.Layout, r int) int {
	if lay.Ordinal != nil {
		return lay.Ordinal[r]
	}
	if lay.Time != nil {
		return lay.Time[r]
	}
	return 0
}

// LatentEntry is one observed value of a held-out unit that depends on a
// latent: its residual from the fixed part of its mean, its noise
// variance, and its loadings on the normal sources LatentLogDensity
// integrates (the latent's residual at the unit's latent row Src and its
// unit intercept, both with loading Load; a child's own unit intercept Kid
// with loading KidLoading, Kid −1 for none).
type LatentEntry struct {
	Res, Psi   float64
	Load       float64
	Src        int
	Kid        int
	KidLoading float64
}

// unitLogDensity is the log density at draw s of held-out unit j's values
// in the latent's block (its indicators' and children's, given their
// observed parents), the latent, its unit intercept and the children's
// unit intercepts integrated out; n is the number of values scored.
// heldY[i] are equation i's values before holding out, eds their draws.
func (lc *latentCV) unitLogDensity(spec *sem.Spec, j int, heldY [][]float64, eds []*eqDraws, s int) (lp float64, n int) {
	lay := spec.Layout
	l := lc.l
	// The unit's latent rows: every parent and some indicator observed.
	var rows []int
	pos := map[int]int{}
	m := map[int]float64{}
	for r := 0; r < lay.Rows; r++ {
		if lay.Unit[r] != j {
			continue
		}
		ok := false
		for k := range l.Indicators {
			ok = ok || !math.IsNaN(lc.held[k][r])
		}
		mu := 0.0
		for k, t := range l.Terms {
			if math.IsNaN(t.X[r]) {
				ok = false
				break
			}
			mu += lc.b[k][s] * t.X[r]
		}
		if !ok {
			continue
		}
		if lc.g != nil && lay.Time != nil && lc.g[lay.Time[r]] != nil {
			mu += lc.g[lay.Time[r]][s]
		}
		pos[r] = len(rows)
		rows = append(rows, r)
		m[r] = mu
	}
	if len(rows) == 0 {
		return 0, 0
	}
	var es []LatentEntry
	for _, r := range rows {
		for k := range l.Indicators {
			y := lc.held[k][r]
			if math.IsNaN(y) {
				continue
			}
			lam := lc.lam[k][s]
			sig := lc.isig[k][s]
			es = append(es, LatentEntry{Res: y - lc.ia[k][s] - lam*m[r], Psi: sig * sig, Load: lam, Src: pos[r], Kid: -1})
		}
	}
	nkid := 0
	kidTau := []float64{}
	for _, kd := range lc.kids {
		eq := &spec.Equations[kd.eq]
		ed := eds[kd.eq]
		lt := eq.Terms[kd.term]
		kid := -1
		if ed.tau != nil {
			kid = nkid
			nkid++
			kidTau = append(kidTau, ed.tau[s])
		}
		sig := ed.par[0][s]
		beta := ed.b[kd.term][s]
		for r := 0; r < lay.Rows; r++ {
			if lay.Unit[r] != j || math.IsNaN(heldY[kd.eq][r]) || (eq.Offset != nil && math.IsNaN(eq.Offset[r])) {
				continue
			}
			src, ok := lc.order[[2]int{j, ordinal(lay, r) - lt.Lag}]
			if !ok {
				continue
			}
			p, ok := pos[src]
			if !ok {
				continue
			}
			mu := 0.0
			if ed.a != nil {
				mu = ed.a[s]
			}
			for ti, t := range eq.Terms {
				if ti == kd.term {
					continue
				}
				if t.X == nil || math.IsNaN(t.X[r]) {
					ok = false
					break
				}
				mu += ed.b[ti][s] * t.X[r]
			}
			if !ok {
				continue
			}
			if eq.Offset != nil {
				mu += eq.Offset[r]
			}
			if ed.g != nil && lay.Time != nil && ed.g[lay.Time[r]] != nil {
				mu += ed.g[lay.Time[r]][s]
			}
			mu += beta * m[src]
			es = append(es, LatentEntry{Res: heldY[kd.eq][r] - mu, Psi: sig * sig, Load: beta, Src: p, Kid: kid, KidLoading: 1})
		}
	}
	tau := 0.0
	if lc.tau != nil {
		tau = lc.tau[s]
	}
	return LatentLogDensity(es, len(rows), tau, kidTau), len(es)
}

// LatentLogDensity is the log density of the entries' residuals, normal
// with covariance Psi + A·D·Aᵀ: sources are the unit's latent intercept
// (variance tau², left out when tau is 0), nrows latent residuals
// (variance 1) and the children's unit intercepts (variances kidTau²). By
// Woodbury and the matrix determinant lemma, with M = D⁻¹ + AᵀPsi⁻¹A and
// w = AᵀPsi⁻¹res,
//
//	log|Sigma| = Σ log psi + Σ log d + log|M|,
//	resᵀSigma⁻¹res = Σ res²/psi − wᵀM⁻¹w.
func LatentLogDensity(es []LatentEntry, nrows int, tau float64, kidTau []float64) float64 {
	if len(es) == 0 {
		return 0
	}
	// Source indices: latent rows first, then the kids, then u.
	q := nrows + len(kidTau)
	hasU := tau > 0
	if hasU {
		q++
	}
	M := mat.NewSymDense(q, nil)
	w := make([]float64, q)
	logdet, quad := 0.0, 0.0
	for i := 0; i < nrows; i++ {
		M.SetSym(i, i, 1)
	}
	for k, t := range kidTau {
		M.SetSym(nrows+k, nrows+k, 1/(t*t))
		logdet += 2 * math.Log(t)
	}
	if hasU {
		M.SetSym(q-1, q-1, 1/(tau*tau))
		logdet += 2 * math.Log(tau)
	}
	var idx [3]int
	var val [3]float64
	for _, e := range es {
		logdet += math.Log(e.Psi)
		quad += e.Res * e.Res / e.Psi
		n := 0
		idx[n], val[n] = e.Src, e.Load
		n++
		if e.Kid >= 0 {
			idx[n], val[n] = nrows+e.Kid, e.KidLoading
			n++
		}
		if hasU {
			idx[n], val[n] = q-1, e.Load
			n++
		}
		for a := 0; a < n; a++ {
			w[idx[a]] += val[a] * e.Res / e.Psi
			for b := a; b < n; b++ {
				ia, ib := idx[a], idx[b]
				M.SetSym(ia, ib, M.At(ia, ib)+val[a]*val[b]/e.Psi)
			}
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(M) {
		return math.Inf(-1)
	}
	logdet += ch.LogDet()
	var x mat.VecDense
	if err := ch.SolveVecTo(&x, mat.NewVecDense(q, w)); err != nil {
		return math.Inf(-1)
	}
	quad -= mat.Dot(mat.NewVecDense(q, w), &x)
	return -0.5 * (float64(len(es))*math.Log(2*math.Pi) + logdet + quad)
}

// heldIndicators holds the fold's units out of every latent's indicators
// and returns their values before, by latent and indicator.
func heldIndicators(spec *sem.Spec, out map[int]bool) [][][]float64 {
	held := make([][][]float64, len(spec.Latents))
	for li := range spec.Latents {
		for k := range spec.Latents[li].Indicators {
			ind := &spec.Latents[li].Indicators[k]
			held[li] = append(held[li], ind.Y)
			y := slices.Clone(ind.Y)
			for r := range y {
				if out[spec.Layout.Unit[r]] {
					y[r] = math.NaN()
				}
			}
			ind.Y = y
		}
	}
	return held
}
