package query

import (
	"encoding/json"
	"fmt"
	"strings"

	"dilemma/fit"
	"dilemma/model"
	"dilemma/model/sem"
)

// Engine answers causal queries on one fit. It is safe for use by one
// goroutine at a time (each query runs its own workers).
type Engine struct {
	s             *system
	priorVar      map[string]float64
	measuredModel *model.Model
	unitCache     map[int]*nodeUnits // see units.go
}

// New reads the structural equations of f for queries.
func New(f *fit.Fit) (*Engine, error) {
	s, err := newSystem(f)
	if err != nil {
		return nil, err
	}
	e := &Engine{s: s, priorVar: map[string]float64{}, unitCache: map[int]*nodeUnits{}}
	post := f.Posterior
	if post == nil {
		if post, err = sem.Compile(f.Plan.Spec); err != nil {
			return nil, err
		}
	}
	for _, c := range post.Coefficients() {
		e.priorVar[c.Name] = c.PriorVar
	}
	return e, nil
}

// Draws is the number of posterior draws (all chains).
func (e *Engine) Draws() int { return e.s.nDraws }

// DefaultOutcome is the model's outcome: the node marked [outcome] or with
// role="outcome"; "" when there is none or several.
func (e *Engine) DefaultOutcome() string {
	m := e.s.model
	outs := m.Outcomes()
	for _, n := range m.Nodes {
		if n.Role == "outcome" && !contains(outs, n.Name) {
			outs = append(outs, n.Name)
		}
	}
	if len(outs) == 1 {
		return outs[0]
	}
	return ""
}

func contains(x []string, s string) bool {
	for _, a := range x {
		if a == s {
			return true
		}
	}
	return false
}

// Options are the settings shared by every query.
type Options struct {
	// Outcome is the node whose change is reported (default: the model's
	// outcome).
	Outcome string
	// Horizon is the last period reported (0: the period of the
	// intervention only). Lagged edges carry effects to later periods.
	Horizon int
	// Pulse makes the intervention last one period (period 0) instead of
	// being sustained over 0 … Horizon.
	Pulse bool
	// Level is the credible interval's probability (default 0.9).
	Level float64
	// AssumeIdentified computes a query that is not identified; the report
	// then says so in its first line.
	AssumeIdentified bool
	// Seed seeds the noise draws of counterfactuals (default 1).
	Seed uint64
	// Scale reads interventions and reports effects in the columns' own
	// units (Raw, the default) or on the fit's transformed scale (Fit).
	Scale Scale
	// AllowExtrapolation computes interventions that take a node more than
	// 3× its observed span beyond the range it takes in the data (refused
	// otherwise; a value merely outside the range is a warning).
	AllowExtrapolation bool
}

func (o *Options) defaults() error {
	if o.Level == 0 {
		o.Level = 0.9
	}
	if !(o.Level > 0 && o.Level < 1) {
		return fmt.Errorf("level %g: want a probability between 0 and 1, e.g. 0.9", o.Level)
	}
	if o.Horizon < 0 {
		return fmt.Errorf("horizon %d: want 0 or more periods", o.Horizon)
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Scale != Raw && o.Scale != Fit {
		return fmt.Errorf("scale %d: want Raw or Fit", o.Scale)
	}
	return nil
}

// NodeError is a query naming a node it cannot use: unknown, not
// estimated, or the outcome itself. Col is the column of the name in the
// query text (0 when the node came from a flag).
type NodeError struct {
	Query string
	Col   int
	Node  string
	Msg   string
}

func (e *NodeError) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("query %q: column %d: %s", e.Query, e.Col, e.Msg)
	}
	return e.Msg
}

// outcome resolves the outcome node.
func (e *Engine) outcome(name string) (int, error) {
	if name == "" {
		name = e.DefaultOutcome()
		if name == "" {
			return -1, &NodeError{Msg: "the model marks no single outcome; name one with --outcome"}
		}
	}
	y, err := e.s.node(name)
	if err != nil {
		return -1, &NodeError{Node: name, Msg: "outcome: " + err.Error()}
	}
	n := e.s.nodes[y]
	if n.kind == kindExogenous {
		return -1, &NodeError{Node: name, Msg: fmt.Sprintf("outcome %s has no equation in the fit (it is exogenous): nothing can change it", name)}
	}
	return y, nil
}

// checkHorizon refuses a horizon on a cross-section.
func (e *Engine) checkHorizon(opt *Options) error {
	if opt.Horizon > 0 && e.s.layout.Unit == nil {
		return fmt.Errorf("a horizon needs a panel with unit and time keys; these data are a cross-section")
	}
	if n := len(e.s.layout.Times); opt.Horizon > 0 && opt.Horizon >= n {
		return fmt.Errorf("--horizon %d: the data have %d periods, so a horizon reaches at most %d", opt.Horizon, n, n-1)
	}
	return nil
}

// resolve turns the assignments of d into actions on the system, read in
// opt.Scale (units.go), and returns the warnings of values outside the
// data's range.
func (e *Engine) resolve(d Do, y int, opt *Options) ([]action, []string, error) {
	s := e.s
	var acts []action
	var warns []string
	for _, a := range d.Assign {
		fail := func(format string, args ...any) error {
			return &NodeError{Query: d.Source, Col: a.Col, Node: a.Node, Msg: fmt.Sprintf(format, args...)}
		}
		v, err := s.node(a.Node)
		if err != nil {
			return nil, nil, fail("%v", err)
		}
		if v == y {
			return nil, nil, fail("cannot intervene on the outcome %s itself; choose another outcome or intervene on one of its causes", a.Node)
		}
		act, w, err := e.resolveOne(a, d.Source, v, opt)
		if err != nil {
			return nil, nil, err
		}
		if w != "" {
			warns = append(warns, w)
		}
		acts = append(acts, act)
	}
	return acts, warns, nil
}

// PeriodEffect is the effect at one period after the intervention starts.
type PeriodEffect struct {
	Period int `json:"period"`
	// Rows is the number of data rows (unit × period) averaged over.
	Rows int `json:"rows"`
	Summary
	// Draws are the per-draw effects on the outcome's scale; LinkDraws on
	// its linear-predictor scale (the same for gaussian and latent nodes).
	Draws     []float64 `json:"-"`
	LinkDraws []float64 `json:"-"`
}

// MarshalJSON writes the period with its summary.
func (p PeriodEffect) MarshalJSON() ([]byte, error) {
	return json.Marshal(p.jsonMap(map[string]any{"period": p.Period, "rows": p.Rows}))
}

// EffectReport is the answer to an average-effect query.
type EffectReport struct {
	Query   string `json:"query"`
	Versus  string `json:"versus"`
	Outcome string `json:"outcome"`
	// Scale says what the effect is measured in; ScaleKind is "raw" (the
	// outcome column's own units) or "fit", and Units names the unit.
	Scale     string         `json:"scale"`
	ScaleKind string         `json:"scale_kind"`
	Units     string         `json:"units"`
	Horizon   int            `json:"horizon"`
	Pulse     bool           `json:"pulse"`
	Shifts    []string       `json:"interventions"`
	Periods   []PeriodEffect `json:"periods"`
	Basis     *Basis         `json:"rests_on"`
}

// scale describes the outcome's scale in words.
func (s *system) scale(y int) string {
	n := s.nodes[y]
	if n.kind == kindLatent {
		return fmt.Sprintf("the latent scale of %s (in units of its residual sd, which is fixed at 1)", n.name)
	}
	return n.fam.MeanLabel(n.name)
}

// describeActions says in words what each action does, e.g.
// "goodwill_signals + 1 sd (1 sd = 1)".
func (s *system) describeActions(acts []action) []string {
	var out []string
	for _, a := range acts {
		n := s.nodes[a.node]
		if a.desc != "" {
			out = append(out, a.desc)
			continue
		}
		switch a.kind {
		case Set:
			out = append(out, fmt.Sprintf("%s set to %g", n.name, a.value))
		case Shift:
			out = append(out, fmt.Sprintf("%s shifted by %+g", n.name, a.value))
		case ShiftSD:
			out = append(out, fmt.Sprintf("%s shifted by %+.4g sd = %+.4g (1 sd = %.4g, %s)", n.name, a.value/n.sd, a.value, n.sd, n.sdIs))
		case Quantile:
			out = append(out, fmt.Sprintf("%s set to each unit's own %g%% quantile of its values", n.name, 100*a.value))
		}
	}
	return out
}

// method says how a job's answer was computed.
func (s *system) method(j *job, approx []string) (m string) {
	var nl []string
	p, _ := s.planJob(j)
	for v, n := range s.nodes {
		if n.linear() || n.kind == kindExogenous {
			continue
		}
		for w := 0; w < p.nw; w++ {
			for h := range p.aff[w] {
				if p.aff[w][h][v] && !p.active[w][h][v] && !contains(nl, n.name) {
					nl = append(nl, n.name)
				}
			}
		}
	}
	var marg []string
	for v, n := range s.nodes {
		if p.marg[v] && !j.cf {
			marg = append(marg, n.name)
		}
	}
	defer func() {
		m += s.productNote(p) // moderation.go
		if len(marg) > 0 {
			m = fmt.Sprintf("%s; the fit directory does not keep latent values (fit without --save-latent), so the expected values of %s are integrated over their latent parents' structural noise (Gauss–Hermite quadrature, error below 1e-8 per category probability for a noise sd up to 1.7, plus at most 2e-8 from the per-draw table of an ordered mean)", m, strings.Join(marg, ", "))
		}
	}()
	switch {
	case j.cf:
		m := "counterfactual by abduction, action, prediction per draw: gaussian and latent noise recovered exactly (observed minus predicted)"
		var thr, pit []string
		for _, name := range nl {
			if s.nodes[s.index[name]].thr != nil {
				thr = append(thr, name)
			} else {
				pit = append(pit, name)
			}
		}
		if len(thr) > 0 {
			m += fmt.Sprintf("; for %s the latent logistic noise is drawn from its distribution truncated to the interval consistent with the observed category (one draw per posterior draw), and the outcome's counterfactual is its exact expectation given that interval", strings.Join(thr, ", "))
		}
		if len(pit) > 0 {
			m += fmt.Sprintf("; for %s the unit's randomized quantile u is drawn uniformly within the step of the family's CDF at the observed value (one draw per posterior draw) and kept, and the counterfactual value is the family's quantile at u under the new linear predictor, so it stays within the family's support (the outcome's counterfactual is its exact expectation over u)", strings.Join(pit, ", "))
		}
		return m
	case len(nl) == 0:
		return "exact: the change propagates linearly through gaussian and latent equations"
	case len(approx) == 0:
		return fmt.Sprintf("exact population average: the expected values of %s (their families' means, such as P(1), Σ k·P(k) or exp(eta)) are averaged over the rows; the equations downstream of them are linear", strings.Join(nl, ", "))
	default:
		return fmt.Sprintf("plug-in approximation: the expected value of a nonlinear node enters the nonlinear equation of %s without integrating over its noise (nonlinear nodes on the path: %s)", strings.Join(approx, ", "), strings.Join(nl, ", "))
	}
}

// check resolves the interventions and the outcome and checks
// identification. It returns the basis (refusing unless assumed).
func (e *Engine) check(query string, w1, w0 Do, opt *Options, mediators []string) (y int, a1, a0 []action, b *Basis, err error) {
	if err = opt.defaults(); err != nil {
		return
	}
	if y, err = e.outcome(opt.Outcome); err != nil {
		return
	}
	if err = e.checkHorizon(opt); err != nil {
		return
	}
	var warn1, warn0 []string
	if a1, warn1, err = e.resolve(w1, y, opt); err != nil {
		return
	}
	if a0, warn0, err = e.resolve(w0, y, opt); err != nil {
		return
	}
	var xs []string
	for _, a := range append(append([]action(nil), a1...), a0...) {
		if n := e.s.nodes[a.node].name; !contains(xs, n) {
			xs = append(xs, n)
		}
	}
	if err = needHorizon(e.s.model, xs, e.s.nodes[y].name, opt.Horizon); err != nil {
		return
	}
	if b, err = e.basisFor(xs, e.s.nodes[y].name, opt.Horizon, mediators); err != nil {
		return
	}
	if len(b.Problems) > 0 {
		if !opt.AssumeIdentified {
			err = &NotIdentifiedError{Query: query, Problems: b.Problems}
			return
		}
		b.Assumed = true
		b.Identification = append([]string{"ASSUMED by --assume-identified (see the first line)"}, b.Identification...)
	}
	joinWarnings(b, append(warn1, warn0...)...)
	return
}

// Effect computes the average effect on the outcome of intervention do
// against versus (the zero Do: no intervention), per posterior draw, at
// periods 0 … opt.Horizon.
func (e *Engine) Effect(do, versus Do, opt Options) (*EffectReport, error) {
	if do.IsZero() {
		return nil, fmt.Errorf("the query intervenes on nothing")
	}
	y, a1, a0, b, err := e.check(do.String(), do, versus, &opt, nil)
	if err != nil {
		return nil, err
	}
	s := e.s
	osc, err := e.outcomeScale(y, &opt)
	if err != nil {
		return nil, err
	}
	j := &job{scen: []scenario{{w: s.newWorld(a1)}}, base: s.newWorld(a0), outcome: y,
		horizon: opt.Horizon, pulse: opt.Pulse, starts: allRows(s.layout.Rows)}
	osc.setJob(j)
	if err := s.latentNeeds(j); err != nil {
		return nil, err
	}
	res := s.run(j)
	b.Method = s.method(j, res.approx)
	rep := &EffectReport{Query: do.String(), Versus: versus.String(), Outcome: s.nodes[y].name, Scale: osc.text,
		ScaleKind: osc.kind.String(), Units: osc.unit, Horizon: opt.Horizon, Pulse: opt.Pulse, Basis: b}
	rep.Shifts = s.describeActions(a1)
	if len(a0) > 0 {
		for _, d := range s.describeActions(a0) {
			rep.Shifts = append(rep.Shifts, "versus: "+d)
		}
	}
	for h := 0; h <= opt.Horizon; h++ {
		sign := e.expectedSign(a1, a0, s.nodes[y].name, h, opt.Pulse)
		pe := PeriodEffect{Period: h, Rows: res.count[h], Draws: osc.convert(res.mean[0][h]), LinkDraws: res.eta[0][h]}
		pe.Summary = Summarize(pe.Draws, opt.Level, sign)
		rep.Periods = append(rep.Periods, pe)
	}
	if res.count[0] == 0 {
		b.Notes = append(b.Notes, "no data row has every value the query needs at period 0")
	}
	return rep, nil
}

func allRows(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = i
	}
	return r
}
