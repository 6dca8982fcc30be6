package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/data"
)

// TestReportCommand writes a report on a simulated graph of the user's own
// with a rival, then again from the fit directory alone; bad flags are
// refused in one line with exit 1 and leave nothing behind.
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	csvPath := simulatedPanelCSV(t, dir, data.SimSpec{Units: 10, Periods: 6, Seed: 2, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "m", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 0.5}}},
		{Node: "y", Sigma: 0.7, UnitSD: 0.3, Parents: []data.SimParent{{Node: "m", Coef: 0.8}}},
	}})
	truth := filepath.Join(dir, "truth.dag")
	os.WriteFile(truth, []byte("dag { x -> m -> y }\nsettings { x [column=\"x\"]\n m [column=\"m\", role=\"mediator\"]\n y [column=\"y\", role=\"outcome\"] }"), 0o644)
	rival := filepath.Join(dir, "rival.dag")
	os.WriteFile(rival, []byte("dag { x -> m\n x -> y }\nsettings { x [column=\"x\"]\n m [column=\"m\"]\n y [column=\"y\", role=\"outcome\"] }"), 0o644)
	out := filepath.Join(dir, "rep")
	common := []string{"--data", csvPath, "--unit", "unit", "--time", "period", "--chains", "2", "--warmup", "100", "--samples", "100", "--quiet"}
	stdout, stderr, status := runCLI(t, append([]string{"report", truth, "--compare", rival, "--units", "U001", "--out", out}, common...)...)
	if status != 0 {
		t.Fatalf("exit %d: %s", status, stderr)
	}
	if !strings.Contains(stdout, "wrote "+out+"/report.md") {
		t.Errorf("stdout %q", stdout)
	}
	md, _ := os.ReadFile(filepath.Join(out, "report.md"))
	for _, want := range []string{"## Edges", "PSIS-LOO", "Mediation of x → y through m", "## Counterfactuals", "## Diagnostics"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	// From the fit directory: no model argument, no sampling.
	out2 := filepath.Join(dir, "rep2")
	if _, stderr, status := runCLI(t, "report", "--fit", filepath.Join(out, "fits", "truth"), "--out", out2, "--quiet"); status != 0 {
		t.Fatalf("--fit: exit %d: %s", status, stderr)
	}
	if _, err := os.Stat(filepath.Join(out2, "tables", "edges.csv")); err != nil {
		t.Error(err)
	}
	// A rival next to a reused fit is fitted on its data with its settings.
	out3 := filepath.Join(dir, "rep3")
	if _, stderr, status := runCLI(t, "report", "--fit", filepath.Join(out, "fits", "truth"), "--compare", rival, "--out", out3, "--quiet"); status != 0 {
		t.Fatalf("--fit --compare: exit %d: %s", status, stderr)
	}
	man, _ := os.ReadFile(filepath.Join(out3, "fits", "rival", "manifest.json"))
	if !strings.Contains(string(man), `"warmup": 100`) || !strings.Contains(string(man), "panel.csv") {
		t.Errorf("the rival was not fitted with the reused fit's settings and data:\n%.600s", man)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--out", filepath.Join(dir, "x")}, "name a model"},
		{[]string{"report", truth}, "--out DIR is required"},
		{append([]string{"report", truth, "--units", "ZZZ", "--out", filepath.Join(dir, "x")}, common...), "--units: ZZZ is not a unit"},
		{append([]string{"report", truth, "--compare", truth, "--out", filepath.Join(dir, "x")}, common...), "two different models"},
		{append([]string{"report", truth, "--horizon", "0", "--out", filepath.Join(dir, "x")}, common...), "--horizon 0"},
		{append([]string{"report", truth, "--out", csvPath}, common...), "not a directory"},
	} {
		_, stderr, status := runCLI(t, append(tc.args, "--quiet")...)
		if status != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and one line with %q", tc.args[1:], status, stderr, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("a refused run left its output")
	}
}
