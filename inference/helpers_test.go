package inference_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"dilemma/inference"
	"dilemma/inference/diagnostics"
)

// run samples with Collectors and fails the test on error.
func run(t testing.TB, f inference.TargetFactory, s inference.Settings) *inference.Result {
	t.Helper()
	res, err := inference.Sample(context.Background(), f, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// mapChains applies f to every draw.
func mapChains(chains [][]float64, f func(float64) float64) [][]float64 {
	out := make([][]float64, len(chains))
	for i, c := range chains {
		out[i] = make([]float64, len(c))
		for j, v := range c {
			out[i][j] = f(v)
		}
	}
	return out
}

// checkMean fails the test unless the chains have converged (R-hat ≤ 1.01)
// and their mean is within 4 Monte Carlo standard errors of want. It
// returns the summary.
func checkMean(t testing.TB, label string, chains [][]float64, want float64) diagnostics.Summary {
	t.Helper()
	return checkMeanSE(t, label, chains, want, 0)
}

// checkMeanSE is checkMean against a reference with its own standard error
// refSE: z = (mean − want)/sqrt(MCSE² + refSE²).
func checkMeanSE(t testing.TB, label string, chains [][]float64, want, refSE float64) diagnostics.Summary {
	t.Helper()
	sm := diagnostics.Summarize(label, chains)
	if !(sm.Rhat <= 1.01) {
		t.Errorf("%s: did not converge: R-hat %.4f > 1.01 (bulk ESS %.0f)", label, sm.Rhat, sm.ESSBulk)
		return sm
	}
	z := (sm.Mean - want) / math.Hypot(sm.MCSEMean, refSE)
	if !(math.Abs(z) <= 4) {
		t.Errorf("%s: mean %.5g, want %.5g: z = %.2f (MCSE %.3g, reference SE %.3g)",
			label, sm.Mean, want, z, sm.MCSEMean, refSE)
	}
	return sm
}

// countDivergent counts divergent draws in the collectors.
func countDivergent(res *inference.Result) int {
	n := 0
	for _, c := range res.Chains {
		for _, s := range c.Collector.Stats {
			if s.Divergent {
				n++
			}
		}
	}
	return n
}

// meanStat is the mean of sampler statistic k over all chains' draws.
func meanStat(res *inference.Result, k int) float64 {
	var s, n float64
	for _, c := range res.StatColumn(k) {
		for _, v := range c {
			s += v
			n++
		}
	}
	return s / n
}

// minESS is the smallest bulk ESS over all quantities.
func minESS(res *inference.Result) float64 {
	m := math.Inf(1)
	for j := range res.ParamNames {
		m = math.Min(m, diagnostics.ESSBulk(res.Column(j)))
	}
	return m
}

func gradEvals(res *inference.Result) int64 {
	var n int64
	for _, c := range res.Chains {
		n += c.GradEvals
	}
	return n
}

// newRand returns a test random stream.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 99)) }
