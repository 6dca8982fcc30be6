package fit

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"dilemma"
	"dilemma/inference"
	"dilemma/inference/diagnostics"
	"dilemma/model/sem"
)

// Settings are a fit's sampler and modelling settings, as recorded in the
// manifest.
type Settings struct {
	Chains     int     `json:"chains"`      // default 4
	Warmup     int     `json:"warmup"`      // warm-up iterations per chain, default 1000
	Samples    int     `json:"samples"`     // kept draws per chain, default 1000
	Seed       uint64  `json:"seed"`        // default 1
	MaxDepth   int     `json:"max_depth"`   // NUTS tree depth limit, default 10
	AdaptDelta float64 `json:"adapt_delta"` // target acceptance, default 0.8
	Metric     string  `json:"metric"`      // "diag_e" (default) or "dense_e"
	PriorOnly  bool    `json:"prior_only"`  // sample the prior only
	Time       string  `json:"time_effects"`
	RE         string  `json:"unit_intercepts"`
	NoUnitRE   bool    `json:"no_unit_intercepts,omitempty"`
	// UnitEffects is the default unit effects of every equation ("" or
	// "random", "within", "none"); a node's unit_effects= overrides it.
	UnitEffects string `json:"unit_effects,omitempty"`
	// SaveLatent writes the latent values (one per row and latent node) to
	// the chain files too; by default they stay in memory only, since they
	// can outnumber everything else a hundredfold.
	SaveLatent bool `json:"save_latent,omitempty"`
	// SaveImputed writes the imputed values (mi.NODE.UNIT.TIME, one per
	// missing value a row of the model needs, under missing=model) to the
	// chain files too; like latent values they are not summarized.
	SaveImputed bool `json:"save_imputed,omitempty"`
	// SaveLogLik writes each chain's pointwise log likelihood (one column
	// per modelled observation: node, unit and period) to loglik-K.csv
	// beside chain-K.csv, for R's loo.
	SaveLogLik bool `json:"save_loglik,omitempty"`
	// LatentValues is "conditional" (the default; "" means the same) or
	// "direct": the coordinates in which the sampler moves latent values
	// (see package model/sem). Conditional coordinates remove the funnel
	// between loadings, indicator noise and the latent values; on the
	// built-in fig1 and fig2 the direct ones leave R-hat above 1.3.
	LatentValues string `json:"latent_values,omitempty"`
	// StepSize and InvMetric warm-start the sampler from a pilot fit's
	// adaptation (package sweep's warm_start): the initial step size, and
	// the inverse metric (the diagonal, one entry per unconstrained
	// coordinate in the posterior's order, for diag_e; the row-major
	// matrix for dense_e). With InvMetric set the metric stays fixed and
	// warm-up adapts the step size only. Zero and nil: CmdStan's start
	// (step size 1, identity metric, windowed metric adaptation).
	StepSize  float64   `json:"step_size,omitempty"`
	InvMetric []float64 `json:"inv_metric,omitempty"`
	// Init is where each chain starts, in the unconstrained coordinates
	// (posterior order): Init[c] for chain c (a warm start gives the pilot
	// chains' final points, see Fit.Final). A point of the wrong length or
	// where the log density or its gradient is not finite starts its chain
	// at random instead, with a warning. Nil: random points in (-2, 2).
	Init [][]float64 `json:"init,omitempty"`
	// Missing is what missing values become where a node does not say
	// (missing=): "model" (the default: parameters, imputed inside the
	// model, see package model/sem) or "drop" (rows that need them are
	// left out). "" reads as "drop": manifests written before the setting
	// existed were fitted that way.
	Missing string `json:"missing,omitempty"`
}

// DefaultSettings returns CmdStan's sampler defaults with seed 1, no period
// effects and unit intercepts parameterized from the data.
func DefaultSettings() Settings {
	return Settings{Chains: 4, Warmup: 1000, Samples: 1000, Seed: 1, MaxDepth: 10,
		AdaptDelta: 0.8, Metric: "diag_e", Time: "none", RE: "auto", LatentValues: "conditional", Missing: "model"}
}

// ModelOptions returns the modelling options the settings name.
func (s Settings) ModelOptions() (Options, error) {
	opt := Options{PriorOnly: s.PriorOnly, NoUnitEffects: s.NoUnitRE, UnitEffects: s.UnitEffects}
	switch s.UnitEffects {
	case "", "random", "within", "none":
	default:
		return opt, fmt.Errorf("unit effects %q: want random, within or none", s.UnitEffects)
	}
	switch s.Time {
	case "", "none":
	case "fixed":
		opt.Time = sem.TimeFixed
	case "random-walk", "rw":
		opt.Time = sem.TimeRandomWalk
	default:
		return opt, fmt.Errorf("time effects %q: want none, fixed or random-walk", s.Time)
	}
	switch s.Missing {
	case "", "drop":
	case "model":
		opt.Missing = sem.MissingModel
	default:
		return opt, fmt.Errorf("missing values %q: want model or drop", s.Missing)
	}
	switch s.LatentValues {
	case "", "conditional":
		opt.LatentValues = sem.LatentConditional
	case "direct":
	default:
		return opt, fmt.Errorf("latent values %q: want direct or conditional", s.LatentValues)
	}
	switch s.RE {
	case "", "auto":
	case "centred", "centered":
		opt.RE = sem.RECentred
	case "non-centred", "non-centered", "noncentred", "noncentered":
		opt.RE = sem.RENonCentred
	default:
		return opt, fmt.Errorf("unit intercepts %q: want auto, centred or non-centred", s.RE)
	}
	return opt, nil
}

func (s Settings) sampler() (inference.Settings, error) {
	is := inference.DefaultSettings()
	is.Chains, is.NumWarmup, is.NumSamples, is.Seed = s.Chains, s.Warmup, s.Samples, s.Seed
	is.MaxDepth, is.AdaptDelta = s.MaxDepth, s.AdaptDelta
	m, err := inference.ParseMetric(s.Metric)
	if err != nil {
		return is, err
	}
	is.Metric = m
	// Warm start (see Settings.StepSize): the pilot's metric, kept fixed.
	if s.StepSize > 0 {
		is.StepSize = s.StepSize
	}
	if len(s.InvMetric) > 0 {
		is.InvMetric = s.InvMetric
		is.InitBuffer, is.TermBuffer, is.Window = 0, 0, 0
	}
	return is, nil
}

// Fit is a sampled posterior with its summaries.
type Fit struct {
	Plan      *Plan
	Posterior *sem.Posterior
	Settings  Settings
	Manifest  Manifest
	// Names are the parameter names; Draws[c][j] is parameter j's draws in
	// chain c.
	Names []string
	Draws [][][]float64
	// Stats[c][k] is sampler statistic k (inference.SamplerColumns) of chain c.
	Stats      [][][]float64
	Adaptation []inference.Adaptation
	// Final[c] is chain c's unconstrained point after its last iteration
	// (where a warm-started fit may start, see Settings.Init).
	Final     [][]float64
	Edges     []EdgeSummary
	Summaries []diagnostics.Summary
	Warnings  []diagnostics.Warning
	// SamplerWarnings are notes from the sampler (e.g. a short warm-up).
	SamplerWarnings []string
	// PowerScaleReliable reports whether the importance weights behind the
	// edges' prior and likelihood sensitivities have Pareto k-hats below
	// the threshold (the sensitivities are then trustworthy).
	PowerScaleReliable bool
	index              map[string]int
}

// Param returns the draws of the named parameter per chain, or nil.
func (f *Fit) Param(name string) [][]float64 {
	if f.index == nil {
		f.index = make(map[string]int, len(f.Names))
		for j, n := range f.Names {
			f.index[n] = j
		}
	}
	j, ok := f.index[name]
	if !ok {
		return nil
	}
	out := make([][]float64, len(f.Draws))
	for c := range f.Draws {
		out[c] = f.Draws[c][j]
	}
	return out
}

// Run compiles the plan's model and samples it. progress, if not nil, gets
// each chain's progress.
func Run(ctx context.Context, pl *Plan, s Settings, progress func(inference.Progress)) (*Fit, error) {
	post, err := sem.Compile(pl.Spec)
	if err != nil {
		return nil, err
	}
	if err := checkMemory(post, s); err != nil {
		return nil, err
	}
	is, err := s.sampler()
	if err != nil {
		return nil, err
	}
	if progress != nil {
		is.Progress = progress
		is.Refresh = max(1, (s.Warmup+s.Samples)/20)
	}
	factory := func() inference.Target { return post.Clone() }
	if !s.PriorOnly {
		factory = func() inference.Target { return newWithGenerated(post) }
	}
	var initWarnings []string
	is.Init, initWarnings = usableInits(post, s.Init, s.Chains)
	res, err := inference.Sample(ctx, factory, is, nil)
	if err != nil {
		return nil, err
	}
	f := &Fit{Plan: pl, Posterior: post, Settings: s, Names: res.ParamNames, SamplerWarnings: append(initWarnings, res.Warnings...)}
	for _, ch := range res.Chains {
		col := ch.Collector
		draws := make([][]float64, len(res.ParamNames))
		for j := range draws {
			draws[j] = col.Column(j)
		}
		stats := make([][]float64, len(inference.SamplerColumns))
		for k := range stats {
			stats[k] = col.StatColumn(k)
		}
		f.Draws = append(f.Draws, draws)
		f.Stats = append(f.Stats, stats)
		f.Adaptation = append(f.Adaptation, ch.Adaptation)
		f.Final = append(f.Final, ch.Final)
	}
	f.finishLogLik()
	f.Manifest = newManifest(pl, s, res)
	f.Manifest.ParamNames = f.savedNames()
	f.summarize()
	return f, nil
}

// latentValues reports, per parameter, whether it is a latent node's value
// or an imputed value (named eta.LATENT.UNIT.TIME and mi.NODE.UNIT.TIME by
// package sem).
func (f *Fit) latentValues() []bool {
	lat := make([]bool, len(f.Names))
	for j, n := range f.Names {
		lat[j] = strings.HasPrefix(n, "eta.") || strings.HasPrefix(n, "mi.")
	}
	return lat
}

// saved returns the indices of the parameters written to chain files: those
// summarized, plus the latent values with --save-latent and the imputed
// values with --save-imputed.
func (f *Fit) saved() []int {
	var idx []int
	for j, n := range f.Names {
		switch {
		case strings.HasPrefix(n, "eta."):
			if !f.Settings.SaveLatent {
				continue
			}
		case strings.HasPrefix(n, "mi."):
			if !f.Settings.SaveImputed {
				continue
			}
		}
		idx = append(idx, j)
	}
	return idx
}

func (f *Fit) savedNames() []string { return f.namesAt(f.saved()) }

// namesAt returns the names of parameters idx.
func (f *Fit) namesAt(idx []int) []string {
	n := make([]string, 0, len(idx))
	for _, j := range idx {
		n = append(n, f.Names[j])
	}
	return n
}

// statColumn returns sampler statistic name for every chain.
func (f *Fit) statColumn(name string) [][]float64 {
	for k, n := range inference.SamplerColumns {
		if n == name {
			out := make([][]float64, len(f.Stats))
			for c := range f.Stats {
				out[c] = f.Stats[c][k]
			}
			return out
		}
	}
	return nil
}

// summarizedIndex lists the parameters that get a summary: all but the
// latent values (thousands of them, summarized on demand).
func (f *Fit) summarizedIndex() []int {
	latent := f.latentValues()
	var idx []int
	for j := range f.Names {
		if !latent[j] {
			idx = append(idx, j)
		}
	}
	return idx
}

// summarized names the parameters of summarizedIndex.
func (f *Fit) summarized() []string { return f.namesAt(f.summarizedIndex()) }

// summarize computes the parameter summaries, the edge table and the
// diagnostics warnings from the draws.
func (f *Fit) summarize() {
	sums := []diagnostics.Summary{diagnostics.Summarize("lp__", f.statColumn("lp__"))}
	f.setSummaries(append(sums, summarizeParallel(f, f.summarizedIndex())...))
}

// setSummaries sets the parameter summaries (lp__ first, then those of
// summarizedIndex) and computes from them and the draws the edge table and
// the diagnostics warnings.
func (f *Fit) setSummaries(sums []diagnostics.Summary) {
	f.index = nil
	f.Summaries = sums
	f.Edges = f.Edges[:0]
	coefs := f.Posterior.Coefficients()
	for _, c := range coefs {
		f.Edges = append(f.Edges, edgeSummary(c, f.Param(c.Name)))
	}
	f.Edges = append(f.Edges, betweenEdges(coefs, f.Param)...)
	f.Edges = append(f.Edges, arEdges(f.Posterior.Equations(), f.Param)...)
	f.Edges = append(f.Edges, slopeEdges(f.Posterior.Slopes(), f.Posterior.ParamNames(), f.Param)...)
	f.powerScale()
	draws := 0
	if len(f.Draws) > 0 && len(f.Draws[0]) > 0 {
		draws = len(f.Draws[0][0]) * len(f.Draws)
	}
	stats := diagnostics.SamplerStats{
		Divergent: f.statColumn("divergent__"),
		TreeDepth: f.statColumn("treedepth__"),
		Energy:    f.statColumn("energy__"),
		MaxDepth:  f.Settings.MaxDepth,
	}
	f.Warnings = diagnostics.Warnings(f.Summaries, draws, stats)
}

// EdgeSummary is the posterior of one edge strength (or loading).
type EdgeSummary struct {
	Name   string `json:"name"` // parameter name, e.g. b.fear.unilateralism
	Edge   string `json:"edge"` // "fear -> unilateralism", "x -> y [lag=1]"
	Parent string `json:"parent"`
	Child  string `json:"child"`
	Lag    int    `json:"lag"`
	// Sign is the expected sign: +1, -1, or 0 when the model states none.
	Sign     int     `json:"expected_sign"`
	Loading  bool    `json:"loading,omitempty"`
	Mean     float64 `json:"mean"`
	SD       float64 `json:"sd"`
	Q5       float64 `json:"q5"`
	Q50      float64 `json:"q50"`
	Q95      float64 `json:"q95"`
	Q25      float64 `json:"q25"`
	Q75      float64 `json:"q75"`
	PSign    float64 `json:"p_sign"` // P(strength has the expected sign); P(> 0) when none is stated
	Rhat     float64 `json:"rhat"`
	ESSBulk  float64 `json:"ess_bulk"`
	ESSTail  float64 `json:"ess_tail"`
	PriorVar float64 `json:"prior_var"`
	// Contraction is 1 − posterior variance / prior variance: near 1 when
	// the data decide the edge, near 0 when the answer is the prior's.
	Contraction float64 `json:"contraction"`
	Rows        int     `json:"rows"`
	// RowsImputed is how many of Rows hold an imputed value (missing=model).
	RowsImputed int `json:"rows_imputed"`
	// PriorSens and LikSens are the sensitivities of the edge's posterior
	// to power-scaling the prior and the likelihood (package powerscale;
	// from 0.05 on an edge is sensitive); SensDiagnosis says what they mean
	// together: "" (fine), "prior-data conflict" or "strong prior / weak
	// likelihood". NaN and "" for prior-only fits.
	// Kind is "" for an edge strength (the within-unit effect when the
	// child has unit_effects=within), "unit mean" for the coefficient of
	// the parent's unit mean (between minus within: a value away from 0
	// says random intercepts alone would have biased the pooled strength)
	// and "between" for the between-unit effect, strength + unit-mean
	// coefficient per draw; "interaction" for the coefficient c of a
	// moderated edge (see Moderator); "ar" for rho of a node's AR(1)
	// residuals (ar="1": the row "NODE -> NODE [AR(1) residuals]",
	// parameter ar.NODE); "unit sd" for the sd across units of a strength
	// that varies by unit (varies="unit"), whose own row is then the mean
	// strength across units.
	Kind          string  `json:"kind,omitempty"`
	PriorSens     float64 `json:"prior_sensitivity"`
	LikSens       float64 `json:"likelihood_sensitivity"`
	SensDiagnosis string  `json:"sensitivity_diagnosis,omitempty"`

	// Moderator and ModeratorLag name the moderator of an interaction
	// coefficient (Kind "interaction", the edge attribute moderator=):
	// the coefficient c of Parent × Moderator in Child's equation.
	Moderator    string `json:"moderator,omitempty"`
	ModeratorLag int    `json:"moderator_lag,omitempty"`
}

func edgeSummary(c sem.Coef, chains [][]float64) EdgeSummary {
	s := diagnostics.Summarize(c.Name, chains)
	e := EdgeSummary{Name: c.Name, Parent: c.Parent, Child: c.Child, Lag: c.Lag, Sign: c.Sign, Loading: c.Loading,
		Mean: s.Mean, SD: s.SD, Q5: s.Q5, Q50: s.Q50, Q95: s.Q95, Rhat: s.Rhat, ESSBulk: s.ESSBulk, ESSTail: s.ESSTail,
		PriorVar: c.PriorVar, Rows: c.Rows, RowsImputed: c.RowsImputed}
	e.Edge = c.Parent + " -> " + c.Child
	if c.Lag > 0 {
		e.Edge += fmt.Sprintf(" [lag=%d]", c.Lag)
	}
	if c.UnitMean {
		e.Kind = "unit mean"
		e.Edge += " [unit mean]"
	}
	if c.Moderator != "" {
		interactionSummary(&e, c) // moderation.go
	}
	if c.Loading {
		e.Edge = c.Parent + " =~ " + c.Child
	}
	e.Q25 = diagnostics.Quantile(chains, 0.25)
	e.Q75 = diagnostics.Quantile(chains, 0.75)
	n, hit := 0, 0
	for _, ch := range chains {
		for _, v := range ch {
			n++
			if (c.Sign < 0 && v < 0) || (c.Sign >= 0 && v > 0) {
				hit++
			}
		}
	}
	if n > 0 {
		e.PSign = float64(hit) / float64(n)
	}
	e.Contraction = math.NaN()
	if c.PriorVar > 0 && !math.IsInf(c.PriorVar, 0) {
		e.Contraction = 1 - s.SD*s.SD/c.PriorVar
	}
	return e
}

// Manifest records everything needed to reproduce a fit.
type Manifest struct {
	Tool      string   `json:"tool"`
	Version   string   `json:"version"`
	GoVersion string   `json:"go_version"`
	Model     ModelRef `json:"model"`
	Data      DataRef  `json:"data"`
	Settings  Settings `json:"settings"`
	// ParamNames are the parameters in chain-file column order (the files
	// carry them as CSVName spells them).
	ParamNames []string `json:"parameter_names"`
	Timing     Timing   `json:"timing"`
	Notes      []string `json:"notes,omitempty"`
	// Files records the chain files and summary.csv as Write wrote them:
	// Open refuses a fit directory whose files differ (see Open).
	Files []FileRef `json:"files,omitempty"`
}

// FileRef is one file of a fit directory as the fit wrote it.
type FileRef struct {
	File   string `json:"file"` // name inside the fit directory: chain-1.csv, summary.csv
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	Draws  int    `json:"draws,omitempty"` // chain files: the draws after warm-up
	// LineCRC32 holds, for chain files, the CRC-32 (IEEE) of every line in
	// 8 hex digits each, so that Open can name the line that was changed.
	LineCRC32 string `json:"line_crc32,omitempty"`
}

// ModelRef is the model a fit used: its name and full text.
type ModelRef struct {
	Name string `json:"name"` // built-in name or file path as given
	Text string `json:"text"` // the model file's text (export of a built-in)
}

// DataRef is the data a fit used.
type DataRef struct {
	// Source is "embedded" for the shipped panel, else the file path.
	Source  string `json:"source"`
	Name    string `json:"name"`
	SHA256  string `json:"sha256"`
	UnitKey string `json:"unit_key"`
	TimeKey string `json:"time_key"`
	Rows    int    `json:"rows"`
}

// Timing holds wall times in seconds.
type Timing struct {
	Warmup   []float64 `json:"warmup_seconds"`
	Sampling []float64 `json:"sampling_seconds"`
	// GradEvals counts log-density evaluations per chain.
	GradEvals []int64 `json:"gradient_evaluations"`
}

func newManifest(pl *Plan, s Settings, res *inference.Result) Manifest {
	m := Manifest{Tool: "dilemma", Version: dilemma.Version, GoVersion: runtime.Version(), Settings: s,
		ParamNames: res.ParamNames, Notes: pl.Notes, Model: pl.ModelRef, Data: pl.DataRef}
	for _, ch := range res.Chains {
		m.Timing.Warmup = append(m.Timing.Warmup, ch.Timing.Warmup)
		m.Timing.Sampling = append(m.Timing.Sampling, ch.Timing.Sampling)
		m.Timing.GradEvals = append(m.Timing.GradEvals, ch.GradEvals)
	}
	return m
}

// EdgeNames returns the edges sorted by child then parent, as tables list them.
func (f *Fit) EdgeNames() []string {
	var n []string
	for _, e := range f.Edges {
		n = append(n, e.Name)
	}
	sort.Strings(n)
	return n
}

// describeWarnings joins the warnings' messages.
func describeWarnings(ws []diagnostics.Warning) string {
	var b strings.Builder
	for _, w := range ws {
		fmt.Fprintln(&b, w)
	}
	return b.String()
}

// summarizeParallel summarizes parameters idx on all cores; each summary
// depends on its own draws only, so the result does not depend on the
// number of cores.
func summarizeParallel(f *Fit, idx []int) []diagnostics.Summary {
	out := make([]diagnostics.Summary, len(idx))
	chains := func(j int) [][]float64 {
		c := make([][]float64, len(f.Draws))
		for k := range f.Draws {
			c[k] = f.Draws[k][j]
		}
		return c
	}
	workers := min(runtime.GOMAXPROCS(0), len(idx))
	var wg sync.WaitGroup
	var fault sync.Once
	var panicked any
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A fault is raised again in the caller's goroutine.
			defer func() {
				if r := recover(); r != nil {
					fault.Do(func() { panicked = r })
					for range next {
					}
				}
			}()
			for k := range next {
				out[k] = diagnostics.Summarize(f.Names[idx[k]], chains(idx[k]))
			}
		}()
	}
	for k := range idx {
		next <- k
	}
	close(next)
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
	return out
}

// betweenEdges summarizes, for each unit-mean coefficient bw.P.C, the
// between-unit effect of P on C: b.P.C + bw.P.C per draw.
func betweenEdges(coefs []sem.Coef, param func(string) [][]float64) []EdgeSummary {
	var out []EdgeSummary
	for _, c := range coefs {
		if !c.UnitMean {
			continue
		}
		within := sem.TermParamName(c.Child, sem.Term{Parent: c.Parent, Lag: c.Lag})
		bw, b := param(c.Name), param(within)
		if bw == nil || b == nil {
			continue
		}
		sum := make([][]float64, len(b))
		for k := range b {
			sum[k] = make([]float64, len(b[k]))
			for i := range b[k] {
				sum[k][i] = b[k][i] + bw[k][i]
			}
		}
		bc := c
		bc.UnitMean = false
		bc.Name = strings.Replace(c.Name, "bw.", "between.", 1)
		bc.PriorVar = math.NaN()
		e := edgeSummary(bc, sum)
		e.Kind = "between"
		e.Edge += " [between]"
		e.Contraction = math.NaN()
		out = append(out, e)
	}
	return out
}

// arEdges summarizes rho (ar.NODE) of each equation with AR(1) residuals,
// as a row of the edge table: "NODE -> NODE [AR(1) residuals]", kind "ar".
// Its prior is uniform on (−1, 1), variance 1/3.
func arEdges(eqs []sem.EquationInfo, param func(string) [][]float64) []EdgeSummary {
	var out []EdgeSummary
	for _, in := range eqs {
		if in.AR == 0 {
			continue
		}
		name := "ar." + in.Node
		draws := param(name)
		if draws == nil {
			continue
		}
		c := sem.Coef{Name: name, Parent: in.Node, Child: in.Node, Lag: 1, PriorVar: 1.0 / 3, Rows: in.Rows}
		e := edgeSummary(c, draws)
		e.Kind = "ar"
		e.Edge = in.Node + " -> " + in.Node + " [AR(1) residuals]"
		out = append(out, e)
	}
	return out
}

// usableInits returns the sampler's initial points from the settings'
// (one per chain): a point of the wrong length, or where the log density
// or its gradient is not finite, becomes nil (a random start), with a
// warning. Nil when no point is given or none is usable.
func usableInits(post *sem.Posterior, init [][]float64, chains int) ([][]float64, []string) {
	if len(init) == 0 {
		return nil, nil
	}
	var warns []string
	out := make([][]float64, chains)
	target := post.Clone()
	g := make([]float64, target.Dim())
	usable := false
	for c := range out {
		if c >= len(init) {
			warns = append(warns, fmt.Sprintf("chain %d: no initial point given (%d for %d chains); it starts at random", c+1, len(init), chains))
			continue
		}
		x := init[c]
		if len(x) != target.Dim() {
			warns = append(warns, fmt.Sprintf("chain %d: the initial point has %d coordinates, the model %d; it starts at random", c+1, len(x), target.Dim()))
			continue
		}
		lp := target.LogDensityGrad(slices.Clone(x), g)
		ok := !math.IsNaN(lp) && !math.IsInf(lp, 0)
		for _, v := range g {
			ok = ok && !math.IsNaN(v) && !math.IsInf(v, 0)
		}
		if !ok {
			warns = append(warns, fmt.Sprintf("chain %d: the log density or its gradient is not finite at the initial point; it starts at random", c+1))
			continue
		}
		out[c] = x
		usable = true
	}
	if !usable {
		return nil, warns
	}
	return out, warns
}
