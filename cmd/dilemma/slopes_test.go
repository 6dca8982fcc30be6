package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/data"
)

// varies="unit" end to end: the fit writes the sd across units in
// edges.csv, plot --kind slopes draws the caterpillar, and bad requests
// (an edge that does not vary, too few units) are one-line errors with
// status 1 and no output file.
func TestSlopesCommands(t *testing.T) {
	dir := t.TempDir()
	sim := func(units int, dir string) string {
		return simulatedPanelCSV(t, dir, data.SimSpec{Units: units, Periods: 10, Seed: 5, Equations: []data.SimEquation{
			{Node: "x", Sigma: 1},
			{Node: "m", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 0.6}}},
			{Node: "y", Sigma: 1, Parents: []data.SimParent{{Node: "m", Coef: 0.5}}},
		}})
	}
	csv12 := sim(12, dir)
	modelPath := filepath.Join(dir, "slopes.dag")
	src := "dag {\n  x -> m [varies=\"unit\"]\n  m -> y\n  y [outcome]\n}\n"
	if err := os.WriteFile(modelPath, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	fitDir := filepath.Join(dir, "fit")
	if _, errs, st := runCLI(t, "fit", modelPath, "--data", csv12, "--unit", "unit", "--time", "period",
		"--chains", "2", "--warmup", "150", "--samples", "100", "--out", fitDir, "--quiet"); st != 0 {
		t.Fatalf("fit: status %d: %s", st, errs)
	}
	edges, err := os.ReadFile(filepath.Join(fitDir, "edges.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(edges), "\nx -> m [sd across units],x,m,0,") {
		t.Errorf("edges.csv has no row for the sd across units:\n%s", edges)
	}
	work := t.TempDir()
	chdir(t, work)
	if _, errs, st := runCLI(t, "plot", fitDir, "--kind", "slopes", "--out", "s.png"); st != 0 {
		t.Fatalf("plot --kind slopes: status %d: %s", st, errs)
	}
	if _, errs, st := runCLI(t, "plot", fitDir, "--kind", "slopes", "--edge", "x->m", "--out", "s.svg"); st != 0 {
		t.Fatalf("plot --kind slopes --edge x->m: status %d: %s", st, errs)
	}
	for _, f := range []string{"s.png", "s.svg"} {
		if st, err := os.Stat(filepath.Join(work, f)); err != nil || st.Size() < 1000 {
			t.Errorf("%s: %v", f, err)
		}
	}
	os.Remove(filepath.Join(work, "s.png"))
	os.Remove(filepath.Join(work, "s.svg"))
	csv4 := sim(4, t.TempDir())
	runCases(t, work, []cliCase{
		{"edge that does not vary", []string{"plot", fitDir, "--kind", "slopes", "--edge", "m -> y", "--out", "n.pdf"}, 1,
			`edge "m -> y" does not vary by unit in this fit; edges that do: x -> m`},
		{"--edge on another kind", []string{"plot", fitDir, "--kind", "forest", "--edge", "x -> m", "--out", "n.pdf"}, 1,
			"--edge applies to --kind slopes and conditional only"},
		{"too few units", []string{"fit", modelPath, "--data", csv4, "--unit", "unit", "--time", "period", "--quiet", "--out", "f4"}, 1,
			`edge x -> m: varies="unit" needs at least 5 units with data, and m has 4`},
	})
}
