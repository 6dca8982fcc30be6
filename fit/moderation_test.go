package fit

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/model"
)

// moderatedPanel simulates y = 0.5 + 0.4·x + 0.3·z + c·x·z + 0.2·w(t−1) +
// u + noise over units × periods (x, z, w standard normal, unit
// intercepts u with sd 0.3, noise sd 0.5), as a CSV with iso3 and month.
func moderatedPanel(t testing.TB, units, periods int, c float64, seed uint64) *data.Panel {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	b.WriteString("iso3,month,x,z,w,y\n")
	for i := range units {
		u := 0.3 * rng.NormFloat64()
		wPrev := rng.NormFloat64()
		for p := range periods {
			x, z, w := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
			y := 0.5 + 0.4*x + 0.3*z + c*x*z + 0.2*wPrev + u + 0.5*rng.NormFloat64()
			fmt.Fprintf(&b, "U%03d,%d-%02d,%.6f,%.6f,%.6f,%.6f\n", i, 2020+p/12, p%12+1, x, z, w, y)
			wPrev = w
		}
	}
	p, err := data.Load(strings.NewReader(b.String()), "moderated.csv", data.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The interaction coefficient c of a moderated edge is recovered from
// simulated data, with the main effects beside it, and is reported in
// edges.csv as its own row.
func TestModerationRecovery(t *testing.T) {
	const truth = 0.25
	p := moderatedPanel(t, 40, 10, truth, 3)
	m, err := model.ParseString(`dag {
  x -> y [moderator="z", moderator_prior="normal(0,0.5)"]
  z -> y
  w -> y [lag=1]
}`, "moderated.dag")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := NewPlan(m, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	eq := pl.Spec.Equations[0]
	if n := len(eq.Terms); n != 4 {
		t.Fatalf("y has %d terms, want x, z, w and x·z", n)
	}
	it := eq.Terms[3]
	if it.Moderator != "z" || it.Prior.String() != "normal(0,0.5)" {
		t.Fatalf("interaction term %+v", it)
	}
	x, z := pl.Values["x"], pl.Values["z"]
	for r := range it.X {
		if it.X[r] != x[r]*z[r] {
			t.Fatalf("row %d: product %g, want %g·%g", r, it.X[r], x[r], z[r])
		}
	}
	s := DefaultSettings()
	s.Chains, s.Warmup, s.Samples, s.Seed = 2, 300, 300, 5
	f, err := Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"b.x.y": 0.4, "b.z.y": 0.3, "c.x.z.y": truth, "b.w.lag1.y": 0.2}
	found := 0
	for _, e := range f.Edges {
		tr, ok := want[e.Name]
		if !ok {
			continue
		}
		found++
		if math.Abs(e.Mean-tr) > 4*e.SD || e.SD > 0.05 {
			t.Errorf("%s: posterior mean %.3f (sd %.3f), truth %g", e.Name, e.Mean, e.SD, tr)
		}
		if e.Name == "c.x.z.y" {
			if e.Kind != "interaction" || e.Edge != "x -> y [moderator=z]" || e.Moderator != "z" {
				t.Errorf("interaction row: kind %q edge %q moderator %q", e.Kind, e.Edge, e.Moderator)
			}
			if e.Rhat > 1.01 {
				t.Errorf("c: R-hat %.3f", e.Rhat)
			}
		}
	}
	if found != len(want) {
		t.Fatalf("edges.csv rows %v; want %v", f.Edges, want)
	}
	var csv strings.Builder
	if err := f.WriteEdgesCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), "\nx -> y [moderator=z],x,y,0,") {
		t.Errorf("edges.csv has no interaction row:\n%s", csv.String())
	}
}

// A lagged moderator is read at its own edge's lag and named with it; a
// latent moderator is refused naming the edge.
func TestModerationLagAndLatent(t *testing.T) {
	p := moderatedPanel(t, 10, 6, 0.2, 4)
	m, err := model.ParseString(`dag { x -> y [moderator="w"]; z -> y; w -> y [lag=1] }`, "m.dag")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := NewPlan(m, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, tm := range pl.Spec.Equations[0].Terms {
		if tm.Moderator != "w" {
			continue
		}
		found = true
		if tm.ModeratorLag != 1 {
			t.Errorf("moderator lag %d, want 1", tm.ModeratorLag)
		}
		wl, err := p.Transform("w", "lag(1)")
		if err != nil {
			t.Fatal(err)
		}
		x := pl.Values["x"]
		for r := range tm.X {
			if want := x[r] * wl[r]; !(tm.X[r] == want || math.IsNaN(want) && math.IsNaN(tm.X[r])) {
				t.Fatalf("row %d: product %g, want %g", r, tm.X[r], want)
			}
		}
	}
	if !found {
		t.Fatal("no interaction term")
	}
	m, err = model.ParseString(`dag { x -> y [moderator="l"]; l -> y; l [latent, indicators="z,w"] }`, "m.dag")
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewPlan(m, p, Options{})
	if err == nil || !strings.Contains(err.Error(), `edge x -> y [moderator="l"]: l is latent`) || strings.Contains(err.Error(), "\n") {
		t.Errorf("latent moderator: %v", err)
	}
}
