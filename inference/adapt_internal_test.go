package inference

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestWindowEndsDefault(t *testing.T) {
	// 1000 warm-up iterations: init buffer 75, then windows of 25, 50,
	// 100, 200 and 500 (the last stretched), ending at 950, then the 50
	// iterations of the terminal buffer.
	got := windowEnds(1000, 75, 50, 25)
	want := []int{99, 149, 249, 449, 949} // 0-based last iteration of each window
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("window ends = %v, want %v", got, want)
	}
	sizes := []int{got[0] + 1 - 75}
	for i := 1; i < len(got); i++ {
		sizes = append(sizes, got[i]-got[i-1])
	}
	if !reflect.DeepEqual(sizes, []int{25, 50, 100, 200, 500}) {
		t.Errorf("window sizes = %v", sizes)
	}
	if _, warn := newWindows(1000, 75, 50, 25); warn != "" {
		t.Errorf("unexpected warning %q", warn)
	}
}

func TestWindowStretch(t *testing.T) {
	// 2000 iterations: 75 | 25 50 100 200 400 | then 1150 left before the
	// terminal buffer at 1950: the window after 400 would be 800 and end at
	// 1650, and the one after it (1600) would overrun, so it stretches to 1950.
	got := windowEnds(2000, 75, 50, 25)
	want := []int{99, 149, 249, 449, 849, 1949}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("window ends = %v, want %v", got, want)
	}
	// 150 iterations fit exactly: one window of 25 ending at 99.
	if got := windowEnds(150, 75, 50, 25); !reflect.DeepEqual(got, []int{99}) {
		t.Errorf("150: window ends = %v, want [99]", got)
	}
	// 200: 75 | 25 then 50 would end at 149 = last, exactly.
	if got := windowEnds(200, 75, 50, 25); !reflect.DeepEqual(got, []int{99, 149}) {
		t.Errorf("200: window ends = %v, want [99 149]", got)
	}
}

func TestWindowShortWarmup(t *testing.T) {
	// 100 < 75+25+50: 15%/75%/10% → init 15, window 75, term 10, with a warning.
	w, warn := newWindows(100, 75, 50, 25)
	if w.initBuffer != 15 || w.baseWindow != 75 || w.termBuffer != 10 {
		t.Errorf("buffers = %d/%d/%d, want 15/75/10", w.initBuffer, w.baseWindow, w.termBuffer)
	}
	if !strings.Contains(warn, "15%/75%/10%") || !strings.Contains(warn, "init_buffer = 15") {
		t.Errorf("warning = %q", warn)
	}
	if got := windowEnds(100, 75, 50, 25); !reflect.DeepEqual(got, []int{89}) {
		t.Errorf("window ends = %v, want [89]", got)
	}
	// Draws collected: iterations 15..89.
	w, _ = newWindows(100, 75, 50, 25)
	n := 0
	for i := 0; i < 100; i++ {
		if w.collecting() {
			if i < 15 || i > 89 {
				t.Errorf("collecting at %d", i)
			}
			n++
		}
		w.advance()
	}
	if n != 75 {
		t.Errorf("collected %d draws, want 75", n)
	}
	// 30: init 4, term 3, window 23.
	if got := windowEnds(30, 75, 50, 25); !reflect.DeepEqual(got, []int{26}) {
		t.Errorf("30: window ends = %v, want [26]", got)
	}
	// Below 20: no metric adaptation, with a warning.
	w, warn = newWindows(19, 75, 50, 25)
	if w.enabled || !strings.Contains(warn, "below 20") {
		t.Errorf("19: enabled=%v warning=%q", w.enabled, warn)
	}
	if got := windowEnds(19, 75, 50, 25); got != nil {
		t.Errorf("19: window ends = %v, want none", got)
	}
}

func TestDualAveragingKnownValues(t *testing.T) {
	d := dualAverage{delta: 0.8, gamma: 0.05, kappa: 0.75, t0: 10, mu: math.Log(10)}
	// First update by hand: eta = 1/11, sBar = (0.8−0.5)/11,
	// x = log 10 − sBar·1/0.05, xBar = x (weight 1^−0.75 = 1).
	eps := d.learn(0.5)
	sBar := 0.3 / 11
	x := math.Log(10) - sBar/0.05
	if math.Abs(eps-math.Exp(x)) > 1e-15 || math.Abs(d.xBar-x) > 1e-15 {
		t.Fatalf("after one step eps=%v xBar=%v, want %v %v", eps, d.xBar, math.Exp(x), x)
	}
	// Second update with an acceptance above 1 (clipped to 1).
	eps = d.learn(1.7)
	eta := 1.0 / 12
	sBar2 := (1-eta)*sBar + eta*(0.8-1)
	x2 := math.Log(10) - sBar2*math.Sqrt(2)/0.05
	w := math.Pow(2, -0.75)
	xBar2 := (1-w)*x + w*x2
	if math.Abs(eps-math.Exp(x2)) > 1e-14 || math.Abs(d.final(0)-math.Exp(xBar2)) > 1e-14 {
		t.Fatalf("after two steps eps=%v final=%v, want %v %v", eps, d.final(0), math.Exp(x2), math.Exp(xBar2))
	}
	d.restart()
	if d.final(0.25) != 0.25 {
		t.Errorf("final after restart = %v, want the current step size", d.final(0.25))
	}
}

func TestDualAveragingConverges(t *testing.T) {
	// With acceptance a decreasing function of the step size, the averaged
	// step size approaches the one whose acceptance is delta.
	d := dualAverage{delta: 0.8, gamma: 0.05, kappa: 0.75, t0: 10, mu: math.Log(10)}
	eps := 1.0
	for i := 0; i < 2000; i++ {
		eps = d.learn(math.Exp(-eps * eps)) // accept(eps*) = 0.8 at eps* = sqrt(−log 0.8)
	}
	want := math.Sqrt(-math.Log(0.8))
	if got := d.final(eps); math.Abs(got-want) > 0.01*want {
		t.Errorf("step size = %v, want %v", got, want)
	}
}

func TestWelfordRegularized(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n, k = 3, 50
	xs := make([][]float64, k)
	for i := range xs {
		xs[i] = []float64{r.NormFloat64(), 3 * r.NormFloat64(), r.NormFloat64() + 10}
		xs[i][2] += xs[i][0]
	}
	// Two-pass covariance for comparison.
	mean := make([]float64, n)
	for _, x := range xs {
		for j := range mean {
			mean[j] += x[j] / k
		}
	}
	cov := make([]float64, n*n)
	for _, x := range xs {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				cov[i*n+j] += (x[i] - mean[i]) * (x[j] - mean[j]) / (k - 1)
			}
		}
	}
	a, b := float64(k)/(k+5), 1e-3*5/(k+5)
	diag := newWelford(n, false)
	dense := newWelford(n, true)
	for _, x := range xs {
		diag.add(x)
		dense.add(x)
	}
	gotD := make([]float64, n)
	gotM := make([]float64, n*n)
	if !diag.regularized(gotD) || !dense.regularized(gotM) {
		t.Fatal("regularized refused 50 draws")
	}
	for i := 0; i < n; i++ {
		if want := a*cov[i*n+i] + b; math.Abs(gotD[i]-want) > 1e-12*want {
			t.Errorf("diag[%d] = %v, want %v", i, gotD[i], want)
		}
		for j := 0; j < n; j++ {
			want := a * cov[i*n+j]
			if i == j {
				want += b
			}
			if math.Abs(gotM[i*n+j]-want) > 1e-12*(1+math.Abs(want)) {
				t.Errorf("dense[%d,%d] = %v, want %v", i, j, gotM[i*n+j], want)
			}
		}
	}
	one := newWelford(n, false)
	one.add(xs[0])
	if one.regularized(gotD) {
		t.Error("regularized accepted a single draw")
	}
}

func TestDenseMetricMomentum(t *testing.T) {
	// Momenta drawn with a dense inverse metric A have covariance A⁻¹, and
	// sharp(p) = A·p with kinetic energy ½pᵀAp.
	a := []float64{2, 0.6, 0.2, 0.6, 1, -0.3, 0.2, -0.3, 0.5}
	m, err := newMetric(3, true, a)
	if err != nil {
		t.Fatal(err)
	}
	p := []float64{0.3, -1, 2}
	out := make([]float64, 3)
	k := m.sharp(p, out)
	for i := 0; i < 3; i++ {
		want := a[3*i]*p[0] + a[3*i+1]*p[1] + a[3*i+2]*p[2]
		if math.Abs(out[i]-want) > 1e-14 {
			t.Errorf("sharp[%d] = %v, want %v", i, out[i], want)
		}
	}
	if want := 0.5 * dot(p, out); math.Abs(k-want) > 1e-14 {
		t.Errorf("kinetic = %v, want %v", k, want)
	}
	// E[p pᵀ] A = I.
	r := rand.New(rand.NewPCG(3, 4))
	const draws = 200000
	s := make([]float64, 9)
	for d := 0; d < draws; d++ {
		m.sampleMomentum(r, p)
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				s[3*i+j] += p[i] * p[j] / draws
			}
		}
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			var v float64
			for k := 0; k < 3; k++ {
				v += s[3*i+k] * a[3*k+j]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(v-want) > 0.02 {
				t.Errorf("(Cov(p)·A)[%d,%d] = %v, want %v", i, j, v, want)
			}
		}
	}
	if _, err := newMetric(2, true, []float64{1, 2, 2, 1}); err == nil {
		t.Error("an indefinite dense metric was accepted")
	}
}

func TestLogSumExp(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct{ a, b, want float64 }{
		{0, 0, math.Log(2)},
		{-inf, 3, 3},
		{3, -inf, 3},
		{-inf, -inf, -inf},
		{1000, 1000, 1000 + math.Log(2)},
		{-1000, 0, math.Log1p(math.Exp(-1000))},
	}
	for _, c := range cases {
		if got := logSumExp(c.a, c.b); got != c.want && math.Abs(got-c.want) > 1e-15 {
			t.Errorf("logSumExp(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
