// Package standata exports a model bound to data by package fit in the
// layout the Stan programs of bench/stan read: per equation the rows it
// uses (where the node and all its parents are observed), its observed
// parents as a design matrix, its unit index per row and, for latent
// parents and indicators, the index of each row's latent value. It also
// maps every dilemma parameter name to the Stan expression that holds the
// same quantity, so that both tools' draws can be summarized with the same
// estimator.
//
// The row selection repeats package sem's rules (see model/sem/doc.go) and
// Export checks the result against the compiled posterior: the number of
// rows and units of every equation and the rows of every latent node must
// agree, or Export fails.
//
// Naming in the Stan data, for a node E (observed equation, latent node or
// indicator) and a latent parent P:
//
//	N_E, K_E, X_E, J_E, g_E   rows, observed parents, N×K design matrix,
//	                          units, unit of each row (1 … J)
//	y_E                       response (ordered: 1 … C_E; bernoulli: 0/1;
//	                          binomial families: successes)
//	T_E                       binomial families: trials of each row
//	C_E                       categories of an ordered node
//	l_E_P                     index of the row's value of latent P (1-based)
//	l_I                       an indicator's index into its latent's values
//	P_E, D_E                  AR(1) residuals (ar="1"): the row (1 … N) whose
//	                          residual each row follows, 0 for a unit's first,
//	                          and the gap in periods (0 for a unit's first)
//
// and in the Stan programs: a_E (intercept), b_E[k] (observed parents in
// model order), bl_E_P (latent parent), sigma_E, tau_E, r_E[j] (unit
// intercepts), sdv_E[s] and rv_E[j,s] (sd and unit deviations of the s-th
// strength varying by unit, in column vcol_E[s] of X_E; V_E of them),
// c_E[k] (cutpoints), phi_E (beta_binomial precision), ar_E
// (rho of AR(1) residuals),
// lambda_I (loading), eta_L[i] (latent values).
package standata

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"dilemma/fit"
	"dilemma/model/sem"
)

// Export is the Stan data of a plan and the name map.
type Export struct {
	// Data maps Stan data names to values (int, float64, []int, []float64,
	// [][]float64).
	Data map[string]any
	// Names are dilemma's parameter names in ParamNames order, Stan the
	// matching Stan expressions ("b_fear[2]").
	Names, Stan []string
	// Equations describe what each equation uses, for the report.
	Equations []Equation
}

// Equation is one equation's size.
type Equation struct {
	Node, Kind, Family string
	Rows, Units, K     int
}

// builder carries the state of one export.
type builder struct {
	spec    *sem.Spec
	lay     *sem.Layout
	ex      *Export
	names   map[string]string // dilemma name -> stan expression
	latent  map[string]int    // latent node -> index in spec.Latents
	etaRow  [][]int           // per latent, per layout row: 1-based eta index or 0
	etaRows [][]int           // per latent: layout rows with a value
	lag     map[[2]int]int    // (unit, ordinal) -> row
}

// New exports plan pl. post must be sem.Compile(pl.Spec).
func New(pl *fit.Plan, post *sem.Posterior) (*Export, error) {
	spec := pl.Spec
	if len(spec.Layout.Units) == 0 {
		return nil, fmt.Errorf("standata: the bench Stan programs need a panel with units")
	}
	if err := defaultPriors(spec); err != nil {
		return nil, err
	}
	b := &builder{spec: spec, lay: &spec.Layout, ex: &Export{Data: map[string]any{}},
		names: map[string]string{}, latent: map[string]int{}}
	for i, l := range spec.Latents {
		b.latent[l.Node] = i
	}
	b.etaRow = make([][]int, len(spec.Latents))
	b.etaRows = make([][]int, len(spec.Latents))
	for i := range spec.Latents {
		if err := b.latentRows(i); err != nil {
			return nil, err
		}
	}
	for _, e := range spec.Equations {
		if err := b.equation(e); err != nil {
			return nil, err
		}
	}
	for i, l := range spec.Latents {
		if err := b.latentEq(i, l); err != nil {
			return nil, err
		}
	}
	if err := b.check(post); err != nil {
		return nil, err
	}
	return b.ex, nil
}

// observed reports whether every term has a value at row r.
func (b *builder) observed(terms []sem.Term, r int) bool {
	for _, t := range terms {
		if t.X != nil {
			if math.IsNaN(t.X[r]) {
				return false
			}
			continue
		}
		lr := b.lagRow(r, t.Lag)
		if lr < 0 || b.etaRow[b.latent[t.Parent]][lr] == 0 {
			return false
		}
	}
	return true
}

// lagRow is the row of the same unit lag periods earlier, or −1.
func (b *builder) lagRow(r, lag int) int {
	if lag == 0 {
		return r
	}
	ord := b.lay.Ordinal
	if ord == nil {
		ord = b.lay.Time
	}
	if b.lag == nil {
		b.lag = map[[2]int]int{}
		for i := 0; i < b.lay.Rows; i++ {
			b.lag[[2]int{b.lay.Unit[i], ord[i]}] = i
		}
	}
	if j, ok := b.lag[[2]int{b.lay.Unit[r], ord[r] - lag}]; ok {
		return j
	}
	return -1
}

func (b *builder) latentRows(li int) error {
	l := b.spec.Latents[li]
	m := make([]int, b.lay.Rows)
	var rows []int
	for r := 0; r < b.lay.Rows; r++ {
		seen := false
		for _, ind := range l.Indicators {
			if !math.IsNaN(ind.Y[r]) {
				seen = true
			}
		}
		if seen && b.observed(l.Terms, r) {
			rows = append(rows, r)
			m[r] = len(rows)
		}
	}
	b.etaRow[li], b.etaRows[li] = m, rows
	return nil
}

// groups numbers the units present in rows 1 … J in unit order, as package
// sem does, and returns each row's group and the unit labels.
func (b *builder) groups(rows []int) ([]int, []string) {
	gi := make([]int, len(b.lay.Units))
	for _, r := range rows {
		gi[b.lay.Unit[r]] = -1
	}
	var labels []string
	for u := range gi {
		if gi[u] == -1 {
			labels = append(labels, b.lay.Units[u])
			gi[u] = len(labels)
		}
	}
	g := make([]int, len(rows))
	for i, r := range rows {
		g[i] = gi[b.lay.Unit[r]]
	}
	return g, labels
}

// design writes X_E, K_E and l_E_P and names the strengths of node's terms.
func (b *builder) design(node string, terms []sem.Term, rows []int) int {
	var cols [][]float64
	for _, t := range terms {
		name := sem.TermParamName(node, t)
		if t.X == nil {
			li := b.latent[t.Parent]
			idx := make([]int, len(rows))
			for i, r := range rows {
				idx[i] = b.etaRow[li][b.lagRow(r, t.Lag)]
			}
			b.ex.Data["l_"+node+"_"+t.Parent] = idx
			b.names[name] = "bl_" + node + "_" + t.Parent
			continue
		}
		col := make([]float64, len(rows))
		for i, r := range rows {
			col[i] = t.X[r]
		}
		cols = append(cols, col)
		b.names[name] = fmt.Sprintf("b_%s[%d]", node, len(cols))
	}
	x := make([][]float64, len(rows))
	for i := range rows {
		x[i] = make([]float64, len(cols))
		for k := range cols {
			x[i][k] = cols[k][i]
		}
	}
	b.ex.Data["K_"+node] = len(cols)
	b.ex.Data["X_"+node] = x
	return len(cols)
}

// slopes writes, for an equation with strengths varying by unit, V_E (how
// many) and vcol_E (their columns of X_E, 1-based), and names sd_v.… as
// sdv_E[s] and v.….UNIT as rv_E[j,s].
func (b *builder) slopes(node string, terms []sem.Term, rows []int) {
	var vcol []int
	k := 0
	_, labels := b.groups(rows)
	for _, t := range terms {
		if t.X == nil {
			continue
		}
		k++
		if !t.Varies {
			continue
		}
		vcol = append(vcol, k)
		s := len(vcol)
		stem := strings.TrimPrefix(sem.TermParamName(node, t), "b.")
		b.names["sd_v."+stem] = fmt.Sprintf("sdv_%s[%d]", node, s)
		for j, u := range labels {
			b.names["v."+stem+"."+u] = fmt.Sprintf("rv_%s[%d,%d]", node, j+1, s)
		}
	}
	if len(vcol) > 0 {
		b.ex.Data["V_"+node] = len(vcol)
		b.ex.Data["vcol_"+node] = vcol
	}
}

// units writes J_E and g_E and names the unit intercepts.
func (b *builder) units(node string, rows []int) int {
	g, labels := b.groups(rows)
	b.ex.Data["J_"+node] = len(labels)
	b.ex.Data["g_"+node] = g
	b.names["tau."+node] = "tau_" + node
	for j, u := range labels {
		b.names["u."+node+"."+u] = fmt.Sprintf("r_%s[%d]", node, j+1)
	}
	return len(labels)
}

func (b *builder) equation(e sem.Equation) error {
	fam := "gaussian"
	if e.Family != nil {
		fam = e.Family.Name()
	}
	var rows []int
	for r := 0; r < b.lay.Rows; r++ {
		if !math.IsNaN(e.Y[r]) && b.observed(e.Terms, r) {
			rows = append(rows, r)
		}
	}
	node := e.Node
	b.ex.Data["N_"+node] = len(rows)
	k := b.design(node, e.Terms, rows)
	J := 0
	if e.UnitRE {
		J = b.units(node, rows)
		b.slopes(node, e.Terms, rows)
	}
	switch fam {
	case "gaussian":
		y := make([]float64, len(rows))
		for i, r := range rows {
			y[i] = e.Y[r]
		}
		b.ex.Data["y_"+node] = y
		b.names["a."+node] = "a_" + node
		b.names["sigma."+node] = "sigma_" + node
		if e.AR > 0 {
			b.arChain(node, rows)
		}
	case "bernoulli", "poisson":
		y := make([]int, len(rows))
		for i, r := range rows {
			y[i] = int(e.Y[r])
		}
		b.ex.Data["y_"+node] = y
		b.names["a."+node] = "a_" + node
	case "binomial", "beta_binomial":
		y := make([]int, len(rows))
		n := make([]int, len(rows))
		for i, r := range rows {
			y[i] = int(e.Y[r])
			n[i] = int(e.Trials[r])
		}
		b.ex.Data["y_"+node] = y
		b.ex.Data["T_"+node] = n
		b.names["a."+node] = "a_" + node
		if fam == "beta_binomial" {
			b.names["phi."+node] = "phi_" + node
		}
	case "ordered":
		y := make([]int, len(rows))
		hi := 0
		for i, r := range rows {
			y[i] = int(e.Y[r]) + 1
			hi = max(hi, y[i])
		}
		b.ex.Data["y_"+node] = y
		b.ex.Data["C_"+node] = hi
		for c := 1; c < hi; c++ {
			b.names["c."+node+"."+strconv.Itoa(c)] = fmt.Sprintf("c_%s[%d]", node, c)
		}
	default:
		return fmt.Errorf("standata: node %s: family %s has no Stan counterpart here", node, fam)
	}
	b.ex.Equations = append(b.ex.Equations, Equation{Node: node, Kind: "observed", Family: fam, Rows: len(rows), Units: J, K: k})
	return nil
}

func (b *builder) latentEq(li int, l sem.Latent) error {
	rows := b.etaRows[li]
	node := l.Node
	b.ex.Data["N_"+node] = len(rows)
	k := b.design(node, l.Terms, rows)
	J := 0
	if l.UnitRE {
		J = b.units(node, rows)
	}
	b.ex.Equations = append(b.ex.Equations, Equation{Node: node, Kind: "latent", Family: "gaussian(sd=1)", Rows: len(rows), Units: J, K: k})
	for i, r := range rows {
		b.names["eta."+node+"."+b.lay.Units[b.lay.Unit[r]]+"."+b.lay.Times[b.lay.Time[r]]] = fmt.Sprintf("eta_%s[%d]", node, i+1)
	}
	for _, ind := range l.Indicators {
		if ind.Family != nil && ind.Family.Name() != "gaussian" {
			return fmt.Errorf("standata: indicator %s: only gaussian indicators are exported", ind.Node)
		}
		var y []float64
		var idx []int
		for _, r := range rows {
			if !math.IsNaN(ind.Y[r]) {
				y = append(y, ind.Y[r])
				idx = append(idx, b.etaRow[li][r])
			}
		}
		in := ind.Node
		b.ex.Data["N_"+in] = len(y)
		b.ex.Data["y_"+in] = y
		b.ex.Data["l_"+in] = idx
		b.names["a."+in] = "a_" + in
		b.names["sigma."+in] = "sigma_" + in
		b.names["lambda."+node+"."+in] = "lambda_" + in
		b.ex.Equations = append(b.ex.Equations, Equation{Node: in, Kind: "indicator", Family: "gaussian", Rows: len(y)})
	}
	return nil
}

// check compares the export with the compiled posterior and fills Names.
func (b *builder) check(post *sem.Posterior) error {
	infos := post.Equations()
	byNode := map[string]sem.EquationInfo{}
	for _, in := range infos {
		byNode[in.Node] = in
	}
	for _, e := range b.ex.Equations {
		in, ok := byNode[e.Node]
		if !ok {
			return fmt.Errorf("standata: node %s is not an equation of the posterior", e.Node)
		}
		if in.Rows != e.Rows || in.Units != e.Units {
			return fmt.Errorf("standata: node %s: exported %d rows and %d units, the posterior has %d and %d", e.Node, e.Rows, e.Units, in.Rows, in.Units)
		}
	}
	for li, l := range post.Latents() {
		if len(l.Rows) != len(b.etaRows[li]) {
			return fmt.Errorf("standata: latent %s: %d values exported, %d in the posterior", l.Node, len(b.etaRows[li]), len(l.Rows))
		}
		for k, r := range l.Rows {
			if int(r) != b.etaRows[li][k] {
				return fmt.Errorf("standata: latent %s: value %d is at row %d, the posterior has %d", l.Node, k+1, b.etaRows[li][k], r)
			}
		}
	}
	names := post.ParamNames()
	b.ex.Names = names
	b.ex.Stan = make([]string, len(names))
	var missing []string
	for i, n := range names {
		s, ok := b.names[n]
		if !ok {
			missing = append(missing, n)
			continue
		}
		b.ex.Stan[i] = s
	}
	if len(missing) > 0 {
		return fmt.Errorf("standata: no Stan name for %d parameter(s): %s", len(missing), strings.Join(missing[:min(5, len(missing))], ", "))
	}
	if len(b.names) != len(names) {
		return fmt.Errorf("standata: %d Stan names for %d parameters", len(b.names), len(names))
	}
	return nil
}

// WriteJSON writes the Stan data as one JSON object with sorted keys.
func (ex *Export) WriteJSON(w io.Writer) error {
	keys := make([]string, 0, len(ex.Data))
	for k := range ex.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if _, err := io.WriteString(w, "{\n"); err != nil {
		return err
	}
	for i, k := range keys {
		v, err := json.Marshal(ex.Data[k])
		if err != nil {
			return fmt.Errorf("standata: %s: %v", k, err)
		}
		sep := ",\n"
		if i == len(keys)-1 {
			sep = "\n"
		}
		if _, err := fmt.Fprintf(w, "  %q: %s%s", k, v, sep); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "}\n")
	return err
}

// WriteRDump writes the Stan data in R's dump format (rstan's read_rdump
// and CmdStan both read it): integers as integer vectors, matrices
// column-major with their dimensions.
// dimOpen and dimClose wrap a vector of length 1 in structure(…, .Dim = 1L).
func dimOpen(n int) string {
	if n == 1 {
		return "structure("
	}
	return ""
}

func dimClose(n int) string {
	if n == 1 {
		return ", .Dim = 1L)"
	}
	return ""
}

func (ex *Export) WriteRDump(w io.Writer) error {
	keys := make([]string, 0, len(ex.Data))
	for k := range ex.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	bw := &errWriter{w: w}
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for _, k := range keys {
		switch v := ex.Data[k].(type) {
		case int:
			bw.printf("%s <- %dL\n", k, v)
		case []int:
			// A length-1 vector carries its dimension, or rstan reads it
			// as a scalar and refuses it for an array of size 1.
			bw.printf("%s <- %sc(", k, dimOpen(len(v)))
			for i, x := range v {
				if i > 0 {
					bw.printf(",")
				}
				bw.printf("%dL", x)
			}
			bw.printf(")%s\n", dimClose(len(v)))
		case []float64:
			bw.printf("%s <- %sc(", k, dimOpen(len(v)))
			for i, x := range v {
				if i > 0 {
					bw.printf(",")
				}
				bw.printf("%s", num(x))
			}
			bw.printf(")%s\n", dimClose(len(v)))
		case [][]float64:
			ncol := 0
			if len(v) > 0 {
				ncol = len(v[0])
			}
			bw.printf("%s <- structure(c(", k)
			first := true
			for c := 0; c < ncol; c++ {
				for r := range v {
					if !first {
						bw.printf(",")
					}
					first = false
					bw.printf("%s", num(v[r][c]))
				}
			}
			bw.printf("), .Dim = c(%dL, %dL))\n", len(v), ncol)
		default:
			return fmt.Errorf("standata: %s: cannot write %T", k, v)
		}
	}
	return bw.err
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}

// WriteNames writes the name map as CSV: dilemma name (as the chain CSV
// files spell it, fit.CSVName), Stan expression.
func (ex *Export) WriteNames(w io.Writer) error {
	if _, err := io.WriteString(w, "dilemma,stan\n"); err != nil {
		return err
	}
	for i, n := range ex.Names {
		st := ex.Stan[i]
		if strings.Contains(st, ",") {
			st = `"` + st + `"` // a matrix element, rv_E[j,s]
		}
		if _, err := fmt.Fprintf(w, "%s,%s\n", fit.CSVName(n), st); err != nil {
			return err
		}
	}
	return nil
}

// defaultPriors fails when the model sets a prior: the Stan programs state
// sem's default priors and fit's prior of indicator sds
// (fit.IndicatorSigmaPrior), nothing else.
func defaultPriors(spec *sem.Spec) error {
	bad := func(node string) error {
		return fmt.Errorf("standata: node %s sets a prior; the bench Stan programs use the default priors only", node)
	}
	terms := func(node string, ts []sem.Term) error {
		for _, t := range ts {
			if t.Prior.Kind != sem.PriorDefault {
				return bad(node)
			}
		}
		return nil
	}
	for _, e := range spec.Equations {
		if err := terms(e.Node, e.Terms); err != nil {
			return err
		}
		if e.Intercept.Kind != sem.PriorDefault || e.Tau.Kind != sem.PriorDefault || e.Time != sem.TimeNone {
			return bad(e.Node)
		}
		switch f := e.Family.(type) {
		case sem.Gaussian:
			if f.Sigma.Kind != sem.PriorDefault {
				return bad(e.Node)
			}
		case sem.Ordered:
			if f.Cutpoints.Kind != sem.PriorDefault {
				return bad(e.Node)
			}
		case sem.BetaBinomial:
			if f.Phi.Kind != sem.PriorDefault {
				return bad(e.Node)
			}
		}
	}
	for _, l := range spec.Latents {
		if err := terms(l.Node, l.Terms); err != nil {
			return err
		}
		if l.Tau.Kind != sem.PriorDefault || l.Time != sem.TimeNone {
			return bad(l.Node)
		}
		for _, ind := range l.Indicators {
			if ind.Intercept.Kind != sem.PriorDefault || ind.Loading.Kind != sem.PriorDefault {
				return bad(ind.Node)
			}
			if g, ok := ind.Family.(sem.Gaussian); !ok || g.Sigma != fit.IndicatorSigmaPrior {
				return fmt.Errorf("standata: indicator %s: the bench Stan programs give indicators gaussian noise with sd ~ %s", ind.Node, fit.IndicatorSigmaPrior)
			}
		}
	}
	return nil
}

// arChain writes P_E and D_E, the residual chain of an equation with AR(1)
// residuals over its rows (in layout order), and names rho.
func (b *builder) arChain(node string, rows []int) {
	ord := b.lay.Ordinal
	if ord == nil {
		ord = b.lay.Time
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(x, y int) bool {
		rx, ry := rows[idx[x]], rows[idx[y]]
		if b.lay.Unit[rx] != b.lay.Unit[ry] {
			return b.lay.Unit[rx] < b.lay.Unit[ry]
		}
		return ord[rx] < ord[ry]
	})
	prev := make([]int, len(rows))
	gap := make([]int, len(rows))
	for k := 1; k < len(idx); k++ {
		i, j := idx[k], idx[k-1]
		if b.lay.Unit[rows[i]] == b.lay.Unit[rows[j]] {
			prev[i], gap[i] = j+1, ord[rows[i]]-ord[rows[j]]
		}
	}
	b.ex.Data["P_"+node] = prev
	b.ex.Data["D_"+node] = gap
	b.names["ar."+node] = "ar_" + node
}
