package fit

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/model/sem"
)

// missingPanel is a 30 × 8 panel x -> y -> z where x is missing, more often
// where y is high (about 40%), and y is missing in a few rows.
func missingPanel(t *testing.T) (*data.Panel, string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(4, 4))
	var b strings.Builder
	b.WriteString("iso3,month,x,y,z\n")
	for u := 0; u < 30; u++ {
		for m := 1; m <= 8; m++ {
			x := rng.NormFloat64()
			y := 0.8*x + 0.5*rng.NormFloat64()
			z := 0.5*y + 0.5*rng.NormFloat64()
			xs, ys := fmt.Sprint(x), fmt.Sprint(y)
			if rng.Float64() < 1/(1+math.Exp(-3*(y-0.3))) {
				xs = ""
			}
			if rng.Float64() < 0.05 {
				ys = ""
			}
			fmt.Fprintf(&b, "U%02d,2020-%02d,%s,%s,%g\n", u, m, xs, ys, z)
		}
	}
	p, err := data.Load(strings.NewReader(b.String()), "mi.csv", data.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return p, b.String()
}

// Under missing=model (the fit's default) the root x gets a model of its
// own and every row of y with y observed is used; under drop, or with the
// node attribute missing="drop" on x, the rows with x missing are dropped.
// edges.csv carries the count of rows with imputed values, and
// --save-imputed writes the imputed values to the chain files.
func TestFitMissingModes(t *testing.T) {
	p, csv := missingPanel(t)
	src := `dag { x -> y [sign="+"]; y -> z }`
	rows := func(pl *Plan) (map[string]sem.EquationInfo, []sem.MissingInfo) {
		post, err := sem.Compile(pl.Spec)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]sem.EquationInfo{}
		for _, in := range post.Equations() {
			out[in.Node] = in
		}
		return out, post.Missing()
	}
	opt, err := DefaultSettings().ModelOptions()
	if err != nil || opt.Missing != sem.MissingModel {
		t.Fatalf("default missing mode %v (%v), want model", opt.Missing, err)
	}
	pl, err := NewPlan(mustModel(t, src), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	model, mis := rows(pl)
	yobs := 0
	y := pl.Values["y"]
	for _, v := range y {
		if !math.IsNaN(v) {
			yobs++
		}
	}
	// z is observed everywhere, so y's missing values are imputed too and
	// y's equation has every row.
	if model["y"].Rows != len(y) || model["y"].RowsImputed <= len(y)-yobs || model["x"].Rows != len(y) {
		t.Errorf("model: y %+v (want %d rows), x %+v", model["y"], len(y), model["x"])
	}
	if len(mis) != 2 || mis[0].Node != "y" && mis[1].Node != "y" {
		t.Errorf("imputed nodes %+v, want x and y", mis)
	}
	if model["x"].RE == "none" {
		t.Errorf("x varies within units but its model has no unit intercepts: %+v", model["x"])
	}
	if !variesWithinUnit([]float64{1, 2, 3, 3}, []int{0, 0, 1, 1}) || variesWithinUnit([]float64{1, 1, math.NaN(), 3, 3}, []int{0, 0, 0, 1, 1}) {
		t.Error("variesWithinUnit")
	}
	if !strings.Contains(strings.Join(pl.Notes, "\n"), "x: a root with") {
		t.Errorf("no note on x's model: %q", pl.Notes)
	}
	drop, _ := DefaultSettings().ModelOptions()
	drop.Missing = sem.MissingDrop
	pd, err := NewPlan(mustModel(t, src), p, drop)
	if err != nil {
		t.Fatal(err)
	}
	dropped, mis := rows(pd)
	if len(mis) != 0 || dropped["y"].Rows >= model["y"].Rows || dropped["y"].Dropped["x"] != model["y"].RowsImputed-countMissingYRows(pl) {
		t.Errorf("drop: y %+v, imputed %+v; model y %+v", dropped["y"], mis, model["y"])
	}
	if _, ok := dropped["x"]; ok {
		t.Error("drop: x got a model")
	}
	// The node attribute overrides the fit's mode.
	pn, err := NewPlan(mustModel(t, src+` settings { x [missing="drop"] }`), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	node, _ := rows(pn)
	// (y's own missing values are still imputed: its mode is the fit's)
	want := dropped["y"].Rows
	for r, v := range y {
		if math.IsNaN(v) && !math.IsNaN(pl.Values["x"][r]) {
			want++
		}
	}
	if node["y"].Rows != want {
		t.Errorf("x [missing=\"drop\"]: y has %d rows, want %d", node["y"].Rows, want)
	}

	// A short fit writes rows_imputed and, with --save-imputed, the values.
	s := quickSettings()
	s.Chains, s.Warmup, s.Samples, s.SaveImputed = 1, 100, 50, true
	tmp := t.TempDir()
	os.WriteFile(filepath.Join(tmp, "mi.csv"), []byte(csv), 0o644)
	os.WriteFile(filepath.Join(tmp, "m.dag"), []byte(src), 0o644)
	pl, err = Prepare(filepath.Join(tmp, "m.dag"), filepath.Join(tmp, "mi.csv"), data.DefaultOptions(), opt)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "fit")
	if err := f.Write(dir); err != nil {
		t.Fatal(err)
	}
	edges, _ := os.ReadFile(filepath.Join(dir, "edges.csv"))
	lines := strings.Split(strings.TrimSpace(string(edges)), "\n")
	if !strings.HasSuffix(lines[0], ",rows_imputed") || !strings.HasSuffix(lines[1], fmt.Sprintf(",%d", model["y"].RowsImputed)) {
		t.Errorf("edges.csv:\n%s", edges)
	}
	chain, _ := os.ReadFile(filepath.Join(dir, ChainFile(1)))
	if !strings.Contains(string(chain), ",mi__x__U") || !strings.Contains(string(chain), ",mi__y__") {
		t.Errorf("chain file has no imputed values: %q", f.Manifest.ParamNames[len(f.Manifest.ParamNames)-8:])
	}
	for _, sm := range f.Summaries {
		if strings.HasPrefix(sm.Name, "mi.") {
			t.Fatalf("imputed value %s summarized", sm.Name)
		}
	}
	g, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Names) != len(f.Names) {
		t.Errorf("reopened: %d parameters, want %d", len(g.Names), len(f.Names))
	}
}

// countMissingYRows counts the rows of y's equation whose own value is
// imputed (y missing where z, its child, needs it).
func countMissingYRows(pl *Plan) int {
	n := 0
	for _, v := range pl.Values["y"] {
		if math.IsNaN(v) {
			n++
		}
	}
	return n
}

// A binary root with gaps gets a model of its own under missing=model, its
// missing values are summed out (the rows of its child are all used), and
// --save-imputed writes a drawn level of each per draw.
func TestFitSummedRoot(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	var b strings.Builder
	b.WriteString("iso3,month,d,y\n")
	for u := 0; u < 20; u++ {
		for m := 1; m <= 6; m++ {
			d := 0.0
			if rng.Float64() < 0.4 {
				d = 1
			}
			y := 0.8*d + 0.5*rng.NormFloat64()
			ds := fmt.Sprint(d)
			if rng.Float64() < 0.3 {
				ds = ""
			}
			fmt.Fprintf(&b, "U%02d,2020-%02d,%s,%g\n", u, m, ds, y)
		}
	}
	tmp := t.TempDir()
	os.WriteFile(filepath.Join(tmp, "d.csv"), []byte(b.String()), 0o644)
	os.WriteFile(filepath.Join(tmp, "d.dag"), []byte(`dag { d -> y } settings { d [family="bernoulli"] }`), 0o644)
	opt, _ := DefaultSettings().ModelOptions()
	pl, err := Prepare(filepath.Join(tmp, "d.dag"), filepath.Join(tmp, "d.csv"), data.DefaultOptions(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(pl.Notes, "\n"), "summed out over their levels") {
		t.Errorf("notes %q", pl.Notes)
	}
	s := quickSettings()
	s.Chains, s.Warmup, s.Samples, s.SaveImputed = 1, 100, 50, true
	f, err := Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range f.Posterior.Equations() {
		if in.Node == "y" && (in.Rows != 120 || in.RowsImputed == 0) {
			t.Errorf("y: %s", in.MissingSummary())
		}
	}
	sn := f.Posterior.SummedNames()
	if len(sn) == 0 {
		t.Fatal("nothing summed out")
	}
	lv := f.Param(sn[0])
	if lv == nil {
		t.Fatalf("no draws of %s", sn[0])
	}
	for _, v := range lv[0] {
		if v != 0 && v != 1 {
			t.Fatalf("%s drew %g", sn[0], v)
		}
	}
	dir := filepath.Join(t.TempDir(), "fit")
	if err := f.Write(dir); err != nil {
		t.Fatal(err)
	}
	chain, _ := os.ReadFile(filepath.Join(dir, ChainFile(1)))
	if !strings.Contains(string(chain), ",mi__d__U") {
		t.Errorf("chain file has no drawn levels")
	}
	if g, err := Open(dir); err != nil || len(g.Names) != len(f.Names) {
		t.Errorf("reopened: %v", err)
	}
}
