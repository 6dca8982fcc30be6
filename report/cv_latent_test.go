package report

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
)

// TestCVLatentParent: compare --cv unit scores a column whose node has a
// latent parent, the latent integrated out. On data simulated with
// x -> L -> y (L measured by three gaussian indicators, unit intercepts on
// L and y), y given x is the same normal distribution under the true graph
// and under x -> y directly, so their elpd must agree; the graph whose
// latent lacks the parent x must lose by more than two standard errors of
// the paired difference. A non-gaussian node with a latent parent is
// still refused, naming it.
func TestCVLatentParent(t *testing.T) {
	if testing.Short() {
		t.Skip("8 fits")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(41, 43))
	var b strings.Builder
	b.WriteString("iso3,month,x,y,i1,i2,i3,n\n")
	for u := 0; u < 24; u++ {
		ul, uy := 0.5*rng.NormFloat64(), 0.3*rng.NormFloat64()
		for p := 1; p <= 6; p++ {
			x := rng.NormFloat64()
			eta := 0.8*x + ul + rng.NormFloat64()
			y := 0.3 + 0.9*eta + uy + 0.5*rng.NormFloat64()
			fmt.Fprintf(&b, "U%03d,2020-%02d,%.5f,%.5f,%.5f,%.5f,%.5f,%d\n", u, p, x, y,
				1+0.9*eta+0.5*rng.NormFloat64(), -0.5+0.7*eta+0.6*rng.NormFloat64(), 0.2+1.2*eta+0.5*rng.NormFloat64(), rng.IntN(3))
		}
	}
	csv := filepath.Join(dir, "panel.csv")
	os.WriteFile(csv, []byte(b.String()), 0o644)
	settings := `
settings {
  x [column="x"]
  L [latent, indicators="i1,i2,i3"]
  y [column="y"]
}
`
	fitOf := func(name, graph string) *fit.Fit {
		path := filepath.Join(dir, name+".dag")
		text := graph + settings
		if !strings.Contains(graph, "x ->") {
			text = strings.Replace(text, "  x [column=\"x\"]\n", "", 1)
		}
		if strings.Contains(graph, "-> n") {
			text = strings.Replace(text, "  y [column", "  n [column=\"n\", family=\"poisson\"]\n  y [column", 1)
		}
		os.WriteFile(path, []byte(text), 0o644)
		pl, err := fit.Prepare(path, csv, data.Options{UnitKey: "iso3", TimeKey: "month"}, fit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := fit.DefaultSettings()
		s.Chains, s.Warmup, s.Samples, s.Seed = 2, 300, 200, 3
		f, err := fit.Run(context.Background(), pl, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	truth := fitOf("true", `dag { x -> L; L -> y }`)
	direct := fitOf("direct", `dag { x -> L; x -> y }`)
	blind := fitOf("blind", `dag { L -> y }`)
	c, err := CrossValidate(context.Background(), []*fit.Fit{blind, direct, truth}, []string{"blind", "direct", "true"}, CVOptions{Folds: 3, Seed: 1, Column: "y"})
	if err != nil {
		t.Fatal(err)
	}
	elpd := map[string]CVModel{}
	for _, m := range c.Models {
		t.Logf("%s: elpd %.1f (se %.1f), diff %.1f (se %.1f)", m.Name, m.ELPD, m.SE, m.Diff, m.SEDiff)
		elpd[m.Name] = m
	}
	if c.Scored != 24 || c.Rows != 144 || c.Models[2].Name != "blind" {
		t.Errorf("comparison %+v", c)
	}
	// y given x is the same distribution under the true graph (the latent
	// integrated out) and the direct one: their elpd agree within the noise.
	d := elpd["true"].ELPD - elpd["direct"].ELPD
	se := max(elpd["true"].SEDiff, elpd["direct"].SEDiff)
	if d > 3*se+1 || d < -3*se-1 {
		t.Errorf("true − direct = %.1f (se %.1f): integrating the latent out should match y on x", d, se)
	}
	if b := elpd["blind"]; !(-b.Diff > 2*b.SEDiff) {
		t.Errorf("the graph without x -> L is not worse: %+v", b)
	}
	// A count node with a latent parent is refused.
	counts := fitOf("counts", `dag { x -> L; L -> n; x -> y }`)
	if _, err := CrossValidate(context.Background(), []*fit.Fit{counts, counts}, []string{"a", "b"}, CVOptions{Folds: 3, Column: "n"}); err == nil ||
		!strings.Contains(err.Error(), "n (poisson) has the latent parent L") {
		t.Errorf("a poisson node with a latent parent: %v", err)
	}
}
