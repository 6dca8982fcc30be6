package diagnostics

import (
	"encoding/csv"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// simFiles are simulated chains (testdata/sim*.csv, columns chain, draw and
// one column per quantity) whose posterior values are in
// testdata/posterior_reference.csv, made by testdata/posterior_reference.R
// with R posterior 1.4.0.
var simFiles = []string{"sim4x301.csv", "sim1x7.csv", "sim2x1000.csv"}

// readSim reads a simulated file into column name → chains.
func readSim(t testing.TB, path string) map[string][][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	out := map[string][][]float64{}
	for _, rec := range recs[1:] {
		c, _ := strconv.Atoi(rec[0])
		for j := 2; j < len(head); j++ {
			v, err := strconv.ParseFloat(rec[j], 64)
			if err != nil {
				t.Fatal(err)
			}
			ch := out[head[j]]
			for len(ch) < c {
				ch = append(ch, nil)
			}
			ch[c-1] = append(ch[c-1], v)
			out[head[j]] = ch
		}
	}
	return out
}

// measures maps posterior's measure names to our functions.
var measures = map[string]func([][]float64) float64{
	"rhat":      Rhat,
	"rhat_bulk": RhatBulk,
	"rhat_tail": RhatTail,
	"ess_bulk":  ESSBulk,
	"ess_tail":  ESSTail,
	"ess_mean":  ESSMean,
	"ess_sd":    ESSSd,
	"ess_q05":   func(x [][]float64) float64 { return ESSQuantile(x, 0.05) },
	"ess_q50":   func(x [][]float64) float64 { return ESSQuantile(x, 0.5) },
	"ess_q95":   func(x [][]float64) float64 { return ESSQuantile(x, 0.95) },
	"ess_q100":  func(x [][]float64) float64 { return ESSQuantile(x, 1) },
	"mcse_mean": MCSEMean,
	"mcse_sd":   MCSESd,
	"mcse_q05":  func(x [][]float64) float64 { return MCSEQuantile(x, 0.05) },
	"mcse_q50":  func(x [][]float64) float64 { return MCSEQuantile(x, 0.5) },
	"mcse_q95":  func(x [][]float64) float64 { return MCSEQuantile(x, 0.95) },
	"q05":       func(x [][]float64) float64 { return Quantile(x, 0.05) },
	"q50":       func(x [][]float64) float64 { return Quantile(x, 0.5) },
	"q95":       func(x [][]float64) float64 { return Quantile(x, 0.95) },
	"mean":      func(x [][]float64) float64 { m, _ := matrixMeanSD(x); return m },
	"sd":        func(x [][]float64) float64 { _, s := matrixMeanSD(x); return s },
}

// compareReference checks every row of a posterior reference table
// (file,column,measure,value) against our functions.
func compareReference(t *testing.T, ref io.Reader) {
	t.Helper()
	recs, err := csv.NewReader(ref).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]map[string][][]float64{}
	for _, f := range simFiles {
		data[f] = readSim(t, filepath.Join("testdata", f))
	}
	checked := 0
	for _, rec := range recs[1:] {
		file, col, measure, val := rec[0], rec[1], rec[2], strings.TrimSpace(rec[3])
		fn := measures[measure]
		if fn == nil {
			t.Fatalf("unknown measure %q", measure)
		}
		chains := data[file][col]
		if chains == nil {
			t.Fatalf("no column %s in %s", col, file)
		}
		got := fn(chains)
		if val == "NA" || val == "NaN" {
			if !math.IsNaN(got) {
				t.Errorf("%s %s %s = %g, want NaN (R: %s)", file, col, measure, got, val)
			}
			checked++
			continue
		}
		want, err := strconv.ParseFloat(val, 64)
		if err != nil {
			t.Fatal(err)
		}
		if !(math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))) {
			t.Errorf("%s %s %s = %.17g, want %.17g", file, col, measure, got, want)
		}
		checked++
	}
	if checked < 300 {
		t.Errorf("checked only %d values", checked)
	}
}

// TestPosteriorReference compares every function with the values posterior
// 1.4.0 computed for simulated chains: autocorrelated, antithetic, discrete
// with ties, heavy-tailed and badly mixed, with an odd number of draws per
// chain (the middle draw is dropped), one short chain of 7 draws (Geyer's
// sequence stops at once) and two long chains.
func TestPosteriorReference(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "posterior_reference.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	compareReference(t, f)
}
