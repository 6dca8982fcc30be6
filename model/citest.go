package model

import (
	"fmt"
	"math"
	"strconv"

	"dilemma/data"
	"dilemma/model/citest"
)

// ImplicationTest is the result of testing one implication against data
// with a partial correlation.
type ImplicationTest struct {
	Independence
	Group        ImplicationGroup // cross-node or autocorrelation (TestPanel)
	Method       citest.Method    // how it was tested
	N            int              // complete rows used
	Clusters     int              // units contributing (within-unit methods)
	R            float64          // partial correlation of X and Y given Given
	Lo, Hi       float64          // 95% interval for R
	T, DF        float64          // the test statistic and its degrees of freedom
	P            float64          // two-sided p-value
	PHolm        float64          // P adjusted by Holm's method within the group (TestPanel)
	Contradicted bool             // P < alpha: the data contradict the implication
	Dropped      []string         // conditioning nodes left out: fixed roots (constants), and for within-unit tests nodes without variation within units (the unit effects absorb them)
	Skipped      string           // why the implication was not tested ("" when it was)
	Untestable   bool             // not tested because X or Y has no variation within units
}

// NodeColumn returns the data column and transform pipeline behind an
// analysis node name: the node's column and transform, with "|lag(k)"
// appended for name@t-k. ok is false when the node has no column (a latent
// node, or a node without data).
func (m *Model) NodeColumn(name string) (column, transform string, ok bool) {
	base, k, valid := SplitSliceName(name)
	n := m.Node(base)
	if !valid || n == nil || n.Column == "" {
		return "", "", false
	}
	spec := n.Transform
	if k > 0 {
		if spec != "" {
			spec += "|"
		}
		spec += "lag(" + strconv.Itoa(k) + ")"
	}
	return n.Column, spec, true
}

// TestImplications tests each implication against the panel p: the
// partial correlation of X and Y given Given, computed on the rows where
// all of them are observed, with a t-test p-value. An implication is
// contradicted when P < alpha. Rows of a panel are not independent (the
// same country recurs), so the p-values are optimistic: read R and its
// interval as well. The model is bound to p as Bind does (a node without
// column= reads the column of its name); implications with a node that has
// no data are skipped with the reason. On a panel, TestPanel is the test to
// use: it tests within units with errors clustered by unit.
func (m *Model) TestImplications(p *data.Panel, imps []Independence, alpha float64) ([]ImplicationTest, error) {
	bm, binds, err := m.bind(panelColumns(p), p.Name, false, panelKeys(p))
	if err != nil {
		return nil, err
	}
	why := map[string]string{}
	for _, b := range binds {
		if b.Kind == BindNone {
			why[b.Node] = b.Why
		}
	}
	m = bm
	column := m.columnSource(p, why)
	fixed := func(name string) bool {
		base, _, _ := SplitSliceName(name)
		n := m.Node(base)
		return n != nil && n.Fixed()
	}
	var out []ImplicationTest
	for _, imp := range imps {
		t := ImplicationTest{Independence: imp, R: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), P: math.NaN()}
		var cols [][]float64
		for _, name := range []string{imp.X, imp.Y} {
			if fixed(name) {
				t.Skipped = name + " is fixed (a constant): nothing to test"
				break
			}
			x, why := column(name)
			if why != "" {
				t.Skipped = why
				break
			}
			cols = append(cols, x)
		}
		if t.Skipped == "" {
			for _, name := range imp.Given {
				if fixed(name) {
					t.Dropped = append(t.Dropped, name)
					continue
				}
				x, why := column(name)
				if why != "" {
					t.Skipped = why
					break
				}
				cols = append(cols, x)
			}
		}
		if t.Skipped == "" {
			partialCorrelation(&t, cols)
			t.Contradicted = t.Skipped == "" && t.P < alpha
		}
		out = append(out, t)
	}
	return out, nil
}

// partialCorrelation fills N, R, Lo, Hi and P from cols[0] (X), cols[1]
// (Y) and the conditioning columns cols[2:], using complete rows: the
// pooled test of package citest.
func partialCorrelation(t *ImplicationTest, cols [][]float64) {
	r := citest.Test(citest.Data{Y: cols[1], X: cols[0], Z: cols[2:]}, citest.Pooled)
	t.N, t.R, t.Lo, t.Hi, t.P, t.T, t.DF = r.N, r.R, r.Lo, r.Hi, r.P, r.T, r.DF
	t.Skipped = r.Untestable
}

// PanelTestOptions says how TestPanel tests implications.
type PanelTestOptions struct {
	Method citest.Method // Within (the default), WithinTime or Pooled
	Alpha  float64       // contradicted when p < Alpha; 0 means 0.05
}

// GroupSummary counts the results of one group of implications.
type GroupSummary struct {
	Implications     int // listed
	Tested           int // with a p-value
	Untestable       int // X or Y without variation within units
	Contradicted     int // p < alpha
	ContradictedHolm int // Holm-adjusted p < alpha (family-wise error alpha within the group)
	ContradictedBH   int // Benjamini-Hochberg-adjusted p < alpha (false discovery rate alpha)
}

// Share is the share of tested implications contradicted at alpha
// (NaN when none was tested).
func (s GroupSummary) Share() float64 {
	if s.Tested == 0 {
		return math.NaN()
	}
	return float64(s.Contradicted) / float64(s.Tested)
}

// ImplicationReport is the result of TestPanel.
type ImplicationReport struct {
	Data    string
	Method  citest.Method
	Alpha   float64
	Tests   []ImplicationTest // in the order of PanelImplications
	Summary map[ImplicationGroup]GroupSummary
	// Complete is false when the graph was too large to list every
	// implication within MaxImplicationWork: only the first pairs' are
	// tested.
	Complete bool
}

// TestPanel tests the graph's panel implications (PanelImplications; on a
// panel a model without lagged edges is unrolled over two periods, so that
// its implications include lagged pairs) on p by opt.Method (see package citest): by default each implication X ⟂ Y
// | Z becomes a within-unit regression of the later of X and Y (the one at
// t, or the one later in causal order) on the other and Z, every variable
// demeaned within its unit, with errors clustered by unit. Lagged nodes
// (name@t-k) are the node's column lagged k periods within its unit. A
// node whose column is constant within every unit cannot be tested within
// units (Untestable); as a conditioning node it is dropped, since the unit
// effects absorb it. Fixed roots are dropped from Z; nodes without data
// make the implication untested, with the reason. The summary counts
// contradictions per group at alpha, raw and corrected for multiplicity
// (Holm and Benjamini-Hochberg, within each group).
func (m *Model) TestPanel(p *data.Panel, opt PanelTestOptions) (*ImplicationReport, error) {
	if opt.Alpha == 0 {
		opt.Alpha = 0.05
	}
	if !(opt.Alpha > 0 && opt.Alpha < 1) {
		return nil, fmt.Errorf("alpha must lie between 0 and 1, got %v", opt.Alpha)
	}
	if opt.Method != citest.Pooled && !p.IsPanel() {
		return nil, fmt.Errorf("%s is a cross-section (no unit key): the %s test needs a panel; use the pooled test", p.Name, opt.Method)
	}
	// Bind as fit does: a node without column= reads its own name's column.
	bm, _, err := m.bind(panelColumns(p), p.Name, false, panelKeys(p))
	if err != nil {
		return nil, err
	}
	m = bm
	periods := m.Periods()
	if p.IsPanel() {
		periods = max(periods, 2)
	}
	imps, complete, err := m.panelImplications(periods, MaxImplicationWork)
	if err != nil {
		return nil, err
	}
	order, err := m.TopoOrder()
	if err != nil {
		return nil, err
	}
	rank := map[string]int{}
	for i, n := range order {
		rank[n] = i
	}
	cols := m.columnSource(p, nil)
	var unit, period, ordinal []int
	if p.IsPanel() {
		unit, period, ordinal = p.UnitIndex(), p.TimeIndex(), p.TimeOrdinal()
	}
	rep := &ImplicationReport{Data: p.Name, Method: opt.Method, Alpha: opt.Alpha, Summary: map[ImplicationGroup]GroupSummary{}, Complete: complete}
	for _, imp := range imps {
		t := m.testOne(imp, cols, unit, period, ordinal, rank, opt.Method)
		t.Contradicted = t.Skipped == "" && t.P < opt.Alpha
		rep.Tests = append(rep.Tests, t)
	}
	rep.summarize()
	return rep, nil
}

func (rep *ImplicationReport) summarize() {
	for _, g := range []ImplicationGroup{CrossNode, Autocorrelation} {
		var idx []int
		var ps []float64
		s := GroupSummary{}
		for i, t := range rep.Tests {
			if t.Group != g {
				continue
			}
			s.Implications++
			if t.Untestable {
				s.Untestable++
			}
			if t.Skipped != "" {
				continue
			}
			s.Tested++
			if t.Contradicted {
				s.Contradicted++
			}
			idx = append(idx, i)
			ps = append(ps, t.P)
		}
		holm, bh := citest.Holm(ps), citest.BH(ps)
		for j, i := range idx {
			rep.Tests[i].PHolm = holm[j]
			if holm[j] < rep.Alpha {
				s.ContradictedHolm++
			}
			if bh[j] < rep.Alpha {
				s.ContradictedBH++
			}
		}
		rep.Summary[g] = s
	}
}

// columnSource returns a cached lookup of an analysis node's data: its
// transformed column (lagged within unit for name@t-k), or the reason it
// has none (why[node], when the binding gave one).
func (m *Model) columnSource(p *data.Panel, why map[string]string) func(name string) ([]float64, string) {
	cache := map[string][]float64{}
	return func(name string) ([]float64, string) {
		col, spec, ok := m.NodeColumn(name)
		if !ok {
			base, _, _ := SplitSliceName(name)
			if w := why[base]; w != "" {
				return nil, w
			}
			return nil, fmt.Sprintf("%s has no column", name)
		}
		key := col + "\x00" + spec
		if x, ok := cache[key]; ok {
			return x, ""
		}
		if !p.Has(col) {
			return nil, fmt.Sprintf("column %s (node %s) is not in %s", col, name, p.Name)
		}
		x, err := p.Transform(col, spec)
		if err != nil {
			return nil, fmt.Sprintf("node %s: %v", name, err)
		}
		cache[key] = x
		return x, ""
	}
}

// testOne tests one panel implication.
func (m *Model) testOne(imp PanelImplication, column func(string) ([]float64, string), unit, period, ordinal []int, rank map[string]int, method citest.Method) ImplicationTest {
	t := ImplicationTest{Independence: imp.Independence, Group: imp.Group, Method: method,
		R: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), T: math.NaN(), DF: math.NaN(), P: math.NaN(), PHolm: math.NaN()}
	fixed := func(name string) bool {
		base, _, _ := SplitSliceName(name)
		n := m.Node(base)
		return n != nil && n.Fixed()
	}
	// The dependent variable is the later one: at t rather than t-k, or
	// later in causal order.
	dep, ind := imp.Y, imp.X
	bx, kx, _ := SplitSliceName(imp.X)
	by, ky, _ := SplitSliceName(imp.Y)
	if kx < ky || kx == ky && rank[bx] > rank[by] {
		dep, ind = imp.X, imp.Y
	}
	var d citest.Data
	for i, name := range []string{dep, ind} {
		if fixed(name) {
			t.Skipped = name + " is fixed (a constant): nothing to test"
			return t
		}
		x, why := column(name)
		if why != "" {
			t.Skipped = why
			return t
		}
		if i == 0 {
			d.Y = x
		} else {
			d.X = x
		}
	}
	var zNames []string
	for _, name := range imp.Given {
		if fixed(name) {
			t.Dropped = append(t.Dropped, name)
			continue
		}
		x, why := column(name)
		if why != "" {
			t.Skipped = why
			return t
		}
		d.Z = append(d.Z, x)
		zNames = append(zNames, name)
	}
	d.Unit, d.Period = unit, period
	if imp.Group == Autocorrelation {
		d.Jackknife, d.Ordinal = true, ordinal
	}
	r := citest.Test(d, method)
	t.N, t.Clusters, t.R, t.Lo, t.Hi, t.T, t.DF, t.P = r.N, r.Clusters, r.R, r.Lo, r.Hi, r.T, r.DF, r.P
	for _, j := range r.DroppedZ {
		t.Dropped = append(t.Dropped, zNames[j])
	}
	if !r.Tested() {
		t.Skipped = r.Untestable
		if r.Invariant == 0 || r.Invariant == 1 {
			name := dep
			if r.Invariant == 1 {
				name = ind
			}
			if method == citest.Pooled {
				t.Skipped = name + " has no variance in the complete rows"
			} else {
				t.Untestable = true
				t.Skipped = fmt.Sprintf("untestable within units: %s has %s", name, r.Untestable)
			}
		}
	}
	return t
}
