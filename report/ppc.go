package report

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"dilemma/fit"
	"dilemma/report/predict"
)

// DefaultPPCDraws is the number of posterior draws a predictive check
// replicates the data from.
const DefaultPPCDraws = 50

// maxDiscreteValues is the most distinct values a count node may take and
// still be drawn as bars (plots draws at most 60 categories).
const maxDiscreteValues = 40

// PredictModel resolves the fit's equations for prediction. Its draw
// vectors are in the order of the posterior's parameters (see Draw).
func PredictModel(f *fit.Fit) (*predict.Model, error) {
	return predict.New(f.Plan.Spec, f.Posterior)
}

// drawIndex maps each of the posterior's parameters to its column in
// f.Draws, −1 where the fit does not keep it: a fit directory keeps the
// latent nodes' values only when written with --save-latent.
func drawIndex(f *fit.Fit) ([]int, error) {
	col := make(map[string]int, len(f.Names))
	for j, n := range f.Names {
		col[n] = j
	}
	names := f.Posterior.ParamNames()
	idx := make([]int, len(names))
	for k, n := range names {
		j, ok := col[n]
		switch {
		case ok:
			idx[k] = j
		case strings.HasPrefix(n, "eta."), strings.HasPrefix(n, "mi."):
			idx[k] = -1
		default:
			return nil, fmt.Errorf("the fit has no draws of parameter %s of its model; was the fit directory written by another version?", n)
		}
	}
	return idx, nil
}

// Draw returns draw i of chain c as a vector of every parameter's value in
// the order of f.Posterior.ParamNames, the order package predict reads;
// latent values the fit does not keep are NaN.
func Draw(f *fit.Fit, c, i int) []float64 {
	idx, err := drawIndex(f)
	if err != nil {
		return nil
	}
	return drawAt(f, idx, c, i)
}

func drawAt(f *fit.Fit, idx []int, c, i int) []float64 {
	theta := make([]float64, len(idx))
	for k, j := range idx {
		if j < 0 {
			theta[k] = math.NaN()
			continue
		}
		theta[k] = f.Draws[c][j][i]
	}
	return theta
}

// missingLatent names the latent node whose values e reads and the fit does
// not keep, or "".
func missingLatent(e *predict.Equation, idx []int) string {
	for _, t := range e.Terms {
		for _, k := range t.Eta {
			if k >= 0 && idx[k] < 0 {
				return t.Parent
			}
		}
	}
	return ""
}

// ThinnedDraws returns up to n (chain, draw) pairs spread evenly over the
// pooled draws of every chain.
func ThinnedDraws(f *fit.Fit, n int) [][2]int {
	var all [][2]int
	for c := range f.Draws {
		if len(f.Draws[c]) == 0 {
			continue
		}
		for i := range f.Draws[c][0] {
			all = append(all, [2]int{c, i})
		}
	}
	if n <= 0 || len(all) <= n {
		return all
	}
	out := make([][2]int, n)
	for k := range out {
		out[k] = all[k*(len(all)-1)/max(1, n-1)]
	}
	return out
}

// PPCData is a posterior predictive check of one node: its observed values
// over the rows its equation uses and data sets replicated at thinned
// posterior draws over the same rows.
type PPCData struct {
	Node       string
	Family     string
	Rows       []int       // layout rows
	Observed   []float64   // the node's values at Rows
	Replicated [][]float64 // one data set per draw, each over Rows
	// Discrete says whether to draw bars (a discrete family with an upper
	// bound, counts with few distinct values) rather than densities.
	Discrete bool
}

// PPCNodes lists the nodes a predictive check can be drawn for: observed
// nodes with an equation, then indicators of latent nodes.
func PPCNodes(f *fit.Fit) []string {
	var obs, ind []string
	for _, in := range f.Posterior.Equations() {
		switch in.Kind {
		case predict.Observed:
			obs = append(obs, in.Node)
		case predict.Indicator:
			ind = append(ind, in.Node)
		}
	}
	return append(obs, ind...)
}

// DefaultPPCNode is the node a predictive check shows when none is named:
// the outcome if it is observed, else the last observed node with an
// equation (the closest to the outcome in the model's order).
func DefaultPPCNode(f *fit.Fit) string {
	nodes := PPCNodes(f)
	var last string
	for _, in := range f.Posterior.Equations() {
		if in.Kind == predict.Observed {
			last = in.Node
			if n := f.Plan.Model.Node(in.Node); n != nil && (n.Outcome || n.Role == "outcome") {
				return in.Node
			}
		}
	}
	if last == "" && len(nodes) > 0 {
		last = nodes[0]
	}
	return last
}

// PPC replicates node's data at ndraws posterior draws spread over the
// chains (DefaultPPCDraws when ndraws ≤ 0), each value drawn from the
// node's family at the draw's linear predictor. The same seed gives the
// same replications.
func PPC(f *fit.Fit, node string, ndraws int, seed uint64) (*PPCData, error) {
	m, err := PredictModel(f)
	if err != nil {
		return nil, err
	}
	e := m.Equation(node)
	if e == nil || e.Kind == predict.Latent {
		return nil, fmt.Errorf("no observed node %q with an equation in the fit; choose one of %s", node, listNames(PPCNodes(f)))
	}
	if ndraws <= 0 {
		ndraws = DefaultPPCDraws
	}
	idx, err := drawIndex(f)
	if err != nil {
		return nil, err
	}
	if lat := missingLatent(e, idx); lat != "" {
		var ok []string
		for _, n := range PPCNodes(f) {
			if en := m.Equation(n); en != nil && missingLatent(en, idx) == "" {
				ok = append(ok, n)
			}
		}
		alt := "no other node can be checked either"
		if len(ok) > 0 {
			alt = "nodes that can be checked: " + listNames(ok)
		}
		return nil, fmt.Errorf("node %s depends on the latent %s, whose values this fit directory does not keep; refit with 'dilemma fit … --save-latent' (%s)", node, lat, alt)
	}
	d := &PPCData{Node: node, Family: e.Family, Rows: e.Rows()}
	if len(d.Rows) < 2 {
		return nil, fmt.Errorf("node %s: %d rows with data; a predictive check needs at least 2", node, len(d.Rows))
	}
	d.Observed = make([]float64, len(d.Rows))
	for i, r := range d.Rows {
		d.Observed[i] = e.Y[r]
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for _, cd := range ThinnedDraws(f, ndraws) {
		theta := drawAt(f, idx, cd[0], cd[1])
		rep := e.Replicate(theta, d.Rows, rng)
		for i, v := range rep {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("node %s: replicated value at row %d of chain %d draw %d is %v", node, d.Rows[i]+1, cd[0]+1, cd[1]+1, v)
			}
		}
		d.Replicated = append(d.Replicated, rep)
	}
	// Bars for a discrete family with a finite upper bound (bernoulli,
	// ordered), and for an unbounded one (counts) with few distinct values.
	if sup := e.Fam.Support(e.Par(drawAt(f, idx, 0, 0), d.Rows[0])); sup.Discrete {
		d.Discrete = !math.IsInf(sup.Upper, 1) || distinct(d.Observed, d.Replicated) <= maxDiscreteValues
	}
	return d, nil
}

// distinct counts the distinct values of the observed and replicated data.
func distinct(obs []float64, reps [][]float64) int {
	seen := map[float64]bool{}
	for _, v := range obs {
		seen[v] = true
	}
	for _, r := range reps {
		for _, v := range r {
			seen[v] = true
			if len(seen) > maxDiscreteValues {
				return len(seen)
			}
		}
	}
	return len(seen)
}
