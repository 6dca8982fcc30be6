// Package citest tests conditional independence X ⟂ Y | Z on panel data
// with partial correlations, the way a graph's testable implications are
// checked.
//
// Three methods (Method):
//
//   - Within (the default for panels): every variable is demeaned within
//     its unit (a fixed effect per unit absorbs everything constant about
//     a country), X and Y are residualized on the demeaned Z, and the
//     coefficient of X in the regression of Y on X and Z is tested with a
//     standard error clustered by unit: the CR1 sandwich
//     (X'X)⁻¹ Σ_g X_g'u_g u_g'X_g (X'X)⁻¹ × G/(G−1) × (N−1)/(N−K), and a t
//     test with G−1 degrees of freedom. Clustering makes the test valid
//     whatever the serial correlation of the residuals within a unit
//     (autocorrelated noise, e.g. AR(1)), as long as units are independent
//     and there are many of them (dozens or more).
//   - WithinTime: as Within, but every variable is also demeaned within
//     its period (two-way fixed effects, by alternating projections on
//     an unbalanced panel), which absorbs shocks common to all units in a
//     month.
//   - Pooled: the classical test on pooled rows as if independent: the
//     partial correlation with a t test on N−2−|Z| degrees of freedom and a
//     Fisher-z interval. On a panel its p-values are far too small.
//
// Demeaning within units biases a within coefficient by O(1/T) when
// regressors are not strictly exogenous: a memoryless variable regressed
// on its own lag gets about −1/T (Nickell), and feedback over time does
// the like. Data.Jackknife asks for the half-panel jackknife (Dhaene and
// Jochmans 2015), which removes the first-order bias: 2β − (β₁+β₂)/2 from
// the first and second half of each unit's periods, with the clustered
// variance of that combination.
//
// A variable constant within every unit has no within-unit variation: a
// test of X or Y is then impossible within units (Result.Untestable says
// so), and a conditioning variable of that kind is dropped, since the unit
// effects already absorb it (Result.DroppedZ).
//
// The partial correlation reported by Within and WithinTime is the
// correlation of the residualized X and Y (with Jackknife, the
// bias-corrected coefficient on that standardized scale); its interval is
// the coefficient's clustered 95% interval on the same scale.
package citest

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// Method is how a conditional independence is tested.
type Method int

const (
	Within     Method = iota // unit-demeaned, errors clustered by unit
	WithinTime               // unit- and period-demeaned, errors clustered by unit
	Pooled                   // rows pooled as if independent
)

// Methods lists the method names ParseMethod accepts, default first.
var Methods = []string{"within", "within-time", "pooled"}

func (m Method) String() string {
	if int(m) >= 0 && int(m) < len(Methods) {
		return Methods[m]
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod reads a method name: within, within-time or pooled.
func ParseMethod(s string) (Method, error) {
	for i, name := range Methods {
		if s == name {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("unknown test method %q (want within, within-time or pooled)", s)
}

// Result is one test of X ⟂ Y | Z.
type Result struct {
	N        int     // complete rows used
	Clusters int     // units contributing (Within, WithinTime); 0 for Pooled
	R        float64 // partial correlation of X and Y given Z
	Lo, Hi   float64 // 95% interval for R
	T        float64 // t statistic of X's coefficient (of R for Pooled)
	DF       float64 // degrees of freedom of T
	P        float64 // two-sided p-value
	// DroppedZ lists the indices of conditioning variables left out: no
	// variation within units (absorbed by the unit effects) or collinear
	// with the others.
	DroppedZ []int
	// Untestable says why no p-value exists ("" when one does). Invariant
	// is then 0 when Y, 1 when X has no within-unit variation, and -1
	// otherwise.
	Untestable string
	Invariant  int
}

// Tested reports whether the test produced a p-value.
func (r Result) Tested() bool { return r.Untestable == "" }

// Data is the input of a test: Y, X and the conditioning columns Z, one
// value per row (NaN for missing), and each row's unit and period index
// (needed by Within and WithinTime; Period only by WithinTime).
type Data struct {
	Y, X   []float64
	Z      [][]float64
	Unit   []int
	Period []int
	// Ordinal gives each row's time ordinal (for Jackknife).
	Ordinal []int
	// Jackknife (with Ordinal) corrects the within-unit coefficient for
	// the O(1/T) bias of demeaning by the half-panel jackknife (Dhaene and
	// Jochmans 2015): 2β − (β₁ + β₂)/2, where β₁ and β₂ are the estimates
	// on the first and second half of each unit's rows in time, with the
	// clustered variance of that combination. A memoryless variable's
	// coefficient on its own lag is biased to about −1/T by demeaning
	// (Nickell), and feedback over time biases others alike; the jackknife
	// removes that bias to first order.
	Jackknife bool
}

// relTol is the share of a variable's variance below which it counts as
// having none (after demeaning or residualizing).
const relTol = 1e-9

// Test tests X ⟂ Y | Z by method m on the rows where every variable is
// observed. The roles of X and Y are symmetric for R; for Within and
// WithinTime, Y is the regression's dependent variable.
func Test(d Data, m Method) Result {
	res := Result{R: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), T: math.NaN(), DF: math.NaN(), P: math.NaN(), Invariant: -1}
	cols := append([][]float64{d.Y, d.X}, d.Z...)
	var keep []int
	for i := range d.Y {
		ok := true
		for _, c := range cols {
			if math.IsNaN(c[i]) || math.IsInf(c[i], 0) {
				ok = false
				break
			}
		}
		if ok {
			keep = append(keep, i)
		}
	}
	res.N = len(keep)
	if m == Pooled {
		pooled(&res, cols, keep)
		return res
	}
	if d.Unit == nil || (m == WithinTime && d.Period == nil) {
		res.Untestable = "within-unit tests need unit keys (the data is a cross-section)"
		return res
	}
	// Keep units with at least two complete rows: a single row has no
	// within-unit variation.
	count := map[int]int{}
	for _, i := range keep {
		count[d.Unit[i]]++
	}
	kept := keep[:0:0]
	for _, i := range keep {
		if count[d.Unit[i]] >= 2 {
			kept = append(kept, i)
		}
	}
	keep = kept
	res.N = len(keep)
	n := len(keep)
	unit := make([]int, n)
	ids := map[int]int{}
	for j, i := range keep {
		id, ok := ids[d.Unit[i]]
		if !ok {
			id = len(ids)
			ids[d.Unit[i]] = id
		}
		unit[j] = id
	}
	G := len(ids)
	res.Clusters = G
	if G < 2 {
		res.Untestable = fmt.Sprintf("only %d unit(s) with two or more complete rows", G)
		return res
	}
	var period []int
	if m == WithinTime {
		period = make([]int, n)
		pids := map[int]int{}
		for j, i := range keep {
			id, ok := pids[d.Period[i]]
			if !ok {
				id = len(pids)
				pids[d.Period[i]] = id
			}
			period[j] = id
		}
	}
	// Demean every variable.
	dm := make([][]float64, len(cols))
	for c, col := range cols {
		v := make([]float64, n)
		for j, i := range keep {
			v[j] = col[i]
		}
		total := centeredSS(v)
		demean(v, unit, G)
		if period != nil {
			twoWay(v, unit, G, period)
		}
		if !(total > 0) || sumSq(v) <= relTol*total {
			if c < 2 {
				res.Untestable = "no variation within units"
				if period != nil {
					res.Untestable = "no variation within units and periods"
				}
				res.Invariant = c
				return res
			}
			res.DroppedZ = append(res.DroppedZ, c-2)
			v = nil
		}
		dm[c] = v
	}
	// Orthonormal basis of the demeaned Z (modified Gram-Schmidt), dropping
	// collinear columns.
	basis := orthonormal(dm[2:], func(c int) { res.DroppedZ = append(res.DroppedZ, c) })
	sort.Ints(res.DroppedZ)
	ey, ex := slices.Clone(dm[0]), slices.Clone(dm[1])
	syy0, sxx0 := sumSq(ey), sumSq(ex)
	project(ey, basis)
	project(ex, basis)
	sxx, syy := sumSq(ex), sumSq(ey)
	if sxx <= relTol*sxx0 || syy <= relTol*syy0 {
		res.Untestable = "collinear with the conditioning set within units"
		return res
	}
	sxy := dot(ex, ey)
	beta := sxy / sxx
	res.R = math.Max(-1, math.Min(1, sxy/math.Sqrt(sxx*syy)))
	// CR1 cluster-robust variance of beta (by Frisch-Waugh-Lovell the
	// coefficient's sandwich only needs the residualized X and the full
	// regression's residuals).
	score := make([]float64, G)
	for j := range ex {
		u := ey[j] - beta*ex[j]
		score[unit[j]] += ex[j] * u
	}
	for g := range score {
		score[g] /= sxx // the unit's contribution to beta - its limit
	}
	if d.Jackknife && d.Ordinal != nil {
		if bj, psi, ok := jackknife(dm, keep, unit, G, period, d.Ordinal, beta, score); ok {
			beta, score = bj, psi
			res.R = math.Max(-1, math.Min(1, beta*math.Sqrt(sxx/syy)))
		}
	}
	meat := 0.0
	for _, s := range score {
		meat += s * s
	}
	meat *= sxx * sxx
	K := 1 + len(basis)
	if n-K <= 0 {
		res.Untestable = fmt.Sprintf("only %d complete rows for %d regressors", n, K)
		return res
	}
	c := float64(G) / float64(G-1) * float64(n-1) / float64(n-K)
	se := math.Sqrt(c*meat) / sxx
	res.DF = float64(G - 1)
	st := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: res.DF}
	if se == 0 {
		res.T, res.P = math.Inf(1), 0
		if beta == 0 {
			res.T, res.P = 0, 1
		}
		res.Lo, res.Hi = res.R, res.R
		return res
	}
	res.T = beta / se
	res.P = 2 * st.Survival(math.Abs(res.T))
	q := st.Quantile(0.975)
	k := math.Sqrt(sxx / syy) // beta to the standardized scale of R
	res.Lo = math.Max(-1, (beta-q*se)*k)
	res.Hi = math.Min(1, (beta+q*se)*k)
	return res
}

// jackknife returns the half-panel jackknife estimate 2β − (β₁+β₂)/2 and
// each unit's contribution to it, from the full-sample estimate beta with
// contributions score and the two half-samples of each unit's rows in time
// (dm: the demeaned full-sample columns, used only to know which Z columns
// were kept). ok is false when a half cannot be fitted.
func jackknife(dm [][]float64, keep, unit []int, G int, period, ordinal []int, beta float64, score []float64) (float64, []float64, bool) {
	rows := make([][]int, G)
	for j := range keep {
		rows[unit[j]] = append(rows[unit[j]], j)
	}
	first := make([]bool, len(keep))
	for _, rs := range rows {
		slices.SortFunc(rs, func(a, b int) int { return ordinal[keep[a]] - ordinal[keep[b]] })
		for _, j := range rs[:len(rs)/2] {
			first[j] = true
		}
	}
	bj := 2 * beta
	psi := make([]float64, G)
	for g := range psi {
		psi[g] = 2 * score[g]
	}
	for _, h := range []bool{true, false} {
		var sub []int
		for j := range keep {
			if first[j] == h {
				sub = append(sub, j)
			}
		}
		b, s, ok := halfFit(dm, sub, unit, G, period)
		if !ok {
			return 0, nil, false
		}
		bj -= b / 2
		for g := range psi {
			psi[g] -= s[g] / 2
		}
	}
	return bj, psi, true
}

// halfFit is the within-unit fit of the demeaned columns' source rows sub
// (indices into the kept rows): it re-demeans the raw values recovered
// from cols within unit (and period), residualizes on Z and returns the
// coefficient of X and each unit's contribution to it.
func halfFit(dm [][]float64, sub, unit []int, G int, period []int) (float64, []float64, bool) {
	n := len(sub)
	u := make([]int, n)
	var per []int
	if period != nil {
		per = make([]int, n)
	}
	for k, j := range sub {
		u[k] = unit[j]
		if per != nil {
			per[k] = period[j]
		}
	}
	cols := make([][]float64, len(dm))
	for c, v := range dm {
		if v == nil {
			continue
		}
		w := make([]float64, n)
		for k, j := range sub {
			w[k] = v[j]
		}
		// The full-sample demeaning subtracted a constant per unit (and
		// period): demeaning again within the half removes it as well.
		demean(w, u, G)
		if per != nil {
			twoWay(w, u, G, per)
		}
		cols[c] = w
	}
	basis := orthonormal(cols[2:], nil)
	ey, ex := cols[0], cols[1]
	project(ey, basis)
	project(ex, basis)
	sxx := sumSq(ex)
	if !(sxx > 0) {
		return 0, nil, false
	}
	b := dot(ex, ey) / sxx
	s := make([]float64, G)
	for k := range ex {
		s[u[k]] += ex[k] * (ey[k] - b*ex[k]) / sxx
	}
	return b, s, true
}

// pooled is the classical partial-correlation test on rows as if
// independent.
func pooled(res *Result, cols [][]float64, keep []int) {
	k := len(cols) - 2
	n := len(keep)
	df := n - 2 - k
	if df < 2 {
		res.Untestable = fmt.Sprintf("only %d complete rows for %d variables", n, len(cols))
		return
	}
	dm := make([][]float64, len(cols))
	for c, col := range cols {
		v := make([]float64, n)
		for j, i := range keep {
			v[j] = col[i]
		}
		if !(centeredSS(v) > 0) {
			if c < 2 {
				res.Untestable = "a variable has no variance in the complete rows"
				res.Invariant = c
				return
			}
		}
		m := mean(v)
		for j := range v {
			v[j] -= m
		}
		dm[c] = v
	}
	var basis [][]float64
	for c := 2; c < len(dm); c++ {
		v := slices.Clone(dm[c])
		before := sumSq(v)
		project(v, basis)
		project(v, basis)
		ss := sumSq(v)
		if !(before > 0) || ss <= relTol*before {
			res.Untestable = "the variables are collinear in the complete rows"
			return
		}
		scale(v, 1/math.Sqrt(ss))
		basis = append(basis, v)
	}
	ey, ex := slices.Clone(dm[0]), slices.Clone(dm[1])
	sxx0, syy0 := sumSq(ex), sumSq(ey)
	project(ey, basis)
	project(ex, basis)
	sxx, syy := sumSq(ex), sumSq(ey)
	if sxx <= relTol*sxx0 || syy <= relTol*syy0 {
		res.Untestable = "the variables are collinear in the complete rows"
		return
	}
	r := math.Max(-1, math.Min(1, dot(ex, ey)/math.Sqrt(sxx*syy)))
	res.R = r
	res.DF = float64(df)
	if math.Abs(r) == 1 {
		res.P, res.T = 0, math.Copysign(math.Inf(1), r)
		res.Lo, res.Hi = r, r
		return
	}
	res.T = r * math.Sqrt(float64(df)/(1-r*r))
	st := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}
	res.P = 2 * st.Survival(math.Abs(res.T))
	if n-k-3 > 0 {
		z, se := math.Atanh(r), 1/math.Sqrt(float64(n-k-3))
		res.Lo, res.Hi = math.Tanh(z-1.959963984540054*se), math.Tanh(z+1.959963984540054*se)
	}
}

// Holm returns Holm's step-down adjusted p-values (family-wise error):
// a test is rejected at level alpha when its adjusted p-value is below
// alpha. NaN entries (untested) stay NaN and do not count in the family.
func Holm(p []float64) []float64 {
	out := make([]float64, len(p))
	var idx []int
	for i, v := range p {
		out[i] = math.NaN()
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	m := len(idx)
	run := 0.0
	for k, i := range idx {
		run = math.Max(run, math.Min(1, float64(m-k)*p[i]))
		out[i] = run
	}
	return out
}

// BH returns Benjamini and Hochberg's adjusted p-values (false discovery
// rate); NaN entries stay NaN and do not count.
func BH(p []float64) []float64 {
	out := make([]float64, len(p))
	var idx []int
	for i, v := range p {
		out[i] = math.NaN()
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	m := len(idx)
	run := 1.0
	for k := m - 1; k >= 0; k-- {
		i := idx[k]
		run = math.Min(run, p[i]*float64(m)/float64(k+1))
		out[i] = run
	}
	return out
}

func demean(v []float64, unit []int, G int) {
	sum := make([]float64, G)
	cnt := make([]float64, G)
	for j, u := range unit {
		sum[u] += v[j]
		cnt[u]++
	}
	for j, u := range unit {
		v[j] -= sum[u] / cnt[u]
	}
}

// twoWay demeans v (already unit-demeaned) by unit and period by
// alternating projections until the period means vanish.
func twoWay(v []float64, unit []int, G int, period []int) {
	P := 0
	for _, p := range period {
		P = max(P, p+1)
	}
	scale0 := math.Sqrt(sumSq(v)/float64(len(v))) + 1e-300
	for iter := 0; iter < 10000; iter++ {
		demean(v, period, P)
		demean(v, unit, G)
		// Largest remaining period mean.
		sum := make([]float64, P)
		cnt := make([]float64, P)
		for j, p := range period {
			sum[p] += v[j]
			cnt[p]++
		}
		worst := 0.0
		for p := range sum {
			if cnt[p] > 0 {
				worst = math.Max(worst, math.Abs(sum[p]/cnt[p]))
			}
		}
		if worst <= 1e-10*scale0 {
			return
		}
	}
}

func project(v []float64, basis [][]float64) {
	for _, b := range basis {
		c := dot(v, b)
		for j := range v {
			v[j] -= c * b[j]
		}
	}
}

func scale(v []float64, s float64) {
	for j := range v {
		v[j] *= s
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for j := range a {
		s += a[j] * b[j]
	}
	return s
}

func sumSq(v []float64) float64 { return dot(v, v) }

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func centeredSS(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	m := mean(v)
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return s
}

// orthonormal is an orthonormal basis of the columns (nil ones skipped), by
// modified Gram-Schmidt applied twice (which keeps orthogonality); a column
// that is (nearly) a combination of the earlier ones is left out and, when
// dropped is not nil, reported by its index.
func orthonormal(cols [][]float64, dropped func(c int)) [][]float64 {
	var basis [][]float64
	for c, col := range cols {
		if col == nil {
			continue
		}
		v := slices.Clone(col)
		before := sumSq(v)
		project(v, basis)
		project(v, basis)
		ss := sumSq(v)
		if !(before > 0) || ss <= relTol*before {
			if dropped != nil {
				dropped(c)
			}
			continue
		}
		scale(v, 1/math.Sqrt(ss))
		basis = append(basis, v)
	}
	return basis
}
