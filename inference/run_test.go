package inference_test

import (
	"context"
	"errors"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"

	"dilemma/inference"
)

// sameDraws fails unless two results hold bitwise identical draws and
// statistics.
func sameDraws(t *testing.T, label string, a, b *inference.Result) {
	t.Helper()
	if len(a.Chains) != len(b.Chains) {
		t.Fatalf("%s: %d vs %d chains", label, len(a.Chains), len(b.Chains))
	}
	for i := range a.Chains {
		ca, cb := a.Chains[i].Collector, b.Chains[i].Collector
		if len(ca.Params) != len(cb.Params) || len(ca.Stats) != len(cb.Stats) || len(ca.Params) == 0 {
			t.Fatalf("%s: chain %d: %d/%d values", label, i, len(ca.Params), len(cb.Params))
		}
		for k := range ca.Params {
			if math.Float64bits(ca.Params[k]) != math.Float64bits(cb.Params[k]) {
				t.Fatalf("%s: chain %d value %d: %v vs %v", label, i, k, ca.Params[k], cb.Params[k])
			}
		}
		for k := range ca.Stats {
			if ca.Stats[k] != cb.Stats[k] {
				t.Fatalf("%s: chain %d draw %d stats: %+v vs %+v", label, i, k, ca.Stats[k], cb.Stats[k])
			}
		}
		if a.Chains[i].GradEvals != b.Chains[i].GradEvals {
			t.Fatalf("%s: chain %d: %d vs %d gradients", label, i, a.Chains[i].GradEvals, b.Chains[i].GradEvals)
		}
	}
}

func TestDeterministicAcrossGOMAXPROCS(t *testing.T) {
	base := newLogistic(100, 3, 21)
	s := inference.DefaultSettings()
	s.NumWarmup, s.NumSamples, s.Seed = 300, 200, 77
	s.SaveWarmup = true
	f := func() inference.Target { return base.clone() }
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	one := run(t, f, s)
	runtime.GOMAXPROCS(2)
	two := run(t, f, s)
	sameDraws(t, "GOMAXPROCS 1 vs 2", one, two)
	s.Parallel = 1
	serial := run(t, f, s)
	sameDraws(t, "parallel vs one chain at a time", two, serial)

	// The stream of a chain depends on (seed, chain id) only.
	s.Parallel, s.Chains, s.FirstChainID = 0, 1, 3
	third := run(t, f, s)
	if !equalFloats(third.Chains[0].Collector.Params, two.Chains[2].Collector.Params) {
		t.Error("chain id 3 alone differs from chain id 3 of four")
	}
	// Another seed gives other draws.
	s.Seed = 78
	other := run(t, f, s)
	if equalFloats(other.Chains[0].Collector.Params, third.Chains[0].Collector.Params) {
		t.Error("seeds 77 and 78 gave the same draws")
	}
	// Different chains differ.
	if equalFloats(two.Chains[0].Collector.Params, two.Chains[1].Collector.Params) {
		t.Error("chains 1 and 2 are identical")
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// recordSink records the calls it gets and can fail on a given draw.
type recordSink struct {
	inference.Collector
	failAt  int // 1-based draw that fails; 0 never
	draws   int
	ended   bool
	aborted error
}

var errSinkFull = errors.New("disk full")

func (r *recordSink) Draw(st inference.Stats, p []float64, w bool) error {
	r.draws++
	if r.draws == r.failAt {
		return errSinkFull
	}
	return r.Collector.Draw(st, p, w)
}
func (r *recordSink) End(t inference.Timing) error { r.ended = true; return nil }
func (r *recordSink) Abort(err error)              { r.aborted = err }

func TestCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := inference.DefaultSettings()
	s.Refresh = 10
	var once sync.Once
	s.Progress = func(p inference.Progress) {
		if p.Iteration >= 50 {
			once.Do(cancel)
		}
	}
	sinks := make([]*recordSink, s.Chains)
	res, err := inference.Sample(ctx, inference.Shared(stdNormal{5}), s, func(i int) inference.Sink {
		sinks[i] = &recordSink{}
		return sinks[i]
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if res == nil {
		t.Fatal("no partial result")
	}
	for i, k := range sinks {
		begun := k.Info.Chain != 0 // a chain stopped before it began leaves its sink alone
		if k.ended || (begun && k.aborted == nil) || (!begun && k.aborted != nil) {
			t.Errorf("chain %d: begun=%v ended=%v aborted=%v, want Abort (after Begin) and no End", i+1, begun, k.ended, k.aborted)
		}
		if k.draws >= s.NumSamples {
			t.Errorf("chain %d ran to the end (%d draws) despite the cancellation", i+1, k.draws)
		}
	}
}

func TestSinkErrorStopsRun(t *testing.T) {
	s := inference.DefaultSettings()
	s.NumWarmup, s.NumSamples = 100, 100
	sinks := make([]*recordSink, s.Chains)
	_, err := inference.Sample(context.Background(), inference.Shared(stdNormal{3}), s, func(i int) inference.Sink {
		sinks[i] = &recordSink{}
		if i == 1 {
			sinks[i].failAt = 10
		}
		return sinks[i]
	})
	if !errors.Is(err, errSinkFull) || !strings.Contains(err.Error(), "chain 2") {
		t.Fatalf("err = %v, want chain 2's disk full", err)
	}
	if sinks[1].aborted == nil || sinks[1].ended {
		t.Error("the failing chain's sink was not aborted")
	}
	// The other chains stop too (they may or may not have finished by
	// then); a stopped chain's sink learns why.
	for i, k := range sinks {
		if i != 1 && k.aborted != nil && !strings.Contains(k.aborted.Error(), "chain 2: sink: disk full") {
			t.Errorf("chain %d aborted with %v", i+1, k.aborted)
		}
	}
}

// failing is a target whose log density is lp everywhere outside a corner,
// or whose gradient is NaN.
type failing struct {
	lp      float64
	nanGrad bool
	okAbove float64 // points with x[0] > okAbove are fine
}

func (f failing) Dim() int { return 2 }
func (f failing) LogDensityGrad(x, g []float64) float64 {
	g[0], g[1] = -x[0], -x[1]
	if x[0] > f.okAbove {
		return -0.5 * (x[0]*x[0] + x[1]*x[1])
	}
	if f.nanGrad {
		g[1] = math.NaN()
		return 0
	}
	return f.lp
}

func TestInitialization(t *testing.T) {
	s := inference.DefaultSettings()
	s.NumWarmup, s.NumSamples, s.Chains = 20, 20, 2
	asked := 0
	_, err := inference.Sample(context.Background(), inference.Shared(failing{lp: math.Inf(-1), okAbove: 99}), s,
		func(int) inference.Sink { asked++; return nil })
	if asked != 0 {
		t.Errorf("sinks were asked for %d times although no chain could start", asked)
	}
	if err == nil || !strings.Contains(err.Error(), "chain 1") || !strings.Contains(err.Error(), "after 100 attempts") ||
		!strings.Contains(err.Error(), "log density is -Inf") || !strings.Contains(err.Error(), "(-2, 2)") {
		t.Errorf("err = %v", err)
	}
	_, err = inference.Sample(context.Background(), inference.Shared(failing{nanGrad: true, okAbove: 99}), s, nil)
	if err == nil || !strings.Contains(err.Error(), "gradient element 2 of 2 is NaN") {
		t.Errorf("err = %v", err)
	}
	s.InitRetries = 7
	_, err = inference.Sample(context.Background(), inference.Shared(failing{lp: math.NaN(), okAbove: 99}), s, nil)
	if err == nil || !strings.Contains(err.Error(), "after 7 attempts") || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("err = %v", err)
	}
	// Only x[0] > 1.5 is usable (1 in 8 uniform draws): the retries find it.
	s.InitRetries = 100
	res, err := inference.Sample(context.Background(), inference.Shared(failing{lp: math.Inf(-1), okAbove: 1.5}), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Chains {
		if !(c.Init[0] > 1.5) || math.Abs(c.Init[1]) >= 2 {
			t.Errorf("chain %d starts at %v", c.ID, c.Init)
		}
	}
	// Given inits are used as they are, one for all chains or one each.
	s.Init = [][]float64{{1.75, -0.5}}
	res, err = inference.Sample(context.Background(), inference.Shared(stdNormal{2}), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Chains {
		if c.Init[0] != 1.75 || c.Init[1] != -0.5 {
			t.Errorf("chain %d starts at %v", c.ID, c.Init)
		}
	}
	s.Init = [][]float64{{1, 1}, {-1, 0.5}}
	res, err = inference.Sample(context.Background(), inference.Shared(stdNormal{2}), s, nil)
	if err != nil || res.Chains[1].Init[0] != -1 {
		t.Errorf("per-chain inits: err %v", err)
	}
	// A nil point starts its chain at random; every chain reports where it
	// ended (the last draw: the target is its own constrained space).
	s.Init = [][]float64{{1, 1}, nil}
	res, err = inference.Sample(context.Background(), inference.Shared(stdNormal{2}), s, nil)
	if err != nil || res.Chains[0].Init[0] != 1 || res.Chains[1].Init[0] == 1 || math.Abs(res.Chains[1].Init[0]) >= 2 {
		t.Errorf("nil init: err %v, inits %v %v", err, res.Chains[0].Init, res.Chains[1].Init)
	}
	for _, c := range res.Chains {
		n := len(c.Collector.Params)
		if len(c.Final) != 2 || c.Final[0] != c.Collector.Params[n-2] || c.Final[1] != c.Collector.Params[n-1] {
			t.Errorf("chain %d ends at %v, its last draw is %v", c.ID, c.Final, c.Collector.Params[n-2:])
		}
	}
	s.Init = [][]float64{{0, 0}}
	_, err = inference.Sample(context.Background(), inference.Shared(failing{lp: math.Inf(-1), okAbove: 1}), s, nil)
	if err == nil || !strings.Contains(err.Error(), "given initial point") {
		t.Errorf("bad given init: err = %v", err)
	}
	// InitRadius 0 starts at the origin.
	s.Init, s.InitRadius = nil, 0
	res, err = inference.Sample(context.Background(), inference.Shared(stdNormal{2}), s, nil)
	if err != nil || res.Chains[0].Init[0] != 0 || res.Chains[1].Init[1] != 0 {
		t.Errorf("radius 0: err %v, inits %v", err, res.Chains[0].Init)
	}
}

func TestSettingsValidation(t *testing.T) {
	cases := []struct {
		change func(*inference.Settings)
		want   string
	}{
		{func(s *inference.Settings) { s.Chains = 0 }, "Chains"},
		{func(s *inference.Settings) { s.NumSamples = -1 }, "NumSamples"},
		{func(s *inference.Settings) { s.Thin = 0 }, "Thin"},
		{func(s *inference.Settings) { s.MaxDepth = 0 }, "MaxDepth"},
		{func(s *inference.Settings) { s.AdaptDelta = 1 }, "AdaptDelta"},
		{func(s *inference.Settings) { s.StepSize = math.NaN() }, "StepSize"},
		{func(s *inference.Settings) { s.InitRadius = -1 }, "InitRadius"},
		{func(s *inference.Settings) { s.InvMetric = []float64{1, 1} }, "InvMetric has 2 elements, want 3"},
		{func(s *inference.Settings) { s.InvMetric = []float64{1, 0, 1} }, "InvMetric[1]"},
		{func(s *inference.Settings) {
			s.Metric = inference.DenseE
			s.InvMetric = []float64{1, 0, 0, 0, -1, 0, 0, 0, 1}
		}, "settings: InvMetric: dense inverse metric is not positive definite (pivot 2 is -1)"},
		{func(s *inference.Settings) {
			s.Metric = inference.DenseE
			s.InvMetric = []float64{1, 0.5, 0, 0, 1, 0, 0, 0, 1}
		}, "not symmetric: element (2,1) is 0, (1,2) is 0.5"},
		{func(s *inference.Settings) { s.Init = [][]float64{{1, 2}} }, "Init[0] has 2 elements"},
		{func(s *inference.Settings) { s.Init = [][]float64{{1, 2, 3}, {1, 2, 3}} }, "want 1 or 4"},
		{func(s *inference.Settings) { s.Metric = 7 }, "unknown metric"},
	}
	for _, c := range cases {
		s := inference.DefaultSettings()
		s.NumWarmup, s.NumSamples = 10, 10
		c.change(&s)
		_, err := inference.Sample(context.Background(), inference.Shared(stdNormal{3}), s, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want an error with %q, got %v", c.want, err)
		}
	}
	if _, err := inference.Sample(context.Background(), nil, inference.DefaultSettings(), nil); err == nil {
		t.Error("nil factory accepted")
	}
	if m, err := inference.ParseMetric("dense"); err != nil || m != inference.DenseE || m.String() != "dense_e" {
		t.Errorf("ParseMetric(dense) = %v, %v", m, err)
	}
	if _, err := inference.ParseMetric("unit_e"); err == nil {
		t.Error("ParseMetric accepted unit_e")
	}
}

func TestThinSaveWarmupAndProgress(t *testing.T) {
	s := inference.DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples, s.Thin, s.SaveWarmup = 2, 100, 95, 3, true
	s.Refresh = 40
	var mu sync.Mutex
	calls := map[int][]inference.Progress{}
	s.Progress = func(p inference.Progress) {
		mu.Lock()
		calls[p.Chain] = append(calls[p.Chain], p)
		mu.Unlock()
	}
	res := run(t, inference.Shared(stdNormal{2}), s)
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "15%/75%/10%") {
		t.Errorf("warnings = %v, want the 15%%/75%%/10%% fallback", res.Warnings)
	}
	for _, c := range res.Chains {
		k := c.Collector
		if len(k.WarmupStats) != 34 || len(k.Stats) != 32 || len(k.WarmupParams) != 68 || !k.Done {
			t.Errorf("chain %d: %d warm-up and %d sampling draws (want 34, 32), done %v",
				c.ID, len(k.WarmupStats), len(k.Stats), k.Done)
		}
		if k.Info.Thin != 3 || k.Info.NumWarmup != 100 || !k.Info.SaveWarmup || k.Info.Chain != c.ID || k.Info.Metric != "diag_e" {
			t.Errorf("run info %+v", k.Info)
		}
		steps := map[float64]bool{}
		for _, st := range k.WarmupStats {
			steps[st.StepSize] = true
		}
		if len(steps) < 10 {
			t.Errorf("chain %d: only %d distinct warm-up step sizes", c.ID, len(steps))
		}
		if k.Adaptation.StepSize != c.Adaptation.StepSize || k.Timing != c.Timing {
			t.Errorf("chain %d: collector and result disagree", c.ID)
		}
		its := []int{}
		for _, p := range calls[c.ID] {
			its = append(its, p.Iteration)
			if p.Total != 195 || p.Warmup != (p.Iteration <= 100) {
				t.Errorf("progress %+v", p)
			}
		}
		if len(its) != 5 || its[0] != 40 || its[4] != 195 {
			t.Errorf("chain %d: progress at iterations %v, want 40 80 120 160 195", c.ID, its)
		}
	}
}

func TestNoAdaptation(t *testing.T) {
	s := inference.DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples = 1, 50, 50
	s.Adapt = false
	s.StepSize = 0.3
	s.InvMetric = []float64{2, 0.5}
	res := run(t, inference.Shared(stdNormal{2}), s)
	a := res.Chains[0].Adaptation
	if a.StepSize != 0.3 || a.InvMetric[0] != 2 || a.InvMetric[1] != 0.5 {
		t.Errorf("adaptation %+v, want the given step size and metric", a)
	}
	if res.Chains[0].Collector.Info.Adapt {
		t.Error("RunInfo says adaptation is on")
	}
	// No warm-up: nothing to adapt either.
	s.Adapt, s.NumWarmup = true, 0
	res = run(t, inference.Shared(stdNormal{2}), s)
	if a := res.Chains[0].Adaptation; a.StepSize != 0.3 || res.Chains[0].Collector.NumDraws() != 50 {
		t.Errorf("no warm-up: %+v", a)
	}
	// Fewer than 20 warm-up iterations adapt the step size only.
	s.NumWarmup = 15
	res = run(t, inference.Shared(stdNormal{2}), s)
	a = res.Chains[0].Adaptation
	if a.StepSize == 0.3 || a.InvMetric[0] != 2 || len(res.Warnings) != 1 {
		t.Errorf("15 warm-up iterations: %+v, warnings %v", a, res.Warnings)
	}
}

// TestAllocationsDoNotGrow runs the sampler for 200 and for 2000
// iterations: the number of allocations must not depend on the length of
// the run (a Collector sizes its buffers up front).
func TestAllocationsDoNotGrow(t *testing.T) {
	base := newLogistic(50, 3, 5)
	count := func(n int) uint64 {
		s := inference.DefaultSettings()
		s.Chains, s.NumWarmup, s.NumSamples = 1, 200, n
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		run(t, func() inference.Target { return base.clone() }, s)
		runtime.ReadMemStats(&m1)
		return m1.Mallocs - m0.Mallocs
	}
	count(10) // warm up the runtime
	short, long := count(200), count(2000)
	t.Logf("allocations: %d for 200 draws, %d for 2000", short, long)
	if long > short+20 {
		t.Errorf("1800 more iterations cost %d more allocations", int64(long)-int64(short))
	}
}
