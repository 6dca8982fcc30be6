package query

import (
	"fmt"
	"math"
	"testing"

	"dilemma/data"
)

// slopeChain is chainModel with the strengths of x -> m and m -> y varying
// by unit.
const slopeChain = `dag {
  x [exposure]
  y [outcome]
  x -> m [varies="unit"]
  m -> y [varies="unit"]
  x -> y
  z -> m
}
settings { x [column="x"] z [column="z"] m [column="m"] y [column="y"] }`

// slopeValues fixes every parameter: chainTruth plus a deviation per unit,
// v.x.m.U00k = 0.1·k − 0.6 and v.m.y.U00k = 0.3 − 0.05·k.
func slopeValues(units int) (map[string]float64, func(k int) float64) {
	v := map[string]float64{}
	for name, x := range chainTruth {
		v[name] = x
	}
	for k := 1; k <= units; k++ {
		v[fmt.Sprintf("v.x.m.U%03d", k)] = 0.1*float64(k) - 0.6
		v[fmt.Sprintf("v.m.y.U%03d", k)] = 0.3 - 0.05*float64(k)
	}
	total := func(k int) float64 {
		return 0.3 + (0.5+v[fmt.Sprintf("v.x.m.U%03d", k)])*(0.8+v[fmt.Sprintf("v.m.y.U%03d", k)])
	}
	return v, total
}

// A unit counterfactual follows the unit's own strengths: in a linear
// gaussian chain the change of y under do(x = +1.5) at a row of unit k is
// 1.5·(b_xy + (b_xm + v_xm,k)(b_my + v_my,k)); a do() query averages the
// rows' own effects.
func TestSlopesCounterfactual(t *testing.T) {
	v, total := slopeValues(12)
	e := newEngine(t, slopeChain, chainSim(4), 6, vals(v))
	r, err := e.Counterfactual(mustParse(t, "do(x = +1.5)"), "U003", "5", Options{})
	if err != nil {
		t.Fatal(err)
	}
	row, _ := e.s.fit.Plan.Panel.Row("U003", "5")
	yobs := e.s.fit.Plan.Values["y"][row]
	near(t, "counterfactual", r.Rows[0].Counterfactual.Mean, yobs+1.5*total(3), 1e-12)
	near(t, "difference", r.Rows[0].Difference.Mean, 1.5*total(3), 1e-12)
	r, err = e.Counterfactual(mustParse(t, "do(x = +1)"), "all", "5", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 12 {
		t.Fatalf("%d units, want 12", len(r.Rows))
	}
	for _, row := range r.Rows {
		var k int
		fmt.Sscanf(row.Unit, "U%03d", &k)
		near(t, "difference of "+row.Unit, row.Difference.Mean, total(k), 1e-12)
	}
	eff, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for k := 1; k <= 12; k++ {
		want += total(k) / 12 // a balanced panel: every unit has 8 rows
	}
	near(t, "do(x = +1)", eff.Periods[0].Mean, want, 1e-12)
}

// The factual linear predictor uses the unit's own strength too: for a
// poisson outcome the effect of do(x = +1) at a row is
// exp(a + (b + v_j)·x_r)·(exp(b + v_j) − 1), averaged over the rows.
func TestSlopesPoissonEffect(t *testing.T) {
	src := `dag { x [exposure] y [outcome] x -> y [varies="unit"] }
settings { x [column="x"] y [column="y", family="poisson"] }`
	sim := data.SimSpec{Units: 6, Periods: 5, Seed: 8, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1, UnitSD: 0.5},
		{Node: "y", Family: "poisson", Intercept: 0.5, Parents: []data.SimParent{{Node: "x", Coef: 0.3}}},
	}}
	v := map[string]float64{"a.y": 0.2, "b.x.y": 0.3}
	for k := 1; k <= 6; k++ {
		v[fmt.Sprintf("v.x.y.U%03d", k)] = 0.1*float64(k) - 0.35
	}
	e := newEngine(t, src, sim, 4, vals(v))
	eff, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{Scale: Fit})
	if err != nil {
		t.Fatal(err)
	}
	pl := e.s.fit.Plan
	x := pl.Values["x"]
	want, n := 0.0, 0
	for r := range x {
		unit := pl.Spec.Layout.Units[pl.Spec.Layout.Unit[r]]
		s := 0.3 + v["v.x.y."+unit]
		want += math.Exp(0.2+s*x[r]) * (math.Exp(s) - 1)
		n++
	}
	near(t, "poisson do(x = +1)", eff.Periods[0].Mean, want/float64(n), 1e-9)
}
