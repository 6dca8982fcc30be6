package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
)

// compareFitDirs fits the true graph (x -> m -> y) and a rival that
// misses m -> y (x -> y only) to one simulated panel and returns the two
// fit directories.
func compareFitDirs(t *testing.T) (truth, rival string) {
	t.Helper()
	dir := t.TempDir()
	csvPath := simulatedPanelCSV(t, dir, data.SimSpec{Units: 30, Periods: 6, Seed: 9, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "m", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 0.5}}},
		{Node: "y", Sigma: 0.7, UnitSD: 0.3, Parents: []data.SimParent{{Node: "m", Coef: 0.8}}},
	}})
	models := map[string]string{
		"truth": "dag { x -> m -> y\n y [outcome] }\nsettings { x [column=\"x\"]\n m [column=\"m\"]\n y [column=\"y\"] }",
		"rival": "dag { x -> m\n x -> y\n y [outcome] }\nsettings { x [column=\"x\"]\n m [column=\"m\"]\n y [column=\"y\"] }",
	}
	out := map[string]string{}
	for name, src := range models {
		mp := filepath.Join(dir, name+".dag")
		if err := os.WriteFile(mp, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		pl, err := fit.Prepare(mp, csvPath, data.Options{UnitKey: "unit", TimeKey: "period"}, fit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := fit.DefaultSettings()
		s.Chains, s.Warmup, s.Samples = 2, 200, 200
		s.SaveLogLik = true
		f, err := fit.Run(context.Background(), pl, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = filepath.Join(dir, "fit-"+name)
		if err := f.Write(out[name]); err != nil {
			t.Fatal(err)
		}
	}
	return out["truth"], out["rival"]
}

// compare ranks the true graph first on its outcome, with nearly all the
// stacking weight, whatever the order the fits are given in.
func TestCompareRanksTrueGraphFirst(t *testing.T) {
	truth, rival := compareFitDirs(t)
	for _, order := range [][]string{{rival, truth}, {truth, rival}} {
		stdout, stderr, status := runCLI(t, append([]string{"compare", "--json"}, order...)...)
		if status != 0 {
			t.Fatalf("exit %d: %s", status, stderr)
		}
		var got struct {
			Column string
			Rows   int
			Models []struct {
				Name     string
				ELPDDiff float64 `json:"elpd_diff"`
				SEDiff   float64 `json:"se_diff"`
				Weight   float64
			}
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("%v: %s", err, stdout)
		}
		if got.Column != "y" || got.Rows != 180 || len(got.Models) != 2 {
			t.Fatalf("compared %q on %d rows, %d models; want y, 180, 2", got.Column, got.Rows, len(got.Models))
		}
		best, other := got.Models[0], got.Models[1]
		if best.Name != filepath.Clean(truth) || best.Weight < 0.9 || -other.ELPDDiff < 4*other.SEDiff {
			t.Errorf("order %v: %+v; want the true graph first by more than 4 se, with weight ≥ 0.9", order, got.Models)
		}
	}
	compareWithR(t, truth, rival)
	stdout, _, status := runCLI(t, "compare", truth, rival, "--format", "markdown")
	if status != 0 || !strings.Contains(stdout, "| elpd_loo |") {
		t.Errorf("markdown table: exit %d\n%s", status, stdout)
	}
}

func TestCompareErrors(t *testing.T) {
	truth, _ := compareFitDirs(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"compare", truth}, "at least two fit directories"},
		{[]string{"compare", truth, truth}, "given twice"},
		{[]string{"compare", truth, t.TempDir()}, "not a fit directory"},
		{[]string{"compare", truth, t.TempDir(), "--cv", "loo"}, "the only cross-validation is unit"},
		{[]string{"compare", truth, t.TempDir(), "--folds", "5"}, "go with --cv unit"},
		{[]string{"compare", truth, t.TempDir(), "--cv", "unit", "--folds", "1"}, "--folds 1: want 2 or more"},
		{[]string{"compare", truth, "nosuch", "--format", "pdf"}, "format"},
	} {
		_, stderr, status := runCLI(t, append(tc.args, "--quiet")...)
		if status != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and one line with %q", tc.args[1:], status, stderr, tc.want)
		}
	}
}

// compareWithR checks, where R has loo, that loo_compare on the fits'
// loglik files gives our elpd difference.
func compareWithR(t *testing.T, truth, rival string) {
	if _, err := exec.LookPath("Rscript"); err != nil {
		t.Log("Rscript not found: the comparison with R's loo_compare is skipped")
		return
	}
	if out, err := exec.Command("Rscript", "-e", "suppressMessages(library(loo))").CombinedOutput(); err != nil {
		t.Logf("R's loo cannot be loaded, the comparison is skipped: %s", out)
		return
	}
	stdout, stderr, status := runCLI(t, "compare", "--json", truth, rival)
	if status != 0 {
		t.Fatalf("exit %d: %s", status, stderr)
	}
	var ours struct {
		Models []struct {
			ELPDDiff float64 `json:"elpd_diff"`
		}
	}
	if err := json.Unmarshal([]byte(stdout), &ours); err != nil {
		t.Fatal(err)
	}
	script := `suppressMessages(library(loo))
read <- function(dir) {
  m <- do.call(rbind, lapply(Sys.glob(file.path(dir, "loglik-*.csv")), function(f) as.matrix(read.csv(f, check.names = FALSE))))
  m <- m[, startsWith(colnames(m), "log_lik.y.")]
  loo(m, r_eff = rep(1, ncol(m)))
}
a <- commandArgs(TRUE)
cmp <- loo_compare(read(a[1]), read(a[2]))
cat(sprintf("%.6f\n", cmp[2, "elpd_diff"]))`
	out, err := exec.Command("Rscript", "-e", script, truth, rival).CombinedOutput()
	if err != nil {
		t.Fatalf("Rscript: %v\n%s", err, out)
	}
	f := strings.Fields(string(out))
	theirs, err := strconv.ParseFloat(f[len(f)-1], 64)
	if err != nil {
		t.Fatalf("Rscript printed %q", out)
	}
	t.Logf("elpd_diff: ours %.4f, R's loo_compare %.4f", ours.Models[1].ELPDDiff, theirs)
	if math.Abs(ours.Models[1].ELPDDiff-theirs) > 0.5 {
		t.Errorf("elpd_diff: ours %.4f, R's loo_compare %.4f", ours.Models[1].ELPDDiff, theirs)
	}
}

// Leave-units-out cross-validation ranks the true graph first, deals the
// same folds whatever -j, and gives the same numbers with -j 1 and -j 3.
func TestCompareCVRanksTrueGraphFirst(t *testing.T) {
	truth, rival := compareFitDirs(t)
	type result struct {
		Column string
		CV     string
		Folds  [][]string
		Units  int
		Scored int `json:"scored_units"`
		Models []struct {
			Name   string
			ELPD   float64   `json:"elpd_cv"`
			SE     float64   `json:"se"`
			Diff   float64   `json:"elpd_diff"`
			SEDiff float64   `json:"se_diff"`
			Folds  []float64 `json:"folds"`
		}
	}
	run := func(jobs string) (result, string) {
		stdout, stderr, status := runCLI(t, "compare", "--json", "--cv", "unit", "--folds", "3", "-j", jobs, "--quiet", rival, truth)
		if status != 0 {
			t.Fatalf("exit %d: %s", status, stderr)
		}
		var got result
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("%v: %s", err, stdout)
		}
		return got, stdout
	}
	got, out1 := run("3")
	if got.Column != "y" || got.CV != "unit" || len(got.Folds) != 3 || got.Units != 30 || got.Scored != 30 || len(got.Models) != 2 {
		t.Fatalf("%+v", got)
	}
	best, other := got.Models[0], got.Models[1]
	t.Logf("cv: %s %.1f (se %.1f); %s %.1f, diff %.1f (se %.1f)", best.Name, best.ELPD, best.SE, other.Name, other.ELPD, other.Diff, other.SEDiff)
	if best.Name != filepath.Clean(truth) || -other.Diff < 2*other.SEDiff {
		t.Errorf("want the true graph first by more than 2 se: %+v", got.Models)
	}
	sum := 0.0
	for _, f := range best.Folds {
		sum += f
	}
	if math.Abs(sum-best.ELPD) > 1e-6 {
		t.Errorf("folds sum to %v, total %v", sum, best.ELPD)
	}
	seen := map[string]bool{}
	for _, f := range got.Folds {
		for _, u := range f {
			if seen[u] {
				t.Errorf("unit %s in two folds", u)
			}
			seen[u] = true
		}
	}
	if len(seen) != 30 {
		t.Errorf("%d units dealt, want 30", len(seen))
	}
	if _, out2 := run("1"); out2 != out1 {
		t.Errorf("-j 1 and -j 3 differ:\n%s\n%s", out1, out2)
	}
}
