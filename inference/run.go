package inference

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
)

// TargetFactory returns a new Target for one chain. Sample calls it once per
// chain, one call after another, before any chain starts, so a target may
// keep scratch buffers without locking: each chain has its own. Use Shared
// for a target that is safe for concurrent use.
type TargetFactory func() Target

// Shared returns a factory that hands t to every chain. t must be safe for
// concurrent use (for instance, keep no scratch state between calls).
func Shared(t Target) TargetFactory {
	return func() Target { return t }
}

// Result is what Sample returns about a run: the names of the quantities in
// each draw, one ChainResult per chain, and warnings about the settings.
type Result struct {
	ParamNames []string      // names of the quantities in each draw
	Dim        int           // dimension of the unconstrained space
	Chains     []ChainResult // in chain order
	Warnings   []string      // e.g. a shortened adaptation schedule
}

// ChainResult describes one chain's run.
type ChainResult struct {
	ID                int        // chain id (Settings.FirstChainID + index)
	Init              []float64  // unconstrained initial point
	Final             []float64  // unconstrained point after the last iteration (nil if the chain stopped early)
	Adaptation        Adaptation // step size and inverse metric used for sampling
	Timing            Timing
	GradEvals         int64 // log density and gradient evaluations, init and warm-up included
	WarmupDivergences int   // divergent warm-up iterations
	Divergences       int   // divergent sampling iterations
	MaxDepthHits      int   // sampling iterations whose tree reached Settings.MaxDepth
	// Collector holds the chain's draws when its sink is a *Collector (also
	// inside a Tee), and always when Sample was given no sinks.
	Collector *Collector
}

// Divergences returns the number of divergent sampling iterations over all
// chains.
func (r *Result) Divergences() int {
	n := 0
	for _, c := range r.Chains {
		n += c.Divergences
	}
	return n
}

// Index returns the position of the named quantity in each draw, or −1.
func (r *Result) Index(name string) int {
	for i, n := range r.ParamNames {
		if n == name {
			return i
		}
	}
	return -1
}

// Column returns the sampling draws of quantity j, one slice per chain, from
// the chains' collectors; a chain without a collector gives nil.
func (r *Result) Column(j int) [][]float64 {
	out := make([][]float64, len(r.Chains))
	for i, c := range r.Chains {
		if c.Collector != nil {
			out[i] = c.Collector.Column(j)
		}
	}
	return out
}

// StatColumn returns sampler statistic k (an index into SamplerColumns) of
// the sampling draws, one slice per chain, from the chains' collectors.
func (r *Result) StatColumn(k int) [][]float64 {
	out := make([][]float64, len(r.Chains))
	for i, c := range r.Chains {
		if c.Collector != nil {
			out[i] = c.Collector.StatColumn(k)
		}
	}
	return out
}

// errStopped marks a chain stopped because the run was cancelled.
var errStopped = errors.New("chain stopped")

// stopped returns the error of a chain stopped by ctx, with the cause.
func stopped(ctx context.Context) error {
	return fmt.Errorf("%w: %w", errStopped, context.Cause(ctx))
}

// Sample runs Settings.Chains chains of NUTS on the target and hands each
// chain's draws to its sink. newTarget is called once per chain (see
// TargetFactory); sinks(i) gives the sink of chain index i (0-based; the
// chain id is Settings.FirstChainID+i) and may return nil for none. With
// sinks nil every chain gets a Collector, reachable from the Result.
//
// Chains run on their own goroutines with their own random streams, so the
// draws depend only on the seed, the settings and the target, never on
// GOMAXPROCS or scheduling. Initial points are found first, one chain after
// another; if one cannot be found Sample returns that error before any sink
// is asked for. Cancelling ctx stops every chain at its next iteration. When
// a running chain fails (a failing sink, a step-size search that runs away)
// the others are stopped and Sample returns the error of the lowest failing
// chain with the partial Result. A chain stopped after its sink's Begin
// calls the sink's Abort instead of End if it implements Aborter.
func Sample(ctx context.Context, newTarget TargetFactory, s Settings, sinks func(chain int) Sink) (*Result, error) {
	if newTarget == nil {
		return nil, errors.New("sample: no target factory")
	}
	if s.Chains < 1 {
		return nil, fmt.Errorf("settings: Chains = %d, want at least 1", s.Chains)
	}
	targets := make([]Target, s.Chains)
	for i := range targets {
		t := newTarget()
		if t == nil {
			return nil, fmt.Errorf("sample: the target factory returned nil for chain %d", s.FirstChainID+i)
		}
		targets[i] = t
	}
	dim := targets[0].Dim()
	if dim < 1 {
		return nil, fmt.Errorf("sample: the target has dimension %d, want at least 1", dim)
	}
	for i, t := range targets {
		if t.Dim() != dim {
			return nil, fmt.Errorf("sample: the target of chain %d has dimension %d, the first has %d",
				s.FirstChainID+i, t.Dim(), dim)
		}
	}
	if err := s.validate(dim); err != nil {
		return nil, err
	}
	names := paramNames(targets[0])

	res := &Result{ParamNames: names, Dim: dim, Chains: make([]ChainResult, s.Chains)}
	if s.Adapt && s.NumWarmup > 0 {
		if _, warn := newWindows(s.NumWarmup, s.InitBuffer, s.TermBuffer, s.Window); warn != "" {
			res.Warnings = append(res.Warnings, warn)
		}
	}

	// Initial points are found one chain after another, before any chain
	// runs, so that a failure is reported the same way every time.
	chains := make([]*chain, s.Chains)
	for i := range chains {
		res.Chains[i].ID = s.FirstChainID + i
		c, err := newChain(&s, i, targets[i], len(names))
		if err != nil {
			return res, fmt.Errorf("chain %d: %w", s.FirstChainID+i, err)
		}
		res.Chains[i].Init = append([]float64(nil), c.u.cur.q...)
		res.Chains[i].GradEvals = c.u.gradEvals
		chains[i] = c
	}

	chainSinks := make([]Sink, s.Chains)
	for i := range chainSinks {
		var k Sink
		if sinks == nil {
			k = &Collector{}
		} else {
			k = sinks(i)
		}
		if k == nil {
			k = discard{}
		}
		chainSinks[i] = k
		chains[i].sink = k
		res.Chains[i].Collector = findCollector(k)
	}

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	errs := make([]error, s.Chains)
	par := s.Parallel
	if par == 0 || par > s.Chains {
		par = s.Chains
	}
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i := 0; i < s.Chains; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if runCtx.Err() != nil { // stopped before it started: no sink calls
				errs[i] = stopped(runCtx)
				return
			}
			err := runChain(runCtx, chains[i], &res.Chains[i])
			if err != nil {
				if !errors.Is(err, errStopped) {
					err = fmt.Errorf("chain %d: %w", s.FirstChainID+i, err)
					cancel(fmt.Errorf("stopped because %w", err))
				}
				errs[i] = err
				if a, ok := chainSinks[i].(Aborter); ok {
					a.Abort(err)
				}
			}
		}(i)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("sampling cancelled: %w", err)
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, errStopped) {
			return res, err
		}
	}
	return res, nil
}

// runChain runs chain c and turns a panic inside it (a fault in the target
// or the sampler, in a goroutine where no caller could recover it) into an
// error, so that the program reports it in one line instead of crashing.
func runChain(ctx context.Context, c *chain, res *ChainResult) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &InternalError{Value: r}
		}
	}()
	return c.run(ctx, res)
}

// InternalError is a panic inside a chain, recovered: a fault of the
// target or the sampler, not of its input.
type InternalError struct{ Value any }

func (e *InternalError) Error() string { return fmt.Sprintf("internal error: %v", e.Value) }

// paramNames returns the names of the quantities in each draw of t.
func paramNames(t Target) []string {
	if m, ok := t.(Model); ok {
		return append([]string(nil), m.ParamNames()...)
	}
	names := make([]string, t.Dim())
	for i := range names {
		names[i] = "x." + strconv.Itoa(i+1)
	}
	return names
}

// chainRNG returns the random stream of chain id under seed: a PCG whose
// two state words are mixed from (seed, id) so that nearby seeds and ids
// give unrelated streams.
func chainRNG(seed uint64, id int) *rand.Rand {
	hi := splitmix64(seed)
	lo := splitmix64(hi ^ splitmix64(uint64(int64(id))+0x632be59bd9b4e019))
	return rand.New(rand.NewPCG(hi, lo))
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// chain is one chain's run.
type chain struct {
	s      *Settings
	index  int
	id     int
	target Target
	model  Model // nil when the target is not a Model
	sink   Sink
	rng    *rand.Rand
	u      *nuts
	out    []float64 // constrained draw handed to the sink
	start  time.Time

	iter, total       int
	warmupDivergences int
	divergences       int
}

// newChain sets up chain index and finds its initial point; the caller
// sets its sink.
func newChain(s *Settings, index int, t Target, nOut int) (*chain, error) {
	c := &chain{s: s, index: index, id: s.FirstChainID + index, target: t}
	c.model, _ = t.(Model)
	c.out = make([]float64, nOut)
	c.rng = chainRNG(s.Seed, c.id)
	c.total = s.NumWarmup + s.NumSamples
	m, err := newMetric(t.Dim(), s.Metric == DenseE, s.InvMetric)
	if err != nil {
		return nil, err
	}
	c.u = newNUTS(t, m, c.rng, s.MaxDepth, s.MaxDeltaH)
	c.u.eps = s.StepSize
	if err := c.initialize(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *chain) run(ctx context.Context, res *ChainResult) error {
	s, u := c.s, c.u
	defer func() { res.GradEvals = u.gradEvals }()

	c.start = time.Now()
	info := RunInfo{
		Model: s.ModelName, ParamNames: paramNames(c.target), Chain: c.id, Seed: s.Seed,
		NumWarmup: s.NumWarmup, NumSamples: s.NumSamples, SaveWarmup: s.SaveWarmup,
		Thin: s.Thin, MaxDepth: s.MaxDepth, Metric: s.Metric.String(), InitRadius: s.InitRadius,
		StepSize: s.StepSize, Adapt: s.Adapt && s.NumWarmup > 0, AdaptDelta: s.AdaptDelta,
		AdaptGamma: s.AdaptGamma, AdaptKappa: s.AdaptKappa, AdaptT0: s.AdaptT0,
		InitBuffer: s.InitBuffer, TermBuffer: s.TermBuffer, Window: s.Window,
	}
	if err := c.sink.Begin(info); err != nil {
		return fmt.Errorf("sink: %w", err)
	}

	adapt := s.Adapt && s.NumWarmup > 0
	if adapt {
		if err := u.initStepSize(); err != nil {
			return err
		}
	}
	warmStart := time.Now()
	if err := c.warmup(ctx, adapt); err != nil {
		return err
	}
	res.Timing.Warmup = time.Since(warmStart).Seconds()
	res.WarmupDivergences = c.warmupDivergences
	res.Adaptation = Adaptation{StepSize: u.eps, InvMetric: u.metric.copyInv(), Dense: u.metric.dense}
	if err := c.sink.Adapted(res.Adaptation); err != nil {
		return fmt.Errorf("sink: %w", err)
	}

	sampleStart := time.Now()
	done := ctx.Done()
	for i := 0; i < s.NumSamples; i++ {
		select {
		case <-done:
			return stopped(ctx)
		default:
		}
		st := u.transition()
		if st.Divergent {
			c.divergences++
			res.Divergences++
		}
		if st.TreeDepth >= s.MaxDepth {
			res.MaxDepthHits++
		}
		if i%s.Thin == 0 {
			if err := c.emit(st, false); err != nil {
				return err
			}
		}
		c.progress(false)
	}
	res.Timing.Sampling = time.Since(sampleStart).Seconds()
	res.Final = append([]float64(nil), u.cur.q...)
	if err := c.sink.End(res.Timing); err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	return nil
}

// warmup runs the warm-up iterations, adapting the step size by dual
// averaging and the metric in Stan's windows when adapt is set.
func (c *chain) warmup(ctx context.Context, adapt bool) error {
	s, u := c.s, c.u
	var (
		da  dualAverage
		win windows
		est *welford
	)
	if adapt {
		da = dualAverage{delta: s.AdaptDelta, gamma: s.AdaptGamma, kappa: s.AdaptKappa, t0: s.AdaptT0,
			mu: math.Log(10 * s.StepSize)}
		win, _ = newWindows(s.NumWarmup, s.InitBuffer, s.TermBuffer, s.Window)
		est = newWelford(u.n, u.metric.dense)
	}
	done := ctx.Done()
	for i := 0; i < s.NumWarmup; i++ {
		select {
		case <-done:
			return stopped(ctx)
		default:
		}
		st := u.transition()
		if st.Divergent {
			c.warmupDivergences++
		}
		if adapt {
			u.eps = da.learn(st.AcceptStat)
			if win.collecting() {
				est.add(u.cur.q)
			}
			if win.ending() {
				if est.regularized(u.metric.inv) {
					if err := u.metric.refresh(); err != nil {
						return fmt.Errorf("metric update at warm-up iteration %d: %v", i+1, err)
					}
				}
				est.restart()
				if err := u.initStepSize(); err != nil {
					return fmt.Errorf("after the metric update at warm-up iteration %d: %w", i+1, err)
				}
				da.mu = math.Log(10 * u.eps)
				da.restart()
			}
			win.advance()
		}
		if s.SaveWarmup && i%s.Thin == 0 {
			if err := c.emit(st, true); err != nil {
				return err
			}
		}
		c.progress(true)
	}
	if adapt {
		u.eps = da.final(u.eps)
	}
	return nil
}

// emit hands the current sample to the sink.
func (c *chain) emit(st Stats, warmup bool) error {
	if c.model != nil {
		c.model.Constrain(c.u.cur.q, c.out)
	} else {
		copy(c.out, c.u.cur.q)
	}
	if err := c.sink.Draw(st, c.out, warmup); err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	return nil
}

func (c *chain) progress(warmup bool) {
	c.iter++
	if c.s.Progress == nil || (c.iter%c.s.Refresh != 0 && c.iter != c.total) {
		return
	}
	c.s.Progress(Progress{
		Chain: c.id, Iteration: c.iter, Total: c.total, Warmup: warmup,
		WarmupDivergences: c.warmupDivergences, Divergences: c.divergences,
		Elapsed: time.Since(c.start),
	})
}

// initialize finds the chain's initial point: the given one, or uniform
// draws in (−InitRadius, InitRadius) until the log density and gradient are
// finite.
func (c *chain) initialize() error {
	s, u := c.s, c.u
	x, g := u.fwd.q, u.fwd.g
	var init []float64
	if s.Init != nil {
		init = s.Init[0]
		if len(s.Init) > 1 {
			init = s.Init[c.index]
		}
	}
	if init != nil {
		copy(x, init)
		lp := u.logDensity(x, g)
		if problem := unusable(lp, g); problem != "" {
			return fmt.Errorf("the given initial point is not usable: %s", problem)
		}
		u.setCurrent(x, g, lp)
		return nil
	}
	attempts := s.InitRetries
	if s.InitRadius == 0 {
		attempts = 1
	}
	var problem string
	for a := 0; a < attempts; a++ {
		for i := range x {
			x[i] = s.InitRadius * (2*c.rng.Float64() - 1)
		}
		lp := u.logDensity(x, g)
		if problem = unusable(lp, g); problem == "" {
			u.setCurrent(x, g, lp)
			return nil
		}
	}
	return fmt.Errorf("no usable initial point in (-%g, %g) after %d attempts; at the last one %s",
		s.InitRadius, s.InitRadius, attempts, problem)
}

// unusable says why a point with log density lp and gradient g cannot start
// a chain, or returns "".
func unusable(lp float64, g []float64) string {
	if math.IsNaN(lp) || math.IsInf(lp, 0) {
		return fmt.Sprintf("the log density is %v", lp)
	}
	for i, v := range g {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Sprintf("gradient element %d of %d is %v", i+1, len(g), v)
		}
	}
	return ""
}
