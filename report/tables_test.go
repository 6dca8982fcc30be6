package report

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/fit"
)

// goldenFit is a fit reduced to its edge summaries, with fixed numbers:
// names needing escapes, a lag, every sign, a heavy-tailed prior (no
// contraction), probabilities at and near the ends, and a loading.
func goldenFit() *fit.Fit {
	e := func(name, parent, child string, lag, sign int, q [5]float64, p, contraction float64) fit.EdgeSummary {
		edge := parent + " -> " + child
		if lag > 0 {
			edge += " [lag=1]"
		}
		return fit.EdgeSummary{Name: name, Edge: edge, Parent: parent, Child: child, Lag: lag, Sign: sign,
			Mean: q[2] + 0.01, SD: (q[4] - q[0]) / 3.29, Q5: q[0], Q25: q[1], Q50: q[2], Q75: q[3], Q95: q[4],
			PSign: p, Rhat: 1.002, ESSBulk: 1234.4, ESSTail: 987.6, PriorVar: 1, Contraction: contraction, Rows: 5460}
	}
	edges := []fit.EdgeSummary{
		e("b.threat.fear", "threat", "fear", 0, 1, [5]float64{0.61, 0.66, 0.70, 0.74, 0.79}, 1, 0.998),
		e("b.intent_uncertainty.fear", "intent_uncertainty", "fear", 0, 1, [5]float64{-0.071, -0.064, -0.0601, -0.055, -0.049}, 0, 0.9991),
		e("b.peer_unilateralism.lag1.fear", "peer_unilateralism", "fear", 1, 1, [5]float64{0.10, 0.115, 0.125, 0.135, 0.15}, 0.9996, 0.99),
		e("b.fear.unilateralism", "fear", "unilateralism", 0, -1, [5]float64{-0.2, -0.05, 0.004, 0.06, 0.21}, 0.4812, 0.95),
		e("b.x_1.y_2", "x_1", "y_2", 0, 0, [5]float64{-0.004, -0.002, -0.0004, 0.001, 0.003}, 0.003, math.NaN()),
	}
	load := e("lambda.dilemma.c8_days_total_ban", "dilemma", "c8_days_total_ban", 0, 0, [5]float64{0.01, 0.02, 0.03, 0.04, 0.06}, 1, 0.5)
	load.Loading, load.Edge = true, "dilemma =~ c8_days_total_ban"
	edges = append(edges, load)
	return &fit.Fit{Edges: edges}
}

// TestEdgeTableGolden pins the LaTeX and Markdown edge tables (and the
// others) of both styles. Run `go test ./report/ -run Golden -update` after
// an intended change and read the diff.
func TestEdgeTableGolden(t *testing.T) {
	f := goldenFit()
	for _, style := range []string{"paper", "full"} {
		st, err := ParseTableStyle(style)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"latex", "markdown", "text", "csv"} {
			var buf bytes.Buffer
			if err := WriteEdgeTable(&buf, f, st, format); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "edges-"+style+"."+format+".golden")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if buf.String() != string(want) {
				t.Errorf("%s %s table changed:\n got:\n%s\nwant:\n%s", style, format, buf.String(), want)
			}
		}
	}
}

// TestPaperTable checks the paper table's content independently of the
// golden files.
func TestPaperTable(t *testing.T) {
	tb := EdgeTable(goldenFit(), PaperTable)
	if len(tb.Rows) != 5 {
		t.Fatalf("%d rows, want the 5 strengths (no loading)", len(tb.Rows))
	}
	want := [][]string{
		{"threat", "fear", "", "+", "0.70", "[0.61, 0.79]", "1.00", "1.00"},
		{"intent_uncertainty", "fear", "", "+", "-0.06", "[-0.07, -0.05]", "0.00", "1.00"},
		{"peer_unilateralism", "fear", "1", "+", "0.12", "[0.10, 0.15]", ">0.99", "0.99"},
		{"fear", "unilateralism", "", "−", "0.00", "[-0.20, 0.21]", "0.48", "0.95"},
		{"x_1", "y_2", "", "none", "0.00", "[0.00, 0.00]", "<0.01 (P>0)", "NA"},
	}
	for i, row := range want {
		if strings.Join(tb.Rows[i], "|") != strings.Join(row, "|") {
			t.Errorf("row %d = %q, want %q", i, tb.Rows[i], row)
		}
	}
	var buf bytes.Buffer
	if err := WriteEdgeTable(&buf, goldenFit(), PaperTable, "latex"); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	for _, sub := range []string{`\toprule`, `\midrule`, `\bottomrule`, `intent\_uncertainty`, `90\% interval`} {
		if !strings.Contains(s, sub) {
			t.Errorf("LaTeX table lacks %q:\n%s", sub, s)
		}
	}
	if err := WriteEdgeTable(&buf, goldenFit(), PaperTable, "html"); err == nil {
		t.Error("unknown format accepted")
	}
	if _, err := ParseTableStyle("wide"); err == nil {
		t.Error("unknown style accepted")
	}
}
