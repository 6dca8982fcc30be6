package paper

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/inference/loo"
	"dilemma/model"
	"dilemma/report"
)

// comparisonOf builds a StructureComparison whose PSIS-LOO ranks the
// structures as rows (best first, each with elpd_diff and se_diff against
// the best), for testing the wording without fitting.
func comparisonOf(rows ...loo.ModelRow) *StructureComparison {
	sc := &StructureComparison{Outcome: "dilemma", Column: "y",
		Variants: []StructureVariant{{Name: StructureBase}, {Name: StructureWithin}, {Name: StructureTime}}}
	c := &report.Comparison{Column: "y"}
	for _, r := range rows {
		c.Names = append(c.Names, r.Name)
		c.Nodes = append(c.Nodes, "dilemma")
		c.Weights = append(c.Weights, 1/float64(len(rows)))
	}
	c.Compare.Models = rows
	sc.Comparison = c
	return sc
}

// TestStructureVerdictFollowsELPD checks that the verdict names the
// structure the elpd numbers support: the best only when it leads the base
// by more than two standard errors, the base otherwise, and that the
// advice names the flag to refit with.
func TestStructureVerdictFollowsELPD(t *testing.T) {
	for _, c := range []struct {
		name       string
		rows       []loo.ModelRow
		want, says string
	}{
		{"base best", []loo.ModelRow{{Name: StructureBase}, {Name: StructureWithin, ELPDDiff: -3, SEDiff: 1}, {Name: StructureTime, ELPDDiff: -8, SEDiff: 2}},
			StructureBase, "do not support a different structure"},
		{"within clearly", []loo.ModelRow{{Name: StructureWithin}, {Name: StructureTime, ELPDDiff: -4, SEDiff: 3}, {Name: StructureBase, ELPDDiff: -12, SEDiff: 4}},
			StructureWithin, "ahead of random intercepts by 12.0 (se 4.0) in expected log predictive density, more than two standard errors: the data support within-unit effects"},
		{"within narrowly", []loo.ModelRow{{Name: StructureWithin}, {Name: StructureBase, ELPDDiff: -5, SEDiff: 3}, {Name: StructureTime, ELPDDiff: -9, SEDiff: 3}},
			StructureBase, "within two standard errors: the data do not separate them clearly"},
		{"time clearly", []loo.ModelRow{{Name: StructureTime}, {Name: StructureBase, ELPDDiff: -30, SEDiff: 6}, {Name: StructureWithin, ELPDDiff: -31, SEDiff: 6}},
			StructureTime, "the data support fixed time effects"},
	} {
		sc := comparisonOf(c.rows...)
		got, text := structureVerdict(sc)
		if got != c.want || !strings.Contains(text, c.says) {
			t.Errorf("%s: verdict %q, %q; want %q saying %q", c.name, got, text, c.want, c.says)
		}
		advice := structureAdvice(got, sc, "fig2-remedies")
		switch got {
		case StructureWithin:
			if !strings.Contains(advice, "dilemma fit fig2-remedies --unit-effects within") {
				t.Errorf("%s: advice %q", c.name, advice)
			}
		case StructureTime:
			if !strings.Contains(advice, "--time-effects fixed") {
				t.Errorf("%s: advice %q", c.name, advice)
			}
		default:
			if strings.Contains(advice, "refit") {
				t.Errorf("%s: advice to refit when the base is kept: %q", c.name, advice)
			}
		}
	}
	sc := comparisonOf()
	sc.Comparison = nil
	if got, _ := structureVerdict(sc); got != StructureBase {
		t.Errorf("without a comparison the verdict is %q", got)
	}
}

// TestRemedyMovementWording checks the words for how far the remedies
// move: the largest shift relative to the base's interval half-width, sign
// changes and P(reduces) crossing 0.5 or 0.9.
func TestRemedyMovementWording(t *testing.T) {
	sc := comparisonOf()
	sc.Variants[0].Remedies = []RemedyEffect{{Remedy: "a", Mean: -0.2, Lo: -0.4, Hi: 0, PRed: 0.95}, {Remedy: "b", Mean: -0.1, Lo: -0.3, Hi: 0.1, PRed: 0.8}}
	sc.Variants[1].Remedies = []RemedyEffect{{Remedy: "a", Mean: -0.19, Lo: -0.4, Hi: 0.02, PRed: 0.93}, {Remedy: "b", Mean: 0.1, Lo: -0.1, Hi: 0.3, PRed: 0.2}}
	sc.Variants[2].Remedies = []RemedyEffect{{Remedy: "a", Mean: -0.21, Lo: -0.41, Hi: -0.01, PRed: 0.96}, {Remedy: "b", Mean: -0.105, Lo: -0.3, Hi: 0.1, PRed: 0.82}}
	got := remedyMovement(sc)
	for _, want := range []string{
		"With within-unit effects the remedies' effects move substantially: the largest shift is b's, from -0.1 to 0.1, 1.00 of the half-width",
		"The sign of the mean effect changes for b.",
		"crosses 0.5 or 0.9 for b (P(reduces) 0.80 → 0.20)",
		"With fixed time effects the remedies' effects move little: the largest shift is a's, from -0.2 to -0.21, 0.05 of the half-width",
		"No remedy's P(reduces) crosses 0.5 or 0.9.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("movement lacks %q:\n%s", want, got)
		}
	}
	sc.Variants[1].Err = errors.New("boom")
	if strings.Contains(remedyMovement(sc), "within-unit") {
		t.Error("a failed structure is described as moving")
	}
}

// TestStructureSectionFailsSoft renders the section with one refit failed:
// the failure is stated, the table keeps the structures that were fitted.
func TestStructureSectionFailsSoft(t *testing.T) {
	sc := comparisonOf(loo.ModelRow{Name: StructureBase}, loo.ModelRow{Name: StructureTime, ELPDDiff: -1, SEDiff: 2})
	sc.Comparison.Names = []string{StructureBase, StructureTime}
	sc.Variants[1].Err = errors.New("model fig2-remedies: the sampler diverged")
	sc.Variants[0].Remedies = []RemedyEffect{{Remedy: "r", Mean: -1, Lo: -2, Hi: 0, PRed: 0.9}}
	sc.Variants[2].Remedies = []RemedyEffect{{Remedy: "r", Mean: -0.9, Lo: -2, Hi: 0.1, PRed: 0.88}}
	r := &run{Document: &report.Document{Dir: t.TempDir()}, o: Options{NonTraditional: "fig2-remedies", Settings: quick()}, structure: sc}
	if err := r.structureSection(); err != nil {
		t.Fatal(err)
	}
	md := r.Markdown()
	for _, want := range []string{"## Panel structure", "*within-unit effects: model fig2-remedies: the sampler diverged.*", "| random intercepts", "| fixed time effects", "random intercepts: P(reduces)", "fixed time effects: P(reduces)", "the model keeps random intercepts"} {
		if !strings.Contains(md, want) {
			t.Errorf("section lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "within-unit effects: mean") {
		t.Errorf("the failed structure has remedy columns:\n%s", md)
	}
	r = &run{Document: &report.Document{Dir: t.TempDir()}, o: Options{SkipStructure: true}}
	if r.structureSection(); r.Markdown() != "" {
		t.Errorf("skipped section writes %q", r.Markdown())
	}
}

// TestCompareStructuresOnAPanel fits a small simulated panel with a remedy
// under the three structures: every structure is fitted, the comparison
// and the section's tables have one row per structure, the remedy has an
// effect under each, and the verdict follows the elpd numbers. A
// cancelled context stops the refits with its error.
func TestCompareStructuresOnAPanel(t *testing.T) {
	p, _, err := data.Simulate(data.SimSpec{Units: 10, Periods: 8, Seed: 5, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1, UnitSD: 0.7},
		{Node: "remedy", Sigma: 1, UnitSD: 0.5},
		{Node: "y", Sigma: 0.5, UnitSD: 0.6, Parents: []data.SimParent{{Node: "x", Coef: 0.6}, {Node: "remedy", Coef: -0.4}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.ParseString(`dag { x -> y; remedy -> y [sign="-"] } settings { y [role="outcome"] remedy [role="remedy"] }`, "panel")
	if err != nil {
		t.Fatal(err)
	}
	s := quick()
	pl, err := fit.NewPlan(m, p, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	base, err := fit.Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := compareStructures(ctx, pl, base, "y", s, func(string, ...any) {}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: error %v", err)
	}
	sc, err := compareStructures(context.Background(), pl, base, "y", s, func(string, ...any) {}, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{StructureBase, StructureWithin, StructureTime}
	if len(sc.Variants) != 3 || sc.Comparison == nil {
		t.Fatalf("variants %+v, comparison error %v", sc.Variants, sc.CompareErr)
	}
	for k, v := range sc.Variants {
		if v.Name != names[k] || v.Err != nil || len(v.Remedies) != 1 || v.Remedies[0].Remedy != "remedy" || math.IsNaN(v.MaxRhat) {
			t.Errorf("variant %d: %+v", k, v)
		}
	}
	if sc.Variants[1].Settings.UnitEffects != "within" || sc.Variants[2].Settings.Time != "fixed" || !reflect.DeepEqual(sc.Variants[0].Settings, s) {
		t.Errorf("settings %+v", sc.Variants)
	}
	var ranked []string
	for _, r := range sc.Comparison.Compare.Models {
		ranked = append(ranked, r.Name)
	}
	if slices.Sort(ranked); !slices.Equal(ranked, []string{StructureTime, StructureBase, StructureWithin}) {
		t.Errorf("compared %v", ranked)
	}
	// The verdict follows the numbers.
	want := StructureBase
	if best := sc.Comparison.Compare.Models[0]; best.Name != StructureBase {
		for _, r := range sc.Comparison.Compare.Models {
			if r.Name == StructureBase && -r.ELPDDiff > 2*r.SEDiff {
				want = best.Name
			}
		}
	}
	if got, _ := structureVerdict(sc); got != want {
		t.Errorf("verdict %s, the numbers say %s (%+v)", got, want, sc.Comparison.Compare.Models)
	}
	r := &run{Document: &report.Document{Dir: t.TempDir()}, o: Options{NonTraditional: "panel", Settings: s}, structure: sc}
	if err := r.structureSection(); err != nil {
		t.Fatal(err)
	}
	lt := structureLOOTable(sc)
	if len(lt.Rows) != 3 {
		t.Errorf("LOO table rows %v", lt.Rows)
	}
	for _, row := range lt.Rows {
		if !slices.Contains(names, row[0]) || row[len(row)-1] == "NA" {
			t.Errorf("LOO table row %v", row)
		}
	}
	rt := structureRemedyTable(sc)
	if len(rt.Rows) != 1 || len(rt.Columns) != 1+3*3 || rt.Rows[0][0] != "remedy" {
		t.Errorf("remedy table %v %v", rt.Columns, rt.Rows)
	}
	if md := r.Markdown(); strings.Contains(md, "could not") || !strings.Contains(md, "Panel structures of panel by PSIS-LOO") {
		t.Errorf("section:\n%s", md)
	}
}

// TestPaperSkipsStructure checks that Options.SkipStructure leaves the
// section and its tables out.
func TestPaperSkipsStructure(t *testing.T) {
	dir, csvPath, trad, nontrad := fixture(t)
	out := filepath.Join(dir, "results")
	_, err := Run(context.Background(), Options{Out: out, DataPath: csvPath, Keys: data.Options{UnitKey: "unit", TimeKey: "period"},
		Traditional: trad, NonTraditional: nontrad, Exposure: "exposure", Mediator: "intent", Units: []string{"U001"},
		Time: "5", Horizon: 2, Settings: quick(), SkipStructure: true})
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(md), "Panel structure") {
		t.Error("report.md has the skipped Panel structure section")
	}
	if _, err := os.Stat(filepath.Join(out, "tables", "structure-loo.csv")); err == nil {
		t.Error("tables/structure-loo.csv written although skipped")
	}
}

// TestStaticRemedies finds the remedies of fig2-remedies that are one
// value per country (the dag file says goodwill_signals and
// external_mechanism are), and checks that the wording leaves a static
// remedy's within-unit effect out of the movements and says why.
func TestStaticRemedies(t *testing.T) {
	pl, err := fit.Prepare("fig2-remedies", "", data.Options{}, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := staticRemedies(pl); !slices.Equal(got, []string{"external_mechanism", "goodwill_signals"}) && !slices.Equal(got, []string{"goodwill_signals", "external_mechanism"}) {
		t.Errorf("static remedies %v", got)
	}
	sc := comparisonOf()
	sc.Variants[1].Settings.UnitEffects = "within"
	sc.Static = []string{"b"}
	sc.Variants[0].Remedies = []RemedyEffect{{Remedy: "a", Mean: -0.2, Lo: -0.4, Hi: 0, PRed: 0.95}, {Remedy: "b", Mean: -0.1, Lo: -0.3, Hi: 0.1, PRed: 0.8}}
	sc.Variants[1].Remedies = []RemedyEffect{{Remedy: "a", Mean: -0.19, Lo: -0.4, Hi: 0.02, PRed: 0.93}, {Remedy: "b", Mean: 0.1, Lo: -0.1, Hi: 0.3, PRed: 0.2}}
	sc.Variants[2].Err = errors.New("skipped")
	mv := remedyMovement(sc)
	if !strings.Contains(mv, "the largest shift is a's") || strings.Contains(mv, "changes for b") {
		t.Errorf("movement counts the static remedy: %s", mv)
	}
	if n := staticNote(sc); !strings.HasPrefix(n, "b does not vary within units") {
		t.Errorf("static note %q", n)
	}
	sc.Variants[1].Err = errors.New("failed")
	if n := staticNote(sc); n != "" {
		t.Errorf("static note without a within fit: %q", n)
	}
}

// TestStructureSettingsSwitchTimeEffects checks the variants the section
// refits: without period effects in the main fit it adds within-unit
// effects and fixed time effects; with them (the paper's default) it adds
// within-unit effects at the same period effects and a fit without period
// effects, and the advice for that one names --time-effects none.
func TestStructureSettingsSwitchTimeEffects(t *testing.T) {
	s := fit.DefaultSettings()
	s.Time = "none"
	names, sets := structureSettings(s)
	if want := []string{StructureBase, StructureWithin, StructureTime}; !slices.Equal(names, want) {
		t.Fatalf("without time effects: %v, want %v", names, want)
	}
	if sets[1].UnitEffects != "within" || sets[1].Time != "none" || sets[2].Time != "fixed" || sets[2].UnitEffects != s.UnitEffects {
		t.Errorf("without time effects: settings %+v", sets)
	}
	s.Time = DefaultTimeEffects
	names, sets = structureSettings(s)
	if want := []string{StructureTime, StructureWithin, StructureNoTime}; !slices.Equal(names, want) {
		t.Fatalf("with fixed time effects: %v, want %v", names, want)
	}
	if !reflect.DeepEqual(sets[0], s) || sets[1].UnitEffects != "within" || sets[1].Time != "fixed" || sets[2].Time != "none" {
		t.Errorf("with fixed time effects: settings %+v", sets)
	}
	sc := &StructureComparison{Variants: []StructureVariant{{Name: names[0]}, {Name: names[1]}, {Name: names[2]}}}
	if a := structureAdvice(StructureNoTime, sc, "fig2-remedies"); !strings.Contains(a, "dilemma fit fig2-remedies --time-effects none") {
		t.Errorf("advice for no time effects: %q", a)
	}
	if a := structureAdvice(StructureTime, sc, "fig2-remedies"); !strings.Contains(a, "keep fixed time effects") {
		t.Errorf("advice when the main fit's fixed time effects are kept: %q", a)
	}
}
