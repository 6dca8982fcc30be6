package query

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
)

// moderatedPanel is a small panel with columns x, z, w and y (standard
// normal draws; y's values do not matter to point-mass fits).
func moderatedPanel(t testing.TB, units, periods int) *data.Panel {
	t.Helper()
	rng := rand.New(rand.NewPCG(11, 3))
	var b strings.Builder
	b.WriteString("iso3,month,x,z,w,y,yb\n")
	for i := range units {
		for p := range periods {
			fmt.Fprintf(&b, "U%02d,2020-%02d,%.4f,%.4f,%.4f,%.4f,%d\n", i, p+1, rng.NormFloat64(), 2+rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.IntN(2))
		}
	}
	p, err := data.Load(strings.NewReader(b.String()), "moderated.csv", data.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// varyDraws gives parameters in vary a different value at every draw
// (base + step·draw), so that a per-draw check can fail.
func varyDraws(f *fit.Fit, vary map[string][2]float64) {
	for j, name := range f.Names {
		v, ok := vary[name]
		if !ok {
			continue
		}
		col := make([]float64, len(f.Draws[0][j]))
		for d := range col {
			col[d] = v[0] + v[1]*float64(d)
		}
		f.Draws[0][j] = col
	}
}

// Conditional effects through a moderated edge equal their closed form
// (b + c·z)·Δx per draw for a gaussian y, at every --at value (numbers,
// quantiles, ±sd) and through a standardized moderator (raw units).
func TestConditionalClosedForm(t *testing.T) {
	p := moderatedPanel(t, 12, 8)
	for _, tc := range []struct {
		name, zt string
	}{{"raw moderator", ""}, {"standardized moderator", `z [transform="standardize"]`}} {
		t.Run(tc.name, func(t *testing.T) {
			src := "dag {\n x -> y [moderator=\"z\"]\n z -> y\n w -> y [lag=1]\n " + tc.zt + "\n}"
			const draws = 20
			f := pointFitPanel(t, src, p, draws, vals(map[string]float64{"a.y": 0.3, "b.z.y": -0.2, "b.w.lag1.y": 0.1}))
			varyDraws(f, map[string][2]float64{"b.x.y": {0.5, 0.01}, "c.x.z.y": {0.3, -0.02}})
			e, err := New(f)
			if err != nil {
				t.Fatal(err)
			}
			at, err := ParseAt("z = q10, q50, q90, -1sd, +1sd, 2.5, (-0.5)")
			if err != nil {
				t.Fatal(err)
			}
			do, _ := Parse("do(x = +2)")
			rep, err := e.Conditional(do, Do{}, at, Options{Outcome: "y", AllowExtrapolation: true})
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := p.Numeric("z")
			var obs []float64
			var sum float64
			for _, v := range raw {
				obs = append(obs, v)
				sum += v
			}
			if len(rep.Rows) != len(at.Values) {
				t.Fatalf("%d rows", len(rep.Rows))
			}
			for i, row := range rep.Rows {
				zFit := row.FitValue
				if tc.zt == "" && zFit != row.Value {
					t.Errorf("%s: fit value %g, raw %g", row.At, zFit, row.Value)
				}
				if i == 5 && row.Value != 2.5 || i == 6 && row.Value != -0.5 {
					t.Errorf("%s: value %g", row.At, row.Value)
				}
				for d, got := range row.Effect.Periods[0].Draws {
					b, c := 0.5+0.01*float64(d), 0.3-0.02*float64(d)
					near(t, fmt.Sprintf("at %s draw %d", row.At, d), got, (b+c*zFit)*2, 1e-9)
				}
			}
			// The closed form against a hand-computed standardized value.
			if tc.zt != "" {
				fv := f.Plan.Values["z"]
				var mz, sz float64
				for r := range raw {
					mz += raw[r]
				}
				mz /= float64(len(raw))
				for r := range raw {
					sz += (raw[r] - mz) * (raw[r] - mz)
				}
				sz = math.Sqrt(sz / float64(len(raw)-1))
				near(t, "standardized 2.5", rep.Rows[5].FitValue, (2.5-mz)/sz, 1e-9)
				near(t, "standardize check", fv[0], (raw[0]-mz)/sz, 1e-9)
				// With --scale fit the value is on the fit's scale itself.
				at, _ := ParseAt("z=0.5,+1sd")
				fr, err := e.Conditional(do, Do{}, at, Options{Outcome: "y", Scale: Fit})
				if err != nil {
					t.Fatal(err)
				}
				near(t, "fit-scale +1sd", fr.Rows[1].Value, 0+1, 1e-9)
				for _, row := range fr.Rows {
					if row.FitValue != row.Value {
						t.Errorf("--scale fit: value %g, fit value %g", row.Value, row.FitValue)
					}
					for d, got := range row.Effect.Periods[0].Draws {
						b, c := 0.5+0.01*float64(d), 0.3-0.02*float64(d)
						near(t, fmt.Sprintf("fit scale at %s draw %d", row.At, d), got, (b+c*row.Value)*2, 1e-9)
					}
				}
			}
			// Without --at, do(x = +1) averages b + c·z over the rows y's
			// equation uses.
			one, _ := Parse("do(x = +1)")
			eff, err := e.Effect(one, Do{}, Options{Outcome: "y"})
			if err != nil {
				t.Fatal(err)
			}
			zf := f.Plan.Values["z"]
			var zs float64
			n := 0
			for r := range zf {
				if e.s.nodes[e.s.index["y"]].eqRow[r] {
					zs += zf[r]
					n++
				}
			}
			if n != eff.Periods[0].Rows {
				t.Fatalf("rows %d vs %d", n, eff.Periods[0].Rows)
			}
			for d, got := range eff.Periods[0].Draws {
				b, c := 0.5+0.01*float64(d), 0.3-0.02*float64(d)
				near(t, fmt.Sprintf("average draw %d", d), got, b+c*zs/float64(n), 1e-9)
			}
		})
	}
}

// When the moderator itself moves with x (x -> z -> y, x -> y moderated
// by z), the product changes by Δx·z + x·Δz + Δx·Δz: the average effect
// of do(x = +d) is b·d + bz·a·d + c·mean(d·z + x·a·d + a·d²).
func TestModeratorMovesWithX(t *testing.T) {
	p := moderatedPanel(t, 12, 8)
	src := "dag { x -> y [moderator=\"z\"]; z -> y; x -> z }"
	f := pointFitPanel(t, src, p, 5, vals(map[string]float64{"b.x.y": 0.5, "c.x.z.y": 0.3, "b.z.y": -0.2, "b.x.z": 0.7}))
	f.Edges = []fit.EdgeSummary{{Name: "c.x.z.y", Edge: "x -> y [moderator=z]", Kind: "interaction", Parent: "x", Child: "y", Moderator: "z", Mean: 0.3}}
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	const dx, a = 1.5, 0.7
	do, _ := Parse("do(x = +1.5)")
	eff, err := e.Effect(do, Do{}, Options{Outcome: "y"})
	if err != nil {
		t.Fatal(err)
	}
	x, z := f.Plan.Values["x"], f.Plan.Values["z"]
	y := e.s.nodes[e.s.index["y"]]
	var want float64
	n := 0
	for r := range x {
		if !y.eqRow[r] {
			continue
		}
		dz := a * dx
		want += 0.5*dx - 0.2*dz + 0.3*(dx*z[r]+x[r]*dz+dx*dz)
		n++
	}
	want /= float64(n)
	near(t, "effect", eff.Periods[0].Mean, want, 1e-9)
	if !strings.HasPrefix(eff.Basis.Method, "exact") {
		t.Errorf("method %q", eff.Basis.Method)
	}
	// The answer rests on the interaction coefficient, listed once.
	n = 0
	for _, eb := range eff.Basis.Edges {
		if eb.Param == "c.x.z.y" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("basis lists c.x.z.y %d times: %+v", n, eff.Basis.Edges)
	}
	// A unit counterfactual follows the same product rule at its own row.
	cf, err := e.Counterfactual(do, "U03", "2020-04", Options{Outcome: "y"})
	if err != nil {
		t.Fatal(err)
	}
	r := 3*8 + 3
	dz := a * dx
	near(t, "counterfactual", cf.Rows[0].Difference.Mean, 0.5*dx-0.2*dz+0.3*(dx*z[r]+x[r]*dz+dx*dz), 1e-9)
}

// For a bernoulli y the conditional effect is the average over rows of
// the change in P(y = 1): logistic(eta1) − logistic(eta0), where z is held
// at v in both worlds and x moves by Δx in the first.
func TestConditionalBernoulli(t *testing.T) {
	p := moderatedPanel(t, 10, 6)
	src := "dag { x -> yb [moderator=\"z\"]; z -> yb\n yb [family=\"bernoulli\"] }"
	const a, b, bz, c, dx = 0.2, 0.5, -0.3, 0.4, 1.5
	f := pointFitPanel(t, src, p, 4, vals(map[string]float64{"a.yb": a, "b.x.yb": b, "b.z.yb": bz, "c.x.z.yb": c}))
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	at, _ := ParseAt("z=1.2,3")
	do, _ := Parse("do(x = +1.5)")
	rep, err := e.Conditional(do, Do{}, at, Options{Outcome: "yb"})
	if err != nil {
		t.Fatal(err)
	}
	x := f.Plan.Values["x"]
	logistic := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	for _, row := range rep.Rows {
		v := row.Value
		var want float64
		for r := range x {
			eta0 := a + b*x[r] + bz*v + c*x[r]*v
			eta1 := eta0 + b*dx + c*dx*v
			want += logistic(eta1) - logistic(eta0)
		}
		want /= float64(len(x))
		near(t, "bernoulli at "+row.At, row.Effect.Periods[0].Mean, want, 1e-9)
	}
}

func TestParseAtErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"z", "want NODE=VALUE"},
		{"z=", "an empty value"},
		{"z=q120", `"q120": a quantile is q0 … q100`},
		{"z=abc", `"abc": want a finite number`},
		{"z=1,,2", "an empty value"},
		{"z=+xsd", `"+xsd": want a number of standard deviations`},
		{"z y=1", `is not a node name`},
		{"z=Inf", "want a finite number"},
	} {
		_, err := ParseAt(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want …%s…", tc.in, err, tc.want)
		}
	}
}

func TestConditionalErrors(t *testing.T) {
	p := moderatedPanel(t, 6, 4)
	f := pointFitPanel(t, "dag { x -> y [moderator=\"z\"]; z -> y }", p, 3, vals(nil))
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	do, _ := Parse("do(x = +1)")
	for _, tc := range []struct {
		do   string
		at   string
		want string
	}{
		{"do(x = +1)", "zz=1", "unknown node zz"},
		{"do(x = +1, z = 1)", "z=1", "z is intervened on in do(x = +1, z = 1)"},
		{"do(x = +1)", "y=1", `--at "y=1": y is the outcome; hold another node`},
	} {
		d, err := Parse(tc.do)
		if err != nil {
			t.Fatal(err)
		}
		at, err := ParseAt(tc.at)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Conditional(d, Do{}, at, Options{Outcome: "y"})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s --at %s: %v, want …%s…", tc.do, tc.at, err, tc.want)
		}
	}
	_ = do
}

// A lagged moderated edge x -> y [lag=1, moderator="z"] carries the effect
// of a sustained do(x = +d) to period 1 as (b + c·z_t)·d, z read at the
// row of period 1; nothing moves at period 0.
func TestModeratedLagHorizon(t *testing.T) {
	p := moderatedPanel(t, 10, 6)
	src := "dag { x -> y [lag=1, moderator=\"z\"]; z -> y }"
	const b, c, d = 0.5, 0.4, 2.0
	f := pointFitPanel(t, src, p, 3, vals(map[string]float64{"b.x.lag1.y": b, "c.x.lag1.z.y": c, "b.z.y": 0.1}))
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	do, _ := Parse("do(x = +2)")
	rep, err := e.Effect(do, Do{}, Options{Outcome: "y", Horizon: 1})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "period 0", rep.Periods[0].Mean, 0, 1e-12)
	z := f.Plan.Values["z"]
	y := e.s.nodes[e.s.index["y"]]
	var want float64
	n := 0
	for r := range z {
		if y.eqRow[r] {
			want += (b + c*z[r]) * d
			n++
		}
	}
	if n != rep.Periods[1].Rows {
		t.Fatalf("rows %d, want %d", rep.Periods[1].Rows, n)
	}
	near(t, "period 1", rep.Periods[1].Mean, want/float64(n), 1e-9)
}

// A latent node's structural equation may carry a moderated edge from
// observed parents: its conditional effect is (b + c·v)·d on its latent
// scale.
func TestModeratedLatentChild(t *testing.T) {
	p := moderatedPanel(t, 8, 5)
	src := "dag { x -> L [moderator=\"z\"]; z -> L\n L [latent, indicators=\"w,y\"] }"
	const b, c = 0.6, -0.25
	f := pointFitPanel(t, src, p, 3, vals(map[string]float64{"b.x.L": b, "c.x.z.L": c, "b.z.L": 0.2}))
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	at, _ := ParseAt("z=1,2.5")
	do, _ := Parse("do(x = +1)")
	rep, err := e.Conditional(do, Do{}, at, Options{Outcome: "L"})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rep.Rows {
		near(t, "latent at "+row.At, row.Effect.Periods[0].Mean, b+c*row.Value, 1e-9)
	}
}

// A moderator that is missing at some rows (here z at t−1, missing in each
// unit's first period) leaves those rows out of a query whose change
// passes through the product, even in a linear equation downstream of it:
// do(x = +d) moves o by bo·(b + c·z[t−1])·d averaged over the rows where
// z[t−1] exists, never NaN.
func TestModeratorMissingRows(t *testing.T) {
	p := moderatedPanel(t, 8, 5)
	src := "dag { x -> y [moderator=\"z\"]; z -> y [lag=1]; y -> w }"
	const b, c, bo, d = 0.5, 0.3, 0.8, 1.5
	f := pointFitPanel(t, src, p, 3, vals(map[string]float64{"b.x.y": b, "c.x.z.lag1.y": c, "b.z.lag1.y": 0.1, "b.y.w": bo}))
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	do, _ := Parse("do(x = +1.5)")
	rep, err := e.Effect(do, Do{}, Options{Outcome: "w"})
	if err != nil {
		t.Fatal(err)
	}
	zl, err := p.Transform("z", "lag(1)")
	if err != nil {
		t.Fatal(err)
	}
	var want float64
	n := 0
	for r := range zl {
		if !math.IsNaN(zl[r]) {
			want += bo * (b + c*zl[r]) * d
			n++
		}
	}
	if rep.Periods[0].Rows != n || n == 8*5 {
		t.Fatalf("rows %d, want %d (of %d)", rep.Periods[0].Rows, n, 8*5)
	}
	near(t, "effect", rep.Periods[0].Mean, want/float64(n), 1e-9)
}

// --at holds a lagged moderator too (its values at t−1 are set), and when
// the intervention reaches the held node it moves from the held value:
// x -> z -> y with x -> y moderated by z[t−1]... and by z itself.
func TestConditionalHoldsLaggedAndMoving(t *testing.T) {
	p := moderatedPanel(t, 8, 5)
	const b, c, d = 0.5, 0.3, 2.0
	f := pointFitPanel(t, "dag { x -> y [moderator=\"z\"]; z -> y [lag=1] }", p, 3,
		vals(map[string]float64{"b.x.y": b, "c.x.z.lag1.y": c, "b.z.lag1.y": 0.1}))
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	at, _ := ParseAt("z=1,3")
	do, _ := Parse("do(x = +2)")
	rep, err := e.Conditional(do, Do{}, at, Options{Outcome: "y"})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rep.Rows {
		near(t, "lagged moderator held at "+row.At, row.Effect.Periods[0].Mean, (b+c*row.Value)*d, 1e-9)
		if row.Effect.Periods[0].Rows != 8*4 {
			t.Errorf("rows %d, want the 32 with z at t-1", row.Effect.Periods[0].Rows)
		}
	}
	// z moves with x: held at v, it becomes v + a·d in the first world.
	const a, bz = 0.7, -0.2
	f = pointFitPanel(t, "dag { x -> y [moderator=\"z\"]; z -> y; x -> z }", p, 3,
		vals(map[string]float64{"b.x.y": b, "c.x.z.y": c, "b.z.y": bz, "b.x.z": a}))
	if e, err = New(f); err != nil {
		t.Fatal(err)
	}
	rep, err = e.Conditional(do, Do{}, at, Options{Outcome: "y"})
	if err != nil {
		t.Fatal(err)
	}
	x := f.Plan.Values["x"]
	var mx float64
	for _, v := range x {
		mx += v
	}
	mx /= float64(len(x))
	for _, row := range rep.Rows {
		v := row.Value
		want := b*d + bz*a*d + c*(d*v+mx*a*d+d*a*d)
		near(t, "moving z held at "+row.At, row.Effect.Periods[0].Mean, want, 1e-9)
	}
}
