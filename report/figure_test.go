package report

import (
	"bytes"
	"strings"
	"testing"

	"dilemma/fit"
	"dilemma/model"
	"dilemma/model/sem"
	"dilemma/plots"
	"dilemma/query"
)

// TestFigureEveryKind draws every kind from the small fit and encodes it.
func TestFigureEveryKind(t *testing.T) {
	f := testFit(t)
	for _, kind := range Kinds {
		if kind == "conditional" || kind == "slopes" {
			continue // needs a moderated edge or one varying by unit: TestConditionalFigure, TestSlopesFigureKind
		}
		for _, w := range []float64{plots.ColumnWidth, plots.PageWidth} {
			req := Request{Kind: kind, Options: plots.Options{Width: w, DPI: 50}}
			if kind == "counterfactual" {
				req.Units = []string{"U003", "U010"}
			}
			fig, _, err := Figure(nil, f, req)
			if err != nil {
				t.Fatalf("%s at %g in: %v", kind, w, err)
			}
			if fw, _ := fig.Size(); fw != w {
				t.Errorf("%s: width %g, want %g", kind, fw, w)
			}
			var buf bytes.Buffer
			if err := fig.Encode(&buf, "svg"); err != nil || buf.Len() == 0 {
				t.Errorf("%s: %v", kind, err)
			}
		}
	}
	// the diagram from a model alone
	if _, _, err := Figure(mustModel(t), nil, Request{Kind: "dag"}); err != nil {
		t.Fatal(err)
	}
}

func TestFigureRequests(t *testing.T) {
	f := testFit(t)
	_, notes, err := Figure(nil, f, Request{Kind: "ppc"})
	if err != nil || len(notes) != 1 || !strings.Contains(notes[0], "predictive check of y") {
		t.Errorf("default ppc: notes %q, %v", notes, err)
	}
	if _, _, err := Figure(nil, f, Request{Kind: "trace", Params: []string{"lp__", "b.L.y"}}); err != nil {
		t.Error(err)
	}
	if _, _, err := Figure(nil, f, Request{Kind: "forest", Params: []string{"L -> y", "lambda.L.i3"}}); err != nil {
		t.Error(err)
	}
	cases := []struct {
		req   Request
		nofit bool
		want  string
	}{
		{Request{Kind: "violin"}, false, `unknown figure kind "violin"`},
		{Request{Kind: "counterfactual"}, false, "name the units with --units"},
		{Request{Kind: "counterfactual", Units: []string{"U999"}}, false, "U999"},
		{Request{Kind: "effect-horizon", Do: "do(zz = +1sd)"}, false, "zz"},
		{Request{Kind: "effect-horizon", Do: "do(r = "}, false, "column"},
		{Request{Kind: "remedies", Do: "do(r = +1sd)"}, false, "do not apply to --kind remedies"},
		{Request{Kind: "remedies", Node: "y"}, false, "--node applies to --kind ppc only"},
		{Request{Kind: "forest", Do: "do(r = +1sd)"}, false, "apply to remedies, effect-horizon, counterfactual, conditional only"},
		{Request{Kind: "forest"}, true, "needs a fit directory"},
		{Request{Kind: "forest", Params: []string{"b.q.y"}}, false, `no edge "b.q.y"`},
		{Request{Kind: "rank", Params: []string{"zeta"}}, false, `no parameter "zeta"`},
		{Request{Kind: "ppc", Node: "zz"}, false, `no observed node "zz"`},
		{Request{Kind: "forest", Node: "y"}, false, "--node applies to --kind ppc only"},
		{Request{Kind: "energy", Params: []string{"lp__"}}, false, "--params does not apply"},
		{Request{Kind: "dag", Params: []string{"lp__"}}, false, "do not apply to the diagram"},
		{Request{Kind: "forest", Options: plots.Options{Width: 100}}, false, "width"},
	}
	for _, c := range cases {
		ff := f
		if c.nofit {
			ff = nil
		}
		m := mustModel(t)
		fig, _, err := Figure(m, ff, c.req)
		if err == nil || fig != nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v; want an error containing %q", c.req, err, c.want)
		}
	}
}

func TestPPCLabel(t *testing.T) {
	f := testFit(t)
	for node, want := range map[string]string{"y": "y", "i1": "i1 (indicator of L, standardized)"} {
		if got := PPCLabel(f, node); got != want {
			t.Errorf("PPCLabel(%s) = %q, want %q", node, got, want)
		}
	}
}

func TestPPCLabelTransform(t *testing.T) {
	m, err := model.ParseString(`dag { a -> fear } settings { a [column="a"] fear [column="new_deaths_per_million", transform="log1p|standardize"] }`, "t.dag")
	if err != nil {
		t.Fatal(err)
	}
	f := &fit.Fit{Plan: &fit.Plan{Model: m, Spec: &sem.Spec{}}}
	if got, want := PPCLabel(f, "fear"), "fear: new_deaths_per_million, log1p, standardized"; got != want {
		t.Errorf("PPCLabel = %q, want %q", got, want)
	}
}

// TestQueryFigures checks what the query figures are drawn from against the
// query engine's own answers.
func TestQueryFigures(t *testing.T) {
	f := testFit(t)
	_, notes, err := Figure(nil, f, Request{Kind: "effect-horizon", Horizon: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(notes, "\n"), "do(r = +1sd)") {
		t.Errorf("default intervention not named in the notes: %q", notes)
	}
	_, notes, err = Figure(nil, f, Request{Kind: "counterfactual", Do: "r = (-1)", Units: []string{"U001"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(notes, "\n"), "last period, 8") {
		t.Errorf("default period not named: %q", notes)
	}
	eng, err := query.New(f)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := eng.Remedies(query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	effects, refused := RemedyEffects(rr)
	if len(effects) != 1 || len(refused) != 0 || effects[0].Name != "r" || effects[0].Mean != rr.Rows[0].Mean ||
		effects[0].Q5 != rr.Rows[0].Lo || effects[0].Q95 != rr.Rows[0].Hi || effects[0].PReduce != rr.Rows[0].PReduces {
		t.Errorf("remedy effects %+v from %+v", effects, rr.Rows)
	}
	// r -> y has strength about −0.4: a remedy that reduces the outcome
	if effects[0].Mean >= 0 || effects[0].PReduce < 0.9 {
		t.Errorf("remedy r: mean %v, P(reduces) %v; the simulation has it reduce y", effects[0].Mean, effects[0].PReduce)
	}
	do, _ := query.Parse("do(r = +1sd)")
	er, err := eng.Effect(do, query.Do{}, query.Options{Horizon: 3})
	if err != nil {
		t.Fatal(err)
	}
	pts, missing := HorizonPoints(er)
	if len(pts) != 4 || len(missing) != 0 {
		t.Fatalf("%d horizon points, missing %q", len(pts), missing)
	}
	for i, p := range pts {
		if p.Period != i || p.Mean != er.Periods[i].Mean || p.Q5 != er.Periods[i].Lo || p.Q95 != er.Periods[i].Hi {
			t.Errorf("point %d = %+v, engine %+v", i, p, er.Periods[i].Summary)
		}
	}
	d, _, err := intervention(f, "")
	if err != nil || d.String() != "do(r = +1sd)" {
		t.Errorf("default intervention %v, %v", d, err)
	}
	nf := *f
	nf.Plan = &fit.Plan{Model: mustModel(t)}
	nf.Plan.Model.Node("r").Role = ""
	if _, _, err := intervention(&nf, ""); err == nil || !strings.Contains(err.Error(), "no remedy") {
		t.Errorf("model without remedies: %v", err)
	}
}
