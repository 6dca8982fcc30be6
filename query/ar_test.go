package query

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
)

// arFit fits x -> y -> z with AR(1) residuals on y (rho 0.7) on a
// simulated panel of 20 units × 12 periods.
func arFit(t *testing.T) *fit.Fit {
	t.Helper()
	rng := rand.New(rand.NewPCG(21, 4))
	var b bytes.Buffer
	b.WriteString("unit,period,x,y,z\n")
	for u := 0; u < 20; u++ {
		e := 0.6 / math.Sqrt(1-0.49) * rng.NormFloat64()
		for p := 0; p < 12; p++ {
			if p > 0 {
				e = 0.7*e + 0.6*rng.NormFloat64()
			}
			x := rng.NormFloat64()
			y := 0.5*x + e
			z := 0.8*y + 0.5*rng.NormFloat64()
			fmt.Fprintf(&b, "U%02d,%d,%.6f,%.6f,%.6f\n", u, p+1, x, y, z)
		}
	}
	panel, err := data.Load(&b, "ar.csv", data.Options{UnitKey: "unit", TimeKey: "period"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.ParseString(`dag { x -> y -> z  y [ar="1"] }`, "ar.dag")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := fit.NewPlan(m, panel, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := fit.DefaultSettings()
	s.Chains, s.Warmup, s.Samples = 2, 150, 150
	f, err := fit.Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func pooledParam(f *fit.Fit, name string) []float64 {
	var out []float64
	for _, c := range f.Param(name) {
		out = append(out, c...)
	}
	return out
}

// Horizon queries on a gaussian model with AR(1) residuals equal their
// closed forms per draw: a sustained do(x = +1) moves y by b at every
// period (the residual process is untouched); a pulse do(y = +1) at period
// 0 moves z by c·rho^h at period h (the residual's change persists), a
// sustained one by c; and a unit's counterfactual keeps its own factual z
// and adds c·rho^h.
func TestARHorizonClosedForm(t *testing.T) {
	f := arFit(t)
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	b, c, rho := pooledParam(f, "b.x.y"), pooledParam(f, "b.y.z"), pooledParam(f, "ar.y")
	check := func(what string, periods []PeriodEffect, want func(h, i int) float64) {
		t.Helper()
		if len(periods) != 4 {
			t.Fatalf("%s: %d periods, want 4", what, len(periods))
		}
		for h, pe := range periods {
			for i, d := range pe.Draws {
				if w := want(h, i); math.Abs(d-w) > 1e-9 {
					t.Fatalf("%s: period %d draw %d: effect %.12g, closed form %.12g", what, h, i, d, w)
				}
			}
		}
	}
	opt := Options{Outcome: "y", Horizon: 3}
	r, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, opt)
	if err != nil {
		t.Fatal(err)
	}
	check("sustained do(x = +1) on y", r.Periods, func(h, i int) float64 { return b[i] })

	opt = Options{Outcome: "z", Horizon: 3, Pulse: true}
	if r, err = e.Effect(mustParse(t, "do(y = +1)"), Do{}, opt); err != nil {
		t.Fatal(err)
	}
	check("pulse do(y = +1) on z", r.Periods, func(h, i int) float64 { return c[i] * math.Pow(rho[i], float64(h)) })
	noted := false
	for _, n := range r.Basis.Notes {
		noted = noted || strings.Contains(n, "y has AR(1) residuals (ar.y")
	}
	if !noted {
		t.Errorf("the basis does not say y's residual persists: %q", r.Basis.Notes)
	}

	opt.Pulse = false
	if r, err = e.Effect(mustParse(t, "do(y = +1)"), Do{}, opt); err != nil {
		t.Fatal(err)
	}
	check("sustained do(y = +1) on z", r.Periods, func(h, i int) float64 { return c[i] })

	// A unit counterfactual: U03 from period 4, a pulse of y by +1.
	opt = Options{Outcome: "z", Horizon: 3, Pulse: true}
	cf, err := e.Counterfactual(mustParse(t, "do(y = +1)"), "U03", "4", opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(cf.Rows) != 4 {
		t.Fatalf("%d counterfactual rows, want 4", len(cf.Rows))
	}
	zcol := f.Plan.Values["z"]
	for h, row := range cf.Rows {
		r, ok := f.Plan.Panel.Row("U03", row.Time)
		if !ok || row.Period != h {
			t.Fatalf("row %d: period %d at %s", h, row.Period, row.Time)
		}
		for i, d := range row.CFDraws {
			want := zcol[r] + c[i]*math.Pow(rho[i], float64(h))
			if math.Abs(d-want) > 1e-9 {
				t.Fatalf("counterfactual z at %s, draw %d: %.12g, want factual %.6g + c·rho^%d = %.12g", row.Time, i, d, zcol[r], h, want)
			}
		}
	}

	// Sensitivity analysis reads the residual's stationary sd.
	sd, what, err := e.residualSD(e.s.nodes[e.s.index["y"]])
	if err != nil {
		t.Fatal(err)
	}
	sigma := pooledParam(f, "sigma.y")
	for i := range sd {
		if want := sigma[i] / math.Sqrt(1-rho[i]*rho[i]); math.Abs(sd[i]-want) > 1e-12 {
			t.Fatalf("residual sd of y, draw %d: %g, want sigma/√(1−rho²) = %g (%s)", i, sd[i], want, what)
		}
	}
}
