package query

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
	"dilemma/model/sem"
)

// A counterfactual at a row where a node's value is imputed reads the
// imputed draws: its factual value (the node as outcome) and its value as
// a parent (the child as outcome); with the imputed draws gone (a fit
// directory written without --save-imputed) the row cannot be answered.
func TestQueryImputedValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	var b strings.Builder
	b.WriteString("iso3,month,x,m,y\n")
	for _, u := range []string{"A", "B", "C"} {
		for mo := 1; mo <= 6; mo++ {
			m := fmt.Sprint(rng.NormFloat64())
			if u == "B" && mo == 3 {
				m = ""
			}
			y := rng.IntN(2)
			if u == "B" && mo == 3 {
				y = 0
			}
			fmt.Fprintf(&b, "%s,2020-%02d,%g,%s,%d\n", u, mo, rng.NormFloat64(), m, y)
		}
	}
	p, err := data.Load(strings.NewReader(b.String()), "q.csv", data.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	src := `dag { x -> m -> y } settings { y [role="outcome", family="bernoulli"] }`
	mdl, err := model.ParseString(src, "q.dag")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := fit.NewPlan(mdl, p, fit.Options{Missing: sem.MissingModel, NoUnitEffects: true})
	if err != nil {
		t.Fatal(err)
	}
	post, err := sem.Compile(pl.Spec)
	if err != nil {
		t.Fatal(err)
	}
	val := map[string]float64{"b.x.m": 0.5, "b.m.y": 0.8, "a.m": 0.1, "a.y": -0.2, "mi.m.B.2020-03": 2.5}
	names := post.ParamNames()
	cols := make([][]float64, len(names))
	for j, n := range names {
		v, ok := val[n]
		if !ok && strings.HasPrefix(n, "sigma.") {
			v = 1
		}
		cols[j] = []float64{v, v, v, v}
	}
	f := &fit.Fit{Plan: pl, Posterior: post, Names: names, Settings: fit.DefaultSettings(), Draws: [][][]float64{cols}}
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Outcome: "m"}
	r, err := e.Counterfactual(mustParse(t, "do(x = +1)"), "B", "2020-03", opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 1 {
		t.Fatalf("m at B 2020-03 (imputed): %d rows, skipped %v", len(r.Rows), r.Skipped)
	}
	near(t, "factual m (the imputed value)", r.Rows[0].Factual.Mean, 2.5, 1e-12)
	near(t, "counterfactual − factual m", r.Rows[0].Difference.Mean, 0.5, 1e-12)
	r, err = e.Counterfactual(mustParse(t, "do(m = +1)"), "B", "2020-03", Options{Outcome: "y"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 1 {
		t.Fatalf("y at B 2020-03 (parent m imputed): %d rows", len(r.Rows))
	}
	// y = 0 was observed with mu = a.y + b.m.y·m = −0.2 + 0.8·2.5 = 1.8 at
	// the imputed m, so its logistic noise is below −1.8; raising m by 1
	// moves mu to 2.6 and y to 1 with probability (F(−1.8) − F(−2.6))/F(−1.8).
	F := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	near(t, "counterfactual − factual y", r.Rows[0].Difference.Mean, (F(-1.8)-F(-2.6))/F(-1.8), 1e-9)

	// Without the imputed draws the row has no factual value of m.
	var keep []int
	for j, n := range names {
		if !strings.HasPrefix(n, "mi.") {
			keep = append(keep, j)
		}
	}
	g := &fit.Fit{Plan: pl, Posterior: post, Settings: f.Settings, Draws: [][][]float64{{}}}
	for _, j := range keep {
		g.Names = append(g.Names, names[j])
		g.Draws[0] = append(g.Draws[0], cols[j])
	}
	e2, err := New(g)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := e2.Counterfactual(mustParse(t, "do(x = +1)"), "B", "2020-03", opt); err == nil && len(r.Rows) > 0 {
		t.Errorf("without imputed draws: %d rows answered", len(r.Rows))
	}
}

// A binary node's missing value, summed out in the fit, reaches a query
// through the levels the fit drew per draw (mi.NODE.UNIT.TIME after the
// parameters): the factual value at that row is their mean, and the row
// answers a query on its child; without the levels it cannot.
func TestQuerySummedValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	var b strings.Builder
	b.WriteString("iso3,month,x,m,y\n")
	for _, u := range []string{"A", "B", "C"} {
		for mo := 1; mo <= 6; mo++ {
			m := fmt.Sprint(rng.IntN(2))
			if u == "B" && mo == 3 {
				m = ""
			}
			fmt.Fprintf(&b, "%s,2020-%02d,%g,%s,%g\n", u, mo, rng.NormFloat64(), m, rng.NormFloat64())
		}
	}
	p, err := data.Load(strings.NewReader(b.String()), "q.csv", data.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	src := `dag { x -> m -> y } settings { m [family="bernoulli"] y [role="outcome"] }`
	mdl, err := model.ParseString(src, "q.dag")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := fit.NewPlan(mdl, p, fit.Options{Missing: sem.MissingModel, NoUnitEffects: true})
	if err != nil {
		t.Fatal(err)
	}
	post, err := sem.Compile(pl.Spec)
	if err != nil {
		t.Fatal(err)
	}
	if sn := post.SummedNames(); len(sn) != 1 || sn[0] != "mi.m.B.2020-03" {
		t.Fatalf("summed out %v, want mi.m.B.2020-03", sn)
	}
	val := map[string]float64{"b.x.m": 0.5, "b.m.y": 0.8, "a.m": 0.1, "a.y": -0.2}
	names := post.ParamNames()
	cols := make([][]float64, len(names))
	for j, n := range names {
		v, ok := val[n]
		if !ok && strings.HasPrefix(n, "sigma.") {
			v = 1
		}
		cols[j] = []float64{v, v, v, v}
	}
	names = append(names, "mi.m.B.2020-03")
	cols = append(cols, []float64{1, 0, 1, 1})
	f := &fit.Fit{Plan: pl, Posterior: post, Names: names, Settings: fit.DefaultSettings(), Draws: [][][]float64{cols}}
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Counterfactual(mustParse(t, "do(x = +1)"), "B", "2020-03", Options{Outcome: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 1 {
		t.Fatalf("m at B 2020-03 (summed out): %d rows, skipped %v", len(r.Rows), r.Skipped)
	}
	near(t, "factual m (the drawn levels' mean)", r.Rows[0].Factual.Mean, 0.75, 1e-12)
	r, err = e.Counterfactual(mustParse(t, "do(m = 1)"), "B", "2020-03", Options{Outcome: "y"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 1 {
		t.Fatalf("y at B 2020-03 (parent m summed out): %d rows", len(r.Rows))
	}
	// y moves by b.m.y in the draws where the drawn m was 0: a quarter.
	near(t, "counterfactual − factual y", r.Rows[0].Difference.Mean, 0.8*0.25, 1e-9)
	g := &fit.Fit{Plan: pl, Posterior: post, Settings: f.Settings, Names: names[:len(names)-1], Draws: [][][]float64{cols[:len(cols)-1]}}
	e2, err := New(g)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := e2.Counterfactual(mustParse(t, "do(m = 1)"), "B", "2020-03", Options{Outcome: "y"}); err == nil && len(r.Rows) > 0 {
		t.Errorf("without the drawn levels: %d rows answered", len(r.Rows))
	}
}
