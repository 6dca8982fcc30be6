package diagnostics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ar1Chains returns chains of an AR(1) process with coefficient phi.
func ar1Chains(chains, draws int, phi float64, seed uint64) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([][]float64, chains)
	for c := range out {
		x := r.NormFloat64()
		out[c] = make([]float64, draws)
		for i := range out[c] {
			x = phi*x + math.Sqrt(1-phi*phi)*r.NormFloat64()
			out[c][i] = x
		}
	}
	return out
}

// BenchmarkSummarize4x1000 is the full summary of one quantity with 4
// chains of 1000 draws.
func BenchmarkSummarize4x1000(b *testing.B) {
	x := ar1Chains(4, 1000, 0.5, 1)
	b.ReportAllocs()
	for b.Loop() {
		Summarize("x", x)
	}
}

func BenchmarkESSBulk4x1000(b *testing.B) {
	x := ar1Chains(4, 1000, 0.5, 1)
	b.ReportAllocs()
	for b.Loop() {
		ESSBulk(x)
	}
}

func BenchmarkRhat4x1000(b *testing.B) {
	x := ar1Chains(4, 1000, 0.5, 1)
	b.ReportAllocs()
	for b.Loop() {
		Rhat(x)
	}
}
