package loo

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkLOO4000x5000 is PSIS-LOO of 4,000 draws and 5,000 observations
// of the conjugate normal model (a 160 MB log-likelihood matrix).
func BenchmarkLOO4000x5000(b *testing.B) {
	r := rand.New(rand.NewPCG(80, 1))
	m := normalModel{y: simNormal(r, 5000, 0, 1), sigma: 1, mu0: 0, tau0: 10}
	ll := m.loglik(m.draws(r, 4000, -1))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := LOO(ll); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPSIS4000 is the smoothing of one observation's 4,000 ratios.
func BenchmarkPSIS4000(b *testing.B) {
	r := rand.New(rand.NewPCG(81, 1))
	lr := make([]float64, 4000)
	for d := range lr {
		lr[d] = 2 * r.NormFloat64()
	}
	b.ReportAllocs()
	for b.Loop() {
		PSIS(lr)
	}
}
