package query

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestFastExp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	worst := 0.0
	for i := 0; i < 200000; i++ {
		x := (rng.Float64()*2 - 1) * 720
		if i%2 == 0 {
			x /= 100
		}
		got, want := fastExp(x), math.Exp(x)
		if want == 0 || math.IsInf(want, 0) {
			if got != want {
				t.Fatalf("fastExp(%g) = %g, want %g", x, got, want)
			}
			continue
		}
		worst = math.Max(worst, math.Abs(got-want)/want)
	}
	if worst > 1e-15 {
		t.Errorf("largest relative error %g, want < 1e-15", worst)
	}
	for _, x := range []float64{0, 1, -1, 700, -700, 710, -750, math.Inf(1), math.Inf(-1)} {
		got, want := fastExp(x), math.Exp(x)
		if got != want && math.Abs(got-want)/want > 1e-15 {
			t.Errorf("fastExp(%g) = %g, want %g", x, got, want)
		}
	}
	if !math.IsNaN(fastExp(math.NaN())) {
		t.Error("fastExp(NaN) is not NaN")
	}
}

func BenchmarkFastExp(b *testing.B) {
	s := 0.0
	for i := range b.N {
		s += fastExp(float64(i%1000) * 0.01)
	}
	_ = s
}

func BenchmarkMathExp(b *testing.B) {
	s := 0.0
	for i := range b.N {
		s += math.Exp(float64(i%1000) * 0.01)
	}
	_ = s
}
