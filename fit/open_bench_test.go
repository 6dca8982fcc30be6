package fit

import (
	"math/rand/v2"
	"os"
	"testing"

	"dilemma/data"
	"dilemma/inference"
	"dilemma/model/sem"
)

// syntheticFitDir writes a fit directory of fig2-remedies on the embedded
// panel with 4 chains of the given number of synthetic draws (no latent
// values, as 'dilemma fit' writes by default; the first parameter is
// constant, so that its R-hat cannot be estimated) and returns the fit and
// the directory's path.
func syntheticFitDir(tb testing.TB, samples int) (*Fit, string) {
	tb.Helper()
	pl, err := Prepare("fig2-remedies", "", data.Options{}, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	post, err := sem.Compile(pl.Spec)
	if err != nil {
		tb.Fatal(err)
	}
	s := DefaultSettings()
	s.Chains, s.Warmup, s.Samples = 4, 200, samples
	names := post.ParamNames()
	f := &Fit{Plan: pl, Posterior: post, Settings: s, Names: names}
	rng := rand.New(rand.NewPCG(1, 2))
	for range s.Chains {
		draws := make([][]float64, len(names))
		for j := range draws {
			col := make([]float64, s.Samples)
			for i := range col {
				if j > 0 {
					col[i] = rng.NormFloat64()
				}
			}
			draws[j] = col
		}
		stats := make([][]float64, len(inference.SamplerColumns))
		for k := range stats {
			col := make([]float64, s.Samples)
			for i := range col {
				switch inference.SamplerColumns[k] {
				case "treedepth__":
					col[i] = 5
				case "n_leapfrog__":
					col[i] = 31
				case "divergent__":
				default:
					col[i] = rng.Float64()
				}
			}
			stats[k] = col
		}
		metric := make([]float64, len(names))
		for j := range metric {
			metric[j] = rng.Float64()
		}
		f.Draws = append(f.Draws, draws)
		f.Stats = append(f.Stats, stats)
		f.Adaptation = append(f.Adaptation, inference.Adaptation{StepSize: 0.1, InvMetric: metric})
	}
	f.Manifest = newManifest(pl, s, &inference.Result{ParamNames: names})
	f.Manifest.ParamNames = f.savedNames()
	f.summarize()
	dir := tb.TempDir() + "/fit"
	if err := f.Write(dir); err != nil {
		tb.Fatal(err)
	}
	return f, dir
}

// BenchmarkOpen reads a fit directory of fig2-remedies with 4 × 1,000
// draws (about 26 MB of chain CSV). With DILEMMA_BENCH_FIT set it reads
// that directory instead:
//
//	go test -run '^$' -bench Open -benchtime 5x ./fit/
func BenchmarkOpen(b *testing.B) {
	dir := os.Getenv("DILEMMA_BENCH_FIT")
	if dir == "" {
		_, dir = syntheticFitDir(b, 1000)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := Open(dir); err != nil {
			b.Fatal(err)
		}
	}
}
