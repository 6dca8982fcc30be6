package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
)

const queryTestModel = `dag {
  x [exposure]
  y [outcome]
  u [latent]
  x -> m -> y
  x -> y
  z -> m
  u -> w
  u -> y
  w -> y
}
settings {
  x [column="x", role="remedy"]
  z [column="z", role="remedy"]
  m [column="m", role="mediator"]
  y [column="y"]
  w [column="w"]
  x -> m [sign="+"]
  m -> y [sign="+"]
  x -> y [sign="+"]
  z -> m [sign="-"]
}`

// queryFitDir writes a short fit of queryTestModel on a simulated panel
// (x -> m 0.5, z -> m −0.4, m -> y 0.8, x -> y 0.3) and returns its
// directory.
func queryFitDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	csvPath := simulatedPanelCSV(t, dir, data.SimSpec{Units: 20, Periods: 8, Seed: 3, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1, UnitSD: 0.5},
		{Node: "z", Sigma: 1},
		{Node: "w", Sigma: 1},
		{Node: "m", Sigma: 1, UnitSD: 0.3, Parents: []data.SimParent{{Node: "x", Coef: 0.5}, {Node: "z", Coef: -0.4}}},
		{Node: "y", Sigma: 1, UnitSD: 0.3, Parents: []data.SimParent{{Node: "m", Coef: 0.8}, {Node: "x", Coef: 0.3}, {Node: "w", Coef: 0.2}}},
	}})
	modelPath := filepath.Join(dir, "m.dag")
	if err := os.WriteFile(modelPath, []byte(queryTestModel), 0o644); err != nil {
		t.Fatal(err)
	}
	pl, err := fit.Prepare(modelPath, csvPath, data.Options{UnitKey: "unit", TimeKey: "period"}, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := fit.DefaultSettings()
	s.Chains, s.Warmup, s.Samples = 2, 300, 300
	f, err := fit.Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "fit")
	if err := f.Write(out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestQueryCommand(t *testing.T) {
	dir := queryFitDir(t)
	out, errs, st := runCLI(t, "query", dir, "do(x = +1)", "--outcome", "y", "--quiet")
	if st != 0 {
		t.Fatalf("status %d: %s", st, errs)
	}
	for _, want := range []string{"Average effect of do(x = +1) versus no intervention on y", "P(expected)", "What it rests on:",
		"edge x -> m", "contraction", "fit diagnostics:", "method: exact"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// JSON, and the per-draw file.
	drawFile := filepath.Join(t.TempDir(), "draws.csv")
	out, errs, st = runCLI(t, "query", dir, "do(x = +1)", "--json", "--out", drawFile, "--horizon", "1", "--quiet")
	if st != 0 {
		t.Fatalf("status %d: %s", st, errs)
	}
	var rep struct {
		Outcome string
		Periods []struct {
			Period int
			Mean   float64
			Lo, Hi float64
		}
		RestsOn struct {
			Edges []struct{ Edge string }
		} `json:"rests_on"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Outcome != "y" || len(rep.Periods) != 2 || !(rep.Periods[0].Lo < 0.7 && 0.7 < rep.Periods[0].Hi) {
		t.Errorf("JSON report %+v: want outcome y, 2 periods, an interval around 0.7", rep)
	}
	fh, err := os.Open(drawFile)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(fh).ReadAll()
	fh.Close()
	if err != nil || len(rows) != 601 || strings.Join(rows[0], ",") != "draw,effect_p0,effect_p1" {
		t.Errorf("draw file: %d rows, header %v, %v", len(rows), rows[0], err)
	}
	// CSV format: a clean table on stdout, the rest on stderr.
	out, errs, st = runCLI(t, "query", dir, "do(x = +1sd)", "--format", "csv", "--quiet")
	if st != 0 || !strings.HasPrefix(out, "period,rows,mean,sd,5%,95%") || !strings.Contains(errs, "What it rests on:") {
		t.Errorf("csv: status %d\nstdout %s\nstderr %s", st, out, errs)
	}
}

func TestQueryCommandErrors(t *testing.T) {
	dir := queryFitDir(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"query", dir, "do(x = +1"}, `dilemma query: query "do(x = +1": column 10: missing ')' to close do(`},
		{[]string{"query", dir, "do(xx = +1)"}, `dilemma query: query "do(xx = +1)": column 4: unknown node xx (did you mean x?)`},
		{[]string{"query", dir, "do(y = +1)"}, `dilemma query: query "do(y = +1)": column 4: cannot intervene on the outcome y itself`},
		{[]string{"query", dir, "do(u = +1)"}, `column 4: node u is latent without indicators, not estimated`},
		{[]string{"query", dir, "do(z = +1)", "--outcome", "w"}, "outcome w has no equation in the fit"},
		{[]string{"query", dir, "do(w = +1)"}, "is not identified: "},
		{[]string{"counterfactual", dir, "--unit", "NOPE", "--time", "3", "--set", "x=+1"}, "unit NOPE is not in the data"},
		{[]string{"counterfactual", dir, "--unit", "U001", "--time", "99", "--set", "x=+1"}, "time 99 is not in the data for unit U001 (its periods: 1 … 8)"},
		{[]string{"counterfactual", dir, "--unit", "U001", "--time", "3", "--set", "x=="}, `--set: query "x==": column 3: expected a value after '='`},
		{[]string{"mediate", dir, "--exposure", "x", "--mediator", "z"}, "z is not on a causal path from x to y"},
		{[]string{"query", filepath.Join(dir, "nope"), "do(x = +1)"}, "is not a fit directory"},
		{[]string{"query", dir, "do(x = 1e400)"}, `column 8: 1e400 is too large: a value must be a finite number`},
		{[]string{"query", dir, "do(x = NaN)"}, `column 8: NaN is not a value x can take: a value must be a finite number`},
		{[]string{"query", dir, "do(x = (-Inf))"}, `column 10: Inf is not a value x can take`},
		{[]string{"query", dir, "do(x = 1000)"}, "1000 lies outside the range x takes in the data"},
		{[]string{"query", dir, "do(x = 1000)"}, "refused (--allow-extrapolation computes it anyway)"},
		{[]string{"remedies", dir, "--scale", "log"}, `--scale "log": want raw`},
		{[]string{"counterfactual", dir, "--unit", "U001", "--time", "3", "--set", "x=+1e999"}, "1e999 is too large"},
		{[]string{"mediate", dir, "--exposure", "x", "--mediator", "m", "--do", "x=-500"}, "refused (--allow-extrapolation"},
	} {
		_, errs, st := runCLI(t, append(c.args, "--quiet")...)
		if st != 1 || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: status %d, stderr %q; want status 1 and one line containing %q", c.args, st, errs, c.want)
		}
	}
	_, _, st := runCLI(t, "query", dir)
	if st != 1 {
		t.Errorf("missing query: status %d, want 1", st)
	}
	// Commands on one fit directory say so when given none or two.
	for _, name := range []string{"summary", "remedies", "counterfactual", "mediate", "sensitivity"} {
		for _, args := range [][]string{{name}, {name, dir, dir}} {
			_, errs, st := runCLI(t, args...)
			if want := "give one FITDIR; see 'dilemma " + name + " -h'"; st == 0 || !strings.Contains(errs, want) {
				t.Errorf("%v: status %d, stderr %q; want an error containing %q", args, st, errs, want)
			}
		}
	}
	// Far outside the data: computed when allowed, with the warning in the
	// header; in JSON the warning goes to stderr.
	out, errs, st := runCLI(t, "query", dir, "do(x = 1000)", "--allow-extrapolation", "--quiet")
	if st != 0 || !strings.Contains(out, "WARNING: 1000 lies outside the range x takes in the data") {
		t.Errorf("--allow-extrapolation: status %d, stderr %s\n%s", st, errs, out)
	}
	out, errs, st = runCLI(t, "query", dir, "do(x = 1000)", "--allow-extrapolation", "--json", "--quiet")
	if st != 0 || !strings.HasPrefix(errs, "warning: 1000 lies outside") || !strings.Contains(out, `"range_warnings"`) || !strings.Contains(out, `"scale_kind": "raw"`) {
		t.Errorf("--json --allow-extrapolation: status %d, stderr %s\n%s", st, errs, out)
	}
	// The refused query runs with --assume-identified, and says so first.
	out, errs, st = runCLI(t, "query", dir, "do(w = +1)", "--assume-identified", "--quiet")
	if st != 0 || !strings.HasPrefix(out, "ASSUMED IDENTIFIED") {
		t.Errorf("assumed: status %d, stderr %s\n%s", st, errs, out)
	}
}

func TestRemediesMediateCounterfactualSensitivityCommands(t *testing.T) {
	dir := queryFitDir(t)
	out, errs, st := runCLI(t, "remedies", dir, "--quiet")
	if st != 0 || !strings.Contains(out, "Remedies ranked") || !strings.Contains(out, "P(reduces)") {
		t.Fatalf("remedies: status %d %s\n%s", st, errs, out)
	}
	// z reduces y (z -> m is negative): it ranks first.
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "rank") {
			if f := strings.Fields(lines[i+1]); len(f) < 2 || f[1] != "z" {
				t.Errorf("first remedy line %q, want z", lines[i+1])
			}
			break
		}
	}
	out, errs, st = runCLI(t, "mediate", dir, "--exposure", "x", "--mediator", "m", "--do", "x=+1", "--format", "markdown", "--quiet")
	if st != 0 || !strings.Contains(out, "| natural indirect |") || !strings.Contains(out, "| proportion mediated |") {
		t.Errorf("mediate: status %d %s\n%s", st, errs, out)
	}
	cfFile := filepath.Join(t.TempDir(), "cf.csv")
	out, errs, st = runCLI(t, "counterfactual", dir, "--unit", "all", "--time", "4", "--set", "x=+1", "--out", cfFile, "--quiet")
	if st != 0 || strings.Count(out, "\nU0") < 20 || !strings.Contains(out, "population-average effect") {
		t.Errorf("counterfactual --unit all: status %d %s\n%s", st, errs, out)
	}
	if b, err := os.ReadFile(cfFile); err != nil || strings.Count(string(b), "\n") != 1+20*600 {
		t.Errorf("counterfactual draws file: %d lines, %v", strings.Count(string(b), "\n"), err)
	}
	out, errs, st = runCLI(t, "sensitivity", dir, "--exposure", "x", "--a", "0,0.5", "--b", "-0.5,0,0.5", "--json", "--quiet")
	if st != 0 {
		t.Fatalf("sensitivity: status %d %s", st, errs)
	}
	var sr struct {
		Cells    [][]struct{ A, B, Mean float64 }
		FlipMean *float64 `json:"flip_mean"`
	}
	if err := json.Unmarshal([]byte(out), &sr); err != nil || len(sr.Cells) != 2 || len(sr.Cells[0]) != 3 {
		t.Fatalf("sensitivity JSON: %v\n%s", err, out)
	}
	if !(sr.Cells[1][0].Mean > sr.Cells[0][0].Mean && sr.Cells[1][2].Mean < sr.Cells[0][2].Mean) {
		t.Errorf("a positive a·b must lower the corrected effect and a negative one raise it: %+v", sr.Cells)
	}
}
