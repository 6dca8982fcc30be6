// Package inference samples from any differentiable log density with Stan's
// multinomial No-U-Turn sampler and its warm-up, and hands every draw to a
// Sink. It knows nothing of graphs or data: a Target gives its dimension and
// the log density with its gradient at a point, nothing more.
//
// The diagnostics (R-hat, ESS, MCSE) live in package inference/diagnostics
// and the CmdStan CSV layout in package inference/stancsv.
package inference

// Target is a differentiable log density on an unconstrained space R^Dim.
//
// LogDensityGrad returns log p(x) up to a constant and writes its gradient
// into grad, which has length Dim. It must not retain x or grad and should
// not allocate. A point outside the support returns -Inf (or NaN); the
// sampler treats such a point as a divergence.
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
// An error from any method stops the chain.
type Sink interface {
	Begin(info RunInfo) error
	Draw(stats Stats, params []float64, warmup bool) error
	Adapted(a Adaptation) error
	End(t Timing) error
}

// Model is a Target that also names the quantities a user reads and maps an
// unconstrained point to them (for instance exp(x) for a scale). When the
// target given to the sampler is a Model, draws carry the constrained
// quantities under their names; otherwise they carry x as "x.1" … "x.Dim".
type Model interface {
	Target
	ParamNames() []string
	// Constrain writes the user-facing quantities of the unconstrained point
	// x into out, which has len(ParamNames()).
	Constrain(x, out []float64)
}
