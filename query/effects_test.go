package query

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func mustParse(t *testing.T, s string) Do {
	t.Helper()
	d, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The effect of a shift on a linear-gaussian SCM is the sum over directed
// paths of the products of strengths, times the shift.
func TestEffectLinearClosedForm(t *testing.T) {
	f := pointFit(t, chainModel, chainSim(1), 10, vals(chainTruth))
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	total := 0.3 + 0.5*0.8
	r, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome != "y" {
		t.Fatalf("outcome %s", r.Outcome)
	}
	p := r.Periods[0]
	near(t, "do(x=+1) mean", p.Mean, total, 1e-12)
	near(t, "do(x=+1) sd", p.SD, 0, 1e-12)
	if p.Expected != 1 || p.PExpected != 1 {
		t.Errorf("expected sign %d, P %g; want +, 1", p.Expected, p.PExpected)
	}
	// A shift of z only acts through m.
	r, err = e.Effect(mustParse(t, "do(z = -2)"), Do{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "do(z=-2)", r.Periods[0].Mean, -2*-0.4*0.8, 1e-12)
	if r.Periods[0].Expected != 1 {
		t.Errorf("do(z=-2): expected sign %d, want + (a negative push on a negative path)", r.Periods[0].Expected)
	}
	// Several at once add up; a contrast subtracts.
	r, err = e.Effect(mustParse(t, "do(x = +1, z = +1)"), mustParse(t, "do(z = -1)"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "contrast", r.Periods[0].Mean, total+2*-0.4*0.8, 1e-12)
	if r.Periods[0].Expected != 0 {
		t.Errorf("contrast with disagreeing signs: expected sign %d, want none", r.Periods[0].Expected)
	}
	// +1sd uses the sd of x's column.
	r, err = e.Effect(mustParse(t, "do(x = +1sd)"), Do{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sd := e.s.nodes[e.s.index["x"]].sd
	near(t, "do(x=+1sd)", r.Periods[0].Mean, total*sd, 1e-12)
	// Setting x = 2 moves each row by 2 − x: the average over y's rows.
	r, err = e.Effect(mustParse(t, "do(x = 2)"), Do{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	xs := f.Plan.Values["x"]
	sum, n := 0.0, 0
	yn := e.s.nodes[e.s.index["y"]]
	for row := range xs {
		if yn.eqRow[row] {
			sum += 2 - xs[row]
			n++
		}
	}
	near(t, "do(x=2)", r.Periods[0].Mean, total*sum/float64(n), 1e-12)
	if r.Periods[0].Rows != n {
		t.Errorf("rows %d, want %d", r.Periods[0].Rows, n)
	}
	// Outcome m: only x -> m.
	r, err = e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{Outcome: "m"})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "effect on m", r.Periods[0].Mean, 0.5, 1e-12)
	// No path from y to x: zero.
	r, err = e.Effect(mustParse(t, "do(m = +1)"), Do{}, Options{Outcome: "x"})
	if err == nil {
		t.Errorf("outcome x is exogenous: want an error, got %+v", r.Periods[0])
	}
}

func TestEffectBadQueries(t *testing.T) {
	f := pointFit(t, chainModel, chainSim(1), 4, vals(chainTruth))
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ q, outcome, want string }{
		{"do(xx = +1)", "", `query "do(xx = +1)": column 4: unknown node xx (did you mean x?)`},
		{"do(x = +1, y = 2)", "", `query "do(x = +1, y = 2)": column 12: cannot intervene on the outcome y itself; choose another outcome or intervene on one of its causes`},
		{"do(x = +1)", "nope", `outcome: unknown node nope (the model's nodes: m, x, y, z)`},
	} {
		_, err := e.Effect(mustParse(t, c.q), Do{}, Options{Outcome: c.outcome})
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v\nwant %s", c.q, err, c.want)
		}
		var ne *NodeError
		if !errors.As(err, &ne) {
			t.Errorf("%s: error %T is not a *NodeError", c.q, err)
		}
	}
}

// Every report marshals to JSON (non-finite numbers become null) and keeps
// the fields of the types that embed a Summary.
func TestReportsJSON(t *testing.T) {
	e := newEngine(t, chainModel, chainSim(15), 4, vals(chainTruth))
	eff, err := e.Effect(mustParse(t, "do(x = q90)"), Do{}, Options{Horizon: 1})
	if err != nil {
		t.Fatal(err)
	}
	med, err := e.Mediate("x", []string{"m"}, Do{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cf, err := e.Counterfactual(mustParse(t, "do(z = +1)"), "U001", "3", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]any{"effect": eff, "mediation": med, "counterfactual": cf} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var back map[string]any
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if _, ok := back["rests_on"]; !ok {
			t.Errorf("%s: no rests_on in %s", name, b)
		}
	}
	b, _ := json.Marshal(eff.Periods[1])
	if !strings.Contains(string(b), `"period":1`) || !strings.Contains(string(b), `"p_expected_sign":null`) {
		t.Errorf("period JSON %s lacks its period or writes NaN", b)
	}
}
