// Package predict evaluates a fitted structural equation model at one
// posterior draw: each equation's linear predictor at a panel row, a
// replicated value drawn from the equation's family, and the log likelihood
// of an observed value. Posterior predictive checks (package report) and
// queries reuse it, so that every consumer of a fit reads the parameters the
// same way package model/sem defines them.
//
// A draw is the vector of constrained parameter values in the order of
// sem.Posterior.ParamNames (one row of a fit's draws). For an equation of
// node y at layout row r,
//
//	mu = a.y + Σ b.PARENT.y · x_PARENT[r] + Σ b.PARENT.lagK.y · x_PARENT[r − K] + offset[r] + u.y.UNIT + g.y.TIME
//
// where observed parents are read from the Spec's Term.X (already lagged by
// the caller of sem), latent parents from the draw's latent values at the
// same unit's period ordinal − K, u is the unit intercept deviation (the
// same whatever the parameterization) and g the period effect (0 at the
// reference period or without period effects). A latent's structural
// equation has no intercept and residual sd 1; an indicator's predictor is
// a.IND + lambda.LATENT.IND · eta.LATENT[r].
//
// The families are those of package model/sem, asked through sem.Family:
// its parameters are read from the draw by their ParamNames (sigma.NODE,
// c.NODE.k, …), replicated values come from its Rand and the pointwise log
// likelihood from its LogDensity.
package predict

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"dilemma/model/sem"
)

// Equation kinds, as sem.EquationInfo.Kind spells them.
const (
	Observed  = "observed"
	Latent    = "latent"
	Indicator = "indicator"
)

// Model is a compiled Spec's equations with every parameter resolved to its
// index in a draw vector.
type Model struct {
	Layout    sem.Layout
	Equations []*Equation
	// NumParams is the length of a draw vector.
	NumParams int
	byNode    map[string]*Equation
}

// Equation is one equation, ready to evaluate at a draw.
type Equation struct {
	Node string
	// Kind is Observed, Latent (a latent node's structural equation) or
	// Indicator (a measurement of a latent node).
	Kind string
	// Family is the family's name, e.g. "gaussian" or "poisson". A latent's
	// structural equation is gaussian with sd 1.
	Family string
	// Fam is the family as compiled for the data (sem.Posterior.Family);
	// Params are the indices of its parameters (its ParamNames) in a draw.
	// A latent's structural equation has Fam sem.Gaussian{} and no Params:
	// its sd is 1.
	Fam    sem.Family
	Params []int
	// Y is the response per layout row (NaN where missing); nil for a latent.
	Y []float64
	// Intercept is the intercept's parameter index, −1 when there is none.
	Intercept int
	// Offset is the equation's offset per layout row (sem.Equation.Offset),
	// added to its linear predictor; nil when it has none.
	Offset []float64
	// Trials is, for a sem.TrialsFamily, the trials per layout row
	// (sem.Equation.Trials), which the family reads after its parameters.
	Trials []float64
	Terms  []Term
	// Unit[j] is the index of u.NODE.UNITS[j], or −1 (no unit intercepts,
	// or the unit has no rows in the equation); nil for an indicator.
	Unit []int
	// Period[t] is the index of g.NODE.TIMES[t], or −1 (the reference
	// period, or no period effects); nil for an indicator.
	Period []int
	// Eta[r] is, for a latent's structural equation, the index of the
	// latent's value at layout row r, or −1 where it has none.
	Eta []int
	// AR is the index of rho (ar.NODE) for an equation with AR(1)
	// residuals (sem.Equation.AR), else −1; ar chains its rows (ar.go).
	AR  int
	ar  *arChain
	lay *sem.Layout
}

// Term is one parent of an equation.
type Term struct {
	Parent string
	Lag    int
	// Coef is the index of the strength (or loading) in the draw vector.
	Coef int
	// X is the observed parent's value at t − Lag per layout row (NaN
	// missing); nil for a latent parent.
	X []float64
	// Eta is, for a latent parent, the index of its value at t − Lag per
	// layout row, or −1 where it has none; nil for an observed parent.
	Eta []int
	// Vary is, for an edge whose strength varies by unit (sem.Term.Varies),
	// the index of v.PARENT.NODE.UNITS[j] per layout unit j (−1 for a unit
	// without rows in the equation): unit j's strength is Coef + Vary[j].
	// Nil for one strength.
	Vary []int
}

// New resolves the equations of spec against the parameters of its compiled
// posterior post (sem.Compile(spec)).
func New(spec *sem.Spec, post *sem.Posterior) (*Model, error) {
	names := post.ParamNames()
	idx := make(map[string]int, len(names))
	for i, n := range names {
		idx[n] = i
	}
	m := &Model{Layout: spec.Layout, NumParams: len(names), byNode: map[string]*Equation{}}
	lay := &m.Layout
	// each latent's value index per layout row
	etaAt := map[string][]int{}
	for _, li := range post.Latents() {
		at := make([]int, lay.Rows)
		for r := range at {
			at[r] = -1
		}
		for k, r := range li.Rows {
			at[r] = li.First + k
		}
		etaAt[li.Node] = at
	}
	lagged := newLagIndex(lay)
	need := func(node, name string) (int, error) {
		i, ok := idx[name]
		if !ok {
			return -1, fmt.Errorf("predict: node %s: parameter %s is not in the posterior", node, name)
		}
		return i, nil
	}
	opt := func(name string) int {
		if i, ok := idx[name]; ok {
			return i
		}
		return -1
	}
	// family resolves the compiled family of node and its parameters.
	family := func(e *Equation) error {
		if e.Kind == Latent {
			e.Fam, e.Family = sem.Gaussian{}, "gaussian"
			return nil
		}
		e.Fam = post.Family(e.Node)
		if e.Fam == nil {
			return fmt.Errorf("predict: node %s has no compiled equation", e.Node)
		}
		e.Family = e.Fam.Name()
		for _, name := range e.Fam.ParamNames(e.Node) {
			i, err := need(e.Node, name)
			if err != nil {
				return err
			}
			e.Params = append(e.Params, i)
		}
		return nil
	}
	build := func(node, kind string, y []float64, terms []sem.Term) (*Equation, error) {
		e := &Equation{Node: node, Kind: kind, Y: y, Intercept: opt("a." + node), AR: -1, lay: lay}
		if err := family(e); err != nil {
			return nil, err
		}
		for _, t := range terms {
			name := sem.TermParamName(node, t)
			ci, err := need(node, name)
			if err != nil {
				return nil, err
			}
			pt := Term{Parent: t.Parent, Lag: t.Lag, Coef: ci, X: t.X}
			if t.Varies {
				stem := strings.TrimPrefix(name, "b.")
				pt.Vary = make([]int, len(lay.Units))
				for j, u := range lay.Units {
					pt.Vary[j] = opt("v." + stem + "." + u)
				}
			}
			if t.X == nil {
				at, ok := etaAt[t.Parent]
				if !ok {
					return nil, fmt.Errorf("predict: node %s: parent %s has no data and is not a latent node", node, t.Parent)
				}
				pt.Eta = make([]int, lay.Rows)
				for r := range pt.Eta {
					pt.Eta[r] = -1
					if lr := lagged.row(r, t.Lag); lr >= 0 {
						pt.Eta[r] = at[lr]
					}
				}
			}
			e.Terms = append(e.Terms, pt)
		}
		e.Unit = make([]int, len(lay.Units))
		for j, u := range lay.Units {
			e.Unit[j] = opt("u." + node + "." + u)
		}
		e.Period = make([]int, len(lay.Times))
		for t, g := range lay.Times {
			e.Period[t] = opt("g." + node + "." + g)
		}
		return e, nil
	}
	add := func(e *Equation) {
		m.Equations = append(m.Equations, e)
		m.byNode[e.Node] = e
	}
	for _, eq := range spec.Equations {
		e, err := build(eq.Node, Observed, eq.Y, eq.Terms)
		if err != nil {
			return nil, err
		}
		e.Offset = eq.Offset
		if _, ok := e.Fam.(sem.TrialsFamily); ok {
			e.Trials = eq.Trials
		}
		if eq.AR > 0 {
			if e.AR, err = need(eq.Node, "ar."+eq.Node); err != nil {
				return nil, err
			}
			e.ar = newARChain(e, lagged)
		}
		add(e)
	}
	for _, l := range spec.Latents {
		e, err := build(l.Node, Latent, nil, l.Terms)
		if err != nil {
			return nil, err
		}
		e.Eta = etaAt[l.Node]
		add(e)
		for _, ind := range l.Indicators {
			ie := &Equation{Node: ind.Node, Kind: Indicator, Y: ind.Y, AR: -1, lay: lay}
			var err error
			if ie.Intercept, err = need(ind.Node, "a."+ind.Node); err != nil {
				return nil, err
			}
			if err := family(ie); err != nil {
				return nil, err
			}
			li, err := need(ind.Node, "lambda."+l.Node+"."+ind.Node)
			if err != nil {
				return nil, err
			}
			ie.Terms = []Term{{Parent: l.Node, Coef: li, Eta: etaAt[l.Node]}}
			add(ie)
		}
	}
	return m, nil
}

// Equation returns the equation of node (an observed node, a latent node or
// an indicator), or nil.
func (m *Model) Equation(node string) *Equation { return m.byNode[node] }

// Mu returns the linear predictor at layout row r for the draw theta, and
// false when a parent (or, for a latent's equation, the latent itself) has
// no value at r.
func (e *Equation) Mu(theta []float64, r int) (float64, bool) {
	mu := 0.0
	if e.Intercept >= 0 {
		mu = theta[e.Intercept]
	}
	for _, t := range e.Terms {
		var x float64
		if t.X != nil {
			x = t.X[r]
			if math.IsNaN(x) {
				return math.NaN(), false
			}
		} else {
			k := t.Eta[r]
			if k < 0 {
				return math.NaN(), false
			}
			x = theta[k]
		}
		b := theta[t.Coef]
		if t.Vary != nil {
			if k := t.Vary[e.lay.Unit[r]]; k >= 0 {
				b += theta[k]
			}
		}
		mu += b * x
	}
	if e.Unit != nil && e.lay.Unit != nil {
		if k := e.Unit[e.lay.Unit[r]]; k >= 0 {
			mu += theta[k]
		}
	}
	if e.Period != nil && e.lay.Time != nil {
		if k := e.Period[e.lay.Time[r]]; k >= 0 {
			mu += theta[k]
		}
	}
	if e.Offset != nil {
		if math.IsNaN(e.Offset[r]) {
			return math.NaN(), false
		}
		mu += e.Offset[r]
	}
	return mu, true
}

// Observed returns the response at row r for the draw theta (the latent's
// value for a latent's equation) and whether there is one.
func (e *Equation) Observed(theta []float64, r int) (float64, bool) {
	if e.Kind == Latent {
		if k := e.Eta[r]; k >= 0 {
			return theta[k], true
		}
		return math.NaN(), false
	}
	y := e.Y[r]
	return y, !math.IsNaN(y)
}

// Rows returns the layout rows the equation uses: where the response and
// every parent are observed (for latent values, where they exist). The rows
// do not depend on the draw.
func (e *Equation) Rows() []int {
	var rows []int
	n := e.lay.Rows
	for r := 0; r < n; r++ {
		if e.Kind == Latent {
			if e.Eta[r] < 0 {
				continue
			}
		} else if math.IsNaN(e.Y[r]) || (e.Offset != nil && math.IsNaN(e.Offset[r])) {
			continue
		}
		ok := true
		for _, t := range e.Terms {
			if (t.X != nil && math.IsNaN(t.X[r])) || (t.X == nil && t.Eta[r] < 0) {
				ok = false
				break
			}
		}
		if ok {
			rows = append(rows, r)
		}
	}
	return rows
}

// Discrete reports whether the family's values are integers.
func (e *Equation) Discrete() bool { return e.Fam.Support(nil).Discrete }

// par gathers the family's parameters from the draw theta into buf, and
// row r's trials after them for a sem.TrialsFamily.
func (e *Equation) par(theta []float64, r int, buf *[sem.MaxCategories + 1]float64) []float64 {
	if e.Kind == Latent {
		buf[0] = 1
		return buf[:1]
	}
	p := buf[:len(e.Params)]
	for k, i := range e.Params {
		p[k] = theta[i]
	}
	if e.Trials != nil {
		p = append(p, e.Trials[r])
	}
	return p
}

// Par returns the family's parameters at the draw theta, on their
// natural scale (for a latent's equation the sd 1), with row r's trials
// last for a sem.TrialsFamily.
func (e *Equation) Par(theta []float64, r int) []float64 {
	var buf [sem.MaxCategories + 1]float64
	return append([]float64(nil), e.par(theta, r, &buf)...)
}

// Draw draws one replicated response at row r given its linear predictor
// mu, from the equation's family.
func (e *Equation) Draw(theta []float64, r int, mu float64, rng *rand.Rand) float64 {
	var buf [sem.MaxCategories + 1]float64
	return e.Fam.Rand(mu, e.par(theta, r, &buf), rng)
}

// LogLik returns the log likelihood of the response y at row r given its
// linear predictor mu, with every constant included (a density for a
// continuous family, a probability for a discrete one), from the
// equation's family.
func (e *Equation) LogLik(theta []float64, r int, mu, y float64) float64 {
	var buf [sem.MaxCategories + 1]float64
	if e.ar != nil {
		return e.arLogLik(theta, r, mu, y)
	}
	return e.Fam.LogDensity(y, mu, e.par(theta, r, &buf))
}

// Replicate draws a replicated data set of the equation at the draw theta
// over rows (see Rows), one value per row.
func (e *Equation) Replicate(theta []float64, rows []int, rng *rand.Rand) []float64 {
	if e.ar != nil {
		return e.arReplicate(theta, rows, rng)
	}
	out := make([]float64, len(rows))
	for i, r := range rows {
		mu, ok := e.Mu(theta, r)
		if !ok {
			out[i] = math.NaN()
			continue
		}
		out[i] = e.Draw(theta, r, mu, rng)
	}
	return out
}

// lagIndex finds the row of the same unit lag periods earlier.
type lagIndex struct {
	lay *sem.Layout
	ord []int
	at  map[[2]int]int
}

func newLagIndex(lay *sem.Layout) *lagIndex {
	ord := lay.Ordinal
	if ord == nil {
		ord = lay.Time
	}
	li := &lagIndex{lay: lay, ord: ord}
	if ord != nil {
		li.at = make(map[[2]int]int, lay.Rows)
		for r := 0; r < lay.Rows; r++ {
			li.at[[2]int{li.unit(r), ord[r]}] = r
		}
	}
	return li
}

func (li *lagIndex) unit(r int) int {
	if li.lay.Unit == nil {
		return 0
	}
	return li.lay.Unit[r]
}

// row returns the row of r's unit lag periods earlier, or −1.
func (li *lagIndex) row(r, lag int) int {
	if lag == 0 {
		return r
	}
	if li.ord == nil {
		return -1
	}
	if j, ok := li.at[[2]int{li.unit(r), li.ord[r] - lag}]; ok {
		return j
	}
	return -1
}
