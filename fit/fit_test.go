package fit

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"dilemma/data"
	"dilemma/inference/diagnostics"
	"dilemma/model"
)

func quickSettings() Settings {
	s := DefaultSettings()
	s.Chains, s.Warmup, s.Samples, s.Seed = 2, 300, 300, 11
	return s
}

func mustModel(t *testing.T, src string) *model.Model {
	t.Helper()
	m, err := model.ParseString(src, "test.dag")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMatchesOLS fits a gaussian-only cross-section with near-flat priors
// and compares the posterior means with ordinary least squares.
func TestMatchesOLS(t *testing.T) {
	p, _, err := data.Simulate(data.SimSpec{Units: 300, Periods: 1, Seed: 3, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "z", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 0.5}}},
		{Node: "y", Intercept: 1, Sigma: 0.7, Parents: []data.SimParent{{Node: "x", Coef: 0.8}, {Node: "z", Coef: -0.4}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	m := mustModel(t, `dag { x -> z; x -> y; z -> y }
settings {
  x [column="x"]
  z [column="z", prior_strength="normal(0,100)", prior_intercept="normal(0,100)"]
  y [column="y", prior_strength="normal(0,100)", prior_intercept="normal(0,100)"]
}`)
	pl, err := NewPlan(m, p, Options{NoUnitEffects: true})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Run(context.Background(), pl, quickSettings(), nil)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := p.Numeric("x")
	z, _ := p.Numeric("z")
	y, _ := p.Numeric("y")
	X := mat.NewDense(len(y), 3, nil)
	for i := range y {
		X.SetRow(i, []float64{1, x[i], z[i]})
	}
	var beta mat.VecDense
	if err := beta.SolveVec(X, mat.NewVecDense(len(y), y)); err != nil {
		t.Fatal(err)
	}
	for k, name := range []string{"a.y", "b.x.y", "b.z.y"} {
		ch := f.Param(name)
		if ch == nil {
			t.Fatalf("no parameter %s in %v", name, f.Names)
		}
		s := diagnostics.Summarize(name, ch)
		if z := (s.Mean - beta.AtVec(k)) / s.MCSEMean; math.Abs(z) > 4 || s.Rhat > 1.01 {
			t.Errorf("%s: posterior mean %.4f (MCSE %.4f, R-hat %.3f), OLS %.4f", name, s.Mean, s.MCSEMean, s.Rhat, beta.AtVec(k))
		}
	}
}

// TestWriteOpenReproduce writes a fit directory, reopens it, and reruns
// the manifest: the chain files must be byte-identical.
func TestWriteOpenReproduce(t *testing.T) {
	p, _, err := data.Simulate(data.SimSpec{Units: 20, Periods: 10, Seed: 5, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "y", Intercept: 0.3, Sigma: 0.5, UnitSD: 0.5, Parents: []data.SimParent{{Node: "x", Coef: 0.6}, {Node: "y", Lag: 1, Coef: 0.3}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	csvPath := filepath.Join(t.TempDir(), "sim.csv")
	if err := os.WriteFile(csvPath, panelCSV(t, p), 0o644); err != nil {
		t.Fatal(err)
	}
	modelPath := filepath.Join(t.TempDir(), "m.dag")
	os.WriteFile(modelPath, []byte(`dag { x -> y [sign="+"]; y -> y [lag=1] }
settings { x [column="x"] y [column="y"] }`), 0o644)
	keys := data.Options{UnitKey: "unit", TimeKey: "period"}
	pl, err := Prepare(modelPath, csvPath, keys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := quickSettings()
	s.Warmup, s.Samples = 150, 100
	f, err := Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "fit")
	if err := f.Write(dir); err != nil {
		t.Fatal(err)
	}
	g, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Edges) != len(f.Edges) || len(g.Names) != len(f.Names) {
		t.Fatalf("reopened fit has %d edges, %d params; want %d, %d", len(g.Edges), len(g.Names), len(f.Edges), len(f.Names))
	}
	for i := range f.Edges {
		if math.Abs(g.Edges[i].Mean-f.Edges[i].Mean) > 1e-4*math.Max(1, math.Abs(f.Edges[i].Mean)) {
			t.Errorf("edge %s: mean %v after reopening, %v before", f.Edges[i].Edge, g.Edges[i].Mean, f.Edges[i].Mean)
		}
	}
	// Rerun from the manifest.
	m, err := ReadManifest(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	pl2, err := m.Plan()
	if err != nil {
		t.Fatal(err)
	}
	pl2.ModelRef, pl2.DataRef = m.Model, m.Data
	f2, err := Run(context.Background(), pl2, m.Settings, nil)
	if err != nil {
		t.Fatal(err)
	}
	for c := range f.Draws {
		var a, b bytes.Buffer
		f.WriteChainCSV(&a, c)
		f2.WriteChainCSV(&b, c)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("chain %d: rerun from the manifest gave different bytes", c+1)
		}
		disk, _ := os.ReadFile(filepath.Join(dir, ChainFile(c+1)))
		if !bytes.Equal(disk, a.Bytes()) {
			t.Fatalf("chain %d: file on disk differs from the in-memory fit", c+1)
		}
	}
	// A changed data file is refused.
	os.WriteFile(csvPath, append(panelCSV(t, p), []byte("U999,1,0,0\n")...), 0o644)
	if _, err := m.Plan(); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("changed data: %v", err)
	}
}

func panelCSV(t *testing.T, p *data.Panel) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := p.Frame.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBadInput checks that binding errors name the node and column.
func TestBadInput(t *testing.T) {
	csv := "iso3,month,x,const,frac,real,y\n" +
		"A,2020-01,1,5,0.3,0.5,1\nA,2020-02,2,5,1,1.5,2\nB,2020-01,3,5,0,2.5,2\nB,2020-02,4,5,1,0.5,3\n"
	p, err := data.Load(strings.NewReader(csv), "bad.csv", data.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, settings, node, want string
	}{
		{"unknown column", `x [column="gdp"] y [column="y"]`, "x", `column "gdp"`},
		{"no variance", `x [column="const", transform="standardize"] y [column="y"]`, "x", "no variance"},
		{"ordered on non-integers", `x [column="x"] y [column="real", family="ordered"]`, "y", "real"},
		{"bernoulli on 0.3", `x [column="x"] y [column="frac", family="bernoulli"]`, "y", "frac"},
		{"no data", `y [column="y"]`, "z", "has no data"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dag := "dag { x -> y }"
			if c.node == "z" {
				dag = "dag { z -> y }"
			}
			m := mustModel(t, dag+"\nsettings { "+c.settings+" }")
			pl, err := NewPlan(m, p, Options{})
			if err == nil {
				_, err = Run(context.Background(), pl, quickSettings(), nil)
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.node) {
				t.Errorf("error %q does not name node %q and %q", err, c.node, c.want)
			}
		})
	}
}

// TestWriteRefusesForeignDir keeps Write from replacing a directory that is
// not a fit.
func TestWriteRefusesForeignDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	f := &Fit{}
	err := f.Write(dir)
	if err == nil || !strings.Contains(err.Error(), "not a fit directory") {
		t.Fatalf("got %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "mine" {
		t.Error("the directory was touched")
	}
	var be *BuildError
	_ = errors.As(err, &be)
}

func TestMemTotalAndBytes(t *testing.T) {
	v, ok := memTotal([]byte("MemFree:  100 kB\nMemTotal:       25165824 kB\n"))
	if !ok || v != 25165824 {
		t.Errorf("memTotal = %v, %v", v, ok)
	}
	if _, ok := memTotal([]byte("nothing here\n")); ok {
		t.Error("memTotal found a value in text without MemTotal")
	}
	for b, want := range map[float64]string{512: "512 bytes", 1536: "1.5 KiB", 240 << 30: "240 GiB", 24 << 30: "24 GiB"} {
		if got := Bytes(b); got != want {
			t.Errorf("Bytes(%v) = %q, want %q", b, got, want)
		}
	}
}
