package report

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"dilemma/fit"
	"dilemma/model/sem"
	"dilemma/plots"
)

// Forest returns every edge strength's posterior summary (median, 50% and
// 90% intervals, expected sign and the probability of that sign) in the
// fit's edge order; loadings are left out (see Loadings). Edges whose
// summary is not finite (no draws) are skipped.
func Forest(f *fit.Fit) []plots.EdgeInterval {
	return Intervals(strengths(f))
}

// Loadings returns the loadings of latent nodes on their indicators in the
// same form as Forest: Parent is the latent node, Child the indicator.
func Loadings(f *fit.Fit) []plots.EdgeInterval {
	var ls []fit.EdgeSummary
	for _, e := range f.Edges {
		if e.Loading {
			ls = append(ls, e)
		}
	}
	return Intervals(ls)
}

// strengths returns the fit's edge strengths, loadings aside.
func strengths(f *fit.Fit) []fit.EdgeSummary {
	var out []fit.EdgeSummary
	for _, e := range f.Edges {
		if !e.Loading && e.Kind == "" {
			out = append(out, e)
		}
	}
	return out
}

// Intervals converts edge summaries for plots.Forest, skipping any whose
// quantiles are not finite.
func Intervals(es []fit.EdgeSummary) []plots.EdgeInterval {
	var out []plots.EdgeInterval
	for _, e := range es {
		iv := interval(e)
		if !finiteAll(iv.Q5, iv.Q25, iv.Q50, iv.Q75, iv.Q95, iv.PSign) {
			continue
		}
		out = append(out, iv)
	}
	return out
}

// interval converts one edge summary, naming its nodes for display.
func interval(e fit.EdgeSummary) plots.EdgeInterval {
	return plots.EdgeInterval{Child: Display(e.Child), Parent: Display(e.Parent), Lag: e.Lag, ExpectedSign: e.Sign,
		Q5: e.Q5, Q25: e.Q25, Q50: e.Q50, Q75: e.Q75, Q95: e.Q95, PSign: e.PSign}
}

// Display is how figures write a node name: underscores become spaces
// ("policy_stance" reads "policy stance"), which also lets long
// names wrap.
func Display(name string) string { return strings.ReplaceAll(name, "_", " ") }

// EdgeTitle names an edge in figures: "parent → child" in display names,
// with " (t−k)" after a lagged parent; a loading is "latent =~ indicator".
func EdgeTitle(e fit.EdgeSummary) string {
	if e.Loading {
		return Display(e.Parent) + " =~ " + Display(e.Child)
	}
	t := EdgeLabel(Display(e.Parent), Display(e.Child), e.Lag)
	if e.Kind != "" {
		t += " (" + e.Kind + ")"
	}
	return t
}

func finiteAll(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// EdgeLabel is how figures name an edge: "parent → child", with " (t−k)"
// after a lagged parent, as plots.EdgeInterval.Label writes it.
func EdgeLabel(parent, child string, lag int) string {
	return plots.EdgeInterval{Parent: parent, Child: child, Lag: lag}.Label()
}

// PriorDensity returns the density of a sem prior on the real line (on the
// positive half-line when positive is true: normal, student_t and cauchy
// are then truncated at 0, as sem does for scales). PriorDefault stands for
// normal(0, 1), sem's default for edge strengths. Flat priors have no
// density: the second result is false.
func PriorDensity(p sem.Prior, positive bool) (func(x float64) float64, bool) {
	var d interface{ Prob(float64) float64 }
	var mass float64 = 1 // probability of x > 0 before truncation
	switch p.Kind {
	case sem.PriorDefault:
		d = distuv.Normal{Mu: 0, Sigma: 1}
	case sem.PriorNormal:
		n := distuv.Normal{Mu: p.Mu, Sigma: p.Sigma}
		d, mass = n, 1-n.CDF(0)
	case sem.PriorStudentT:
		s := distuv.StudentsT{Mu: p.Mu, Sigma: p.Sigma, Nu: p.Nu}
		d, mass = s, 1-s.CDF(0)
	case sem.PriorCauchy:
		s := distuv.StudentsT{Mu: p.Mu, Sigma: p.Sigma, Nu: 1}
		d, mass = s, 1-s.CDF(0)
	case sem.PriorHalfNormal:
		d, mass, positive = distuv.Normal{Mu: 0, Sigma: p.Sigma}, 0.5, true
	case sem.PriorHalfCauchy:
		d, mass, positive = distuv.StudentsT{Mu: 0, Sigma: p.Sigma, Nu: 1}, 0.5, true
	case sem.PriorExponential:
		d, mass, positive = distuv.Exponential{Rate: p.Rate}, 1, true
	default: // flat, or a kind this package does not know
		return nil, false
	}
	if !positive {
		return d.Prob, true
	}
	return func(x float64) float64 {
		if x < 0 {
			return 0
		}
		return d.Prob(x) / mass
	}, true
}

// priorQuantileRange returns an interval holding the central 98% of the
// prior's mass (or the positive part's), for drawing it.
func priorQuantileRange(p sem.Prior) (lo, hi float64, ok bool) {
	switch p.Kind {
	case sem.PriorDefault:
		return -2.33, 2.33, true
	case sem.PriorNormal:
		n := distuv.Normal{Mu: p.Mu, Sigma: p.Sigma}
		return n.Quantile(0.01), n.Quantile(0.99), true
	case sem.PriorStudentT, sem.PriorCauchy:
		nu := p.Nu
		if p.Kind == sem.PriorCauchy {
			nu = 1
		}
		s := distuv.StudentsT{Mu: p.Mu, Sigma: p.Sigma, Nu: nu}
		return s.Quantile(0.05), s.Quantile(0.95), true
	case sem.PriorHalfNormal:
		return 0, 2.58 * p.Sigma, true
	case sem.PriorHalfCauchy:
		return 0, 12.7 * p.Sigma, true
	case sem.PriorExponential:
		return 0, 4.6 / p.Rate, true
	}
	return 0, 0, false
}

// Contraction returns, for every edge strength (loadings aside), its prior
// density and its posterior draws pooled over chains, for plots.Contraction.
// The drawing range covers the posterior and the prior's central mass, but
// stays within 6 posterior widths of the posterior, so that a posterior
// much narrower than its prior is still drawn as a curve rather than a
// spike (the prior then looks flat there, which is the point). Edges with a
// flat prior (no density to compare with) are left out; skipped names them.
func Contraction(f *fit.Fit) (edges []plots.EdgeDensity, skipped []string) {
	return Densities(f, strengths(f))
}

// Densities is Contraction for the chosen edges (loadings allowed: the
// first loading of each latent, constrained positive, gets its prior
// truncated to the positive half-line).
func Densities(f *fit.Fit, es []fit.EdgeSummary) (edges []plots.EdgeDensity, skipped []string) {
	coefs := map[string]sem.Coef{}
	for _, c := range f.Posterior.Coefficients() {
		coefs[c.Name] = c
	}
	first := map[string]bool{} // name of each latent's first loading
	for _, l := range f.Plan.Spec.Latents {
		if len(l.Indicators) > 0 {
			first["lambda."+l.Node+"."+l.Indicators[0].Node] = true
		}
	}
	for _, e := range es {
		c, ok := coefs[e.Name]
		draws := pooled(f.Param(e.Name))
		if !ok || len(draws) < 2 {
			skipped = append(skipped, e.Name)
			continue
		}
		dens, ok := PriorDensity(c.Prior, first[e.Name])
		if !ok {
			skipped = append(skipped, e.Name)
			continue
		}
		ed := plots.EdgeDensity{Name: EdgeTitle(e), PosteriorDraws: draws, Prior: dens, PriorVariance: c.PriorVar}
		if math.IsNaN(c.PriorVar) {
			ed.PriorVariance = 0 // no closed form: plots integrates the drawn density
		}
		ed.PriorRange = drawingRange(draws, c.Prior)
		if first[e.Name] && ed.PriorRange[0] < 0 {
			ed.PriorRange[0] = 0
		}
		edges = append(edges, ed)
	}
	return edges, skipped
}

// drawingRange chooses where to draw a prior against posterior draws.
func drawingRange(draws []float64, p sem.Prior) [2]float64 {
	s := append([]float64(nil), draws...)
	sort.Float64s(s)
	q := func(p float64) float64 { return s[int(math.Round(p*float64(len(s)-1)))] }
	lo, hi := q(0.001), q(0.999)
	width := hi - lo
	if !(width > 0) {
		width = math.Max(math.Abs(lo)*0.1, 0.1)
	}
	plo, phi, ok := priorQuantileRange(p)
	if !ok {
		plo, phi = lo-width, hi+width
	}
	rlo := math.Max(math.Min(lo-0.1*width, plo), lo-6*width)
	rhi := math.Min(math.Max(hi+0.1*width, phi), hi+6*width)
	return [2]float64{rlo, rhi}
}

// pooled concatenates the chains.
func pooled(chains [][]float64) []float64 {
	var out []float64
	for _, ch := range chains {
		out = append(out, ch...)
	}
	return out
}

// SelectEdges keeps the edges whose parameter name, label ("parent →
// child"), or arrow form ("parent -> child", with " [lag=k]") is in names,
// in the order of names; an unknown name is an error listing the choices.
func SelectEdges(f *fit.Fit, names []string) ([]fit.EdgeSummary, error) {
	var out []fit.EdgeSummary
	for _, n := range names {
		found := false
		for _, e := range f.Edges {
			if n == e.Name || n == e.Edge || n == EdgeLabel(e.Parent, e.Child, e.Lag) {
				out = append(out, e)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("no edge %q in the fit; edges are %s", n, listNames(f.EdgeNames()))
		}
	}
	return out, nil
}

// listNames joins names for an error message, eliding the middle of a long list.
func listNames(names []string) string {
	if len(names) > 12 {
		return strings.Join(names[:10], ", ") + fmt.Sprintf(", … (%d in all)", len(names))
	}
	return strings.Join(names, ", ")
}
