package fit

import (
	"math/rand/v2"
	"testing"

	"dilemma/data"
	"dilemma/model/sem"
)

// benchFig2Remedies times one log density and gradient of the built-in
// fig2-remedies on the embedded panel under a missing-value mode.
func benchFig2Remedies(b *testing.B, mode sem.Missing) {
	opt, err := DefaultSettings().ModelOptions()
	if err != nil {
		b.Fatal(err)
	}
	opt.Missing = mode
	pl, err := Prepare("fig2-remedies", "", data.DefaultOptions(), opt)
	if err != nil {
		b.Fatal(err)
	}
	post, err := sem.Compile(pl.Spec)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, post.Dim())
	for i := range x {
		x[i] = 0.3 * rng.NormFloat64()
	}
	g := make([]float64, post.Dim())
	imputed := 0
	for _, m := range post.Missing() {
		imputed += len(m.Rows)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		post.LogDensityGrad(x, g)
	}
	b.ReportMetric(float64(post.Dim()), "params")
	b.ReportMetric(float64(imputed), "imputed")
}

// go test -run '^$' -bench Fig2RemediesGradient ./fit/
func BenchmarkFig2RemediesGradientModel(b *testing.B) { benchFig2Remedies(b, sem.MissingModel) }
func BenchmarkFig2RemediesGradientDrop(b *testing.B)  { benchFig2Remedies(b, sem.MissingDrop) }
