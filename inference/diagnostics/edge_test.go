package diagnostics

import (
	"math"
	"strings"
	"testing"
)

// allDiagnostics evaluates every exported diagnostic; none may panic.
func allDiagnostics(x [][]float64) map[string]float64 {
	return map[string]float64{
		"RhatBulk": RhatBulk(x), "RhatTail": RhatTail(x), "Rhat": Rhat(x),
		"ESSBulk": ESSBulk(x), "ESSTail": ESSTail(x), "ESSMean": ESSMean(x), "ESSSd": ESSSd(x),
		"ESSQuantile": ESSQuantile(x, 0.3), "MCSEMean": MCSEMean(x), "MCSESd": MCSESd(x),
		"MCSEQuantile": MCSEQuantile(x, 0.3),
	}
}

func wantAllNaN(t *testing.T, what string, x [][]float64) {
	t.Helper()
	for name, v := range allDiagnostics(x) {
		if !math.IsNaN(v) {
			t.Errorf("%s: %s = %g, want NaN", what, name, v)
		}
	}
}

func TestConstantColumn(t *testing.T) {
	x := bernColumn(t, 5) // divergent__, all zero
	wantAllNaN(t, "divergent__", x)
	s := Summarize("divergent__", x)
	if s.Mean != 0 || s.SD != 0 || s.Q5 != 0 || s.Q95 != 0 {
		t.Errorf("constant summary: mean %g sd %g q5 %g q95 %g, want 0", s.Mean, s.SD, s.Q5, s.Q95)
	}
	if !strings.Contains(s.Note, "constant") {
		t.Errorf("note %q does not say the draws are constant", s.Note)
	}
}

func TestThreeDraws(t *testing.T) {
	x := bernColumn(t, 7)
	for c := range x {
		x[c] = x[c][:3]
	}
	wantAllNaN(t, "3 draws", x)
	s := Summarize("theta", x)
	if !strings.Contains(s.Note, "too few draws") {
		t.Errorf("note %q does not say there are too few draws", s.Note)
	}
	if math.IsNaN(s.Mean) || math.IsNaN(s.Q50) {
		t.Errorf("mean %g and median %g of 3 draws should be finite", s.Mean, s.Q50)
	}
}

// TestShortChains walks the lengths around the thresholds: R-hat needs 2
// draws per half chain, ESS 3.
func TestShortChains(t *testing.T) {
	x := bernColumn(t, 7)
	for n := 1; n <= 8; n++ {
		y := make([][]float64, len(x))
		for c := range x {
			y[c] = x[c][:n]
		}
		r, e := Rhat(y), ESSBulk(y)
		if (n >= 4) == math.IsNaN(r) {
			t.Errorf("%d draws per chain: Rhat = %g", n, r)
		}
		if (n >= 6) == math.IsNaN(e) {
			t.Errorf("%d draws per chain: ESSBulk = %g", n, e)
		}
	}
}

func TestOneChain(t *testing.T) {
	x := bernColumn(t, 7)[:1]
	s := Summarize("theta", x)
	for name, v := range map[string]float64{"Rhat": s.Rhat, "ESSBulk": s.ESSBulk, "ESSTail": s.ESSTail, "MCSEMean": s.MCSEMean, "MCSESd": s.MCSESd} {
		if math.IsNaN(v) || v <= 0 {
			t.Errorf("one chain: %s = %g", name, v)
		}
	}
	// One chain of 1000 is split into two halves: the ESS is bounded by
	// 1000·log10(1000).
	if s.ESSBulk > 3000 || s.Rhat < 0.99 || s.Rhat > 1.05 {
		t.Errorf("one chain: ESSBulk %g, Rhat %g out of range", s.ESSBulk, s.Rhat)
	}
	if s.Note != "" {
		t.Errorf("one chain: note %q", s.Note)
	}
}

func TestNonFinite(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		x := bernColumn(t, 7)
		x[0][0] = bad
		wantAllNaN(t, "non-finite", x)
		s := Summarize("theta", x)
		if s.Note == "" {
			t.Errorf("%g: no note", bad)
		}
		if math.IsNaN(bad) && !math.IsNaN(s.Mean) {
			t.Errorf("NaN draw: mean %g, want NaN", s.Mean)
		}
		if math.IsInf(bad, 1) && !math.IsInf(s.Mean, 1) {
			t.Errorf("+Inf draw: mean %g, want +Inf", s.Mean)
		}
	}
}

func TestMalformed(t *testing.T) {
	cases := map[string][][]float64{
		"nil":         nil,
		"no draws":    {{}},
		"ragged":      {{1, 2, 3, 4, 5, 6, 7}, {1, 2, 3}},
		"ragged long": {{1, 2, 3}, {1, 2, 3, 4, 5, 6, 7}},
	}
	for name, x := range cases {
		wantAllNaN(t, name, x)
		s := Summarize(name, x)
		if s.Note == "" {
			t.Errorf("%s: no note", name)
		}
	}
	x := bernColumn(t, 7)
	for _, p := range []float64{-0.1, 1.5, math.NaN()} {
		if v := ESSQuantile(x, p); !math.IsNaN(v) {
			t.Errorf("ESSQuantile(p=%g) = %g", p, v)
		}
		if v := MCSEQuantile(x, p); !math.IsNaN(v) {
			t.Errorf("MCSEQuantile(p=%g) = %g", p, v)
		}
		if v := Quantile(x, p); !math.IsNaN(v) {
			t.Errorf("Quantile(p=%g) = %g", p, v)
		}
	}
}

func TestQuantileType7(t *testing.T) {
	x := [][]float64{{3, 1, 4}, {1, 5, 9}}
	// sorted 1 1 3 4 5 9; R: quantile(c(3,1,4,1,5,9), c(0, .05, .5, .9, 1))
	for _, c := range []struct{ p, want float64 }{{0, 1}, {0.05, 1}, {0.5, 3.5}, {0.9, 7}, {1, 9}} {
		if got := Quantile(x, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Quantile(%g) = %g, want %g", c.p, got, c.want)
		}
	}
}

func TestAverageRanks(t *testing.T) {
	got := averageRanks([]float64{10, 20, 10, 30, 20, 10})
	want := []float64{2, 4.5, 2, 6, 4.5, 2}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ranks %v, want %v", got, want)
		}
	}
}

func TestNextSmooth(t *testing.T) {
	for n, want := range map[int]int{1: 1, 2: 2, 7: 8, 11: 12, 14: 15, 500: 500, 501: 512, 1001: 1024, 997: 1000} {
		if got := nextSmooth(n); got != want {
			t.Errorf("nextSmooth(%d) = %d, want %d", n, got, want)
		}
	}
}

// TestAutocovarianceDirect checks the FFT autocovariance against the direct
// sum Σ (x_i − m)(x_{i+t} − m)/n.
func TestAutocovarianceDirect(t *testing.T) {
	x := bernColumn(t, 0)[0][:137]
	var w workspace
	ac := make([]float64, len(x))
	w.autocovariance(x, ac)
	m := mean(x)
	n := len(x)
	for lag := 0; lag < n; lag++ {
		s := 0.0
		for i := 0; i+lag < n; i++ {
			s += (x[i] - m) * (x[i+lag] - m)
		}
		s /= float64(n)
		if math.Abs(ac[lag]-s) > 1e-12 {
			t.Fatalf("lag %d: FFT %g, direct %g", lag, ac[lag], s)
		}
	}
}

func TestEBFMI(t *testing.T) {
	// R: sum(diff(e)^2) / sum((e - mean(e))^2) for each chain's energy__.
	want := []float64{1.09970424277, 1.063071576, 1.0322570352, 1.10014574729}
	e := bernColumn(t, 6)
	for c := range e {
		near(t, "EBFMI", EBFMI(e[c]), want[c], 1e-10)
	}
	near(t, "EBFMI alternating", EBFMI([]float64{0, 1, 0, 1}), 3, 1e-15)
	for _, bad := range [][]float64{nil, {1}, {2, 2, 2}, {1, math.NaN(), 2}} {
		if v := EBFMI(bad); !math.IsNaN(v) {
			t.Errorf("EBFMI(%v) = %g, want NaN", bad, v)
		}
	}
}
