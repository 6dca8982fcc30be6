// Package inference samples from any differentiable log density with Stan's
// multinomial No-U-Turn sampler and its warm-up, and hands every draw to a
// Sink. It knows nothing of graphs or data: a Target gives its dimension and
// the log density with its gradient at a point, nothing more.
//
// Sample runs the chains. The sampler is Stan's multinomial NUTS with the
// generalized U-turn criterion, and its warm-up is CmdStan's: the step-size
// heuristic, dual averaging toward adapt_delta, and windowed estimation of a
// diagonal or dense inverse metric. DefaultSettings gives CmdStan's defaults.
// Each chain draws from its own PCG stream derived from (seed, chain id), so
// the draws are the same whatever GOMAXPROCS is. A transition does not
// allocate.
//
// The diagnostics (R-hat, ESS, MCSE) live in package inference/diagnostics
// and the CmdStan CSV layout in package inference/stancsv.
//
// The default tests take about 10 s. Longer statistical checks (5000 draws
// per chain on the known-answer targets, 4000 per chain on the posteriordb
// posteriors, 4000 replications of simulation-based calibration) are behind
// a build tag:
//
//	go test -tags long -timeout 60m ./inference/
//
// and the benchmarks (gradients/s, ESS/s, NUTS time per gradient) run with
//
//	go test -run '^$' -bench . -benchmem ./inference/
package inference

import "math"

// Target is a differentiable log density on an unconstrained space R^Dim.
//
// LogDensityGrad returns log p(x) up to a constant and writes its gradient
// into grad, which has length Dim. It must not retain x or grad and should
// not allocate. A point outside the support returns -Inf (or NaN); the
// sampler treats such a point as a divergence.
//
// Sample gets its targets from a TargetFactory, one per chain, and calls
// each from its chain's goroutine only, so a Target may keep scratch
// buffers. A Target handed to every chain with Shared must be safe for
// concurrent use.
type Target interface {
	Dim() int
	LogDensityGrad(x, grad []float64) float64
}

// SamplerColumns are the per-draw sampler statistics, in CmdStan's order and
// with CmdStan's names. They precede the parameters in every draw row.
var SamplerColumns = []string{
	"lp__", "accept_stat__", "stepsize__", "treedepth__",
	"n_leapfrog__", "divergent__", "energy__",
}

// Stats are the sampler statistics of one draw (see SamplerColumns).
type Stats struct {
	LogDensity  float64 // lp__
	AcceptStat  float64 // accept_stat__
	StepSize    float64 // stepsize__
	TreeDepth   int     // treedepth__
	NumLeapfrog int     // n_leapfrog__
	Divergent   bool    // divergent__
	Energy      float64 // energy__
}

// Values returns the statistics as a row in SamplerColumns order.
func (s Stats) Values() []float64 {
	div := 0.0
	if s.Divergent {
		div = 1
	}
	return []float64{s.LogDensity, s.AcceptStat, s.StepSize,
		float64(s.TreeDepth), float64(s.NumLeapfrog), div, s.Energy}
}

// Value returns statistic k, an index into SamplerColumns, without
// allocating; it returns NaN for an index out of range.
func (s Stats) Value(k int) float64 {
	switch k {
	case 0:
		return s.LogDensity
	case 1:
		return s.AcceptStat
	case 2:
		return s.StepSize
	case 3:
		return float64(s.TreeDepth)
	case 4:
		return float64(s.NumLeapfrog)
	case 5:
		if s.Divergent {
			return 1
		}
		return 0
	case 6:
		return s.Energy
	}
	return math.NaN()
}

// RunInfo describes one chain's run to a Sink before the first draw.
type RunInfo struct {
	Model      string   // model name, written into output headers
	ParamNames []string // names of the (constrained) quantities in each draw
	Chain      int      // 1-based chain id
	Seed       uint64
	NumWarmup  int
	NumSamples int
	SaveWarmup bool
	MaxDepth   int
	AdaptDelta float64
	Metric     string // "diag_e" or "dense_e"
	InitRadius float64

	Thin       int     // every Thin-th iteration is handed to Draw
	StepSize   float64 // initial step size
	Adapt      bool    // whether warm-up adapts the step size and metric
	AdaptGamma float64
	AdaptKappa float64
	AdaptT0    float64
	InitBuffer int
	TermBuffer int
	Window     int
}

// Adaptation is the result of warm-up: the step size and the inverse metric
// (the diagonal for "diag_e", the full matrix row-major for "dense_e").
type Adaptation struct {
	StepSize  float64
	InvMetric []float64
	Dense     bool
}

// Timing is the wall time of one chain's warm-up and sampling, in seconds.
type Timing struct {
	Warmup   float64
	Sampling float64
}

// Sink receives one chain's output. The sampler calls Begin once, Draw for
// every saved iteration (warm-up iterations only when SaveWarmup is set, with
// warmup true), Adapted once when warm-up ends, and End once. The params slice
// passed to Draw is reused between calls: a Sink that keeps it must copy it.
// An error from any method stops the chain. A chain that stops early (an
// error, or a cancelled context) does not call End; it calls Abort when the
// Sink is also an Aborter. Draw is called on the chain's goroutine; one Sink
// serves one chain.
type Sink interface {
	Begin(info RunInfo) error
	Draw(stats Stats, params []float64, warmup bool) error
	Adapted(a Adaptation) error
	End(t Timing) error
}

// Aborter is implemented by a Sink that wants to know when its chain stops
// before the end (so that it can, for instance, remove a partial file).
// Abort is called at most once, instead of End, with the reason.
type Aborter interface {
	Abort(err error)
}

// Model is a Target that also names the quantities a user reads and maps an
// unconstrained point to them (for instance exp(x) for a scale). When the
// target given to the sampler is a Model, draws carry the constrained
// quantities under their names; otherwise they carry x as "x.1" … "x.Dim".
type Model interface {
	Target
	ParamNames() []string
	// Constrain writes the user-facing quantities of the unconstrained point
	// x into out, which has len(ParamNames()). It is called once per saved
	// draw and should not allocate.
	Constrain(x, out []float64)
}
