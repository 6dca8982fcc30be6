package paper

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/plots"
)

// fixture writes a simulated panel and two small models shaped like the
// paper's: a traditional graph and a non-traditional one with a remedy,
// sharing the outcome column.
func fixture(t *testing.T) (dir, csvPath, trad, nontrad string) {
	t.Helper()
	p, _, err := data.Simulate(data.SimSpec{Units: 12, Periods: 8, Seed: 9, Equations: []data.SimEquation{
		{Node: "threat", Sigma: 1},
		{Node: "exposure", Sigma: 1},
		{Node: "remedy", Sigma: 1},
		{Node: "i1", Sigma: 1, Parents: []data.SimParent{{Node: "exposure", Coef: 0.5}}},
		{Node: "i2", Sigma: 1, Parents: []data.SimParent{{Node: "exposure", Coef: 0.4}}},
		{Node: "fear", Sigma: 0.5, UnitSD: 0.3, Parents: []data.SimParent{{Node: "threat", Coef: 0.7}}},
		{Node: "uni", Family: "ordered", Cutpoints: []float64{-1, 0.5, 2}, Parents: []data.SimParent{{Node: "fear", Coef: 1}, {Node: "remedy", Coef: -0.5}}},
		{Node: "outcome", Sigma: 0.5, Parents: []data.SimParent{{Node: "uni", Coef: 0.6}, {Node: "remedy", Coef: -0.3}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	var b bytes.Buffer
	if err := p.Frame.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	csvPath = filepath.Join(dir, "panel.csv")
	os.WriteFile(csvPath, b.Bytes(), 0o644)
	trad = filepath.Join(dir, "trad.dag")
	os.WriteFile(trad, []byte(`dag { threat -> fear; fear -> uni; uni -> insecurity; uni -> fear [lag=1] }
settings {
  threat [column="threat"] fear [column="fear"] uni [column="uni", family="ordered"]
  insecurity [column="outcome", role="outcome", quality="poor"]
}`), 0o644)
	nontrad = filepath.Join(dir, "nontrad.dag")
	os.WriteFile(nontrad, []byte(`dag {
  exposure -> intent [sign="+"]; intent -> fear [sign="+"]; threat -> fear [sign="+"]
  fear -> uni [sign="+"]; exposure -> uni [sign="+"]; uni -> dilemma [sign="+"]
  remedy -> uni [sign="-"]; remedy -> dilemma [sign="-"]
}
settings {
  exposure [column="exposure", quality="good"] threat [column="threat"] fear [column="fear"]
  intent [latent, indicators="i1,i2", quality="poor"]
  uni [column="uni", family="ordered"] remedy [column="remedy", role="remedy"]
  dilemma [column="outcome", role="outcome"]
}`), 0o644)
	return dir, csvPath, trad, nontrad
}

func quick() fit.Settings {
	s := fit.DefaultSettings()
	s.Chains, s.Warmup, s.Samples, s.Seed = 2, 150, 100, 3
	return s
}

func TestPaperWritesEveryFile(t *testing.T) {
	dir, csvPath, trad, nontrad := fixture(t)
	out := filepath.Join(dir, "results")
	res, err := Run(context.Background(), Options{Out: out, DataPath: csvPath, Keys: data.Options{UnitKey: "unit", TimeKey: "period"},
		Traditional: trad, NonTraditional: nontrad, Exposure: "exposure", Mediator: "intent", Units: []string{"U001", "U002"},
		Time: "5", Horizon: 2, Settings: quick()})
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	report := string(md)
	for _, want := range []string{"## 1. Is there a non-traditional dilemma?", "## 2. Why?", "## 3. How can it be resolved?",
		"Testable implications", "PSIS-LOO", "natural indirect", "P(reduces)", "Counterfactuals for named countries", "## Panel structure", "## Diagnostics", "### Missing values"} {
		if !strings.Contains(report, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	// Captions name the colours the figures draw (plots.Look).
	for _, want := range []string{"Prior (" + plots.ContractionPrior.String() + ") against posterior (" + plots.ContractionPosterior.String() + ")",
		"energy transitions (" + plots.EnergyTransition.String() + "), both pooled over the chains"} {
		if !strings.Contains(report, want) {
			t.Errorf("report.md lacks the caption %q", want)
		}
	}
	if strings.Contains(report, "Prior (grey)") || strings.Contains(report, "transitions per chain") {
		t.Error("report.md keeps a caption that contradicts its figure")
	}
	if strings.Contains(report, "could not") {
		t.Errorf("report.md says something could not be done:\n%s", grepLines(report, "could not"))
	}
	// Every file the report links exists, and every figure has PNG and PDF.
	for _, f := range []string{"report.html", "manifest.json", "figures/forest.png", "figures/forest.pdf", "figures/dag-traditional.png",
		"figures/contraction.png", "figures/remedies.png", "figures/horizon-remedy.png", "figures/counterfactual.png",
		"figures/energy.png", "figures/trace.png", "figures/rank.png", "tables/edges-nontraditional.tex", "tables/remedies.csv",
		"tables/mediation.md", "tables/loo.csv", "tables/missing.csv", "tables/structure-loo.csv", "tables/structure-remedies.csv", "tables/counterfactuals.csv", "fits/trad/manifest.json", "fits/nontrad/chain-2.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	for _, l := range strings.Split(report, "\n") {
		if strings.HasPrefix(l, "![") {
			_, rest, _ := strings.Cut(l, "](")
			src, _, _ := strings.Cut(rest, ")")
			if _, err := os.Stat(filepath.Join(out, src)); err != nil {
				t.Errorf("report links %s, which is missing", src)
			}
		}
	}
	if len(res.Files) < 30 {
		t.Errorf("only %d files written", len(res.Files))
	}
	html, _ := os.ReadFile(filepath.Join(out, "report.html"))
	if err := xml.Unmarshal(bytes.ReplaceAll(html, []byte("<!DOCTYPE html>"), nil), new(struct{})); err != nil {
		t.Errorf("report.html is not well-formed: %v", err)
	}
	// No temporary directory is left beside the output.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".results") {
			t.Errorf("temporary %s left behind", e.Name())
		}
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestPaperFailureLeavesNothing makes the second fit fail (a column the
// data lack) after the first succeeded: nothing may remain of the output.
func TestPaperFailureLeavesNothing(t *testing.T) {
	dir, csvPath, trad, _ := fixture(t)
	bad := filepath.Join(dir, "bad.dag")
	os.WriteFile(bad, []byte(`dag { a -> b } settings { a [column="gdp"] b [column="outcome"] }`), 0o644)
	out := filepath.Join(dir, "results")
	_, err := Run(context.Background(), Options{Out: out, DataPath: csvPath, Keys: data.Options{UnitKey: "unit", TimeKey: "period"},
		Traditional: trad, NonTraditional: bad, Settings: quick()})
	if err == nil || !strings.Contains(err.Error(), "gdp") {
		t.Fatalf("got %v, want an error naming the column", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "results") || strings.HasPrefix(e.Name(), ".results") {
			t.Errorf("%s left behind after a failure", e.Name())
		}
	}
	// An existing directory that is not a report is never replaced.
	os.MkdirAll(out, 0o755)
	os.WriteFile(filepath.Join(out, "thesis.tex"), []byte("mine"), 0o644)
	if _, err := Run(context.Background(), Options{Out: out, DataPath: csvPath, Traditional: trad, NonTraditional: trad, Settings: quick()}); err == nil {
		t.Error("replaced a directory that is not a report")
	}
	if b, _ := os.ReadFile(filepath.Join(out, "thesis.tex")); string(b) != "mine" {
		t.Error("the user's file was touched")
	}
}

// Every option is checked against the model and the data before any
// sampling: a bad one fails at once and leaves nothing in the output's
// parent directory.
func TestPaperChecksBeforeSampling(t *testing.T) {
	dir, csvPath, trad, nontrad := fixture(t)
	base := Options{DataPath: csvPath, Keys: data.Options{UnitKey: "unit", TimeKey: "period"},
		Traditional: trad, NonTraditional: nontrad, Exposure: "exposure", Mediator: "intent", Horizon: 2, Settings: quick()}
	for _, c := range []struct {
		change func(o *Options)
		want   string
	}{
		{func(o *Options) { o.Horizon = 8 }, "--horizon 8: want 1 to 7 periods"},
		{func(o *Options) { o.Width = 50 }, "--width 50"},
		{func(o *Options) { o.Units = []string{"U001", "ZZZ"} }, "--units: ZZZ is not a unit of the data"},
		{func(o *Options) { o.Time = "99" }, "--period 99: not a period of the data (1 … 8, 8 periods)"},
		{func(o *Options) { o.Exposure = "nosuch" }, "--exposure nosuch: no such node"},
		{func(o *Options) { o.Mediator = "threat" }, "--mediator threat is not on a causal path"},
		{func(o *Options) { o.Mediator = "dilemma" }, "--mediator dilemma is the exposure or the outcome"},
		{func(o *Options) { o.Outcome = "remedy" }, "--outcome remedy: the node has no equation"},
		{func(o *Options) { o.Settings.Samples = 1 << 40 }, "the draws need"},
		{func(o *Options) { o.Traditional = o.NonTraditional }, "name two different models"},
	} {
		o := base
		c.change(&o)
		parent := t.TempDir()
		o.Out = filepath.Join(parent, "results")
		_, err := Run(context.Background(), o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one with %q", err, c.want)
		}
		if entries, _ := os.ReadDir(parent); len(entries) > 0 {
			t.Errorf("%q: left %d entries in the output's parent, e.g. %s", c.want, len(entries), entries[0].Name())
		}
	}
	_ = dir
}
