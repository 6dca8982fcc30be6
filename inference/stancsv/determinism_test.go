package stancsv_test

import (
	"bytes"
	"context"
	"runtime"
	"testing"

	"dilemma/inference"
	"dilemma/inference/stancsv"
)

// corrNormal is a 2-d correlated normal target.
type corrNormal struct{}

func (corrNormal) Dim() int { return 2 }
func (corrNormal) LogDensityGrad(x, g []float64) float64 {
	// precision of [[1, .9], [.9, 1]]
	a, b := 1/(1-0.81), -0.9/(1-0.81)
	g[0] = -(a*x[0] + b*x[1])
	g[1] = -(b*x[0] + a*x[1])
	return 0.5 * (x[0]*g[0] + x[1]*g[1])
}

// TestSameSeedSameBytes checks that a run's CSV files are byte-identical
// whatever GOMAXPROCS is.
func TestSameSeedSameBytes(t *testing.T) {
	run := func(procs int) [][]byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		s := inference.DefaultSettings()
		s.Seed, s.NumWarmup, s.NumSamples = 42, 300, 300
		bufs := make([]*bytes.Buffer, s.Chains)
		_, err := inference.Sample(context.Background(), inference.Shared(corrNormal{}), s, func(i int) inference.Sink {
			bufs[i] = new(bytes.Buffer)
			return stancsv.NewWriter(bufs[i], stancsv.Options{OmitTiming: true})
		})
		if err != nil {
			t.Fatal(err)
		}
		out := make([][]byte, len(bufs))
		for i, b := range bufs {
			out[i] = b.Bytes()
		}
		return out
	}
	one, two := run(1), run(2)
	for i := range one {
		if len(one[i]) < 1000 || !bytes.Equal(one[i], two[i]) {
			t.Fatalf("chain %d: CSV differs between GOMAXPROCS=1 and 2 (%d vs %d bytes)", i+1, len(one[i]), len(two[i]))
		}
	}
	if bytes.Equal(one[0], one[1]) {
		t.Error("chains 1 and 2 wrote identical files: streams are not independent")
	}
}
