package loo

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// TestConjugateExact checks PSIS-LOO against the closed-form leave-one-out
// predictive densities of a normal mean with known variance and a normal
// prior, from 4,000 exact posterior draws.
func TestConjugateExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	m := normalModel{y: simNormal(r, 50, 1, 1), sigma: 1, mu0: 0, tau0: 10}
	res, err := LOO(m.loglik(m.draws(r, 4000, -1)))
	if err != nil {
		t.Fatal(err)
	}
	exact := m.exactLOO()
	want := sum(exact)
	if d := math.Abs(res.ELPD - want); d > 0.1 || d > 4*res.MCSE {
		t.Errorf("elpd_loo = %.4f, exact %.4f (MCSE %.4f)", res.ELPD, want, res.MCSE)
	}
	for i, p := range res.Pointwise {
		if d := math.Abs(p.ELPD - exact[i]); d > 0.02 {
			t.Errorf("observation %d: elpd %.4f, exact %.4f", i+1, p.ELPD, exact[i])
		}
		if p.KHat >= 0.5 {
			t.Errorf("observation %d: k-hat %.3f, want < 0.5", i+1, p.KHat)
		}
		if p.ESS < 1000 || p.ESS > 4000 {
			t.Errorf("observation %d: PSIS ESS %.0f, want near 4000", i+1, p.ESS)
		}
	}
	// One parameter and a vague prior: p_loo is close to 1.
	if math.Abs(res.PLOO-1) > 0.2 {
		t.Errorf("p_loo = %.3f, want about 1", res.PLOO)
	}
	// SE is the spread of the exact pointwise values, up to Monte Carlo.
	if se := math.Sqrt(50 * variance(exact)); math.Abs(res.SE-se) > 0.01*se {
		t.Errorf("SE = %.4f, exact pointwise SE %.4f", res.SE, se)
	}
	if res.LOOIC != -2*res.ELPD || res.LOOICSE != 2*res.SE {
		t.Errorf("looic %.4f ± %.4f, elpd %.4f ± %.4f", res.LOOIC, res.LOOICSE, res.ELPD, res.SE)
	}
	if res.Threshold != 0.7 || res.NumBadK != 0 || len(res.Warnings) != 0 {
		t.Errorf("threshold %.3f, %d bad k, warnings %q", res.Threshold, res.NumBadK, res.Warnings)
	}
	if !(res.MCSE > 0 && res.MCSE < 0.1) {
		t.Errorf("MCSE = %g, want small and positive", res.MCSE)
	}
}

// TestBruteForceRefit refits the conjugate model without each observation
// by exact sampling and compares the Monte Carlo leave-one-out densities
// with PSIS-LOO from the full-data draws.
func TestBruteForceRefit(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	m := normalModel{y: simNormal(r, 30, -2, 3), sigma: 3, mu0: 0, tau0: 2}
	const s = 4000
	res, err := LOO(m.loglik(m.draws(r, s, -1)))
	if err != nil {
		t.Fatal(err)
	}
	exact := m.exactLOO()
	var brute float64
	for i, y := range m.y {
		mus := m.draws(r, s, i) // posterior without observation i
		lik := make([]float64, s)
		for d, mu := range mus {
			lik[d] = logNormal(y, mu, m.sigma)
		}
		b, se := logMeanExp(lik), mcseLogMeanExp(lik)
		brute += b
		if d := math.Abs(b - exact[i]); d > 4*se+1e-3 {
			t.Errorf("observation %d: brute force %.4f ± %.4f, closed form %.4f", i+1, b, se, exact[i])
		}
		p := res.Pointwise[i]
		if d := math.Abs(p.ELPD - b); d > 4*math.Hypot(se, p.MCSE)+1e-3 {
			t.Errorf("observation %d: PSIS %.4f ± %.4f, brute force %.4f ± %.4f", i+1, p.ELPD, p.MCSE, b, se)
		}
	}
	if d := math.Abs(res.ELPD - brute); d > 0.1 {
		t.Errorf("elpd_loo: PSIS %.4f, brute force %.4f", res.ELPD, brute)
	}
}

// TestOutlier gives one gross outlier, which must get a high k-hat, be
// counted, named in a warning and make the MCSE NaN.
func TestOutlier(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	m := normalModel{y: append(simNormal(r, 20, 0, 1), 20), sigma: 1, mu0: 0, tau0: 10}
	res, err := LOO(m.loglik(m.draws(r, 4000, -1)))
	if err != nil {
		t.Fatal(err)
	}
	k := res.KHat[20]
	if !(k > 0.7) {
		t.Fatalf("outlier k-hat %.3f, want > 0.7", k)
	}
	for i, kk := range res.KHat[:20] {
		if kk > 0.7 {
			t.Errorf("observation %d: k-hat %.3f, want ≤ 0.7", i+1, kk)
		}
	}
	if res.NumBadK != 1 {
		t.Errorf("NumBadK = %d, want 1", res.NumBadK)
	}
	if c := Category(k, res.Threshold); c == "good" {
		t.Errorf("category %q", c)
	}
	if len(res.Warnings) < 2 || !strings.Contains(res.Warnings[0], "1 of 21 observations (observation 21)") {
		t.Errorf("warnings %q", res.Warnings)
	}
	if !math.IsNaN(res.MCSE) {
		t.Errorf("MCSE = %g, want NaN with a bad k-hat", res.MCSE)
	}
	good, bad, veryBad := res.KCounts()
	if good != 20 || bad+veryBad != 1 {
		t.Errorf("KCounts = %d, %d, %d", good, bad, veryBad)
	}
}

// TestShiftInvariance adds a large constant to one observation's
// log-likelihood (as a change of units would): its elpd shifts by exactly
// that constant, with no overflow, and nothing else changes.
func TestShiftInvariance(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	m := normalModel{y: append(simNormal(r, 10, 0, 1), 4), sigma: 1, mu0: 0, tau0: 10}
	ll := m.loglik(m.draws(r, 1000, -1))
	base, err := LOO(ll)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []float64{-5000, 900} {
		shifted := make([][]float64, len(ll))
		for d, row := range ll {
			shifted[d] = append([]float64(nil), row...)
			shifted[d][10] += c
		}
		res, err := LOO(shifted)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range res.Pointwise {
			q := base.Pointwise[i]
			want := q.ELPD
			if i == 10 {
				want += c
			}
			if math.Abs(p.ELPD-want) > 1e-9*math.Max(1, math.Abs(want)) ||
				math.Abs(p.PLOO-q.PLOO) > 1e-9 || math.Abs(p.KHat-q.KHat) > 1e-9 {
				t.Errorf("shift %g, observation %d: %+v, want elpd %g and %+v", c, i+1, p, want, q)
			}
		}
	}
}

// TestDeterministicAcrossProcs checks that results do not depend on
// GOMAXPROCS.
func TestDeterministicAcrossProcs(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	m := normalModel{y: append(simNormal(r, 37, 0, 1), 6), sigma: 1, mu0: 0, tau0: 10}
	ll := m.loglik(m.draws(r, 500, -1))
	prev := runtime.GOMAXPROCS(1)
	one, err1 := LOO(ll)
	runtime.GOMAXPROCS(4)
	four, err4 := LOO(ll)
	runtime.GOMAXPROCS(prev)
	if err1 != nil || err4 != nil {
		t.Fatal(err1, err4)
	}
	if one.ELPD != four.ELPD || one.MCSE != four.MCSE {
		t.Errorf("GOMAXPROCS 1: %v ± %v; 4: %v ± %v", one.ELPD, one.MCSE, four.ELPD, four.MCSE)
	}
	for i := range one.Pointwise {
		if one.Pointwise[i] != four.Pointwise[i] {
			t.Errorf("observation %d: %+v vs %+v", i+1, one.Pointwise[i], four.Pointwise[i])
		}
	}
}

// TestChainIDs checks that LOOWith with chain ids computes r_eff below 1
// for autocorrelated draws, lengthens the tail and lowers the ESS, while
// barely moving elpd_loo.
func TestChainIDs(t *testing.T) {
	c := refCases()[3] // four AR(1) chains
	indep, err := LOO(c.ll)
	if err != nil {
		t.Fatal(err)
	}
	res, err := LOOWith(c.ll, Options{ChainIDs: c.chains})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range res.Pointwise {
		if !(p.REff > 0.1 && p.REff < 0.6) {
			t.Errorf("observation %d: r_eff %.3f, want about 0.18 for AR(1) with φ = 0.7", i+1, p.REff)
		}
		if q := indep.Pointwise[i]; !(p.ESS < q.ESS) || !(p.MCSE > q.MCSE) {
			t.Errorf("observation %d: ESS %.0f vs %.0f, MCSE %.4f vs %.4f", i+1, p.ESS, q.ESS, p.MCSE, q.MCSE)
		}
	}
	if d := math.Abs(res.ELPD - indep.ELPD); d > 0.05 {
		t.Errorf("elpd_loo %.4f with r_eff, %.4f without", res.ELPD, indep.ELPD)
	}
	// Interleaved ids give the same chains as blocks of ids.
	n := len(c.chains)
	ids := make([]int, n)
	rows := make([][]float64, n)
	for d := range n {
		chain, pos := d/500, d%500
		ids[pos*4+chain] = chain + 7
		rows[pos*4+chain] = c.ll[d]
	}
	inter, err := LOOWith(rows, Options{ChainIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Pointwise {
		if a, b := res.Pointwise[i].REff, inter.Pointwise[i].REff; a != b {
			t.Errorf("observation %d: r_eff %.6f from blocks, %.6f interleaved", i+1, a, b)
		}
	}
}
