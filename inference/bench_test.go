package inference_test

import (
	"context"
	"testing"
	"time"

	"dilemma/inference"
)

// Benchmarks: run with
//
//	go test -run '^$' -bench . -benchmem ./inference/
//
// BenchmarkGradient measures the target alone; BenchmarkNUTS one sampling
// iteration with an adapted step size and metric (ns/op is per iteration;
// ns/grad and nuts/grad compare its cost per gradient with the gradient
// alone, so nuts/grad − 1 is the leapfrog and tree-building overhead);
// BenchmarkESS full default runs (4 chains × 1000 + 1000), reporting the
// smallest bulk ESS per second of chain time.

type benchTarget struct {
	name string
	f    inference.TargetFactory
}

func benchTargets() []benchTarget {
	lr := newLogistic(1000, 10, 3)
	return []benchTarget{
		{"normal100", inference.Shared(stdNormal{100})},
		{"logistic1000x10", func() inference.Target { return lr.clone() }},
	}
}

func BenchmarkGradient(b *testing.B) {
	for _, bt := range benchTargets() {
		b.Run(bt.name, func(b *testing.B) {
			t := bt.f()
			x := make([]float64, t.Dim())
			g := make([]float64, t.Dim())
			for i := range x {
				x[i] = 0.1 * float64(i%7-3)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t.LogDensityGrad(x, g)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "grads/s")
		})
	}
}

// gradientTime is the mean wall time of one gradient of t.
func gradientTime(t inference.Target) time.Duration {
	x := make([]float64, t.Dim())
	g := make([]float64, t.Dim())
	for i := range x {
		x[i] = 0.1 * float64(i%7-3)
	}
	const n = 20000
	start := time.Now()
	for i := 0; i < n; i++ {
		t.LogDensityGrad(x, g)
	}
	return time.Since(start) / n
}

func BenchmarkNUTS(b *testing.B) {
	for _, bt := range benchTargets() {
		b.Run(bt.name, func(b *testing.B) {
			// Warm up once to get an adapted step size, metric and point.
			s := inference.DefaultSettings()
			s.Chains, s.NumSamples, s.SaveWarmup = 1, 0, true
			res, err := inference.Sample(context.Background(), bt.f, s, nil)
			if err != nil {
				b.Fatal(err)
			}
			c := res.Chains[0]
			w := len(res.ParamNames)
			last := c.Collector.WarmupParams[len(c.Collector.WarmupParams)-w:]
			perGrad := gradientTime(bt.f())

			s.NumWarmup, s.NumSamples, s.SaveWarmup, s.Adapt = 0, b.N, false, false
			s.StepSize, s.InvMetric = c.Adaptation.StepSize, c.Adaptation.InvMetric
			s.Init = [][]float64{append([]float64(nil), last...)}
			b.ReportAllocs()
			b.ResetTimer()
			res, err = inference.Sample(context.Background(), bt.f, s, nil)
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			grads := float64(res.Chains[0].GradEvals - 1) // minus the initial evaluation
			nsPerGrad := float64(b.Elapsed().Nanoseconds()) / grads
			b.ReportMetric(grads/float64(b.N), "grads/op")
			b.ReportMetric(grads/b.Elapsed().Seconds(), "grads/s")
			b.ReportMetric(nsPerGrad, "ns/grad")
			b.ReportMetric(nsPerGrad/float64(perGrad.Nanoseconds()), "nuts/grad")
		})
	}
}

func BenchmarkESS(b *testing.B) {
	for _, bt := range benchTargets() {
		b.Run(bt.name, func(b *testing.B) {
			var ess, chainSec, sampleSec float64
			for i := 0; i < b.N; i++ {
				s := inference.DefaultSettings()
				s.Seed = uint64(i)
				res, err := inference.Sample(context.Background(), bt.f, s, nil)
				if err != nil {
					b.Fatal(err)
				}
				ess += minESS(res)
				for _, c := range res.Chains {
					chainSec += c.Timing.Warmup + c.Timing.Sampling
					sampleSec += c.Timing.Sampling
				}
			}
			b.ReportMetric(ess/float64(b.N), "minESS")
			b.ReportMetric(ess/chainSec, "ESS/chain-s")
			b.ReportMetric(ess/sampleSec, "ESS/sampling-s")
		})
	}
}
