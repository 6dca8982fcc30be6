package paper

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/sweep"
)

// TestPaperRobustness: --robustness runs the remedies' multiverse over the
// given choices (an axis on a node the model lacks is left out, with a
// note), and the report gains the choices, the remedy-share table and a
// specification curve per remedy; robustness/ is a sweep directory that
// collect reads again.
func TestPaperRobustness(t *testing.T) {
	if testing.Short() {
		t.Skip("the paper's fits and 4 specifications")
	}
	dir, csvPath, trad, nontrad := fixture(t)
	out := filepath.Join(dir, "results")
	rs := quick()
	rs.Samples = 100
	_, err := Run(context.Background(), Options{Out: out, DataPath: csvPath, Keys: data.Options{UnitKey: "unit", TimeKey: "period"},
		Traditional: trad, NonTraditional: nontrad, Exposure: "exposure", Mediator: "intent", Units: []string{"U001"},
		Time: "5", Horizon: 2, Settings: quick(), Robustness: true, RobustnessSettings: rs, RobustnessJobs: 2,
		RobustnessAxes: []RobustnessAxis{
			{Name: "time_effects", Values: []string{"none", "fixed"}, Why: "common shocks"},
			{Name: "remedy.transform", Values: []string{"standardize", "indicator(>0)"}, Why: "a binary or a scale"},
			{Name: "goodwill_signals.transform", Values: []string{"log1p|standardize", "indicator(>0)"}, Why: "not in this model"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	report := string(md)
	for _, want := range []string{"### Robustness: the remedies across the data's debatable choices", "4 of 4 tasks done",
		"Left out: goodwill_signals.transform (the model has no node goodwill_signals)", "remedy.transform", "a binary or a scale",
		"Specification curve of remedy"} {
		if !strings.Contains(report, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	for _, f := range []string{"figures/robustness-remedy.png", "figures/robustness-remedy.pdf", "tables/robustness-remedies.csv",
		"tables/robustness-choices.md", "robustness/results.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	shares := string(readTestFile(t, filepath.Join(out, "tables", "robustness-remedies.csv")))
	if !strings.Contains(shares, "remedy,4,") {
		t.Errorf("remedy shares:\n%s", shares)
	}
	col, err := sweep.Collect(filepath.Join(out, "robustness"))
	if err != nil || col.Done != 4 || len(col.Answers) == 0 {
		t.Errorf("collect again: %+v %v", col, err)
	}
	if strings.Contains(report, "could not") {
		t.Errorf("report.md says something could not be done:\n%s", grepLines(report, "could not"))
	}
}

func readTestFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDefaultRobustnessAxesPlan: the default choices all apply to the
// built-in fig2-remedies on the embedded data, and every combination binds
// (planning compiles each; nothing is fitted): 16 specifications, not
// warm-started.
func TestDefaultRobustnessAxesPlan(t *testing.T) {
	o := Options{NonTraditional: "fig2-remedies"}
	o.defaults()
	o.robustnessDefaults()
	r := &run{o: o}
	pl, err := r.prepare(o.NonTraditional)
	if err != nil {
		t.Fatal(err)
	}
	p, rb, err := robustnessPlan(o, pl.Model, "dilemma", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(rb.skipped) > 0 || len(rb.axes) != len(DefaultRobustnessAxes) {
		t.Errorf("axes %v, skipped %v", rb.axes, rb.skipped)
	}
	if len(p.Tasks) != 16 || len(p.Pilots) != 0 {
		t.Errorf("%d tasks, %d pilots", len(p.Tasks), len(p.Pilots))
	}
	if s := p.Tasks[0].Query; !s.Remedies || s.Outcome != "dilemma" {
		t.Errorf("query %+v", s)
	}
}
