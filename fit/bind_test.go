package fit

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/model"
)

// TestSameNameBinding fits a plain dagitty graph whose node names are the
// CSV's column names (no column= anywhere) and recovers the simulated
// strength; reopening the fit directory binds the same way.
func TestSameNameBinding(t *testing.T) {
	p, _, err := data.Simulate(data.SimSpec{Units: 30, Periods: 8, Seed: 5, Equations: []data.SimEquation{
		{Node: "a", Sigma: 1, UnitSD: 0.3},
		{Node: "b", Sigma: 0.5, UnitSD: 0.3, Parents: []data.SimParent{{Node: "a", Coef: 0.7}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "my.csv")
	if err := os.WriteFile(csvPath, panelCSV(t, p), 0o644); err != nil {
		t.Fatal(err)
	}
	modelPath := filepath.Join(dir, "plain.dag")
	if err := os.WriteFile(modelPath, []byte("dag { a -> b }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pl, err := Prepare(modelPath, csvPath, data.Options{UnitKey: "unit", TimeKey: "period"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Bindings) != 2 || pl.Bindings[0].Kind != model.BindSameName || pl.Bindings[1].String() != `b: column "b" (same name)` {
		t.Errorf("bindings %v", pl.Bindings)
	}
	f, err := Run(context.Background(), pl, quickSettings(), nil)
	if err != nil {
		t.Fatal(err)
	}
	e := f.Edges[0]
	if e.Name != "b.a.b" || math.Abs(e.Mean-0.7) > 0.1 || e.Rhat > 1.05 {
		t.Errorf("edge %s: mean %.3f (truth 0.7), R-hat %.3f", e.Name, e.Mean, e.Rhat)
	}
	out := filepath.Join(dir, "fit")
	if err := f.Write(out); err != nil {
		t.Fatal(err)
	}
	g, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	if g.Plan.Model.Node("a").Column != "a" {
		t.Errorf("reopened fit does not bind a by name")
	}
}

// TestDataChecks checks, before sampling, that each node's data can be what
// the model says.
func TestDataChecks(t *testing.T) {
	csv := "iso3,month,x,cont,ord,gap,low,bin,y,grp,px\n" +
		"A,2020-01,1,0.5,0,0,1,0,1,EU,1\n" +
		"A,2020-02,2,1.5,1,1,2,1,2,EU,\n" +
		"B,2020-01,3,2.5,2,7,3,0,2,AF,3\n" +
		"B,2020-02,4,0.7,3,1,2,1,3,AF,4\n" +
		"C,2020-01,2,1.1,4,0,1,1,1,AS,2\n" +
		"C,2020-02,1,0.2,2,1,3,0,2,AS,1\n"
	p, err := data.Load(strings.NewReader(csv), "d.csv", data.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, src string
		want      []string
	}{
		{"continuous root declared bernoulli", `dag { cont -> y }` + "\nsettings { cont [family=\"bernoulli\"] }",
			[]string{`node "cont" (column "cont")`, "bernoulli needs 0 or 1, got 0.5 (d.csv line 2)"}},
		{"count root declared poisson", `dag { cont -> y }` + "\nsettings { cont [family=\"poisson\"] }",
			[]string{`node "cont"`, "poisson needs non-negative integer counts, got 0.5 (d.csv line 2)"}},
		{"ordered with a 7 in 0–1", `dag { x -> gap }` + "\nsettings { gap [family=\"ordered\"] }",
			[]string{`node "gap" (column "gap")`, "levels 2, 3, 4, 5, 6 never occur while 7 does (d.csv line 4)", "typo"}},
		{"ordered from 1", `dag { x -> low }` + "\nsettings { low [family=\"ordered\"] }",
			[]string{`node "low"`, "0 never occurs (values run from 1 to 3)", "start at 0"}},
		{"ordered root with a gap", `dag { gap -> y }` + "\nsettings { gap [family=\"ordered\"] }",
			[]string{`node "gap"`, "never occur while 7 does"}},
		{"one indicator", `dag { x -> L; L -> y }` + "\nsettings { L [latent, indicators=\"cont\"] }",
			[]string{`node "L" (column "cont")`, "one indicator is not identified", `column="cont"`}},
		{"two nodes one column", `dag { x -> y; z -> y }` + "\nsettings { z [column=\"x\", transform=\"center\"] }",
			[]string{"nodes x and z both read column \"x\"", "strength 1, sd 0"}},
		{"no data", `dag { x -> Y2 }`, []string{"node Y2 has no data", "(nearest: y)"}},
		{"ordered level only where a parent is missing", `dag { px -> ord }` + "\nsettings { ord [family=\"ordered\"] }",
			[]string{`node "ord" (column "ord")`, "level 1 never occurs in the 5 rows its equation uses (where every parent is observed) while 4 does (d.csv line 6)", "fill in the parents' missing values"}},
		{"key column", `dag { x -> y }` + "\nsettings { x [column=\"iso3\"] }", []string{`node x: column "iso3" is a unit or time key of d.csv, not a variable`}},
		{"text column", `dag { grp -> y }`, []string{`node "grp" (column "grp"): the column is text (e.g. "EU" on d.csv line 2)`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewPlan(mustModel(t, c.src), p, Options{})
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	// Accepted: every level 0 … 4 occurs; a binary root declared bernoulli.
	pl, err := NewPlan(mustModel(t, "dag { bin -> ord; x -> ord }\nsettings { ord [family=\"ordered\"] bin [family=\"bernoulli\"] }"), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A 0/1 node fitted as gaussian gets a note.
	pl, err = NewPlan(mustModel(t, "dag { x -> bin }"), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(pl.Notes, "\n"), `bin: column bin holds only 0 and 1 but is fitted as gaussian; family="bernoulli"`) {
		t.Errorf("notes %q", pl.Notes)
	}
}
