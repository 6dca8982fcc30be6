package fit

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"dilemma/data"
)

// slopesPanel is a panel of units × periods where unit j's strength of x on
// y is b + v_j, v_j ~ normal(0, sdv); it returns the true unit strengths
// by unit label.
func slopesPanel(t *testing.T, units, periods int, b, sdv float64, seed uint64) (*data.Panel, map[string]float64) {
	rng := rand.New(rand.NewPCG(seed, 16))
	var buf bytes.Buffer
	buf.WriteString("unit,period,x,y\n")
	truth := map[string]float64{}
	for u := 0; u < units; u++ {
		name := fmt.Sprintf("U%02d", u)
		slope := b + sdv*rng.NormFloat64()
		truth[name] = slope
		ui := 0.5 * rng.NormFloat64()
		for p := 0; p < periods; p++ {
			x := rng.NormFloat64()
			y := 0.3 + slope*x + ui + 0.6*rng.NormFloat64()
			fmt.Fprintf(&buf, "%s,%d,%.6f,%.6f\n", name, p+1, x, y)
		}
	}
	panel, err := data.Load(&buf, "slopes.csv", data.Options{UnitKey: "unit", TimeKey: "period"})
	if err != nil {
		t.Fatal(err)
	}
	return panel, truth
}

// A fit with varies="unit": edges.csv has the mean strength's row and a row
// "x -> y [sd across units]" near the true sd, and UnitSlopes gives each
// unit's strength near its truth.
func TestSlopesFit(t *testing.T) {
	if testing.Short() {
		t.Skip("sampling")
	}
	panel, truth := slopesPanel(t, 30, 20, 0.5, 0.4, 1)
	pl, err := NewPlan(mustModel(t, `dag { x -> y [varies="unit", varies_prior="half_normal(0.5)"] }`), panel, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := quickSettings()
	s.Warmup, s.Samples = 250, 250
	f, err := Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	var mean, sd *EdgeSummary
	for i := range f.Edges {
		switch f.Edges[i].Edge {
		case "x -> y":
			mean = &f.Edges[i]
		case "x -> y [sd across units]":
			sd = &f.Edges[i]
		}
	}
	if mean == nil || sd == nil {
		t.Fatalf("edges %+v: want the mean strength and its sd across units", f.Edges)
	}
	if sd.Kind != "unit sd" || sd.Name != "sd_v.x.y" {
		t.Errorf("sd row: kind %q, name %q", sd.Kind, sd.Name)
	}
	if math.Abs(sd.Mean-0.4) > 4*sd.SD || math.Abs(mean.Mean-0.5) > 4*mean.SD {
		t.Errorf("mean strength %.3f (sd %.3f), sd across units %.3f (sd %.3f); truth 0.5 and 0.4", mean.Mean, mean.SD, sd.Mean, sd.SD)
	}
	var csv bytes.Buffer
	if err := f.WriteEdgesCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), "x -> y [sd across units],x,y,0,,") {
		t.Errorf("edges.csv has no sd row:\n%s", csv.String())
	}
	units, draws, ok := f.UnitSlopes("b.x.y")
	if !ok || len(units) != 30 {
		t.Fatalf("UnitSlopes: %d units, ok %v", len(units), ok)
	}
	bad := 0
	for j, u := range units {
		var all []float64
		for _, ch := range draws[j] {
			all = append(all, ch...)
		}
		m, s := 0.0, 0.0
		for _, v := range all {
			m += v
		}
		m /= float64(len(all))
		for _, v := range all {
			s += (v - m) * (v - m)
		}
		s = math.Sqrt(s / float64(len(all)-1))
		if math.Abs(m-truth[u]) > 2.5*s {
			bad++
		}
	}
	if bad > 3 {
		t.Errorf("%d of 30 unit strengths are more than 2.5 posterior sd from the truth", bad)
	}
	if _, _, ok := f.UnitSlopes("b.y.x"); ok {
		t.Error("UnitSlopes finds an edge that does not vary")
	}
}

// varies="unit" where it cannot be estimated: a clear error naming the edge.
func TestSlopesFitErrors(t *testing.T) {
	few, _ := slopesPanel(t, 4, 10, 0.5, 0.4, 2)
	cross, err := data.Load(strings.NewReader("x,y\n1,2\n2,3.5\n3,3\n4,5\n5,4\n6,7\n"), "cross.csv", data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		panel *data.Panel
		src   string
		opt   Options
		want  string
	}{
		{"few units", few, `dag { x -> y [varies="unit"] }`, Options{}, `edge x -> y: varies="unit" needs at least 5 units with data, and y has 4`},
		{"cross-section", cross, `dag { x -> y [varies="unit"] }`, Options{}, `edge x -> y: varies="unit" needs a panel with a unit key`},
		{"no unit intercepts", few, `dag { x -> y [varies="unit"] y [unit_effects="none"] }`, Options{}, `edge x -> y: varies="unit" needs unit random intercepts`},
	} {
		pl, err := NewPlan(mustModel(t, c.src), c.panel, c.opt)
		if err == nil {
			_, err = Run(context.Background(), pl, quickSettings(), nil)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
