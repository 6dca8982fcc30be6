package query

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"dilemma/model/sem"
)

// TestMeanTable checks the tabulated expected value of an ordered node
// integrated over latent noise against the exact quadrature sum, at points
// spread over the grid and beyond it, for draws whose cutpoints (two to
// five of them) and noise sd differ: the error must stay within the bound
// the table promises (2e-8 for four cutpoints).
func TestMeanTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for K := 1; K <= 5; K++ {
		const m = 40
		cuts := make([][]float64, K)
		for k := range cuts {
			cuts[k] = make([]float64, m)
		}
		for i := 0; i < m; i++ {
			c := -3 + 2*rng.Float64()
			for k := range cuts {
				cuts[k][i] = c
				c += 0.2 + 2.5*rng.Float64()
			}
		}
		idx := make([]int, K)
		for k := range idx {
			idx[k] = k
		}
		fam := sem.Ordered{K: K + 1}
		s := &system{nodes: []*sysNode{{kind: kindEquation, fam: fam, thr: fam, ncut: K, par: idx}}, draws: [][][]float64{cuts}}
		wk := &worker{s: s, expC: [][]float64{make([]float64, m*K)}, parC: [][]float64{make([]float64, m*K)}, qz: [][]float64{nil}, qw: [][]float64{nil},
			qoff: [][]int{nil}, tab: [][]float64{nil}, tabLo: [][]float64{make([]float64, m)}, tabLast: [][]float64{make([]float64, m)}, tabN: []int{0}}
		for i := 0; i < m; i++ {
			for k := 0; k < K; k++ {
				wk.expC[0][i*K+k] = math.Exp(cuts[k][i])
				wk.parC[0][i*K+k] = cuts[k][i]
			}
			wk.qoff[0] = append(wk.qoff[0], len(wk.qz[0]))
			sd := 2 * rng.Float64()
			rule := pickRule(sd)
			for q, z := range rule.z {
				wk.qz[0] = append(wk.qz[0], math.Exp(-sd*z))
				wk.qw[0] = append(wk.qw[0], rule.w[q])
			}
		}
		wk.qoff[0] = append(wk.qoff[0], len(wk.qz[0]))
		wk.tabSetup(0, 0, 0, m)
		bound := math.Pow(tabStep, 4) / 384 * float64(K) * 0.128
		eta, out, zero, diff := make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
		worst := 0.0
		for rep := 0; rep < 400; rep++ {
			for i := range eta {
				eta[i] = cuts[0][i] - 14 + (cuts[K-1][i]-cuts[0][i]+28)*rng.Float64()
			}
			wk.tabMeans(0, eta, out, [][]float64{zero}, [][]float64{diff})
			for i := range out {
				// The exact sum, term by term.
				want := 0.0
				for q := wk.qoff[0][i]; q < wk.qoff[0][i+1]; q++ {
					for k := 0; k < K; k++ {
						want += wk.qw[0][q] * logistic(eta[i]+math.Log(wk.qz[0][q])-cuts[k][i])
					}
				}
				worst = max(worst, math.Abs(out[i]-want))
				if diff[i] != 0 {
					t.Fatalf("a zero change gave %g", diff[i])
				}
			}
		}
		if worst > bound {
			t.Errorf("%d cutpoints: largest error %.3g exceeds the bound %.3g", K, worst, bound)
		}
		if worst == 0 {
			t.Errorf("%d cutpoints: no point was interpolated", K)
		}
	}
}

// TestTabulatedRemediesMatchQuadrature compares the remedies query on a fit
// without latent values with and without the table, on draws whose
// cutpoints and latent loading vary.
func TestTabulatedRemediesMatchQuadrature(t *testing.T) {
	e := remediesFit(t, 64)
	f := e.s.fit
	for j, n := range f.Names {
		col := f.Draws[0][j]
		switch {
		case strings.HasPrefix(n, "c.unilateralism."):
			for i := range col {
				col[i] += 0.7 * math.Sin(float64(i)*0.3+float64(j))
			}
		case n == "b.intent_uncertainty.unilateralism":
			for i := range col {
				col[i] = 1.5 * math.Sin(float64(i)*0.1)
			}
		}
	}
	e = withoutLatents(t, e)
	// On the fit's scale: the tolerance is that of the ordered node's mean.
	opt := Options{AssumeIdentified: true, Horizon: 1, Scale: Fit}
	tab, err := e.Remedies(opt)
	if err != nil {
		t.Fatal(err)
	}
	tabulate = false
	exact, err := e.Remedies(opt)
	tabulate = true
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for k, r := range tab.Rows {
		for i := range r.Draws {
			worst = max(worst, math.Abs(r.Draws[i]-exact.Rows[k].Draws[i]))
		}
	}
	// Interpolation error 2e-8 on the ordered node's mean, times the
	// strength 0.3 into the outcome.
	if worst > 1e-8 {
		t.Errorf("tabulated and exact remedies differ by up to %.3g", worst)
	}
	if worst == 0 {
		t.Errorf("tabulated and exact remedies are identical: the table was not used")
	}
}
