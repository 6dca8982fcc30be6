package report

import (
	"context"
	"math"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
	"dilemma/plots"
	"dilemma/query"
)

// The conditional figure's curve is the effect of +1 sd of x on y at each
// value of the moderator z: for a gaussian y, sd(x)·(b + c·z) per draw, so
// its mean is sd(x)·(mean b + mean c·z), a straight line in z.
func TestConditionalFigure(t *testing.T) {
	p, _, err := data.Simulate(data.SimSpec{Units: 15, Periods: 6, Seed: 9, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "z", Sigma: 2, Intercept: 1},
		{Node: "y", Sigma: 0.5, Parents: []data.SimParent{{Node: "x", Coef: 0.5}, {Node: "z", Coef: 0.2}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.ParseString(`dag { x -> y [moderator="z"]; z -> y }`, "mod.dag")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := fit.NewPlan(m, p, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := fit.DefaultSettings()
	s.Chains, s.Warmup, s.Samples, s.Seed = 1, 150, 100, 2
	f, err := fit.Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	fig, notes, err := Figure(nil, f, Request{Kind: "conditional", Options: plots.Options{DPI: 50}})
	if err != nil {
		t.Fatal(err)
	}
	if fig == nil || len(notes) == 0 || !strings.Contains(notes[len(notes)-1], "effect of do(x = +1sd) on y across z from") {
		t.Errorf("notes %q", notes)
	}
	// The curve against its closed form.
	eng, err := query.New(f)
	if err != nil {
		t.Fatal(err)
	}
	mean := func(name string) float64 {
		var s float64
		n := 0
		for _, ch := range f.Param(name) {
			for _, v := range ch {
				s += v
				n++
			}
		}
		return s / float64(n)
	}
	b, c := mean("b.x.y"), mean("c.x.z.y")
	xs := pl.Values["x"]
	var sx, mx float64
	for _, v := range xs {
		mx += v
	}
	mx /= float64(len(xs))
	for _, v := range xs {
		sx += (v - mx) * (v - mx)
	}
	sx = math.Sqrt(sx / float64(len(xs)-1))
	at, _ := query.ParseAt("z=q0,q50,q100")
	do, _ := query.Parse("do(x = +1sd)")
	rep, err := eng.Conditional(do, query.Do{}, at, query.Options{Outcome: "y"})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rep.Rows {
		want := sx * (b + c*row.Value)
		if got := row.Effect.Periods[0].Mean; math.Abs(got-want) > 1e-9 {
			t.Errorf("at %s: effect %.12g, want %.12g", row.At, got, want)
		}
	}
	// The paper's edge table has the interaction coefficient as x:z.
	tab := EdgeTable(f, PaperTable)
	found := false
	for _, r := range tab.Rows {
		found = found || r[0] == "x:z" && r[1] == "y"
	}
	if !found {
		t.Errorf("paper table rows %v lack x:z -> y", tab.Rows)
	}
	for _, tc := range []struct {
		req  Request
		want string
	}{
		{Request{Kind: "conditional", Edge: "z -> y"}, `the edge has no moderator`},
		{Request{Kind: "conditional", Edge: "y -> x"}, `the model has no edge y -> x`},
		{Request{Kind: "conditional", Edge: "x y"}, `write the edge as 'x -> y'`},
		{Request{Kind: "forest", Edge: "x -> y"}, `--edge applies to --kind slopes and conditional only`},
		{Request{Kind: "remedies", Edge: "x -> y"}, `--edge applies to --kind slopes and conditional only`},
	} {
		if _, _, err := Figure(nil, f, tc.req); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want …%s…", tc.req, err, tc.want)
		}
	}
	if _, _, err := Figure(nil, testFit(t), Request{Kind: "conditional"}); err == nil || !strings.Contains(err.Error(), "the model has no moderated edge") {
		t.Errorf("no moderated edge: %v", err)
	}
}
