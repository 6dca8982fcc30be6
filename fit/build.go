package fit

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"dilemma/data"
	"dilemma/model"
	"dilemma/model/sem"
)

// Options are the modelling choices of a fit that are not in the model file.
type Options struct {
	// PriorOnly samples the prior: the likelihood is switched off.
	PriorOnly bool
	// Time adds period effects to every equation whose node does not set
	// time_effects= (default none).
	Time sem.TimeMode
	// RE chooses the unit intercepts' parameterization (default: per
	// equation from the data).
	RE sem.REParam
	// NoUnitEffects leaves out unit random intercepts even on a panel.
	NoUnitEffects bool
	// UnitEffects is the default unit effects of the equations whose node
	// does not set unit_effects=: "random" (or ""), "within" or "none"
	// (see model.UnitEffectModes).
	UnitEffects string
	// LatentValues chooses the sampler's coordinates for latent values
	// (default sem.LatentDirect; sem.LatentConditional removes the funnel
	// between loadings, noise sds and the values, see package model/sem).
	LatentValues sem.LatentValues
	// Missing is what missing values become where a node does not say
	// (missing=); default sem.MissingDrop. Under sem.MissingModel an
	// observed root with missing values and a continuous family gets a
	// model of its own (see rootModels).
	Missing sem.Missing
}

// Plan is a model bound to a data set: the structural equations to estimate
// and what was left out of estimation, and why.
type Plan struct {
	Model *model.Model
	Panel *data.Panel
	Spec  *sem.Spec
	// Notes says, one line each, what estimation drops, fixes or treats as
	// exogenous (for example the fixed root anarchy).
	Notes []string
	// Values holds each observed node's transformed column, one value per
	// panel row (NaN missing), for queries and predictive checks.
	Values map[string][]float64
	// Exogenous lists observed nodes that have no equation: roots, or nodes
	// whose parents are all dropped from estimation.
	Exogenous []string
	// Dropped lists nodes left out of estimation (fixed roots, latent nodes
	// without indicators).
	Dropped []string
	// Bindings says how each node of the model reads the data (column=,
	// the column of its name, indicators, or none), in declaration order.
	Bindings []model.Binding
	// ModelRef and DataRef say where the model and data came from (set by
	// Prepare, recorded in the manifest).
	ModelRef ModelRef
	DataRef  DataRef
}

// IndicatorSigmaPrior is the default prior of a (standardized) indicator's
// measurement-error sd: gamma(2, 4), mean 0.5, whose density vanishes at 0,
// so that a weakly measured latent cannot collapse onto one indicator (a
// Heywood case). A node's prior_sigma overrides it.
var IndicatorSigmaPrior = sem.Gamma(2, 4)

// BuildError is a problem binding a model to data. It names the node and,
// when there is one, the column.
type BuildError struct {
	Node, Column string
	Msg          string
}

func (e *BuildError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("node %q (column %q): %s", e.Node, e.Column, e.Msg)
	}
	return fmt.Sprintf("node %q: %s", e.Node, e.Msg)
}

// RequiredColumns lists the data columns the model reads: node columns,
// indicators and the grouping columns of peer means.
func RequiredColumns(m *model.Model) []string {
	seen := map[string]bool{}
	var cols []string
	add := func(c string) {
		if c != "" && !seen[c] {
			seen[c] = true
			cols = append(cols, c)
		}
	}
	for _, n := range m.Nodes {
		add(n.Column)
		if col, _ := n.OffsetColumn(); col != "" {
			add(col)
		}
		if _, constant := n.TrialsConstant(); n.Trials != "" && !constant {
			add(n.Trials)
		}
		for _, c := range n.Indicators {
			add(c)
		}
		if t, err := data.ParseTransform(n.Transform); err == nil {
			for _, g := range t.Groups() {
				add(g)
			}
		}
	}
	return cols
}

// NewPlan binds m to the panel p (model.Bind: a node without column= reads
// the column of its name) and checks, before any sampling, that the data
// can be what the model says. It fails with a one-line error naming the
// node and column when a column is absent (listing the nearest names), two
// nodes read one column, a latent node has a single indicator, or a node's
// values do not fit its family (roots included: a bernoulli node needs 0
// and 1, an ordered one the categories 0 … K−1 each observed, see
// checkOrdered), and notes a 0/1 node fitted as gaussian.
func NewPlan(m *model.Model, p *data.Panel, opt Options) (*Plan, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	m, binds, err := m.BindPanel(p)
	if err != nil {
		return nil, err
	}
	order, err := m.TopoOrder()
	if err != nil {
		return nil, err
	}
	pl := &Plan{Model: m, Panel: p, Values: map[string][]float64{}, Bindings: binds}
	dropped := map[string]bool{}
	for _, name := range order {
		n := m.Node(name)
		switch {
		case n.Latent && len(n.Indicators) == 1:
			return nil, &BuildError{Node: name, Column: n.Indicators[0], Msg: fmt.Sprintf(`a latent node with one indicator is not identified: the indicator's loading and noise sd trade off against the latent's own scale, and the chains disagree (R-hat far above 1); give it a second indicator, or drop [latent] and read the column directly with column=%q`, n.Indicators[0])}
		case n.Fixed():
			dropped[name] = true
			pl.Notes = append(pl.Notes, fmt.Sprintf("%s: a root with no data, constant across units and periods; fixed, not estimated (its effects are absorbed by the intercepts of %s)", name, strings.Join(childrenOf(m, name), ", ")))
		case n.Latent && len(n.Indicators) == 0:
			dropped[name] = true
			pl.Notes = append(pl.Notes, fmt.Sprintf("%s: latent without indicators; kept for identification, not estimated", name))
		case !n.Latent && n.Column == "":
			return nil, &BuildError{Node: name, Msg: `has no data: give it column="…", mark it [latent] with indicators="…", or role="root" for a constant`}
		}
	}
	for _, name := range order {
		if dropped[name] {
			pl.Dropped = append(pl.Dropped, name)
		}
	}
	for _, e := range m.BidirectedEdges() {
		pl.Notes = append(pl.Notes, fmt.Sprintf("%s <-> %s: a latent common cause; kept for identification, not estimated", e.From, e.To))
	}

	for _, c := range RequiredColumns(m) {
		if !p.Has(c) {
			node := nodeOfColumn(m, c)
			return nil, &BuildError{Node: node, Column: c, Msg: fmt.Sprintf("column is not in %s", p.Name)}
		}
	}
	// Observed node values, transformed.
	for _, name := range order {
		n := m.Node(name)
		if dropped[name] || n.Latent {
			continue
		}
		if k, _ := p.Kind(n.Column); k == data.KindText {
			return nil, &BuildError{Node: name, Column: n.Column, Msg: textColumnMsg(p, n.Column)}
		}
		v, err := p.Transform(n.Column, n.Transform)
		if err != nil {
			return nil, &BuildError{Node: name, Column: n.Column, Msg: err.Error()}
		}
		pl.Values[name] = v
		if err := pl.checkFamily(n); err != nil {
			return nil, err
		}
	}

	spec := &sem.Spec{Name: m.Name, PriorOnly: opt.PriorOnly, Layout: layout(p)}
	unitRE := p.IsPanel() && !opt.NoUnitEffects
	for _, name := range order {
		n := m.Node(name)
		if dropped[name] {
			continue
		}
		terms, err := pl.terms(n, dropped)
		if err != nil {
			return nil, err
		}
		if n.Latent {
			lat := sem.Latent{Node: name, Terms: terms, UnitRE: unitRE, RE: opt.RE, Time: nodeTime(n, opt.Time), Values: opt.LatentValues}
			if lat.Tau, err = nodePrior(n, "unit_sd"); err != nil {
				return nil, err
			}
			for k, col := range n.Indicators {
				// Indicators are standardized so that loadings and
				// intercepts live on the same scale as everything else.
				y, err := p.Transform(col, "standardize")
				if err != nil {
					return nil, &BuildError{Node: name, Column: col, Msg: err.Error()}
				}
				sigma, err := nodePrior(n, "sigma")
				if err != nil {
					return nil, err
				}
				if sigma == (sem.Prior{}) {
					sigma = IndicatorSigmaPrior
				}
				ind := sem.Indicator{Node: col, Column: col, Family: sem.Gaussian{Sigma: sigma}, Y: y}
				if ind.Intercept, err = nodePrior(n, "intercept"); err != nil {
					return nil, err
				}
				if k > 0 {
					if ind.Loading, err = nodePrior(n, "loading"); err != nil {
						return nil, err
					}
				}
				lat.Indicators = append(lat.Indicators, ind)
			}
			spec.Latents = append(spec.Latents, lat)
			continue
		}
		if len(terms) == 0 && n.AR > 0 {
			return nil, &BuildError{Node: name, Column: n.Column, Msg: "ar=\"1\" on a node without estimated parents: it has no equation (it is conditioned on as exogenous), so there are no residuals to model; drop ar or give it a parent"}
		}
		if len(terms) == 0 {
			pl.Exogenous = append(pl.Exogenous, name)
			if len(m.In(name)) > 0 {
				pl.Notes = append(pl.Notes, fmt.Sprintf("%s: all its parents are dropped from estimation; treated as exogenous", name))
			}
			continue
		}
		mode := n.UnitEffects
		if mode == "" {
			mode = opt.UnitEffects
		}
		eqRE := unitRE && mode != "none"
		if mode == "within" {
			if !p.IsPanel() {
				return nil, &BuildError{Node: name, Msg: "unit_effects=\"within\" needs a panel (unit and time keys); the data are a cross-section"}
			}
			terms = pl.withinTerms(n, terms)
		}
		for _, t := range terms {
			if t.Parent == name && !t.UnitMean && eqRE {
				pl.Notes = append(pl.Notes, fmt.Sprintf("%s: its own lag (%s -> %s [lag=%d]) with unit intercepts: each unit's first %d period(s) have no lagged value and are left out (initial conditions), and in short panels the lagged outcome correlates with the unit intercept (dynamic-panel or Nickell bias, of order 1/periods); with few periods per unit prefer unit_effects=\"none\" or read the persistence with care", name, name, name, t.Lag, t.Lag))
			}
		}
		eq, err := pl.equation(n, terms, eqRE, opt)
		if err != nil {
			return nil, err
		}
		eq.AR = n.AR // AR(1) residuals within unit (sem.Equation.AR)
		eq.Missing = missingMode(n, opt)
		if err := pl.checkOrderedRows(n, eq); err != nil {
			return nil, err
		}
		if _, ok := eq.Family.(sem.Gaussian); ok && binary(eq.Y) {
			pl.Notes = append(pl.Notes, fmt.Sprintf(`%s: column %s holds only 0 and 1 but is fitted as gaussian; family="bernoulli" models a binary node`, name, n.Column))
		}
		spec.Equations = append(spec.Equations, eq)
	}
	if len(spec.Equations) == 0 && len(spec.Latents) == 0 {
		return nil, fmt.Errorf("model %s: nothing to estimate (no node with data has a parent with data)", m.Name)
	}
	if err := pl.rootModels(spec, opt); err != nil {
		return nil, err
	}
	pl.Spec = spec
	return pl, nil
}

func layout(p *data.Panel) sem.Layout {
	l := sem.Layout{Rows: p.NumRows()}
	if p.IsPanel() {
		l.Units, l.Unit = p.Units(), p.UnitIndex()
		l.Times, l.Time = p.Times(), p.TimeIndex()
		l.Ordinal = p.TimeOrdinal()
	}
	return l
}

func childrenOf(m *model.Model, name string) []string {
	var c []string
	for _, e := range m.Out(name) {
		if e.Kind == model.Directed {
			c = append(c, e.To)
		}
	}
	sort.Strings(c)
	return c
}

func nodeOfColumn(m *model.Model, col string) string {
	for _, n := range m.Nodes {
		if n.Column == col {
			return n.Name
		}
		for _, c := range n.Indicators {
			if c == col {
				return n.Name
			}
		}
	}
	for _, n := range m.Nodes {
		if strings.Contains(n.Transform, col) {
			return n.Name
		}
	}
	return col
}

// terms returns the estimable edges into n.
func (pl *Plan) terms(n *model.Node, dropped map[string]bool) ([]sem.Term, error) {
	var terms []sem.Term
	for _, e := range pl.Model.In(n.Name) {
		if e.Kind != model.Directed || dropped[e.From] {
			continue
		}
		parent := pl.Model.Node(e.From)
		t := sem.Term{Parent: e.From, Column: parent.Column, Lag: e.Lag, Sign: e.Sign}
		if !parent.Latent {
			x := pl.Values[e.From]
			if e.Lag > 0 {
				spec := fmt.Sprintf("lag(%d)", e.Lag)
				if parent.Transform != "" {
					spec = parent.Transform + "|" + spec
				}
				var err error
				if x, err = pl.Panel.Transform(parent.Column, spec); err != nil {
					return nil, &BuildError{Node: e.From, Column: parent.Column, Msg: err.Error()}
				}
			}
			t.X = x
		}
		var err error
		switch {
		case e.Prior != nil:
			t.Prior, err = sem.ParsePrior(e.Prior.String())
		default:
			t.Prior, err = nodePrior(n, "strength")
		}
		if err != nil {
			return nil, &BuildError{Node: n.Name, Msg: fmt.Sprintf("edge %s: %v", e, err)}
		}
		if e.Varies == "unit" { // a strength varying by unit (checked in sem)
			t.Varies = true
			if e.VariesPrior != nil {
				if t.VariesSD, err = sem.ParsePrior(e.VariesPrior.String()); err != nil {
					return nil, &BuildError{Node: n.Name, Msg: fmt.Sprintf("edge %s: varies_prior: %v", e, err)}
				}
			}
		}
		terms = append(terms, t)
	}
	return pl.interactionTerms(n, terms, dropped) // moderation.go
}

func (pl *Plan) equation(n *model.Node, terms []sem.Term, unitRE bool, opt Options) (sem.Equation, error) {
	famName := n.Family
	if famName == "" {
		famName = "gaussian"
	}
	fam, err := sem.FamilyByName(famName)
	if err != nil {
		return sem.Equation{}, &BuildError{Node: n.Name, Msg: err.Error()}
	}
	switch f := fam.(type) {
	case sem.Gaussian:
		if f.Sigma, err = nodePrior(n, "sigma"); err != nil {
			return sem.Equation{}, err
		}
		fam = f
	case sem.Ordered:
		if f.Cutpoints, err = nodePrior(n, "cutpoint"); err != nil {
			return sem.Equation{}, err
		}
		fam = f
	case sem.NegBinomial:
		if f.Shape, err = nodePrior(n, "shape"); err != nil {
			return sem.Equation{}, err
		}
		fam = f
	case sem.ZeroInflatedPoisson:
		if f.ZI, err = nodePrior(n, "zi"); err != nil {
			return sem.Equation{}, err
		}
		fam = f
	case sem.ZeroInflatedNegBinomial:
		if f.Shape, err = nodePrior(n, "shape"); err != nil {
			return sem.Equation{}, err
		}
		if f.ZI, err = nodePrior(n, "zi"); err != nil {
			return sem.Equation{}, err
		}
		fam = f
	case sem.HurdlePoisson:
		if f.HU, err = nodePrior(n, "hu"); err != nil {
			return sem.Equation{}, err
		}
		fam = f
	case sem.Student:
		if f.Sigma, err = nodePrior(n, "sigma"); err != nil {
			return sem.Equation{}, err
		}
		if f.Nu, err = nodePrior(n, "nu"); err != nil {
			return sem.Equation{}, err
		}
		fam = f
	case sem.LogNormal:
		if f.Sigma, err = nodePrior(n, "sigma"); err != nil {
			return sem.Equation{}, err
		}
		fam = f
	case sem.BetaFamily:
		if f.Phi, err = nodePrior(n, "phi"); err != nil {
			return sem.Equation{}, err
		}
		fam = f
	case sem.BetaBinomial:
		if f.Phi, err = nodePrior(n, "phi"); err != nil {
			return sem.Equation{}, err
		}
		fam = f
	case sem.HurdleNegBinomial:
		if f.Shape, err = nodePrior(n, "shape"); err != nil {
			return sem.Equation{}, err
		}
		if f.HU, err = nodePrior(n, "hu"); err != nil {
			return sem.Equation{}, err
		}
		fam = f
	}
	eq := sem.Equation{Node: n.Name, Column: n.Column, Family: fam, Y: pl.Values[n.Name], Terms: terms,
		UnitRE: unitRE, RE: opt.RE, Time: nodeTime(n, opt.Time)}
	if n.Trials != "" {
		if v, ok := n.TrialsConstant(); ok {
			eq.Trials = make([]float64, len(eq.Y))
			for r := range eq.Trials {
				eq.Trials[r] = v
			}
		} else if eq.Trials, err = pl.Panel.Numeric(n.Trials); err != nil {
			return sem.Equation{}, &BuildError{Node: n.Name, Column: n.Trials, Msg: "trials: " + err.Error()}
		}
	}
	if n.Offset != "" {
		col, log := n.OffsetColumn()
		v, err := pl.Panel.Numeric(col)
		if err != nil {
			return sem.Equation{}, &BuildError{Node: n.Name, Column: col, Msg: "offset: " + err.Error()}
		}
		if log {
			v = append([]float64(nil), v...)
			for r, x := range v {
				if !(x > 0) && !math.IsNaN(x) {
					return sem.Equation{}, &BuildError{Node: n.Name, Column: col, Msg: fmt.Sprintf("offset log(%s) needs positive values, row %d has %g", col, r+1, x)}
				}
				v[r] = math.Log(x)
			}
		}
		eq.Offset = v
	}
	if eq.Intercept, err = nodePrior(n, "intercept"); err != nil {
		return sem.Equation{}, err
	}
	if eq.Tau, err = nodePrior(n, "unit_sd"); err != nil {
		return sem.Equation{}, err
	}
	return eq, nil
}

// nodePrior converts the node's prior for a parameter role ("strength",
// "intercept", "sigma", "unit_sd", "loading", "cutpoint"); the zero Prior
// (sem's default) when the model sets none.
func nodePrior(n *model.Node, key string) (sem.Prior, error) {
	p, ok := n.Priors[key]
	if !ok {
		return sem.Prior{}, nil
	}
	sp, err := sem.ParsePrior(p.String())
	if err != nil {
		return sem.Prior{}, &BuildError{Node: n.Name, Msg: fmt.Sprintf("%s prior: %v", key, err)}
	}
	return sp, nil
}

// Prepare loads a model (a built-in name or a model file) and a data set (a
// CSV path, or "" for the embedded panel) and binds them. keys gives the
// unit and time key columns of a CSV (ignored for the embedded panel). The
// plan remembers both sources for the fit's manifest.
func Prepare(modelNameOrPath, dataPath string, keys data.Options, opt Options) (*Plan, error) {
	m, err := model.Load(modelNameOrPath)
	if err != nil {
		return nil, err
	}
	var p *data.Panel
	ref := DataRef{Source: "embedded", Name: data.EmbeddedName}
	if dataPath == "" {
		if p, err = data.Embedded(); err != nil {
			return nil, err
		}
		ref.SHA256 = data.EmbeddedSHA256()
		ref.UnitKey, ref.TimeKey = "iso3", "month"
	} else {
		b, err := data.ReadFileLimited(dataPath, "a panel CSV", data.MaxCSVBytes)
		if err != nil {
			return nil, err
		}
		if p, err = data.Load(bytes.NewReader(b), dataPath, keys); err != nil {
			return nil, err
		}
		ref = DataRef{Source: dataPath, Name: filepath.Base(dataPath), SHA256: data.SHA256(b), UnitKey: keys.UnitKey, TimeKey: keys.TimeKey}
	}
	ref.Rows = p.NumRows()
	pl, err := NewPlan(m, p, opt)
	if err != nil {
		return nil, err
	}
	text := m.Source
	if text == "" {
		var b strings.Builder
		if err := m.Export(&b); err != nil {
			return nil, err
		}
		text = b.String()
	}
	pl.ModelRef = ModelRef{Name: modelNameOrPath, Text: text}
	pl.DataRef = ref
	return pl, nil
}

// withinTerms appends to a node's terms, for each parent read from data,
// the parent's unit mean over the rows the equation uses (where the node
// and every parent are observed): with them the parents' strengths are
// within-unit effects and the unit means absorb whatever about a unit
// correlates with its parents (Mundlak 1978). A latent parent has no
// observed values to average and keeps a pooled strength (noted).
func (pl *Plan) withinTerms(n *model.Node, terms []sem.Term) []sem.Term {
	y := pl.Values[n.Name]
	unit := pl.Panel.UnitIndex()
	used := make([]bool, len(y))
	for r := range used {
		used[r] = !math.IsNaN(y[r])
		for _, t := range terms {
			if t.X != nil && math.IsNaN(t.X[r]) {
				used[r] = false
			}
		}
	}
	out := terms
	for _, t := range terms {
		if t.Moderator != "" {
			continue // an interaction keeps its pooled coefficient (the factors' unit means enter)
		}
		if t.X == nil {
			pl.Notes = append(pl.Notes, fmt.Sprintf("%s: unit_effects=within: the latent parent %s has no observed values to average; its strength stays pooled (within and between)", n.Name, t.Parent))
			continue
		}
		sum := map[int]float64{}
		cnt := map[int]int{}
		for r, ok := range used {
			if ok {
				sum[unit[r]] += t.X[r]
				cnt[unit[r]]++
			}
		}
		x := make([]float64, len(t.X))
		for r := range x {
			x[r] = math.NaN()
			if c := cnt[unit[r]]; c > 0 {
				x[r] = sum[unit[r]] / float64(c)
			}
		}
		out = append(out, sem.Term{Parent: t.Parent, Column: t.Column, Lag: t.Lag, X: x, Prior: t.Prior, UnitMean: true})
	}
	return out
}
