package sem

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fastExp agrees with math.Exp to a few ulp over its whole range and
// defers to it outside.
func TestFastExp(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	worst := 0.0
	check := func(x float64) {
		got, want := fastExp(x), math.Exp(x)
		if got == want {
			return
		}
		rel := math.Abs(got-want) / want
		if rel > worst {
			worst = rel
		}
		if !(rel < 4.5e-16) {
			t.Errorf("fastExp(%v) = %v, math.Exp %v (relative error %.3g)", x, got, want, rel)
		}
	}
	for i := 0; i < 1_000_000; i++ {
		check(40 * rng.NormFloat64())
		check(1399.9*rng.Float64() - 699.95)
		check(1e-3 * rng.NormFloat64())
	}
	for _, x := range []float64{0, -0.0, 1, -1, math.Ln2, 64 * math.Ln2, -64 * math.Ln2, 699.999, -699.999, 1e-300} {
		check(x)
	}
	for _, x := range []float64{700, -700, 710, -746, math.Inf(1), math.Inf(-1)} {
		if got, want := fastExp(x), math.Exp(x); got != want {
			t.Errorf("fastExp(%v) = %v, want %v", x, got, want)
		}
	}
	if !math.IsNaN(fastExp(math.NaN())) {
		t.Error("fastExp(NaN) is not NaN")
	}
	t.Logf("worst relative error %.3g", worst)
}

func BenchmarkFastExp(b *testing.B) {
	s := 0.0
	for i := 0; i < b.N; i++ {
		s += fastExp(float64(i&1023) * -0.01)
	}
	sinkExp = s
}

func BenchmarkMathExp(b *testing.B) {
	s := 0.0
	for i := 0; i < b.N; i++ {
		s += math.Exp(float64(i&1023) * -0.01)
	}
	sinkExp = s
}

var sinkExp float64

// expInPlace gives fastExp's values bit for bit.
func TestExpInPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	v := []float64{0, -0.0, 700, -700, 699.9, -699.9, 710, -746, math.Inf(1), math.Inf(-1), math.NaN()}
	for i := 0; i < 100000; i++ {
		v = append(v, 30*rng.NormFloat64(), 1399.9*rng.Float64()-699.95)
	}
	got := append([]float64(nil), v...)
	expInPlace(got)
	for i, x := range v {
		want := fastExp(x)
		if math.Float64bits(got[i]) != math.Float64bits(want) && !(math.IsNaN(got[i]) && math.IsNaN(want)) {
			t.Fatalf("expInPlace(%v) = %v, fastExp %v", x, got[i], want)
		}
	}
}
