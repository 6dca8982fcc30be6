package model

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// bench40 is a random 40-node DAG (average degree about 3, a few latent
// nodes and bidirected edges) with an exposure and an outcome far apart in
// its topological order.
func bench40(b *testing.B) (*Model, string, string) {
	rng := rand.New(rand.NewPCG(40, 40))
	for {
		m := randomDAG(rng, 40, 0.08, 0.05, 2, 0)
		order, _ := m.TopoOrder()
		x, y := order[5], order[35]
		if a, err := m.Adjust(x, y, Total, nil); err == nil && len(a.Sets) > 1 {
			return m, x, y
		}
	}
}

func BenchmarkAdjust40(b *testing.B) {
	m, x, y := bench40(b)
	var a *Adjustment
	for b.Loop() {
		var err error
		if a, err = m.Adjust(x, y, Total, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(a.Sets)), "sets")
}

func BenchmarkDSeparated40(b *testing.B) {
	m, x, y := bench40(b)
	for b.Loop() {
		m.DSeparated([]string{x}, []string{y}, nil)
	}
}

func BenchmarkImplicationsFig2Remedies(b *testing.B) {
	m, _ := Builtin("fig2-remedies")
	for b.Loop() {
		if _, err := m.Implications(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRoundTripFig2Remedies(b *testing.B) {
	m, _ := Builtin("fig2-remedies")
	for b.Loop() {
		var s strings.Builder
		m.Export(&s)
		if _, err := ParseString(s.String(), "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRoundTrip40(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 40))
	m := randomModel(rng, 40)
	for b.Loop() {
		var s strings.Builder
		m.Export(&s)
		if _, err := ParseString(s.String(), "bench"); err != nil {
			b.Fatal(err)
		}
	}
}
