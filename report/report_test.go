package report

import (
	"math"
	"slices"
	"strings"
	"testing"

	"dilemma/fit"
	"dilemma/model/sem"
	"dilemma/plots"
)

func TestDAGInputWithoutFit(t *testing.T) {
	m := mustModel(t)
	g := DAGInput(m, nil)
	if len(g.Nodes) != len(m.Nodes) || len(g.Edges) != len(m.Edges) {
		t.Fatalf("%d nodes, %d edges; want %d, %d", len(g.Nodes), len(g.Edges), len(m.Nodes), len(m.Edges))
	}
	nodes := map[string]plots.DAGNode{}
	for _, n := range g.Nodes {
		nodes[n.Name] = n
		if n.Pos == nil {
			t.Errorf("node %s lost its pos= attribute", n.Name)
		}
	}
	if !nodes["L"].Latent || nodes["x"].Latent {
		t.Error("latent flags wrong")
	}
	if !nodes["r"].Remedy || nodes["y"].Remedy {
		t.Error("remedy flags wrong")
	}
	if !nodes["y"].Outcome || nodes["c"].Outcome {
		t.Error("outcome flags wrong")
	}
	if p := nodes["y"].Pos; p == nil || *p != [2]float64{2, 1} {
		t.Errorf("pos of y = %v, want (2, 1)", p)
	}
	var lagged, bidir, signed int
	for _, e := range g.Edges {
		if e.Estimate != nil {
			t.Errorf("edge %s -> %s has an estimate without a fit", e.From, e.To)
		}
		if e.Lag == 1 && e.From == "x" && e.To == "y" {
			lagged++
		}
		if e.Bidirected {
			bidir++
		}
		if e.From == "r" && e.To == "y" && e.ExpectedSign == -1 {
			signed++
		}
	}
	if lagged != 1 || bidir != 1 || signed != 1 {
		t.Errorf("lagged %d, bidirected %d, r -> y with sign − %d; want one each", lagged, bidir, signed)
	}
	// labels: the label= attribute, else the name with spaces
	m.Node("x").Label = "Exposure X"
	for _, n := range DAGInput(m, nil).Nodes {
		if n.Name == "x" && n.Label != "Exposure X" || n.Name == "y" && n.Label != "y" {
			t.Errorf("label of %s = %q", n.Name, n.Label)
		}
	}
	if _, err := plots.DAG(plots.Options{}, g); err != nil {
		t.Fatal(err)
	}
}

func TestDAGInputWithFit(t *testing.T) {
	f := testFit(t)
	g := DAGInput(f.Plan.Model, f)
	want := map[string]fit.EdgeSummary{}
	for _, e := range f.Edges {
		if !e.Loading {
			want[e.Edge] = e
		}
	}
	n := 0
	for _, e := range g.Edges {
		key := e.From + " -> " + e.To
		if e.Lag > 0 {
			key += " [lag=1]"
		}
		es, ok := want[key]
		switch {
		case e.Bidirected && e.Estimate != nil:
			t.Errorf("bidirected %s has an estimate", key)
		case !e.Bidirected && ok && e.Estimate == nil:
			t.Errorf("%s: no estimate", key)
		case e.Estimate != nil:
			n++
			if e.Estimate.Q50 != es.Q50 || e.Estimate.Q5 != es.Q5 || e.Estimate.Q95 != es.Q95 {
				t.Errorf("%s: estimate %+v, fit says %v [%v, %v]", key, *e.Estimate, es.Q50, es.Q5, es.Q95)
			}
		}
	}
	if n != len(want) {
		t.Errorf("%d edges carry estimates, the fit has %d strengths", n, len(want))
	}
}

func TestForestAndLoadings(t *testing.T) {
	f := testFit(t)
	fo := Forest(f)
	lo := Loadings(f)
	if len(fo)+len(lo) != len(f.Edges) || len(lo) != 3 {
		t.Fatalf("forest %d + loadings %d edges, fit has %d (3 loadings)", len(fo), len(lo), len(f.Edges))
	}
	for i, e := range strengths(f) {
		iv := fo[i]
		if iv.Parent != Display(e.Parent) || iv.Child != Display(e.Child) || iv.Lag != e.Lag || iv.ExpectedSign != e.Sign ||
			iv.Q5 != e.Q5 || iv.Q25 != e.Q25 || iv.Q50 != e.Q50 || iv.Q75 != e.Q75 || iv.Q95 != e.Q95 || iv.PSign != e.PSign {
			t.Errorf("forest row %d = %+v, edge %+v", i, iv, e)
		}
	}
	for _, iv := range lo {
		if iv.Parent != "L" {
			t.Errorf("loading %+v: parent should be the latent L", iv)
		}
	}
	// a non-finite summary is skipped, not passed on
	es := append([]fit.EdgeSummary(nil), f.Edges...)
	es[0].Q50 = math.NaN()
	if got := Intervals(es); len(got) != len(es)-1 {
		t.Errorf("%d intervals from %d edges with one NaN", len(got), len(es))
	}
}

// TestPriorDensity checks each density at a known value and that it
// integrates to one (on the half-line for positive parameters).
func TestPriorDensity(t *testing.T) {
	phi := func(z float64) float64 { return math.Exp(-z*z/2) / math.Sqrt(2*math.Pi) }
	cases := []struct {
		p        sem.Prior
		positive bool
		x, want  float64
	}{
		{sem.Prior{}, false, 0.3, phi(0.3)},
		{sem.Normal(1, 2), false, 0, phi(-0.5) / 2},
		{sem.Normal(1, 2), true, 0.5, phi(-0.25) / 2 / (1 - 0.3085375387259869)},
		{sem.StudentT(3, 0, 1), false, 0, 2 / (math.Pi * math.Sqrt(3))},
		{sem.Prior{Kind: sem.PriorCauchy, Mu: 1, Sigma: 2}, false, 1, 1 / (2 * math.Pi)},
		{sem.HalfNormal(2), false, 1, 2 * phi(0.5) / 2},
		{sem.Prior{Kind: sem.PriorHalfCauchy, Sigma: 1}, false, 0, 2 / math.Pi},
		{sem.Exponential(2), false, 1, 2 * math.Exp(-2)},
	}
	for _, c := range cases {
		d, ok := PriorDensity(c.p, c.positive)
		if !ok {
			t.Fatalf("%s: no density", c.p)
		}
		if got := d(c.x); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s (positive %v) at %g = %.10f, want %.10f", c.p, c.positive, c.x, got, c.want)
		}
		lo := -60.0
		if c.positive || c.p.Kind == sem.PriorHalfNormal || c.p.Kind == sem.PriorHalfCauchy || c.p.Kind == sem.PriorExponential {
			lo = 0
			if d(-0.1) != 0 {
				t.Errorf("%s: positive density at −0.1", c.p)
			}
		}
		// integrate on [lo, 60] (heavy tails: compare with the mass there)
		tot, h := 0.0, 0.001
		for x := lo + h/2; x < 60; x += h {
			tot += d(x) * h
		}
		tol := 1e-3
		if c.p.Kind == sem.PriorCauchy || c.p.Kind == sem.PriorHalfCauchy {
			tol = 0.03 // the tails beyond ±60 hold about 2%
		}
		if math.Abs(tot-1) > tol {
			t.Errorf("%s (positive %v) integrates to %.4f", c.p, c.positive, tot)
		}
	}
	if _, ok := PriorDensity(sem.Flat(), false); ok {
		t.Error("flat prior should have no density")
	}
}

func TestContraction(t *testing.T) {
	f := testFit(t)
	ds, skipped := Contraction(f)
	if len(ds) != len(strengths(f)) || len(skipped) != 0 {
		t.Fatalf("%d densities, %v skipped; want %d, none", len(ds), skipped, len(strengths(f)))
	}
	n := len(f.Draws) * f.Settings.Samples
	for i, e := range strengths(f) {
		d := ds[i]
		if d.Name != EdgeTitle(e) || len(d.PosteriorDraws) != n || d.Prior == nil {
			t.Errorf("%s: name %q, %d draws, prior %v", e.Name, d.Name, len(d.PosteriorDraws), d.Prior != nil)
		}
		if d.PriorVariance != e.PriorVar && !(math.IsInf(e.PriorVar, 1) && math.IsInf(d.PriorVariance, 1)) {
			t.Errorf("%s: prior variance %v, fit says %v", e.Name, d.PriorVariance, e.PriorVar)
		}
		// the range holds the posterior's bulk
		s := slices.Clone(d.PosteriorDraws)
		slices.Sort(s)
		if s[n/100] < d.PriorRange[0] || s[n-1-n/100] > d.PriorRange[1] {
			t.Errorf("%s: range %v misses the posterior's central 98%% [%g, %g]", e.Name, d.PriorRange, s[n/100], s[n-1-n/100])
		}
		switch e.Name {
		case "b.r.y": // student_t(3, 0, 1): variance 3
			if d.PriorVariance != 3 || math.Abs(d.Prior(0)-2/(math.Pi*math.Sqrt(3))) > 1e-12 {
				t.Errorf("b.r.y: prior variance %v, density at 0 %v", d.PriorVariance, d.Prior(0))
			}
		case "b.x.L": // default normal(0, 1)
			if math.Abs(d.Prior(0)-1/math.Sqrt(2*math.Pi)) > 1e-12 {
				t.Errorf("b.x.L: default prior density at 0 = %v", d.Prior(0))
			}
		}
	}
	// loadings chosen by name: the first is truncated to positive values
	es, err := SelectEdges(f, []string{"lambda.L.i1", "L =~ i2"})
	if err != nil {
		t.Fatal(err)
	}
	ld, _ := Densities(f, es)
	if len(ld) != 2 || ld[0].Prior(-0.1) != 0 || ld[1].Prior(-0.1) == 0 || ld[0].PriorRange[0] < 0 {
		t.Errorf("loadings: first should be truncated at 0, second not: %v", ld)
	}
	if _, err := plots.Contraction(plots.Options{}, ds); err != nil {
		t.Fatal(err)
	}
}

func TestSelectEdges(t *testing.T) {
	f := testFit(t)
	es, err := SelectEdges(f, []string{"b.x.lag1.y", "L -> y", "x → b", "r → y"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Name)
	}
	if want := []string{"b.x.lag1.y", "b.L.y", "b.x.b", "b.r.y"}; !slices.Equal(got, want) {
		t.Errorf("selected %v, want %v", got, want)
	}
	if _, err := SelectEdges(f, []string{"b.nope.y"}); err == nil || !strings.Contains(err.Error(), `no edge "b.nope.y"`) {
		t.Errorf("unknown edge: %v", err)
	}
}

func TestTracesAndStats(t *testing.T) {
	f := testFit(t)
	ps, err := Traces(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != len(strengths(f)) || ps[0].Name != EdgeTitle(strengths(f)[0]) {
		t.Errorf("default traces: %d, first %q", len(ps), ps[0].Name)
	}
	ps, err = Traces(f, []string{"lp__", "sigma.y", "L -> y"})
	if err != nil {
		t.Fatal(err)
	}
	if ps[0].Name != "lp__" || ps[1].Name != "sigma.y" || ps[2].Name != "L → y" {
		t.Errorf("names %q %q %q", ps[0].Name, ps[1].Name, ps[2].Name)
	}
	for c := range f.Draws {
		if len(ps[1].Chains[c]) != f.Settings.Samples || ps[1].Chains[c][7] != f.Param("sigma.y")[c][7] {
			t.Errorf("chain %d of sigma.y is not the fit's", c)
		}
	}
	if _, err := Traces(f, []string{"nonsense"}); err == nil || !strings.Contains(err.Error(), "nonsense") {
		t.Errorf("unknown parameter: %v", err)
	}
	div := Divergent(f)
	en, err := Energy(f)
	if err != nil || len(div) != 2 || len(en) != 2 || len(div[1]) != f.Settings.Samples || len(en[0]) != f.Settings.Samples {
		t.Fatalf("divergences %d chains, energy %d chains, %v", len(div), len(en), err)
	}
}

func TestPPC(t *testing.T) {
	f := testFit(t)
	d, err := PPC(f, "y", 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Replicated) != DefaultPPCDraws || len(d.Observed) != 168 || d.Discrete {
		t.Errorf("y: %d replications of %d rows, discrete %v; want %d of 168, continuous", len(d.Replicated), len(d.Observed), d.Discrete, DefaultPPCDraws)
	}
	for i, r := range d.Rows {
		if d.Observed[i] != f.Plan.Values["y"][r] {
			t.Fatalf("observed y at row %d is %v, the plan has %v", r, d.Observed[i], f.Plan.Values["y"][r])
		}
	}
	again, _ := PPC(f, "y", 0, 1)
	other, _ := PPC(f, "y", 0, 2)
	if !slices.Equal(again.Replicated[3], d.Replicated[3]) || slices.Equal(other.Replicated[3], d.Replicated[3]) {
		t.Error("replications should repeat with the seed and change with it")
	}
	// the replicated data sit about the observed: standardized mean gap small
	var mo, mr float64
	for i := range d.Observed {
		mo += d.Observed[i]
		mr += d.Replicated[0][i]
	}
	if math.Abs(mo-mr)/float64(len(d.Observed)) > 0.3 {
		t.Errorf("replicated mean %.3f far from observed %.3f", mr/168, mo/168)
	}
	for node, discrete := range map[string]bool{"o": true, "b": true, "c": true, "i2": false} {
		d, err := PPC(f, node, 20, 1)
		if err != nil {
			t.Fatal(err)
		}
		if d.Discrete != discrete || len(d.Replicated) != 20 {
			t.Errorf("%s: discrete %v, %d replications", node, d.Discrete, len(d.Replicated))
		}
		if _, err := plots.PPC(plots.Options{}, node, d.Observed, d.Replicated, d.Discrete); err != nil {
			t.Errorf("%s: %v", node, err)
		}
	}
	for _, bad := range []string{"L", "nope", "x"} {
		if _, err := PPC(f, bad, 5, 1); err == nil || !strings.Contains(err.Error(), "choose one of") {
			t.Errorf("ppc of %s: %v", bad, err)
		}
	}
	if got := DefaultPPCNode(f); got != "y" {
		t.Errorf("default node %q, want the outcome y", got)
	}
}

// TestPPCByHand recomputes y's linear predictor at one draw and row from
// the parameter names, as package model/sem defines them.
func TestPPCByHand(t *testing.T) {
	f := testFit(t)
	m, err := PredictModel(f)
	if err != nil {
		t.Fatal(err)
	}
	e := m.Equation("y")
	pl := f.Plan
	lay := pl.Spec.Layout
	// a row with a lagged value: unit U005, period 6
	r, ok := pl.Panel.Row("U005", "6")
	if !ok {
		t.Fatal("no row U005 6")
	}
	prev, _ := pl.Panel.Row("U005", "5")
	c, i := 1, 123
	v := func(name string) float64 {
		ch := f.Param(name)
		if ch == nil {
			t.Fatalf("no parameter %s", name)
		}
		return ch[c][i]
	}
	unit := lay.Units[lay.Unit[r]]
	eta := v("eta.L." + unit + "." + lay.Times[lay.Time[r]])
	want := v("a.y") + v("b.L.y")*eta + v("b.r.y")*pl.Values["r"][r] + v("b.x.lag1.y")*pl.Values["x"][prev] + v("u.y."+unit)
	got, ok := e.Mu(Draw(f, c, i), r)
	if !ok || math.Abs(got-want) > 1e-12 {
		t.Errorf("mu of y at U005 6, chain 2 draw 124 = %v (%v); by hand %v", got, ok, want)
	}
}

func TestThinnedDraws(t *testing.T) {
	f := testFit(t)
	all := ThinnedDraws(f, 0)
	if len(all) != 400 {
		t.Fatalf("%d draws, want 400", len(all))
	}
	th := ThinnedDraws(f, 50)
	if len(th) != 50 || th[0] != [2]int{0, 0} || th[49] != [2]int{1, 199} {
		t.Errorf("thinned: %d draws from %v to %v", len(th), th[0], th[len(th)-1])
	}
	for k := 1; k < len(th); k++ {
		if th[k][0]*1000+th[k][1] <= th[k-1][0]*1000+th[k-1][1] {
			t.Fatalf("thinned draws not increasing at %d", k)
		}
	}
}

// withoutLatentValues is f as a fit directory written without
// --save-latent reads back: no draws of the latent nodes' values.
func withoutLatentValues(f *fit.Fit) *fit.Fit {
	g := *f
	g.Names = nil
	g.Draws = make([][][]float64, len(f.Draws))
	for j, n := range f.Names {
		if strings.HasPrefix(n, "eta.") {
			continue
		}
		g.Names = append(g.Names, n)
		for c := range f.Draws {
			g.Draws[c] = append(g.Draws[c], f.Draws[c][j])
		}
	}
	return &g
}

func TestPPCWithoutLatentValues(t *testing.T) {
	f := withoutLatentValues(testFit(t))
	_, err := PPC(f, "y", 10, 1)
	if err == nil || !strings.Contains(err.Error(), "--save-latent") || !strings.Contains(err.Error(), "depends on the latent L") ||
		!strings.Contains(err.Error(), "c, o, b") {
		t.Errorf("ppc of y without latent values: %v", err)
	}
	if _, err := PPC(f, "i1", 10, 1); err == nil {
		t.Error("an indicator needs the latent's values")
	}
	d, err := PPC(f, "o", 10, 1)
	if err != nil || len(d.Replicated) != 10 {
		t.Fatalf("ppc of o: %v", err)
	}
	// the same replications as from the full fit: same draws, same seed
	full, _ := PPC(testFit(t), "o", 10, 1)
	if !slices.Equal(full.Replicated[4], d.Replicated[4]) {
		t.Error("replications differ once latent values are dropped")
	}
	th := Draw(f, 0, 3)
	names := f.Posterior.ParamNames()
	for k, n := range names {
		if strings.HasPrefix(n, "eta.") != math.IsNaN(th[k]) {
			t.Fatalf("draw vector at %s = %v", n, th[k])
		}
	}
}
