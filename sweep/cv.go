package sweep

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/internal/quadrature"
	"dilemma/model/sem"
	"dilemma/table"
)

// CVTask is one fold of a leave-units-out cross-validation.
type CVTask struct {
	Fold  int      `json:"fold"`
	Units []string `json:"units"`
}

// CVResult is one fold's expected log predictive density.
type CVResult struct {
	Fold int `json:"fold"`
	// Elpd is the sum of the held-out units' elpd.
	Elpd Num `json:"elpd"`
	// Rows counts the held-out observations scored.
	Rows  int        `json:"rows"`
	Units []UnitElpd `json:"units"`
}

// UnitElpd is one held-out unit's log predictive density: the log of the
// posterior mean of the joint density of all its observed values.
type UnitElpd struct {
	Unit string `json:"unit"`
	Elpd Num    `json:"elpd"`
	Rows int    `json:"rows"`
}

// buildCV splits the units into folds (a seeded shuffle, dealt round-robin)
// and makes one task per fold.
func buildCV(f *File, p *Plan, panel *data.Panel) error {
	base, man := p.Tasks[0], p.Manifests[0]
	pl, err := man.Plan()
	if err != nil {
		return err
	}
	if err := cvSupported(pl.Spec); err != nil {
		return &Error{File: f.Path, Line: lineOf(f.Text, "model"), Msg: "cv: " + err.Error()}
	}
	units := slices.Clone(pl.Spec.Layout.Units)
	if len(units) < f.CV.Folds {
		return &Error{File: f.Path, Line: lineOf(f.Text, "folds"), Msg: fmt.Sprintf("[cv] folds = %d but the data have %d units", f.CV.Folds, len(units))}
	}
	p.Tasks, p.Manifests = nil, nil
	for k, fold := range UnitFolds(units, f.CV.Folds, man.Settings.Seed) {
		t := base
		t.Index = k
		t.CV = &CVTask{Fold: k + 1, Units: fold}
		p.Tasks = append(p.Tasks, t)
		p.Manifests = append(p.Manifests, man)
	}
	return nil
}

// cvSupported checks that runCV can score held-out units: a panel with
// units, and latent nodes it can integrate (see latentChildren).
func cvSupported(spec *sem.Spec) error {
	if len(spec.Layout.Units) == 0 {
		return fmt.Errorf("leave-units-out cross-validation needs a panel with units")
	}
	_, err := latentChildren(spec)
	return err
}

// runCV fits the data without the fold's units and scores their observed
// values. Each equation's values of a held-out unit are predicted given
// their observed parents (and offsets, trials and period effects); the
// unit's own intercept is unknown, so the prediction integrates it over its
// distribution normal(0, tau). For a gaussian equation that integral has a
// closed form (the unit's n values are jointly normal with covariance
// sigma²I + tau²J); for any other family it is taken by adaptive
// Gauss–Hermite quadrature of the product of the family's LogDensity over
// the unit's rows. The unit's elpd is the log of the joint density (summed
// over equations) averaged over the draws. A period that only held-out units
// have has no estimated effect; its effect is taken as 0, its prior mean.
func runCV(ctx context.Context, t *Task, m *fit.Manifest, tm *Timing) (*Result, error) {
	if t.CV == nil {
		return nil, fmt.Errorf("task %d: a cv task without its fold", t.Index)
	}
	pl, err := m.Plan()
	if err != nil {
		return nil, err
	}
	pl.ModelRef, pl.DataRef = m.Model, m.Data
	spec := pl.Spec
	if err := cvSupported(spec); err != nil {
		return nil, err
	}
	kids, err := latentChildren(spec)
	if err != nil {
		return nil, err
	}
	lay := spec.Layout
	out := map[int]bool{}
	for _, u := range t.CV.Units {
		j := slices.Index(lay.Units, u)
		if j < 0 {
			return nil, fmt.Errorf("fold %d: unit %s is not in the data", t.CV.Fold, u)
		}
		out[j] = true
	}
	// Hold the fold's values out of every equation. The families are
	// prepared on all the data first, so that an ordered node keeps the
	// categories only held-out units have.
	held := make([][]float64, len(spec.Equations))
	fams := make([]sem.Family, len(spec.Equations))
	for i := range spec.Equations {
		eq := &spec.Equations[i]
		if fams[i], err = prepareFamily(eq); err != nil {
			return nil, fmt.Errorf("node %s: %v", eq.Node, err)
		}
		eq.Family = fams[i]
		held[i] = eq.Y
		y := slices.Clone(eq.Y)
		for r := range y {
			if out[lay.Unit[r]] {
				y[r] = math.NaN()
			}
		}
		eq.Y = y
	}
	heldInd := heldIndicators(spec, out)
	f, err := fit.Run(ctx, pl, m.Settings, nil)
	if err != nil {
		return nil, err
	}
	countFit(f, tm)
	for c := range f.Manifest.Timing.GradEvals {
		tm.Sample += f.Manifest.Timing.Warmup[c] + f.Manifest.Timing.Sampling[c]
	}
	eds := make([]*eqDraws, len(spec.Equations))
	for i := range spec.Equations {
		if eds[i], err = drawsOf(f, &spec.Equations[i], fams[i], lay); err != nil {
			return nil, err
		}
	}
	lcs := make([]*latentCV, len(spec.Latents))
	for li := range spec.Latents {
		if lcs[li], err = newLatentCV(f, spec, li, heldInd[li], kids); err != nil {
			return nil, err
		}
	}
	S := eds[0].S
	nodes, weights := quadrature.Hermite(cvQuadNodes)
	res := &Result{Index: t.Index, Kind: t.Kind, Choices: t.Choices, Model: m.Model.Name, Diagnostics: diagnosticsOf(f),
		CV: &CVResult{Fold: t.CV.Fold}}
	total := 0.0
	for _, u := range t.CV.Units {
		j := slices.Index(lay.Units, u)
		// The unit's scored rows per equation.
		rows := make([][]int, len(spec.Equations))
		n := 0
		for i, eq := range spec.Equations {
			if _, ok := kids[i]; ok {
				continue // scored with its latent's block
			}
			for r := 0; r < lay.Rows; r++ {
				if lay.Unit[r] != j || math.IsNaN(held[i][r]) {
					continue
				}
				ok := eq.Offset == nil || !math.IsNaN(eq.Offset[r])
				if eds[i].trials {
					ok = ok && eq.Trials != nil && !math.IsNaN(eq.Trials[r])
				}
				for _, term := range eq.Terms {
					if math.IsNaN(term.X[r]) {
						ok = false
					}
				}
				if ok {
					rows[i] = append(rows[i], r)
				}
			}
			n += len(rows[i])
		}
		for _, lc := range lcs {
			_, k := lc.unitLogDensity(spec, j, held, eds, 0)
			n += k
		}
		ue := UnitElpd{Unit: u, Rows: n}
		if n == 0 {
			ue.Elpd = Num(math.NaN())
			res.CV.Units = append(res.CV.Units, ue)
			continue
		}
		lp := make([]float64, S)
		for s := 0; s < S; s++ {
			for i := range spec.Equations {
				if len(rows[i]) > 0 {
					lp[s] += eds[i].unitLogDensity(&spec.Equations[i], rows[i], held[i], s, lay, nodes, weights)
				}
			}
			for _, lc := range lcs {
				v, _ := lc.unitLogDensity(spec, j, held, eds, s)
				lp[s] += v
			}
		}
		ue.Elpd = Num(logMeanExp(lp))
		total += float64(ue.Elpd)
		res.CV.Rows += n
		res.CV.Units = append(res.CV.Units, ue)
	}
	res.CV.Elpd = Num(total)
	return res, nil
}

// cvQuadNodes is the number of Gauss–Hermite nodes of the unit-intercept
// integral (adaptive: centred on the integrand's mode and scaled by its
// curvature, so a few nodes suffice; TestUnitMarginal checks the accuracy).
const cvQuadNodes = 15

// eqDraws holds the draws of one equation's parameters.
type eqDraws struct {
	S      int
	fam    sem.Family
	gauss  bool
	trials bool
	a      []float64   // nil without an intercept
	b      [][]float64 // by term
	par    [][]float64 // the family's parameters, by ParamNames
	tau    []float64   // nil without unit intercepts
	rho    []float64   // AR(1) residuals: rho (cv_ar.go); nil without
	g      [][]float64 // by period index; nil entries: no effect
	buf    []float64   // a row's parameters (+ trials)
	mu     []float64   // scratch: the unit's linear predictors
}

// drawsOf reads eq's parameters' draws from the fit.
func drawsOf(f *fit.Fit, eq *sem.Equation, fam sem.Family, lay sem.Layout) (*eqDraws, error) {
	flat := func(name string) ([]float64, error) {
		ch := f.Param(name)
		if ch == nil {
			return nil, fmt.Errorf("the fit has no parameter %s", name)
		}
		var v []float64
		for _, c := range ch {
			v = append(v, c...)
		}
		return v, nil
	}
	ed := &eqDraws{fam: fam}
	_, ed.gauss = fam.(sem.Gaussian)
	_, ed.trials = fam.(sem.TrialsFamily)
	var err error
	if fam.Intercept() {
		if ed.a, err = flat("a." + eq.Node); err != nil {
			return nil, err
		}
		ed.S = len(ed.a)
	}
	for _, name := range fam.ParamNames(eq.Node) {
		v, err := flat(name)
		if err != nil {
			return nil, err
		}
		ed.par = append(ed.par, v)
		ed.S = len(v)
	}
	if eq.AR > 0 {
		if ed.rho, err = flat("ar." + eq.Node); err != nil {
			return nil, err
		}
	}
	if eq.UnitRE {
		if ed.tau, err = flat("tau." + eq.Node); err != nil {
			return nil, err
		}
	}
	for _, term := range eq.Terms {
		b, err := flat(sem.TermParamName(eq.Node, term))
		if err != nil {
			return nil, err
		}
		ed.b = append(ed.b, b)
		ed.S = len(b)
	}
	if eq.Time != sem.TimeNone {
		ed.g = make([][]float64, len(lay.Times))
		for t, label := range lay.Times {
			if ch := f.Param("g." + eq.Node + "." + label); ch != nil {
				ed.g[t], _ = flat("g." + eq.Node + "." + label)
			}
		}
	}
	if ed.S == 0 {
		return nil, fmt.Errorf("node %s: the fit has no draws of its parameters", eq.Node)
	}
	ed.buf = make([]float64, len(ed.par)+1)
	return ed, nil
}

// unitLogDensity is the log density of one held-out unit's values y at
// rows, at draw s, its unit intercept integrated out.
func (ed *eqDraws) unitLogDensity(eq *sem.Equation, rows []int, y []float64, s int, lay sem.Layout, nodes, weights []float64) float64 {
	ed.mu = ed.mu[:0]
	for _, r := range rows {
		mu := 0.0
		if ed.a != nil {
			mu = ed.a[s]
		}
		for k, term := range eq.Terms {
			mu += ed.b[k][s] * term.X[r]
		}
		if eq.Offset != nil {
			mu += eq.Offset[r]
		}
		if ed.g != nil && lay.Time != nil && ed.g[lay.Time[r]] != nil {
			mu += ed.g[lay.Time[r]][s]
		}
		ed.mu = append(ed.mu, mu)
	}
	tau := 0.0
	if ed.tau != nil {
		tau = ed.tau[s]
	}
	for k := range ed.par {
		ed.buf[k] = ed.par[k][s]
	}
	if ed.rho != nil && ed.gauss {
		return ed.arUnitLogDensity(rows, y, s, lay, tau) // cv_ar.go
	}
	if ed.rho != nil { // student: cv_ar.go
		h := func(u float64) float64 { return ed.arStudentUnit(rows, y, s, lay, u) }
		if tau == 0 {
			return h(0)
		}
		return quadrature.LogNormalMarginal(h, tau, nodes, weights)
	}
	if ed.gauss {
		sig2 := ed.buf[0] * ed.buf[0]
		var sse, se float64
		for i, r := range rows {
			e := y[r] - ed.mu[i]
			sse += e * e
			se += e
		}
		return csLogDensity(sse, se, len(rows), sig2, tau*tau)
	}
	par := ed.buf[:len(ed.par)]
	if ed.trials {
		par = ed.buf[:len(ed.par)+1]
	}
	h := func(u float64) float64 {
		l := 0.0
		for i, r := range rows {
			if ed.trials {
				par[len(ed.par)] = eq.Trials[r]
			}
			l += ed.fam.LogDensity(y[r], ed.mu[i]+u, par)
		}
		return l
	}
	if tau == 0 {
		return h(0)
	}
	return quadrature.LogNormalMarginal(h, tau, nodes, weights)
}

// csLogDensity is the log density of k values jointly normal around their
// means with covariance sig2·I + tau2·J (a shared normal(0, tau) intercept
// plus independent normal(0, sigma) noise), given the residuals' sum of
// squares sse and sum se: with v = sig2 + k·tau2, det = sig2^(k−1)·v and the
// quadratic form is (sse − tau2·se²/v)/sig2.
func csLogDensity(sse, se float64, k int, sig2, tau2 float64) float64 {
	kf := float64(k)
	v := sig2 + kf*tau2
	logdet := (kf-1)*math.Log(sig2) + math.Log(v)
	quad := (sse - tau2*se*se/v) / sig2
	return -0.5 * (kf*math.Log(2*math.Pi) + logdet + quad)
}

// logMeanExp is log(mean(exp(x))), computed stably.
func logMeanExp(x []float64) float64 {
	mx := math.Inf(-1)
	for _, v := range x {
		mx = math.Max(mx, v)
	}
	s := 0.0
	for _, v := range x {
		s += math.Exp(v - mx)
	}
	return mx + math.Log(s/float64(len(x)))
}

// CVSummary is the cross-validation's elpd per fold and in total, with the
// standard error over units (sqrt(n) × the sd of the units' elpd).
type CVSummary struct {
	Folds []CVResult `json:"folds"`
	Elpd  Num        `json:"elpd"`
	SE    Num        `json:"se"`
	Units int        `json:"units"`
}

func (c *Collection) collectCV(p *Plan) error {
	s := &CVSummary{}
	var per []float64
	var b strings.Builder
	b.WriteString("fold,unit,rows,elpd\n")
	for _, r := range c.Results {
		if r.CV == nil {
			continue
		}
		s.Folds = append(s.Folds, *r.CV)
		for _, u := range r.CV.Units {
			fmt.Fprintf(&b, "%d,%s,%d,%s\n", r.CV.Fold, u.Unit, u.Rows, fmtNum(u.Elpd))
			if !math.IsNaN(float64(u.Elpd)) {
				per = append(per, float64(u.Elpd))
			}
		}
	}
	sum, mean := 0.0, 0.0
	for _, v := range per {
		sum += v
	}
	n := float64(len(per))
	mean = sum / n
	ss := 0.0
	for _, v := range per {
		ss += (v - mean) * (v - mean)
	}
	s.Elpd, s.Units = Num(sum), len(per)
	s.SE = Num(math.NaN())
	if len(per) > 1 {
		s.SE = Num(math.Sqrt(n * ss / (n - 1)))
	}
	c.CV = s
	if err := c.write("elpd-units.csv", []byte(b.String())); err != nil {
		return err
	}
	var tb strings.Builder
	if err := c.cvTable().CSV(&tb); err != nil {
		return err
	}
	return c.write("elpd.csv", []byte(tb.String()))
}

func (c *Collection) cvTable() *table.Table {
	t := &table.Table{Columns: []string{"fold", "units", "rows", "elpd"}, Align: []table.Align{table.Left, table.Right, table.Right, table.Right}}
	if c.CV == nil {
		return t
	}
	for _, f := range c.CV.Folds {
		t.Rows = append(t.Rows, []string{fmt.Sprint(f.Fold), fmt.Sprint(len(f.Units)), fmt.Sprint(f.Rows), fmt.Sprintf("%.2f", float64(f.Elpd))})
	}
	t.Rows = append(t.Rows, []string{"total", fmt.Sprint(c.CV.Units), "", fmt.Sprintf("%.2f (se %.2f)", float64(c.CV.Elpd), float64(c.CV.SE))})
	return t
}
