package model

import (
	"fmt"
	"math"
	"strconv"

	"dilemma/data"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// ImplicationTest is the result of testing one implication against data
// with a partial correlation.
type ImplicationTest struct {
	Independence
	N            int      // complete rows used
	R            float64  // partial correlation of X and Y given Given
	Lo, Hi       float64  // 95% interval for R (Fisher z)
	P            float64  // two-sided p-value, t test with N-2-len(Given) degrees of freedom
	Contradicted bool     // P < alpha: the data contradict the implication
	Dropped      []string // fixed roots dropped from Given (constants: conditioning on them is vacuous)
	Skipped      string   // why the implication was not tested ("" when it was)
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
// no data are skipped with the reason.
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
	cache := map[string][]float64{}
	column := func(name string) ([]float64, string) {
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
// (Y) and the conditioning columns cols[2:], using complete rows.
func partialCorrelation(t *ImplicationTest, cols [][]float64) {
	k := len(cols) - 2
	rows := len(cols[0])
	var keep []int
	for i := 0; i < rows; i++ {
		ok := true
		for _, c := range cols {
			if math.IsNaN(c[i]) || math.IsInf(c[i], 0) {
				ok = false
				break
			}
		}
		if ok {
			keep = append(keep, i)
		}
	}
	n := len(keep)
	t.N = n
	df := n - 2 - k
	if df < 2 {
		t.Skipped = fmt.Sprintf("only %d complete rows for %d variables", n, len(cols))
		return
	}
	// Correlation matrix of the complete rows.
	p := len(cols)
	mean := make([]float64, p)
	for j, c := range cols {
		for _, i := range keep {
			mean[j] += c[i]
		}
		mean[j] /= float64(n)
	}
	cov := mat.NewSymDense(p, nil)
	for a := 0; a < p; a++ {
		for b := a; b < p; b++ {
			s := 0.0
			for _, i := range keep {
				s += (cols[a][i] - mean[a]) * (cols[b][i] - mean[b])
			}
			cov.SetSym(a, b, s/float64(n-1))
		}
	}
	for a := 0; a < p; a++ {
		if !(cov.At(a, a) > 0) {
			t.Skipped = "a variable has no variance in the complete rows"
			return
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(cov) {
		t.Skipped = "the variables are collinear in the complete rows"
		return
	}
	var prec mat.SymDense
	if err := ch.InverseTo(&prec); err != nil {
		t.Skipped = "the variables are collinear in the complete rows"
		return
	}
	r := -prec.At(0, 1) / math.Sqrt(prec.At(0, 0)*prec.At(1, 1))
	r = math.Max(-1, math.Min(1, r))
	t.R = r
	if math.Abs(r) == 1 {
		t.P = 0
		t.Lo, t.Hi = r, r
		return
	}
	tt := r * math.Sqrt(float64(df)/(1-r*r))
	st := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}
	t.P = 2 * st.Survival(math.Abs(tt))
	if n-k-3 > 0 {
		z, se := math.Atanh(r), 1/math.Sqrt(float64(n-k-3))
		t.Lo, t.Hi = math.Tanh(z-1.959963984540054*se), math.Tanh(z+1.959963984540054*se)
	}
}
