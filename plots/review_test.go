package plots

import (
	"os"
	"path/filepath"
	"testing"
)

// allFigures builds one figure of every kind from the synthetic inputs.
func allFigures(t testing.TB, o Options) map[string]*Figure {
	t.Helper()
	obs, rep := testPPC(false)
	dobs, drep := testPPC(true)
	chains, div := testChains(4, 500)
	energy, _ := testChains(4, 500)
	must := func(f *Figure, err error) *Figure {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	return map[string]*Figure{
		"forest":         must(Forest(o, testEdges())),
		"contraction":    must(Contraction(o, testDensities())),
		"trace":          must(Trace(o, "beta[fear <- threat]", chains, div)),
		"rank":           must(Rank(o, "beta[fear <- threat]", chains)),
		"traces":         must(Traces(o, testParams(5, chains), div)),
		"ranks":          must(Ranks(o, testParams(5, chains))),
		"energy":         must(Energy(o, energy)),
		"remedies":       must(Remedies(o, testEffects())),
		"effect-horizon": must(EffectHorizon(o, testHorizon())),
		"counterfactual": must(Counterfactual(o, testUnits())),
		"ppc":            must(PPC(o, "fear", obs, rep, false)),
		"ppc-discrete":   must(PPC(o, "unilateralism", dobs, drep, true)),
		"dag-fig1":       must(DAG(o, fig1DAG())),
		"dag-fig2":       must(DAG(o, fig2DAG())),
		"dag-estimates":  must(DAG(o, fig2WithEstimates())),
		"dag-pos":        must(DAG(o, posGraph())),
		"dag-extra":      must(DAG(o, extraDAG())),
	}
}

// TestReview writes every figure as PNG (and PDF) at both standard widths
// into $PLOTS_REVIEW_DIR, for looking at. Skipped unless that is set.
func TestReview(t *testing.T) {
	dir := os.Getenv("PLOTS_REVIEW_DIR")
	if dir == "" {
		t.Skip("set PLOTS_REVIEW_DIR to write figures for review")
	}
	for _, w := range []struct {
		name  string
		width float64
	}{{"col", ColumnWidth}, {"page", PageWidth}} {
		for kind, f := range allFigures(t, Options{Width: w.width, DPI: 150}) {
			for _, ext := range []string{".png", ".pdf", ".svg", ".eps"} {
				if err := Save(f, filepath.Join(dir, kind+"-"+w.name+ext)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
