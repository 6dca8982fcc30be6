package plots

import (
	"math"
	"strings"
	"testing"
)

func TestSilvermanBandwidth(t *testing.T) {
	// sd = 1.5811, IQR = 2 (type 7), min(sd, IQR/1.34) = 1.4925
	want := 0.9 * (2 / 1.34) * math.Pow(5, -0.2)
	if got := silvermanBandwidth([]float64{5, 1, 4, 2, 3}); math.Abs(got-want) > 1e-12 {
		t.Errorf("bandwidth %.6f, want %.6f", got, want)
	}
	// the sd wins when the IQR is wide relative to it
	xs := []float64{0, 0, 10, 10}
	_, sd := meanSD(xs)
	if got := silvermanBandwidth(xs); math.Abs(got-0.9*sd*math.Pow(4, -0.2)) > 1e-12 {
		t.Errorf("bandwidth %.6f, want the sd rule", got)
	}
	if got := silvermanBandwidth([]float64{3, 3, 3}); !(got > 0) {
		t.Errorf("constant data: bandwidth %g, want a small positive width", got)
	}
}

func TestKDE(t *testing.T) {
	// one point: the estimate is the normal density with sd h
	grid := []float64{-1, 0, 0.5, 2}
	d := kdeEval([]float64{0.5}, 0.7, grid)
	for i, x := range grid {
		z := (x - 0.5) / 0.7
		if want := math.Exp(-z*z/2) / (0.7 * math.Sqrt(2*math.Pi)); math.Abs(d[i]-want) > 1e-12 {
			t.Errorf("density at %g = %g, want %g", x, d[i], want)
		}
	}
	// a large normal sample: binned estimate, integrates to 1, close to the truth
	xs := normalDraws(newRand(1), 20000, 1, 2)
	h := silvermanBandwidth(xs)
	g := linspace(-9, 11, 401)
	binned := kdeEval(xs, h, g)
	area := 0.0
	for i := 1; i < len(g); i++ {
		area += (binned[i] + binned[i-1]) / 2 * (g[i] - g[i-1])
	}
	if math.Abs(area-1) > 1e-3 {
		t.Errorf("estimate integrates to %g", area)
	}
	for i, x := range g {
		z := (x - 1) / 2
		truth := math.Exp(-z*z/2) / (2 * math.Sqrt(2*math.Pi))
		if math.Abs(binned[i]-truth) > 0.01 {
			t.Fatalf("density at %g = %g, true %g", x, binned[i], truth)
		}
	}
	// binned and exact sums agree
	exact := make([]float64, len(g))
	norm := 1 / (float64(len(xs)) * h * math.Sqrt(2*math.Pi))
	for i, x := range g {
		for _, v := range xs {
			z := (x - v) / h
			exact[i] += math.Exp(-z * z / 2)
		}
		exact[i] *= norm
		if math.Abs(exact[i]-binned[i]) > 1e-4 {
			t.Fatalf("binned %g vs exact %g at %g", binned[i], exact[i], x)
		}
	}
}

func TestEBFMI(t *testing.T) {
	// mean 2.5: Σ(E−Ē)² = 5, Σ(ΔE)² = 3
	if got := EBFMI([]float64{1, 2, 3, 4}); math.Abs(got-0.6) > 1e-12 {
		t.Errorf("E-BFMI = %g, want 0.6", got)
	}
	if got := EBFMI([]float64{1, 1, 1}); !math.IsNaN(got) {
		t.Errorf("constant energy: E-BFMI %g, want NaN", got)
	}
	// an alternating chain moves a lot between draws
	if got := EBFMI([]float64{0, 1, 0, 1, 0, 1}); got < 1.5 {
		t.Errorf("alternating chain: E-BFMI %g, want > 1.5", got)
	}
}

func TestRanks(t *testing.T) {
	c := rankCounts([][]float64{{1, 2, 3, 4}, {5, 6, 7, 8}}, 2)
	if c[0][0] != 4 || c[0][1] != 0 || c[1][0] != 0 || c[1][1] != 4 {
		t.Errorf("rank counts %v, want [[4 0] [0 4]]", c)
	}
	r := fractionalRanks([][]float64{{3, 1}, {1, 2}})
	want := [][]float64{{4, 1.5}, {1.5, 3}}
	for i := range want {
		for j := range want[i] {
			if r[i][j] != want[i][j] {
				t.Fatalf("ranks %v, want %v", r, want)
			}
		}
	}
	// interleaved chains: flat histograms
	c = rankCounts([][]float64{{1, 3, 5, 7}, {2, 4, 6, 8}}, 4)
	for _, ch := range c {
		for _, v := range ch {
			if v != 1 {
				t.Fatalf("interleaved chains: counts %v, want all 1", c)
			}
		}
	}
}

func TestTextEncoding(t *testing.T) {
	if got := encode1252("é–−·€"); string(got) != "\xe9\x96\x96\xb7\x80" {
		t.Errorf("encode1252 = %q", got)
	}
	if got := encode1252("≥ ☃"); string(got) != ">= ?" {
		t.Errorf("encode1252 = %q", got)
	}
	eps := &textCanvas{enc: encEPS}
	if got := eps.encode(`f(x)\é`); got != `f\(x\)\\\351` {
		t.Errorf("EPS string %q", got)
	}
}

func TestNumbers(t *testing.T) {
	cases := map[string]string{
		formatNum(-0.5, 1):   "−0.5",
		formatNum(-0.001, 2): "0.00",
		formatNum(2, 0):      "2",
		formatProb(0.9991):   ">0.99",
		formatProb(0.001):    "<0.01",
		formatProb(1):        "1.00",
		formatProb(0.5):      "0.50",
		formatEst(-0.0087):   "−0.01",
		formatEst(12.34):     "12.3",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if s := niceStep(0.23); s != 0.25 {
		t.Errorf("niceStep(0.23) = %g", s)
	}
	var labels []string
	for _, tk := range (niceTicker{n: 4}).Ticks(-1.1, 0.9) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if got := strings.Join(labels, " "); got != "−1.0 −0.5 0.0 0.5" {
		t.Errorf("ticks %q", got)
	}
	// A step of 2.5 × 10^k needs a decimal only below 10: 250 does not.
	for _, c := range []struct {
		lo, hi float64
		n      int
		want   string
	}{
		{0, 1000, 4, "0 250 500 750 1000"},
		{0, 62, 3, "0 25 50"},
		{0, 10, 4, "0.0 2.5 5.0 7.5 10.0"},
		{0, 1, 4, "0.00 0.25 0.50 0.75 1.00"},
	} {
		var got []string
		for _, tk := range (niceTicker{n: c.n, integer: c.hi > 10}).Ticks(c.lo, c.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("ticks on [%g, %g]: %q, want %q", c.lo, c.hi, strings.Join(got, " "), c.want)
		}
	}
	for _, tk := range (niceTicker{n: 10, integer: true}).Ticks(0, 4) {
		if tk.Value != math.Round(tk.Value) {
			t.Errorf("integer ticker gave %g", tk.Value)
		}
	}
}

func TestWrapText(t *testing.T) {
	sty := newTheme(Options{}).style(7, false)
	lines := wrapText(sty, "one two three four five six seven eight nine ten", sty.Width("one two three"))
	for _, ln := range lines {
		if sty.Width(ln) > sty.Width("one two three")+1e-9 {
			t.Errorf("line %q too wide", ln)
		}
	}
	if strings.Join(lines, " ") != "one two three four five six seven eight nine ten" {
		t.Errorf("words lost: %q", lines)
	}
}
