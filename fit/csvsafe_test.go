package fit

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/data"
)

// TestCSVFilesSafeToOpen fits a model whose node names a spreadsheet would
// run as formulas ("-x", "=cmd"): edges.csv escapes them (table.CSVCell),
// summary.csv still reads back, and the chain files' header (read by rstan,
// so never escaped) holds only names made of letters, digits and
// underscores.
func TestCSVFilesSafeToOpen(t *testing.T) {
	p, _, err := data.Simulate(data.SimSpec{Units: 10, Periods: 5, Seed: 3, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "y", Intercept: 0.3, Sigma: 0.5, Parents: []data.SimParent{{Node: "x", Coef: 0.6}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	csvPath := filepath.Join(tmp, "sim.csv")
	if err := os.WriteFile(csvPath, panelCSV(t, p), 0o644); err != nil {
		t.Fatal(err)
	}
	modelPath := filepath.Join(tmp, "m.dag")
	os.WriteFile(modelPath, []byte(`dag { -x -> "=cmd" [sign="-"] }
settings { -x [column="x"] "=cmd" [column="y"] }`), 0o644)
	pl, err := Prepare(modelPath, csvPath, data.Options{UnitKey: "unit", TimeKey: "period"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := quickSettings()
	s.Warmup, s.Samples = 60, 40
	f, err := Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "fit")
	if err := f.Write(dir); err != nil {
		t.Fatal(err)
	}
	read := func(name string) [][]string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(strings.NewReader(string(b)))
		r.Comment = '#'
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return rows
	}
	edges := read(EdgesFile)
	if len(edges) != 2 {
		t.Fatalf("edges.csv has %d rows, want 2", len(edges))
	}
	row := edges[1]
	if row[1] != "'-x" || row[2] != "'=cmd" || !strings.HasPrefix(row[0], "'-x") {
		t.Errorf("edges.csv names not escaped: %q", row[:3])
	}
	if row[4] != "-" {
		t.Errorf("expected_sign %q, want -", row[4])
	}
	if mean := row[5]; strings.HasPrefix(mean, "'") {
		t.Errorf("numeric cell escaped: %q", mean)
	}
	for _, name := range []string{ChainFile(1), SummaryFile} {
		for i, r := range read(name) {
			if i > 0 && name != SummaryFile {
				break
			}
			for _, c := range r {
				if c != "" && strings.ContainsRune("=+@", rune(c[0])) || strings.HasPrefix(c, "-") && i == 0 {
					t.Errorf("%s: cell %q starts a formula", name, c)
				}
			}
		}
	}
	g, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Summaries) != len(f.Summaries) || g.Summaries[1].Name != f.Summaries[1].Name {
		t.Errorf("summaries do not read back")
	}
}
