package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/data"
)

// moderatedFitDir fits x -> y moderated by z with the fit command and
// returns the fit directory.
func moderatedFitDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	csvPath := simulatedPanelCSV(t, dir, data.SimSpec{Units: 15, Periods: 6, Seed: 4, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "z", Sigma: 1},
		{Node: "y", Sigma: 0.5, Parents: []data.SimParent{{Node: "x", Coef: 0.5}, {Node: "z", Coef: 0.2}}},
	}})
	modelPath := filepath.Join(dir, "m.dag")
	src := "dag {\n  x -> y [moderator=\"z\", moderator_prior=\"normal(0,0.5)\"]\n  z -> y\n  y [outcome]\n}\n"
	if err := os.WriteFile(modelPath, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "fit")
	_, errs, st := runCLI(t, "fit", modelPath, "--data", csvPath, "--unit", "unit", "--time", "period", "--out", out,
		"--chains", "1", "--warmup", "150", "--samples", "100", "--quiet")
	if st != 0 {
		t.Fatalf("fit: status %d: %s", st, errs)
	}
	return out
}

func TestModerationCommands(t *testing.T) {
	dir := moderatedFitDir(t)
	edges, err := os.ReadFile(filepath.Join(dir, "edges.csv"))
	if err != nil || !strings.Contains(string(edges), "\nx -> y [moderator=z],x,y,0,") {
		t.Errorf("edges.csv lacks the interaction row (%v):\n%s", err, edges)
	}
	out, errs, st := runCLI(t, "graph", "show", filepath.Join(filepath.Dir(dir), "m.dag"))
	if st != 0 || !strings.Contains(out, "x -> y [moderator=z]") || !strings.Contains(out, "moderator normal(0,0.5)") {
		t.Errorf("graph show: status %d %s\n%s", st, errs, out)
	}
	out, errs, st = runCLI(t, "summary", dir, "--quiet")
	if st != 0 || !strings.Contains(out, "x -> y [moderator=z]") {
		t.Errorf("summary: status %d %s\n%s", st, errs, out)
	}
	out, errs, st = runCLI(t, "query", dir, "do(x = +1)", "--at", "z=q10,q90,-1sd,0.5", "--quiet")
	if st != 0 {
		t.Fatalf("query --at: status %d: %s", st, errs)
	}
	for _, want := range []string{"Conditional effect of do(x = +1) on y, with z held at each value at every row in both worlds", "z held: its values set",
		"\nq10 ", "\nq90 ", "\n-1sd ", "\n0.5 ", "edge x -> y [moderator=z]", "interaction terms (moderator=) of y"} {
		if !strings.Contains(out, want) {
			t.Errorf("query --at output lacks %q:\n%s", want, out)
		}
	}
	draws := filepath.Join(t.TempDir(), "draws.csv")
	if _, errs, st = runCLI(t, "query", dir, "do(x = +1)", "--at", "z=q10,q90", "--out", draws, "--quiet"); st != 0 {
		t.Fatalf("--at --out: status %d: %s", st, errs)
	}
	if b, err := os.ReadFile(draws); err != nil || !strings.HasPrefix(string(b), "draw,effect_at_q10_p0,effect_at_q90_p0\n1,") || strings.Count(string(b), "\n") != 101 {
		t.Errorf("per-draw file (%v):\n%.200s", err, b)
	}
	out, errs, st = runCLI(t, "query", dir, "do(x = +1)", "--at", "z=q50", "--json", "--quiet")
	if st != 0 || !strings.Contains(out, `"at_node": "z"`) || !strings.Contains(out, `"fit_value"`) {
		t.Errorf("query --at --json: status %d %s\n%s", st, errs, out)
	}
	png := filepath.Join(t.TempDir(), "cond.png")
	_, errs, st = runCLI(t, "plot", dir, "--kind", "conditional", "--edge", "x -> y", "--out", png)
	if st != 0 || !strings.Contains(errs, "wrote "+png) {
		t.Errorf("plot conditional: status %d: %s", st, errs)
	}
	if fi, err := os.Stat(png); err != nil || fi.Size() == 0 {
		t.Errorf("plot file: %v", err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"query", dir, "do(x = +1)", "--at", "z=q10,foo"}, `--at "z=q10,foo": "foo": want a finite number`},
		{[]string{"query", dir, "do(x = +1)", "--at", "zz=1"}, "unknown node zz (did you mean z?)"},
		{[]string{"query", dir, "do(x = +1, z = 1)", "--at", "z=1"}, "z is intervened on in"},
		{[]string{"plot", dir, "--kind", "conditional", "--edge", "z -> y", "--out", png}, "the edge has no moderator"},
		{[]string{"plot", dir, "--kind", "forest", "--edge", "x -> y", "--out", png}, "--edge applies to --kind slopes and conditional only"},
	} {
		_, errs, st := runCLI(t, append(c.args, "--quiet")...)
		if st != 1 || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: status %d, stderr %q; want status 1 and one line containing %q", c.args, st, errs, c.want)
		}
	}
	// A model whose moderator is not a parent is refused before fitting.
	bad := filepath.Join(t.TempDir(), "bad.dag")
	if err := os.WriteFile(bad, []byte("dag { x -> y [moderator=\"z\"]; z -> x }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, st = runCLI(t, "fit", bad, "--quiet")
	if st != 1 || !strings.Contains(errs, "bad.dag:1:") || !strings.Contains(errs, "moderator z is not a parent of y") {
		t.Errorf("bad moderator: status %d: %s", st, errs)
	}
}
