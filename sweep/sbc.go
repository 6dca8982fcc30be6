package sweep

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model/sem"
	"dilemma/table"
)

// SBCTask is one replication of a simulation-based calibration.
type SBCTask struct {
	Replication int `json:"replication"`
	// Seed seeds the draw of the true parameters and the simulated data
	// (the fit's own seed is in the manifest).
	Seed       uint64   `json:"seed"`
	Parameters []string `json:"parameters,omitempty"`
	Thin       int      `json:"thin,omitempty"`
}

// SBCResult is one replication's ranks.
type SBCResult struct {
	// Draws is the number of (thinned) posterior draws ranks are out of:
	// a rank lies in 0 … Draws.
	Draws int         `json:"draws"`
	Ranks []ParamRank `json:"ranks"`
}

// ParamRank is the rank of a parameter's true value among its draws: the
// number of (thinned) draws below it.
type ParamRank struct {
	Parameter string `json:"parameter"`
	True      Num    `json:"true"`
	Rank      int    `json:"rank"`
}

// sbcSeed is replication r's simulation seed: distinct from the fit seeds
// and from every other replication's.
func sbcSeed(base uint64, r int) uint64 { return base*1_000_003 + uint64(r) + 1 }

// buildSBC turns the single base task into one task per replication. Each
// replication's fit gets its own seed too, so that replications are
// independent.
func buildSBC(f *File, p *Plan, panel *data.Panel) error {
	base, man := p.Tasks[0], p.Manifests[0]
	pl, err := man.Plan()
	if err != nil {
		return err
	}
	if _, err := newSimulator(pl.Spec); err != nil {
		return &Error{File: f.Path, Line: lineOf(f.Text, "model"), Msg: fmt.Sprintf("sbc: %v", err)}
	}
	post, err := sem.Compile(pl.Spec)
	if err != nil {
		return err
	}
	names := post.ParamNames()
	params := f.SBC.Parameters
	if len(params) == 0 {
		for _, c := range post.Coefficients() {
			if !c.Loading {
				params = append(params, c.Name)
			}
		}
		for _, eq := range pl.Spec.Equations {
			if eq.AR > 0 && slices.Contains(names, "ar."+eq.Node) {
				params = append(params, "ar."+eq.Node)
			}
		}
	}
	for _, q := range params {
		if !slices.Contains(names, q) || !simulatable(q) {
			return &Error{File: f.Path, Line: lineOf(f.Text, "parameters"), Msg: fmt.Sprintf("[sbc] parameter %q: want one of the model's strengths, intercepts, sigmas or unit sds (%s)", q, strings.Join(filterSimulatable(names), ", "))}
		}
	}
	p.Tasks, p.Manifests = nil, nil
	for r := 0; r < f.SBC.Replications; r++ {
		t := base
		t.Index = r
		t.SBC = &SBCTask{Replication: r + 1, Seed: sbcSeed(man.Settings.Seed, r), Parameters: params, Thin: f.SBC.Thin}
		m := man
		m.Settings.Seed = man.Settings.Seed + uint64(r)
		p.Tasks = append(p.Tasks, t)
		p.Manifests = append(p.Manifests, m)
	}
	return nil
}

// simulatable reports whether SBC draws parameter name's true value:
// intercepts, strengths, the families' own parameters (sigma, shape, zi,
// hu, phi, nu, cutpoints), unit-intercept sds and period effects (not the
// unit intercepts themselves).
func simulatable(name string) bool {
	for _, p := range []string{"a.", "b.", "bw.", "ar.", "sigma.", "tau.", "shape.", "zi.", "hu.", "phi.", "nu.", "c.", "g.", "tau_time.", "lambda."} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func filterSimulatable(names []string) []string {
	var out []string
	for _, n := range names {
		if simulatable(n) {
			out = append(out, n)
		}
	}
	return out
}

// simulator draws parameters from a spec's priors and data from the model
// given them.
type simulator struct {
	spec  *sem.Spec
	endo  map[string]int // equation index by node
	rowAt map[[2]int]int // (unit, period ordinal) → row
	// fams holds each equation's family prepared on its observed values:
	// defaults resolved and an ordered family's number of categories
	// fixed, so that every replication has the same parameters.
	fams []sem.Family
	// latent is the index of each latent node; indFams[li][k] latent li's
	// indicator k's prepared family.
	latent  map[string]int
	indFams [][]sem.Family
}

// newSimulator checks that SBC can simulate spec: observed equations of
// families that draw their parameters from their priors (sem.ParamDrawer),
// endogenous parents simulated before their children, proper priors. It
// fixes each equation's family in spec to the one prepared on the data.
func newSimulator(spec *sem.Spec) (*simulator, error) {
	s := &simulator{spec: spec, endo: map[string]int{}, rowAt: map[[2]int]int{}, latent: map[string]int{}}
	for li := range spec.Latents {
		s.latent[spec.Latents[li].Node] = li
	}
	for i := range spec.Equations {
		s.endo[spec.Equations[i].Node] = i
	}
	if err := s.checkLatents(); err != nil {
		return nil, err
	}
	s.endo = map[string]int{}
	for i := range spec.Equations {
		eq := &spec.Equations[i]
		fam, err := prepareFamily(eq)
		if err != nil {
			return nil, fmt.Errorf("node %s: %v", eq.Node, err)
		}
		if err := checkARSim(eq, fam); err != nil { // sbc_ar.go
			return nil, err
		}
		if _, ok := fam.(sem.ParamDrawer); !ok {
			return nil, fmt.Errorf("node %s is %s, whose parameters simulation-based calibration cannot draw from their priors", eq.Node, fam.Name())
		}
		eq.Family = fam
		s.fams = append(s.fams, fam)
		for _, t := range eq.Terms {
			if t.Varies {
				return nil, fmt.Errorf("edge %s -> %s varies by unit; simulation-based calibration supports one strength per edge only, so far", t.Parent, eq.Node)
			}
		}
		if eq.Time != sem.TimeNone && spec.Layout.Time == nil {
			return nil, fmt.Errorf("node %s has period effects but the data have no periods", eq.Node)
		}
		s.endo[eq.Node] = i
	}
	lay := spec.Layout
	for r := 0; r < lay.Rows; r++ {
		if lay.Unit == nil || lay.Time == nil {
			break
		}
		s.rowAt[[2]int{lay.Unit[r], s.ordinal(r)}] = r
	}
	return s, nil
}

// prepareFamily prepares eq's family (gaussian when nil) on its observed
// values, with their trials for a family that takes trials.
func prepareFamily(eq *sem.Equation) (sem.Family, error) {
	fam := eq.Family
	if fam == nil {
		fam = sem.Gaussian{}
	}
	var y, n []float64
	tf, trials := fam.(sem.TrialsFamily)
	for r, v := range eq.Y {
		if math.IsNaN(v) || (trials && (eq.Trials == nil || math.IsNaN(eq.Trials[r]))) {
			continue
		}
		y = append(y, v)
		if trials {
			n = append(n, eq.Trials[r])
		}
	}
	if trials {
		return tf.PrepareTrials(y, n)
	}
	return fam.Prepare(y)
}

func (s *simulator) ordinal(r int) int {
	if s.spec.Layout.Ordinal != nil {
		return s.spec.Layout.Ordinal[r]
	}
	return s.spec.Layout.Time[r]
}

// lagged returns y at t − lag within each row's unit (NaN where there is no
// such row).
func (s *simulator) lagged(y []float64, lag int) ([]float64, error) {
	if lag == 0 {
		return slices.Clone(y), nil
	}
	lay := s.spec.Layout
	if lay.Unit == nil || lay.Time == nil {
		return nil, fmt.Errorf("a lagged edge needs unit and time keys")
	}
	out := make([]float64, len(y))
	for r := range out {
		out[r] = math.NaN()
		if src, ok := s.rowAt[[2]int{lay.Unit[r], s.ordinal(r) - lag}]; ok {
			out[r] = y[src]
		}
	}
	return out, nil
}

// drawPrior draws one value from p (def when p is the default prior);
// positive says the parameter is a scale.
func drawPrior(p, def sem.Prior, positive bool, rng *rand.Rand) (float64, error) {
	if p.Kind == sem.PriorDefault {
		p = def
	}
	lower := math.Inf(-1)
	if positive {
		lower = 0
	}
	return p.Draw(rng, lower)
}

// Default priors of package sem (see its documentation), for parameters
// whose prior the model leaves at the default.
var (
	defStrength  = sem.Normal(0, 1)
	defIntercept = sem.Normal(0, 2.5)
	defScale     = sem.HalfNormal(1)
)

// simulate draws the parameters from their priors and replaces every
// equation's values (and the terms that read them) by data simulated from
// the model, keeping the rows, the missing values and the exogenous
// columns. It returns the true values by parameter name.
func (s *simulator) simulate(rng *rand.Rand) (map[string]float64, error) {
	truth := map[string]float64{}
	sim := map[string][]float64{}
	etas := make([][]float64, len(s.spec.Latents))
	// Latents and equations in an order where every parent comes first:
	// each round simulates the latents whose parents are ready, then the
	// next ready equation (with exogenous parents only, every latent comes
	// first and the equations follow in the spec's order).
	doneEq := make([]bool, len(s.spec.Equations))
	left := len(s.spec.Latents) + len(s.spec.Equations)
	for left > 0 {
		progress := false
		for li := range s.spec.Latents {
			if etas[li] != nil || !s.ready(s.spec.Latents[li].Node, s.spec.Latents[li].Terms, sim, etas) {
				continue
			}
			eta, err := s.simulateLatent(li, sim, etas, truth, rng)
			if err != nil {
				return nil, err
			}
			etas[li] = eta
			left--
			progress = true
		}
		for i := range s.spec.Equations {
			if doneEq[i] || !s.ready(s.spec.Equations[i].Node, s.spec.Equations[i].Terms, sim, etas) {
				continue
			}
			if err := s.simulateEquation(i, sim, etas, truth, rng); err != nil {
				return nil, err
			}
			doneEq[i] = true
			left--
			progress = true
			break
		}
		if !progress {
			for i, ok := range doneEq {
				if !ok {
					return nil, fmt.Errorf("node %s: its parents cannot be simulated before it", s.spec.Equations[i].Node)
				}
			}
			return nil, fmt.Errorf("the latent nodes' parents cannot be simulated before them")
		}
	}
	return truth, nil
}

// ready reports whether every endogenous or latent parent of terms has
// been simulated (a self-lag of node is simulated with it; a moderator
// counts as a parent).
func (s *simulator) ready(node string, terms []sem.Term, sim map[string][]float64, etas [][]float64) bool {
	for _, t := range terms {
		if isSelfLagOf(node, &t) {
			continue // simulated with the node: sbc_selflag.go
		}
		if _, endo := s.endo[t.Moderator]; endo && t.Moderator != "" {
			if _, ok := sim[t.Moderator]; !ok {
				return false
			}
		}
		if li, ok := s.latent[t.Parent]; ok && t.X == nil {
			if etas[li] == nil {
				return false
			}
			continue
		}
		if _, endo := s.endo[t.Parent]; endo {
			if _, ok := sim[t.Parent]; !ok {
				return false
			}
		}
	}
	return true
}

// termValues points terms that read an endogenous node at its simulated
// values at t − lag (keeping the term's own missing values), recomputes a
// unit-mean term's means from them over the rows base marks (the rows the
// equation uses: see fit's withinTerms), and returns each term's values,
// latent parents' simulated values included.
func (s *simulator) termValues(node string, terms []sem.Term, base []bool, sim map[string][]float64, etas [][]float64) ([][]float64, error) {
	xs := make([][]float64, len(terms))
	for k := range terms {
		t := &terms[k]
		if isSelfLagOf(node, t) { // simulated with the node: sbc_selflag.go
			xs[k] = t.X
			continue
		}
		if t.Moderator != "" { // an interaction: sbc_ar.go
			x, ok, err := s.interactionColumn(t, sim)
			if err != nil {
				return nil, err
			}
			if ok {
				t.X = x
			}
			xs[k] = t.X
			continue
		}
		if t.X == nil {
			li, ok := s.latent[t.Parent]
			if !ok {
				return nil, fmt.Errorf("node %s: parent %s has no values", node, t.Parent)
			}
			x, err := s.lagged(etas[li], t.Lag)
			if err != nil {
				return nil, err
			}
			xs[k] = x
			continue
		}
		y, ok := sim[t.Parent]
		if !ok || t.UnitMean {
			xs[k] = t.X
			continue
		}
		x, err := s.lagged(y, t.Lag)
		if err != nil {
			return nil, err
		}
		for r := range x {
			if math.IsNaN(t.X[r]) {
				x[r] = math.NaN()
			}
		}
		t.X, xs[k] = x, x
	}
	// Unit means of simulated parents, over the rows the equation uses.
	for k := range terms {
		t := &terms[k]
		y, ok := sim[t.Parent]
		if !t.UnitMean || !ok {
			continue
		}
		x, err := s.lagged(y, t.Lag)
		if err != nil {
			return nil, err
		}
		used := slices.Clone(base)
		for r := range used {
			for j, o := range terms {
				if !o.UnitMean && xs[j] != nil && math.IsNaN(xs[j][r]) {
					used[r] = false
				}
			}
		}
		lay := s.spec.Layout
		sum, cnt := make([]float64, len(lay.Units)), make([]int, len(lay.Units))
		for r, ok := range used {
			if ok {
				sum[lay.Unit[r]] += x[r]
				cnt[lay.Unit[r]]++
			}
		}
		um := make([]float64, len(x))
		for r := range um {
			um[r] = math.NaN()
			if c := cnt[lay.Unit[r]]; c > 0 && !math.IsNaN(t.X[r]) {
				um[r] = sum[lay.Unit[r]] / float64(c)
			}
		}
		t.X, xs[k] = um, um
	}
	return xs, nil
}

// simulateEquation draws equation i's parameters and values.
func (s *simulator) simulateEquation(i int, sim map[string][]float64, etas [][]float64, truth map[string]float64, rng *rand.Rand) error {
	lay := s.spec.Layout
	eq := &s.spec.Equations[i]
	fam := s.fams[i]
	base := make([]bool, lay.Rows)
	for r := range base {
		base[r] = !math.IsNaN(eq.Y[r])
	}
	xs, err := s.termValues(eq.Node, eq.Terms, base, sim, etas)
	if err != nil {
		return err
	}
	{
		var a float64
		if fam.Intercept() {
			if a, err = drawPrior(eq.Intercept, defIntercept, false, rng); err != nil {
				return fmt.Errorf("a.%s: %v", eq.Node, err)
			}
			truth["a."+eq.Node] = a
		}
		b := make([]float64, len(eq.Terms))
		for k, t := range eq.Terms {
			if b[k], err = drawPrior(t.Prior, defStrength, false, rng); err != nil {
				return fmt.Errorf("strength %s -> %s: %v", t.Parent, eq.Node, err)
			}
			name := sem.TermParamName(eq.Node, t)
			truth[name] = b[k]
		}
		par, err := fam.(sem.ParamDrawer).DrawParams(rng)
		if err != nil {
			return fmt.Errorf("node %s: %v", eq.Node, err)
		}
		for k, name := range fam.ParamNames(eq.Node) {
			truth[name] = par[k]
		}
		var u []float64
		if eq.UnitRE && lay.Unit != nil {
			tau, err := drawPrior(eq.Tau, defScale, true, rng)
			if err != nil {
				return fmt.Errorf("tau.%s: %v", eq.Node, err)
			}
			truth["tau."+eq.Node] = tau
			u = make([]float64, len(lay.Units))
			for j := range u {
				u[j] = tau * rng.NormFloat64()
			}
		}
		_, trials := fam.(sem.TrialsFamily)
		// The rows the fit will use: the response, its offset, trials and
		// every parent observed.
		used := make([]bool, lay.Rows)
		for r := range used {
			ok := !math.IsNaN(eq.Y[r]) && (eq.Offset == nil || !math.IsNaN(eq.Offset[r])) &&
				(!trials || (eq.Trials != nil && !math.IsNaN(eq.Trials[r])))
			for k := range eq.Terms {
				ok = ok && (isSelfLag(eq, &eq.Terms[k]) || !math.IsNaN(xs[k][r]))
			}
			used[r] = ok
		}
		var order []int // self-lags: the simulated rows by unit and period (sbc_selflag.go)
		fitUsed := used
		if hasSelfLag(eq) {
			if order, fitUsed, err = s.selfLagOrder(eq, used); err != nil {
				return err
			}
			for k := range eq.Terms {
				if isSelfLag(eq, &eq.Terms[k]) {
					xs[k] = make([]float64, lay.Rows)
				}
			}
		}
		g, err := s.periodEffects(eq.Node, eq.Time, eq.TimePrior, fitUsed, truth, rng)
		if err != nil {
			return err
		}
		var ar []float64
		if eq.AR > 0 { // AR(1) residuals: sbc_ar.go
			nu := 0.0
			if _, student := fam.(sem.Student); student {
				nu = par[1]
			}
			if ar, err = s.arResiduals(eq.Node, par[0], nu, used, truth, rng); err != nil {
				return err
			}
		}
		y := make([]float64, lay.Rows)
		rowPar := slices.Clone(par)
		if trials {
			rowPar = append(rowPar, 0)
		}
		if order == nil {
			for r := range y {
				if used[r] {
					order = append(order, r)
				}
			}
		}
		for r := range y {
			// Not used by this equation; a child reads NaN here too.
			y[r] = math.NaN()
		}
		for _, r := range order {
			for k := range eq.Terms {
				if t := &eq.Terms[k]; isSelfLag(eq, t) {
					xs[k][r] = math.NaN() // an initial condition: no lagged value
					if lr := s.lagRow(r, t.Lag); lr >= 0 {
						xs[k][r] = y[lr] // simulated already
					}
				}
			}
			mu := a
			for k := range eq.Terms {
				if v := xs[k][r]; !math.IsNaN(v) {
					mu += b[k] * v
				}
			}
			if u != nil {
				mu += u[lay.Unit[r]]
			}
			if g != nil {
				mu += g[lay.Time[r]]
			}
			if eq.Offset != nil {
				mu += eq.Offset[r]
			}
			if trials {
				rowPar[len(par)] = eq.Trials[r]
			}
			if ar != nil {
				y[r] = mu + ar[r]
				continue
			}
			y[r] = fam.Rand(mu, rowPar, rng)
		}
		eq.Y = y
		sim[eq.Node] = y
		for k := range eq.Terms {
			if t := &eq.Terms[k]; isSelfLag(eq, t) {
				if t.X, err = s.lagged(y, t.Lag); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// periodEffects draws eq's period effects, by period index (nil without
// them), over the periods its used rows cover, as package sem defines them:
// fixed effects g_t = z_t − mean(z) with z_t from the time prior, or a
// random walk from 0 at the first period with steps normal(0, tau_time).
func (s *simulator) periodEffects(node string, mode sem.TimeMode, tp sem.Prior, used []bool, truth map[string]float64, rng *rand.Rand) ([]float64, error) {
	lay := s.spec.Layout
	if mode == sem.TimeNone || lay.Time == nil {
		return nil, nil
	}
	present := make([]bool, len(lay.Times))
	for r, ok := range used {
		if ok {
			present[lay.Time[r]] = true
		}
	}
	var times []int
	for t, ok := range present {
		if ok {
			times = append(times, t)
		}
	}
	if len(times) < 2 {
		return nil, nil // sem drops period effects over a single period
	}
	prior := sem.TimeEffectPrior(mode, tp)
	g := make([]float64, len(lay.Times))
	switch mode {
	case sem.TimeFixed:
		z := make([]float64, len(times))
		mean := 0.0
		for k := range z {
			v, err := prior.Draw(rng, math.Inf(-1))
			if err != nil {
				return nil, fmt.Errorf("period effects of %s: %v", node, err)
			}
			z[k] = v
			mean += v / float64(len(z))
		}
		for k, t := range times {
			g[t] = z[k] - mean
			truth["g."+node+"."+lay.Times[t]] = g[t]
		}
	case sem.TimeRandomWalk:
		sd, err := prior.Draw(rng, 0)
		if err != nil {
			return nil, fmt.Errorf("tau_time.%s: %v", node, err)
		}
		truth["tau_time."+node] = sd
		for k := 1; k < len(times); k++ {
			g[times[k]] = g[times[k-1]] + sd*rng.NormFloat64()
			truth["g."+node+"."+lay.Times[times[k]]] = g[times[k]]
		}
	default:
		return nil, fmt.Errorf("node %s: period effects %v are not simulated", node, mode)
	}
	return g, nil
}

func runSBC(ctx context.Context, t *Task, m *fit.Manifest, tm *Timing) (*Result, error) {
	if t.SBC == nil {
		return nil, fmt.Errorf("task %d: an sbc task without its replication", t.Index)
	}
	pl, err := m.Plan()
	if err != nil {
		return nil, err
	}
	pl.ModelRef, pl.DataRef = m.Model, m.Data
	sim, err := newSimulator(pl.Spec)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(t.SBC.Seed, 0x5bc))
	truth, err := sim.simulate(rng)
	if err != nil {
		return nil, err
	}
	f, err := fit.Run(ctx, pl, m.Settings, nil)
	if err != nil {
		return nil, err
	}
	countFit(f, tm)
	for c := range f.Manifest.Timing.GradEvals {
		tm.Sample += f.Manifest.Timing.Warmup[c] + f.Manifest.Timing.Sampling[c]
	}
	res := &Result{Index: t.Index, Kind: t.Kind, Choices: t.Choices, Model: m.Model.Name, Diagnostics: diagnosticsOf(f),
		SBC: &SBCResult{}}
	for _, q := range t.SBC.Parameters {
		chains := f.Param(q)
		if chains == nil {
			return nil, fmt.Errorf("the fit has no parameter %s", q)
		}
		tv, ok := truth[q]
		if !ok {
			return nil, fmt.Errorf("no true value drawn for %s", q)
		}
		draws := thinned(chains, t.SBC.Thin)
		rank := 0
		for _, v := range draws {
			if v < tv {
				rank++
			}
		}
		res.SBC.Draws = len(draws)
		res.SBC.Ranks = append(res.SBC.Ranks, ParamRank{Parameter: q, True: Num(tv), Rank: rank})
	}
	return res, nil
}

// thinned keeps every thin-th draw of each chain (thin ≤ 0: enough to
// leave about 100 draws in all).
func thinned(chains [][]float64, thin int) []float64 {
	n := 0
	for _, c := range chains {
		n += len(c)
	}
	if thin <= 0 {
		thin = max(1, n/100)
	}
	var out []float64
	for _, c := range chains {
		for i := thin - 1; i < len(c); i += thin {
			out = append(out, c[i])
		}
	}
	return out
}

// SBCParam is one parameter's calibration over the replications.
type SBCParam struct {
	Parameter    string `json:"parameter"`
	Replications int    `json:"replications"`
	// Draws is the number of draws ranks are out of (ranks 0 … Draws).
	Draws int `json:"draws"`
	// Bins, ChiSquare and PValue: Pearson's test of uniform ranks over
	// Bins equal bins.
	Bins      int `json:"bins"`
	ChiSquare Num `json:"chi_square"`
	PValue    Num `json:"p_value"`
	// ECDFInside reports whether the ranks' ECDF stays inside the 95%
	// simultaneous band of uniform ranks (Säilynoja, Bürkner and Vehtari
	// 2022), as R's SBC package draws it.
	ECDFInside bool `json:"ecdf_inside_band"`
	// Ranks are the ranks, by replication.
	Ranks []int `json:"-"`
}

// rankBins chooses the histogram's number of bins as R's SBC package
// guesses it: a tenth of the replications, at least 5, at most one bin per
// possible rank.
func rankBins(reps, draws int) int {
	return min(draws+1, max(reps/10, 5))
}

// uniformityTest runs Pearson's chi-square test of uniform ranks.
func uniformityTest(ranks []int, draws int) (bins int, chi2, p float64) {
	bins = rankBins(len(ranks), draws)
	count := make([]float64, bins)
	for _, r := range ranks {
		count[min(bins-1, r*bins/(draws+1))]++
	}
	// Expected counts by the number of possible ranks in each bin.
	n := float64(len(ranks))
	for b := 0; b < bins; b++ {
		lo, hi := (b*(draws+1)+bins-1)/bins, ((b+1)*(draws+1)+bins-1)/bins
		e := n * float64(hi-lo) / float64(draws+1)
		chi2 += (count[b] - e) * (count[b] - e) / e
	}
	p = distuv.ChiSquared{K: float64(bins - 1)}.Survival(chi2)
	return bins, chi2, p
}

// ecdfBand returns, for n uniform ranks evaluated at points z_k = k/K
// (k = 1 … K-1), the lower and upper 1−alpha simultaneous bounds of the
// ECDF (Säilynoja, Bürkner and Vehtari 2022, "Graphical test for discrete
// uniformity and its applications in goodness-of-fit evaluation and
// multiple sample comparison", Stat. Comput.): the pointwise binomial
// level gamma is adjusted by simulation until the band holds a whole
// uniform ECDF with probability 1 − alpha. The simulation is seeded, so the
// band is the same each time.
func ecdfBand(n, K int, alpha float64) (z, lo, hi []float64) {
	z = make([]float64, K-1)
	for k := range z {
		z[k] = float64(k+1) / float64(K)
	}
	binom := func(p float64) distuv.Binomial { return distuv.Binomial{N: float64(n), P: p} }
	rng := rand.New(rand.NewPCG(20220101, uint64(n)*1000+uint64(K)))
	const M = 1000
	mins := make([]float64, M)
	u := make([]float64, n)
	for m := range mins {
		for i := range u {
			u[i] = rng.Float64()
		}
		sort.Float64s(u)
		mn := 1.0
		j := 0
		for k, zk := range z {
			for j < n && u[j] <= zk {
				j++
			}
			b := binom(z[k])
			c := float64(j)
			tail := math.Min(b.CDF(c), 1-b.CDF(c-1))
			mn = math.Min(mn, 2*tail)
		}
		mins[m] = mn
	}
	sort.Float64s(mins)
	gamma := mins[int(alpha*M)]
	lo, hi = make([]float64, len(z)), make([]float64, len(z))
	for k, zk := range z {
		b := binom(zk)
		lo[k] = binomQuantile(b, n, gamma/2) / float64(n)
		hi[k] = binomQuantile(b, n, 1-gamma/2) / float64(n)
	}
	return z, lo, hi
}

// binomQuantile is the smallest count c with CDF(c) ≥ q.
func binomQuantile(b distuv.Binomial, n int, q float64) float64 {
	for c := 0; c <= n; c++ {
		if b.CDF(float64(c)) >= q {
			return float64(c)
		}
	}
	return float64(n)
}

// ecdfAt returns the ECDF of the fractional ranks (rank+1)/(draws+1)
// — SBC's scaling, which maps ranks 0 … draws into (0, 1] — at z.
func ecdfAt(ranks []int, draws int, z []float64) []float64 {
	u := make([]float64, len(ranks))
	for i, r := range ranks {
		u[i] = float64(r+1) / float64(draws+1)
	}
	sort.Float64s(u)
	out := make([]float64, len(z))
	j := 0
	for k, zk := range z {
		for j < len(u) && u[j] <= zk {
			j++
		}
		out[k] = float64(j) / float64(len(u))
	}
	return out
}

// ecdfPoints is the number of points the ECDF is evaluated at, as R's SBC
// package chooses it: the smaller of the number of possible ranks and the
// number of replications.
func ecdfPoints(sp *SBCParam) int { return max(2, min(sp.Draws+1, len(sp.Ranks))) }

func (c *Collection) collectSBC(p *Plan) error {
	byParam := map[string]*SBCParam{}
	var order []string
	for _, r := range c.Results {
		if r.SBC == nil {
			continue
		}
		for _, pr := range r.SBC.Ranks {
			sp, ok := byParam[pr.Parameter]
			if !ok {
				sp = &SBCParam{Parameter: pr.Parameter, Draws: r.SBC.Draws}
				byParam[pr.Parameter] = sp
				order = append(order, pr.Parameter)
			}
			if r.SBC.Draws != sp.Draws {
				return fmt.Errorf("task %d ranks %s out of %d draws, others out of %d", r.Index, pr.Parameter, r.SBC.Draws, sp.Draws)
			}
			sp.Ranks = append(sp.Ranks, pr.Rank)
		}
	}
	var csvb strings.Builder
	csvb.WriteString("task,replication,parameter,true,rank,draws\n")
	for _, r := range c.Results {
		if r.SBC == nil {
			continue
		}
		for _, pr := range r.SBC.Ranks {
			fmt.Fprintf(&csvb, "%d,%d,%s,%s,%d,%d\n", r.Index, r.Index+1, pr.Parameter, fmtNum(pr.True), pr.Rank, r.SBC.Draws)
		}
	}
	if err := c.write("ranks.csv", []byte(csvb.String())); err != nil {
		return err
	}
	for _, q := range order {
		sp := byParam[q]
		sp.Replications = len(sp.Ranks)
		bins, chi2, pv := uniformityTest(sp.Ranks, sp.Draws)
		sp.Bins, sp.ChiSquare, sp.PValue = bins, Num(chi2), Num(pv)
		z, lo, hi := ecdfBand(len(sp.Ranks), ecdfPoints(sp), 0.05)
		e := ecdfAt(sp.Ranks, sp.Draws, z)
		sp.ECDFInside = true
		for k := range z {
			if e[k] < lo[k] || e[k] > hi[k] {
				sp.ECDFInside = false
			}
		}
		c.SBC = append(c.SBC, *sp)
	}
	var tb strings.Builder
	if err := c.sbcTable().CSV(&tb); err != nil {
		return err
	}
	if err := c.write("sbc.csv", []byte(tb.String())); err != nil {
		return err
	}
	for _, ext := range []string{"png", "pdf"} {
		for _, kind := range []string{"hist", "ecdf"} {
			b, err := sbcFigure(c.SBC, kind, ext)
			if err != nil {
				return err
			}
			name := map[string]string{"hist": "sbc-ranks.", "ecdf": "sbc-ecdf-diff."}[kind] + ext
			if err := c.write(name, b); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *Collection) sbcTable() *table.Table {
	t := &table.Table{Columns: []string{"parameter", "replications", "draws", "bins", "chi-square", "p-value", "ECDF inside 95% band"},
		Align: []table.Align{table.Left, table.Right, table.Right, table.Right, table.Right, table.Right, table.Left}}
	for _, s := range c.SBC {
		inside := "yes"
		if !s.ECDFInside {
			inside = "NO"
		}
		t.Rows = append(t.Rows, []string{s.Parameter, fmt.Sprint(s.Replications), fmt.Sprint(s.Draws), fmt.Sprint(s.Bins),
			fmt.Sprintf("%.4g", float64(s.ChiSquare)), fmt.Sprintf("%.4g", float64(s.PValue)), inside})
	}
	return t
}
