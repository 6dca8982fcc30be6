package inference

import (
	"fmt"
	"math"
	"time"
)

// Metric selects the form of the inverse metric (the inverse mass matrix)
// of the Hamiltonian.
type Metric int

const (
	// DiagE is a diagonal inverse metric, adapted to the posterior variances
	// (CmdStan's "diag_e", the default).
	DiagE Metric = iota
	// DenseE is a full inverse metric, adapted to the posterior covariance
	// (CmdStan's "dense_e").
	DenseE
)

// String returns CmdStan's name of the metric: "diag_e" or "dense_e".
func (m Metric) String() string {
	switch m {
	case DiagE:
		return "diag_e"
	case DenseE:
		return "dense_e"
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// ParseMetric returns the Metric named s ("diag_e", "dense_e", or the short
// forms "diag" and "dense").
func ParseMetric(s string) (Metric, error) {
	switch s {
	case "diag_e", "diag":
		return DiagE, nil
	case "dense_e", "dense":
		return DenseE, nil
	}
	return 0, fmt.Errorf("unknown metric %q (want diag_e or dense_e)", s)
}

// Settings configure Sample. Start from DefaultSettings and change what you
// need: the zero value of several fields is invalid (Sample says which).
// The defaults are CmdStan's.
type Settings struct {
	// Chains is the number of chains. The default is 4.
	Chains int
	// FirstChainID is the id of the first chain; chain i (0-based) has id
	// FirstChainID+i, which is written in RunInfo.Chain and seeds the
	// chain's random stream. The default is 1.
	FirstChainID int
	// Parallel is the largest number of chains run at once; 0 runs all
	// chains at once. Draws do not depend on it. The default is 0.
	Parallel int

	// NumWarmup is the number of warm-up iterations per chain. The default
	// is 1000.
	NumWarmup int
	// NumSamples is the number of sampling iterations per chain after
	// warm-up. The default is 1000.
	NumSamples int
	// Thin keeps every Thin-th iteration (the first of each phase, then
	// every Thin-th after it). The default is 1.
	Thin int
	// SaveWarmup hands warm-up iterations to the sinks too. The default is
	// false.
	SaveWarmup bool

	// Seed seeds the random streams; chain id c uses a PCG stream derived
	// from (Seed, c). Seed 0 is an ordinary seed: the sampler never picks
	// one itself. The default is 0.
	Seed uint64

	// MaxDepth is the largest tree depth of a NUTS transition (at most
	// 2^MaxDepth-1 leapfrog steps). The default is 10.
	MaxDepth int
	// MaxDeltaH is the energy error H−H0 beyond which a trajectory is
	// called divergent. The default is 1000.
	MaxDeltaH float64
	// Metric is the form of the inverse metric. The default is DiagE.
	Metric Metric
	// StepSize is the initial step size (the step size of every iteration
	// when Adapt is false or NumWarmup is 0). The default is 1.
	StepSize float64
	// InvMetric is the initial inverse metric: the diagonal (length Dim)
	// for DiagE, the row-major matrix (length Dim*Dim, symmetric positive
	// definite) for DenseE. Nil means the identity. The default is nil.
	InvMetric []float64

	// Adapt turns warm-up adaptation of the step size and metric on. The
	// default is true.
	Adapt bool
	// AdaptDelta is the target mean acceptance statistic of step-size
	// adaptation (δ), in (0, 1). The default is 0.8.
	AdaptDelta float64
	// AdaptGamma is the dual-averaging regularization scale (γ). The
	// default is 0.05.
	AdaptGamma float64
	// AdaptKappa is the dual-averaging relaxation exponent (κ). The default
	// is 0.75.
	AdaptKappa float64
	// AdaptT0 is the dual-averaging iteration offset (t0). The default is
	// 10.
	AdaptT0 float64
	// InitBuffer is the number of warm-up iterations before the first
	// metric window (fast step-size adaptation only). The default is 75.
	InitBuffer int
	// TermBuffer is the number of warm-up iterations after the last metric
	// window (fast step-size adaptation only). The default is 50.
	TermBuffer int
	// Window is the size of the first metric window; each next window is
	// twice as long, and the last is stretched to the terminal buffer. The
	// default is 25.
	Window int

	// InitRadius draws initial points uniformly from (−InitRadius,
	// InitRadius) in every unconstrained coordinate; 0 starts at the
	// origin. The default is 2.
	InitRadius float64
	// InitRetries is the number of random initial points tried before a
	// chain gives up because the log density or its gradient is not
	// finite. The default is 100.
	InitRetries int
	// Init, when not nil, holds initial unconstrained points: Init[i] for
	// chain i, or Init[0] for every chain when it has one element. Each
	// point must have length Dim and a finite log density and gradient; a
	// nil point (with one per chain) draws that chain's start at random as
	// if Init were nil.
	// The default is nil.
	Init [][]float64

	// ModelName is the model name handed to sinks in RunInfo. The default
	// is "".
	ModelName string

	// Progress, when not nil, is called every Refresh iterations and at the
	// last iteration of each chain. Chains call it from their own
	// goroutines, so it must be safe for concurrent use. The default is
	// nil.
	Progress func(Progress)
	// Refresh is the number of iterations between Progress calls. The
	// default is 100.
	Refresh int
}

// DefaultSettings returns CmdStan's default settings: 4 chains of 1000
// warm-up and 1000 sampling iterations, diagonal metric, adapt_delta 0.8,
// max tree depth 10, inits uniform in (−2, 2).
func DefaultSettings() Settings {
	return Settings{
		Chains:       4,
		FirstChainID: 1,
		NumWarmup:    1000,
		NumSamples:   1000,
		Thin:         1,
		MaxDepth:     10,
		MaxDeltaH:    1000,
		Metric:       DiagE,
		StepSize:     1,
		Adapt:        true,
		AdaptDelta:   0.8,
		AdaptGamma:   0.05,
		AdaptKappa:   0.75,
		AdaptT0:      10,
		InitBuffer:   75,
		TermBuffer:   50,
		Window:       25,
		InitRadius:   2,
		InitRetries:  100,
		Refresh:      100,
	}
}

// Progress reports how far one chain has come.
type Progress struct {
	Chain             int           // chain id
	Iteration         int           // iterations done, warm-up included (1-based)
	Total             int           // NumWarmup + NumSamples
	Warmup            bool          // whether Iteration is a warm-up iteration
	WarmupDivergences int           // divergent warm-up iterations so far
	Divergences       int           // divergent sampling iterations so far
	Elapsed           time.Duration // wall time since the chain started
}

// Remaining estimates the wall time left for the chain from the pace so far.
func (p Progress) Remaining() time.Duration {
	if p.Iteration <= 0 || p.Total <= p.Iteration {
		return 0
	}
	per := float64(p.Elapsed) / float64(p.Iteration)
	return time.Duration(per * float64(p.Total-p.Iteration))
}

// validate checks s for a target of dimension dim.
func (s *Settings) validate(dim int) error {
	switch {
	case s.Chains < 1:
		return fmt.Errorf("settings: Chains = %d, want at least 1", s.Chains)
	case s.Parallel < 0:
		return fmt.Errorf("settings: Parallel = %d, want 0 (all) or more", s.Parallel)
	case s.NumWarmup < 0:
		return fmt.Errorf("settings: NumWarmup = %d, want 0 or more", s.NumWarmup)
	case s.NumSamples < 0:
		return fmt.Errorf("settings: NumSamples = %d, want 0 or more", s.NumSamples)
	case s.Thin < 1:
		return fmt.Errorf("settings: Thin = %d, want at least 1", s.Thin)
	case s.MaxDepth < 1 || s.MaxDepth > 30:
		return fmt.Errorf("settings: MaxDepth = %d, want 1 to 30", s.MaxDepth)
	case !(s.MaxDeltaH > 0):
		return fmt.Errorf("settings: MaxDeltaH = %v, want a positive number", s.MaxDeltaH)
	case s.Metric != DiagE && s.Metric != DenseE:
		return fmt.Errorf("settings: unknown metric %v", s.Metric)
	case !(s.StepSize > 0) || math.IsInf(s.StepSize, 1):
		return fmt.Errorf("settings: StepSize = %v, want a positive finite number", s.StepSize)
	case s.Adapt && !(s.AdaptDelta > 0 && s.AdaptDelta < 1):
		return fmt.Errorf("settings: AdaptDelta = %v, want a number in (0, 1)", s.AdaptDelta)
	case s.Adapt && !(s.AdaptGamma > 0):
		return fmt.Errorf("settings: AdaptGamma = %v, want a positive number", s.AdaptGamma)
	case s.Adapt && !(s.AdaptKappa > 0):
		return fmt.Errorf("settings: AdaptKappa = %v, want a positive number", s.AdaptKappa)
	case s.Adapt && !(s.AdaptT0 > 0):
		return fmt.Errorf("settings: AdaptT0 = %v, want a positive number", s.AdaptT0)
	case s.InitBuffer < 0 || s.TermBuffer < 0 || s.Window < 0:
		return fmt.Errorf("settings: InitBuffer, TermBuffer, Window = %d, %d, %d, want 0 or more",
			s.InitBuffer, s.TermBuffer, s.Window)
	case !(s.InitRadius >= 0) || math.IsInf(s.InitRadius, 1):
		return fmt.Errorf("settings: InitRadius = %v, want a finite number, 0 or more", s.InitRadius)
	case s.InitRetries < 1:
		return fmt.Errorf("settings: InitRetries = %d, want at least 1", s.InitRetries)
	case s.Progress != nil && s.Refresh < 1:
		return fmt.Errorf("settings: Refresh = %d, want at least 1", s.Refresh)
	}
	if s.InvMetric != nil {
		want := dim
		if s.Metric == DenseE {
			want = dim * dim
		}
		if len(s.InvMetric) != want {
			return fmt.Errorf("settings: InvMetric has %d elements, want %d for %v in %d dimensions",
				len(s.InvMetric), want, s.Metric, dim)
		}
		for i, v := range s.InvMetric {
			if math.IsNaN(v) || math.IsInf(v, 0) || (s.Metric == DiagE && !(v > 0)) {
				return fmt.Errorf("settings: InvMetric[%d] = %v, want a positive finite number", i, v)
			}
		}
		if s.Metric == DenseE {
			for i := 0; i < dim; i++ {
				for j := 0; j < i; j++ {
					if a, b := s.InvMetric[i*dim+j], s.InvMetric[j*dim+i]; a != b {
						return fmt.Errorf("settings: InvMetric is not symmetric: element (%d,%d) is %v, (%d,%d) is %v",
							i+1, j+1, a, j+1, i+1, b)
					}
				}
			}
			if err := cholesky(make([]float64, dim*dim), s.InvMetric, dim); err != nil {
				return fmt.Errorf("settings: InvMetric: %v", err)
			}
		}
	}
	if s.Init != nil {
		if len(s.Init) != 1 && len(s.Init) != s.Chains {
			return fmt.Errorf("settings: Init has %d points, want 1 or %d (one per chain)", len(s.Init), s.Chains)
		}
		for i, x := range s.Init {
			if x == nil && len(s.Init) > 1 {
				continue
			}
			if len(x) != dim {
				return fmt.Errorf("settings: Init[%d] has %d elements, want %d", i, len(x), dim)
			}
		}
	}
	return nil
}
