package stancsv

import (
	"math"
	"strings"
	"testing"
)

func TestDiagnoseStanFiles(t *testing.T) {
	rep, err := Diagnose(readBern(t))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Chains != 4 || rep.Draws != 1000 || len(rep.Summaries) != 2 {
		t.Fatalf("%d chains, %d draws, %d summaries", rep.Chains, rep.Draws, len(rep.Summaries))
	}
	lp, theta := rep.Summaries[0], rep.Summaries[1]
	if lp.Name != "lp__" || theta.Name != "theta" {
		t.Errorf("names %s %s", lp.Name, theta.Name)
	}
	// Stan's unit-test values (see ../diagnostics/testdata/stan_bern/EXPECTED.md).
	if math.Abs(lp.ESSBulk-1512.7684) > 1e-4 || math.Abs(theta.ESSTail-1291.7131) > 1e-4 || math.Abs(theta.Rhat-1.006789) > 1e-5 {
		t.Errorf("lp__ bulk %g, theta tail %g, theta rhat %g", lp.ESSBulk, theta.ESSTail, theta.Rhat)
	}
	if rep.Warnings != nil {
		t.Errorf("warnings %v", rep.Warnings)
	}
}

func TestDiagnoseMismatch(t *testing.T) {
	fs := readBern(t)
	short := *fs[1]
	short.Draws = make([][]float64, len(fs[1].Draws))
	for i, c := range fs[1].Draws {
		short.Draws[i] = c[:500]
	}
	if _, err := Diagnose([]*File{fs[0], &short}); err == nil || !strings.Contains(err.Error(), "500 draws") {
		t.Errorf("unequal draws: %v", err)
	}
	if _, err := Diagnose(nil); err == nil {
		t.Error("no files accepted")
	}
	empty, err := Read(strings.NewReader("lp__,x\n"), "empty.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Diagnose([]*File{empty}); err == nil || !strings.Contains(err.Error(), "empty.csv: no post-warmup draws") {
		t.Errorf("empty file: %v", err)
	}
}
