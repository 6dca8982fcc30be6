package main

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/plots"
	"dilemma/report"
)

const plotTestModel = `dag {
  x [pos="0,0"]
  r [pos="0,2"]
  L [latent, pos="1,0"]
  y [outcome, pos="2,1"]
  o [pos="3,1"]
  x -> L [sign="+"]
  L -> y [sign="+"]
  r -> y [sign="-"]
  x -> y [lag=1, sign="+"]
  y -> o [sign="+"]
}
settings {
  x [column="x"]
  r [column="r", role="remedy"]
  L [indicators="i1,i2,i3"]
  y [column="y"]
  o [column="o", family="ordered"]
}
`

// plotFitDir simulates a small panel, writes it and the model to dir and
// fits it with 'dilemma fit' (2 chains × 200 + 200, keeping the latent
// values; a second fit without them goes to fitDir+"-nolatent"); it returns
// the model file and the fit directory.
func plotFitDir(t *testing.T, dir string) (modelPath, fitDir string) {
	t.Helper()
	p, _, err := data.Simulate(data.SimSpec{Units: 20, Periods: 8, Seed: 9, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "r", Sigma: 1},
		{Node: "L", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 0.8}}},
		{Node: "i1", Sigma: 0.5, Parents: []data.SimParent{{Node: "L", Coef: 0.9}}},
		{Node: "i2", Sigma: 0.6, Parents: []data.SimParent{{Node: "L", Coef: 0.7}}},
		{Node: "i3", Sigma: 0.8, Parents: []data.SimParent{{Node: "L", Coef: -0.5}}},
		{Node: "y", UnitSD: 0.3, Sigma: 0.5, Parents: []data.SimParent{{Node: "L", Coef: 0.6}, {Node: "r", Coef: -0.4}, {Node: "x", Lag: 1, Coef: 0.3}}},
		{Node: "o", Family: "ordered", Cutpoints: []float64{-1, 0, 1}, Parents: []data.SimParent{{Node: "y", Coef: 0.8}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := p.Frame.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	csvPath := filepath.Join(dir, "panel.csv")
	modelPath = filepath.Join(dir, "small.dag")
	fitDir = filepath.Join(dir, "fit")
	if err := os.WriteFile(csvPath, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(modelPath, []byte(plotTestModel), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, st := runCLI(t, "fit", modelPath, "--data", csvPath, "--unit", "unit", "--time", "period",
		"--chains", "2", "--warmup", "200", "--samples", "200", "--seed", "3", "--out", fitDir, "--save-latent", "--quiet")
	if st != 0 {
		t.Fatalf("dilemma fit: status %d: %s", st, errs)
	}
	_, errs, st = runCLI(t, "fit", modelPath, "--data", csvPath, "--unit", "unit", "--time", "period",
		"--chains", "2", "--warmup", "100", "--samples", "100", "--seed", "3", "--out", fitDir+"-nolatent", "--quiet")
	if st != 0 {
		t.Fatalf("dilemma fit: status %d: %s", st, errs)
	}
	return modelPath, fitDir
}

// checkFigureFile verifies a written figure: a complete PDF, SVG that
// parses as XML with an svg root, or a PNG of the expected pixel size
// (wantH < 0: any height).
func checkFigureFile(t *testing.T, path string, wantW, wantH int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	switch filepath.Ext(path) {
	case ".pdf":
		if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b[max(0, len(b)-64):], []byte("%%EOF")) {
			t.Errorf("%s: not a complete PDF", path)
		}
	case ".svg":
		dec := xml.NewDecoder(bytes.NewReader(b))
		root := ""
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: invalid XML: %v", path, err)
			}
			if se, ok := tok.(xml.StartElement); ok && root == "" {
				root = se.Name.Local
			}
		}
		if root != "svg" {
			t.Errorf("%s: root element %q, want svg", path, root)
		}
	case ".png":
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if r := img.Bounds(); r.Dx() != wantW || (wantH >= 0 && r.Dy() != wantH) {
			t.Errorf("%s: %d×%d pixels, want %d×%d", path, r.Dx(), r.Dy(), wantW, wantH)
		}
	}
}

// TestPlotCommand draws every kind from a small fit in PDF, SVG and PNG,
// the diagram from a model alone, and checks that bad requests exit 1
// without leaving a file behind.
func TestPlotCommand(t *testing.T) {
	dir := t.TempDir()
	modelPath, fitDir := plotFitDir(t, dir)
	f, err := fit.Open(fitDir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "figs")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, kind := range report.Kinds {
		if kind == "conditional" || kind == "slopes" {
			continue // needs a moderated edge or one varying by unit: TestModerationCommands, TestSlopesCommands
		}
		req := report.Request{Kind: kind, Draws: report.DefaultPPCDraws, Seed: 1, Options: plots.Options{DPI: 72}}
		var extra []string
		if kind == "counterfactual" {
			req.Units, extra = []string{"U002", "U007"}, []string{"--units", "U002,U007"}
		}
		fig, _, err := report.Figure(nil, f, req)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		w, h := fig.PixelSize()
		for _, ext := range []string{".pdf", ".svg", ".png"} {
			path := filepath.Join(out, kind+ext)
			args := append([]string{"plot", fitDir, "--kind", kind, "--out", path, "--dpi", "72"}, extra...)
			_, errs, st := runCLI(t, args...)
			if st != 0 {
				t.Fatalf("plot --kind %s --out %s: status %d: %s", kind, path, st, errs)
			}
			checkFigureFile(t, path, w, h)
		}
	}
	// a page-wide figure, chosen parameters, a chosen node
	_, errs, st := runCLI(t, "plot", fitDir, "--kind", "trace", "--params", "lp__, L -> y,b.x.lag1.y", "--width", "7",
		"--dpi", "72", "--out", filepath.Join(out, "trace-page.png"))
	if st != 0 {
		t.Fatalf("trace --params: %d %s", st, errs)
	}
	checkFigureFile(t, filepath.Join(out, "trace-page.png"), 7*72, -1)
	if _, errs, st = runCLI(t, "plot", fitDir, "--kind", "ppc", "--node", "i2", "--out", filepath.Join(out, "ppc-i2.svg")); st != 0 {
		t.Fatalf("ppc --node i2: %d %s", st, errs)
	}
	// the diagram without a fit: a built-in model and a model file
	for _, m := range []string{"fig2", modelPath} {
		path := filepath.Join(out, "dag-"+filepath.Base(m)+".svg")
		if _, errs, st := runCLI(t, "plot", m, "--kind", "dag", "--out", path); st != 0 {
			t.Fatalf("plot %s --kind dag: %d %s", m, st, errs)
		}
		checkFigureFile(t, path, 0, 0)
	}
	// a fit directory without latent values: nodes that need them are
	// refused with the remedy, the others drawn
	_, errs, st = runCLI(t, "plot", fitDir+"-nolatent", "--kind", "ppc", "--out", filepath.Join(dir, "nolatent.png"))
	if st != 1 || !strings.Contains(errs, "--save-latent") {
		t.Errorf("ppc of y without latent values: status %d, %q", st, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "nolatent.png")); err == nil {
		t.Error("a refused ppc left a file")
	}
	if _, errs, st = runCLI(t, "plot", fitDir+"-nolatent", "--kind", "ppc", "--node", "o", "--out", filepath.Join(out, "ppc-o.png")); st != 0 {
		t.Errorf("ppc of o without latent values: %d %s", st, errs)
	}
	entries, _ := os.ReadDir(out)
	wantFiles := 3*(len(report.Kinds)-2) + 5 // conditional and slopes skipped above
	if len(entries) != wantFiles {
		t.Errorf("%d files in the output directory, want %d (no temporary files)", len(entries), wantFiles)
	}

	bad := filepath.Join(dir, "bad")
	if err := os.Mkdir(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(bad, "fig.pdf")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown kind", []string{"plot", fitDir, "--kind", "violin", "--out", target}, `unknown figure kind "violin"`},
		{"counterfactual units", []string{"plot", fitDir, "--kind", "counterfactual", "--out", target}, "name the units with --units"},
		{"intervention", []string{"plot", fitDir, "--kind", "effect-horizon", "--do", "do(q = +1sd)", "--out", target}, "q"},
		{"do on forest", []string{"plot", fitDir, "--kind", "forest", "--do", "do(r = +1sd)", "--out", target}, "apply to remedies"},
		{"horizon", []string{"plot", fitDir, "--kind", "effect-horizon", "--horizon", "-2", "--out", target}, "--horizon"},
		{"no kind", []string{"plot", fitDir, "--out", target}, "--kind is required"},
		{"no out", []string{"plot", fitDir, "--kind", "forest"}, "--out is required"},
		{"extension", []string{"plot", fitDir, "--kind", "forest", "--out", filepath.Join(bad, "fig.jpg")}, `unknown figure format ".jpg"`},
		{"no extension", []string{"plot", fitDir, "--kind", "forest", "--out", filepath.Join(bad, "fig")}, "no file extension"},
		{"parameter", []string{"plot", fitDir, "--kind", "trace", "--params", "b.nope.y", "--out", target}, `no parameter "b.nope.y"`},
		{"edge", []string{"plot", fitDir, "--kind", "forest", "--params", "q -> y", "--out", target}, `no edge "q -> y"`},
		{"node", []string{"plot", fitDir, "--kind", "ppc", "--node", "zz", "--out", target}, `no observed node "zz"`},
		{"latent node", []string{"plot", fitDir, "--kind", "ppc", "--node", "L", "--out", target}, `no observed node "L"`},
		{"model for a fit kind", []string{"plot", modelPath, "--kind", "forest", "--out", target}, "needs a fit directory"},
		{"unknown model", []string{"plot", "fig9", "--kind", "dag", "--out", target}, "fig9"},
		{"not a fit dir", []string{"plot", bad, "--kind", "forest", "--out", target}, "not a fit directory"},
		{"width", []string{"plot", fitDir, "--kind", "forest", "--width", "0.5", "--out", target}, "width"},
		{"two args", []string{"plot", fitDir, modelPath, "--kind", "dag", "--out", target}, "give one FITDIR or MODEL"},
		{"bad flag", []string{"plot", fitDir, "--kind", "dag", "--colour", "red", "--out", target}, "colour"},
	}
	for _, c := range cases {
		_, errs, st := runCLI(t, c.args...)
		if st != 1 {
			t.Errorf("%s: status %d, want 1 (stderr %q)", c.name, st, errs)
		}
		if !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%s: stderr %q, want one line containing %q", c.name, errs, c.want)
		}
		if entries, _ := os.ReadDir(bad); len(entries) != 0 {
			t.Fatalf("%s: left %d file(s) behind, e.g. %s", c.name, len(entries), entries[0].Name())
		}
	}

	help, _, st := runCLI(t, "plot", "-h")
	if st != 0 || !strings.Contains(help, "Examples:") || !strings.Contains(help, "--kind dag") || !strings.Contains(help, "-width") {
		t.Errorf("plot -h: status %d, output %q", st, help)
	}
}
