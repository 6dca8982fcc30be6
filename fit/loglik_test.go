package fit

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/inference/loo"
)

// readLogLik reads a loglik-K.csv: its header and its values [draw][column].
func readLogLik(t *testing.T, path string) ([]string, [][]float64) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var vals [][]float64
	for _, rec := range recs[1:] {
		row := make([]float64, len(rec))
		for j, s := range rec {
			if row[j], err = strconv.ParseFloat(s, 64); err != nil {
				t.Fatal(err)
			}
		}
		vals = append(vals, row)
	}
	return recs[0], vals
}

// The pointwise log likelihood names node, unit and period, equals the
// gaussian density with its constants, and gives the elpd R's loo gives.
func TestSaveLogLik(t *testing.T) {
	p, _, err := data.Simulate(data.SimSpec{Units: 12, Periods: 5, Seed: 4, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "y", Intercept: 0.5, Sigma: 0.8, UnitSD: 0.4, Parents: []data.SimParent{{Node: "x", Coef: 0.7}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	pl, err := NewPlan(mustModel(t, "dag { x -> y }"), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := quickSettings()
	s.SaveLogLik = true
	f, err := Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "fit")
	if err := f.Write(dir); err != nil {
		t.Fatal(err)
	}
	x, _ := p.Numeric("x")
	y, _ := p.Numeric("y")
	var all [][]float64
	var paths []string
	for c := 0; c < s.Chains; c++ {
		path := filepath.Join(dir, LogLikFile(c+1))
		paths = append(paths, path)
		names, vals := readLogLik(t, path)
		if len(names) != 60 || names[0] != "log_lik.y.U001.1" || names[59] != "log_lik.y.U012.5" || len(vals) != s.Samples {
			t.Fatalf("chain %d: %d columns (%s … %s), %d draws; want 60 columns log_lik.y.U001.1 … log_lik.y.U012.5, %d draws",
				c+1, len(names), names[0], names[len(names)-1], len(vals), s.Samples)
		}
		a, b, sd := f.Param("a.y")[c], f.Param("b.x.y")[c], f.Param("sigma.y")[c]
		for d, row := range vals {
			for r, v := range row {
				u := f.Param("u.y." + p.Units()[r/5])[c][d]
				z := (y[r] - a[d] - b[d]*x[r] - u) / sd[d]
				want := -0.5*z*z - math.Log(sd[d]) - 0.5*math.Log(2*math.Pi)
				if math.Abs(v-want) > 1e-9*math.Max(1, math.Abs(want)) {
					t.Fatalf("chain %d draw %d %s: %.12g, gaussian density %.12g", c+1, d, names[r], v, want)
				}
			}
		}
		all = append(all, vals...)
	}
	ours, err := loo.LOO(all)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("Rscript"); err != nil {
		t.Skipf("our elpd_loo %.3f; Rscript not found, the comparison with R's loo is skipped", ours.ELPD)
	}
	if out, err := exec.Command("Rscript", "-e", "suppressMessages(library(loo))").CombinedOutput(); err != nil {
		t.Skipf("our elpd_loo %.3f; R's loo cannot be loaded, the comparison is skipped: %s", ours.ELPD, strings.TrimSpace(string(out)))
	}
	script := `suppressMessages(library(loo))
m <- do.call(rbind, lapply(commandArgs(TRUE), function(f) as.matrix(read.csv(f, check.names = FALSE))))
sel <- m[, startsWith(colnames(m), "log_lik.y.")]
r <- loo(sel, r_eff = rep(1, ncol(sel)))
cat(sprintf("%.6f\n", r$estimates["elpd_loo", "Estimate"]))`
	out, err := exec.Command("Rscript", append([]string{"-e", script}, paths...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("Rscript: %v\n%s", err, out)
	}
	lines := strings.Fields(string(out))
	theirs, err := strconv.ParseFloat(lines[len(lines)-1], 64)
	if err != nil {
		t.Fatalf("Rscript printed %q", out)
	}
	t.Logf("elpd_loo: ours %.4f, R's loo %.4f", ours.ELPD, theirs)
	if math.Abs(ours.ELPD-theirs) > 0.5 {
		t.Errorf("elpd_loo: ours %.4f, R's loo %.4f (differ by more than 0.5)", ours.ELPD, theirs)
	}
}
