package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
)

// userFixture writes a simulated panel of a small graph of the user's own
// (z → m → w, q → w as a remedy, z → w direct) and two models of it: the
// true graph and a rival without the mediator.
func userFixture(t *testing.T) (dir, csvPath, truth, rival string) {
	t.Helper()
	p, _, err := data.Simulate(data.SimSpec{Units: 12, Periods: 8, Seed: 4, Equations: []data.SimEquation{
		{Node: "z", Sigma: 1},
		{Node: "q", Sigma: 1},
		{Node: "m", Sigma: 0.6, UnitSD: 0.3, Parents: []data.SimParent{{Node: "z", Coef: 0.8}}},
		{Node: "w", Sigma: 0.5, UnitSD: 0.3, Parents: []data.SimParent{{Node: "m", Coef: 0.7}, {Node: "z", Coef: 0.2}, {Node: "q", Coef: -0.5}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	var b bytes.Buffer
	if err := p.Frame.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	csvPath = filepath.Join(dir, "panel.csv")
	os.WriteFile(csvPath, b.Bytes(), 0o644)
	truth = filepath.Join(dir, "mine.dag")
	os.WriteFile(truth, []byte(`dag { z -> m [sign="+"]; m -> w [sign="+"]; z -> w; q -> w [sign="-"] }
settings {
  z [column="z", quality="good"] m [column="m", role="mediator"] q [column="q", role="remedy"]
  w [column="w", role="outcome", quality="fair"]
}`), 0o644)
	rival = filepath.Join(dir, "rival.dag")
	os.WriteFile(rival, []byte(`dag { z -> w; q -> w; z -> m }
settings { z [column="z"] m [column="m"] q [column="q"] w [column="w", role="outcome"] }`), 0o644)
	return dir, csvPath, truth, rival
}

func quickSettings() fit.Settings {
	s := fit.DefaultSettings()
	s.Chains, s.Warmup, s.Samples, s.Seed = 2, 150, 100, 3
	return s
}

// builtinNodes lists the node names of every built-in model.
func builtinNodes(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	for _, b := range model.BuiltinNames() {
		m, err := model.Builtin(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range m.NodeNames() {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	if len(out) < 10 {
		t.Fatalf("only %d built-in node names: %v", len(out), out)
	}
	return out
}

// toolName matches the places where the tool's own name (which is also a
// built-in node's) may appear: import paths, the root package, and
// "dilemma COMMAND" or "dilemma VERSION" in text.
var toolName = regexp.MustCompile(`(?m)^\s*"dilemma"\s*$|dilemma/[a-z/]+|dilemma\.[A-Z]\w*|dilemma (fit|report|compare|graph|query|plot|paper|data|sweep|diagnose|check|%s|v?[0-9])`)

// builtinNamesIn returns the built-in node names that occur in text as
// whole words (letters, digits and underscores around them do not count).
func builtinNamesIn(text string, nodes []string) []string {
	text = toolName.ReplaceAllString(text, " ")
	var found []string
	for _, n := range nodes {
		re := regexp.MustCompile(`(^|[^A-Za-z0-9_])` + regexp.QuoteMeta(n) + `([^A-Za-z0-9_]|$)`)
		if re.MatchString(text) {
			found = append(found, n)
		}
	}
	return found
}

// TestNoBuiltinNodeNamesInSources: the generic report knows no node of
// the built-in models; every source file of package report (and the
// report command's) is searched.
func TestNoBuiltinNodeNamesInSources(t *testing.T) {
	nodes := builtinNodes(t)
	files, _ := filepath.Glob("*.go")
	sub, _ := filepath.Glob("predict/*.go")
	files = append(files, sub...)
	files = append(files, filepath.Join("..", "cmd", "dilemma", "report.go")) // the command's wiring
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n++
		if found := builtinNamesIn(string(b), nodes); len(found) > 0 {
			t.Errorf("%s names built-in nodes: %v", f, found)
		}
	}
	if n < 10 {
		t.Fatalf("searched only %d files", n)
	}
	// The search finds a name where there is one.
	for _, n := range nodes {
		if got := builtinNamesIn(`x := m.Node("`+n+`")`, nodes); len(got) != 1 {
			t.Errorf("the search misses %s: %v", n, got)
		}
	}
}

// TestGeneralReportOnUserModel writes the report on a simulated graph of
// the user's own, compared with a rival: every section is there, every
// linked file exists, and no built-in node is named.
func TestGeneralReportOnUserModel(t *testing.T) {
	dir, csvPath, truth, rival := userFixture(t)
	out := filepath.Join(dir, "rep")
	res, err := Run(context.Background(), Options{Out: out, Model: truth, DataPath: csvPath, Keys: data.Options{UnitKey: "unit", TimeKey: "period"},
		Compare: []string{rival}, Units: []string{"U001", "U002"}, Time: "5", Horizon: 2, Settings: quickSettings()})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	for _, want := range []string{"# Model `" + truth + "`", "## The model and its measures", "## Edges", "P(expected sign)", "**Prior sensitivity.**",
		"### Testable implications", "### Which graph predicts better?", "PSIS-LOO", "## Mediation", "natural indirect", "Mediation of z → w through m",
		"## Remedies", "P(reduces)", "## Counterfactuals", "## Diagnostics", "Do the families fit the data?", "Data file `" + csvPath + "`"} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if strings.Contains(md, "could not") {
		t.Errorf("report.md says something could not be done:\n%s", grep(md, "could not"))
	}
	if found := builtinNamesIn(md, builtinNodes(t)); len(found) > 0 {
		t.Errorf("the report on a user model names built-in nodes %v", found)
	}
	// The true graph predicts w better than the rival without m → w.
	loo, _ := os.ReadFile(filepath.Join(out, "tables", "loo.csv"))
	lines := strings.Split(string(loo), "\n")
	if len(lines) < 3 || !strings.Contains(lines[1], "mine.dag") {
		t.Errorf("the true graph is not ranked first:\n%s", loo)
	}
	for _, f := range []string{"report.html", "manifest.json", "figures/dag.png", "figures/dag.pdf", "figures/forest.png", "figures/contraction.png",
		"figures/dag-rival.png", "figures/remedies.png", "figures/horizon-q.png", "figures/counterfactual.png", "figures/energy.png", "figures/ppc-w.png",
		"tables/measures.tex", "tables/edges.csv", "tables/implications.md", "tables/loo.csv", "tables/mediation.csv", "tables/remedies.tex",
		"tables/counterfactuals.csv", "tables/diagnostics.csv", "fits/mine/manifest.json", "fits/rival/chain-1.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "![") {
			_, rest, _ := strings.Cut(l, "](")
			src, _, _ := strings.Cut(rest, ")")
			if _, err := os.Stat(filepath.Join(out, src)); err != nil {
				t.Errorf("report links %s, which is missing", src)
			}
		}
	}
	if len(res.Fits) != 2 {
		t.Errorf("%d fits, want 2", len(res.Fits))
	}

	// The fit is reused with --fit: no sampling, the same edge table.
	out2 := filepath.Join(dir, "rep2")
	if _, err := Run(context.Background(), Options{Out: out2, FitDir: filepath.Join(out, "fits", "mine"), Settings: quickSettings()}); err != nil {
		t.Fatal(err)
	}
	e1, _ := os.ReadFile(filepath.Join(out, "tables", "edges.csv"))
	e2, _ := os.ReadFile(filepath.Join(out2, "tables", "edges.csv"))
	if len(e1) == 0 || !bytes.Equal(e1, e2) {
		t.Errorf("the reused fit's edge table differs:\n%s\n%s", e1, e2)
	}
	md2, _ := os.ReadFile(filepath.Join(out2, "report.md"))
	if !strings.Contains(string(md2), "was reused") {
		t.Error("the report does not say the fit was reused")
	}
	if _, err := os.Stat(filepath.Join(out2, "tables", "counterfactuals.csv")); err == nil {
		t.Error("counterfactuals written without --units")
	}
	// A fit of another model is refused.
	if _, err := Run(context.Background(), Options{Out: filepath.Join(dir, "rep3"), Model: rival, FitDir: filepath.Join(out, "fits", "mine"), Settings: quickSettings()}); err == nil || !strings.Contains(err.Error(), "not of") {
		t.Errorf("got %v, want a refusal of a fit of another model", err)
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestGeneralReportChecksBeforeSampling: a bad option fails at once and
// leaves nothing beside the output.
func TestGeneralReportChecksBeforeSampling(t *testing.T) {
	_, csvPath, truth, rival := userFixture(t)
	base := Options{Model: truth, DataPath: csvPath, Keys: data.Options{UnitKey: "unit", TimeKey: "period"}, Horizon: 2, Settings: quickSettings()}
	other := filepath.Join(t.TempDir(), "other.csv")
	b, _ := os.ReadFile(csvPath)
	os.WriteFile(other, append(b, []byte("")...), 0o644)
	for _, c := range []struct {
		change func(o *Options)
		want   string
	}{
		{func(o *Options) { o.Horizon = 8 }, "--horizon 8: want 1 to 7 periods"},
		{func(o *Options) { o.Width = 50 }, "--width 50"},
		{func(o *Options) { o.Units = []string{"U001", "ZZZ"} }, "--units: ZZZ is not a unit of the data"},
		{func(o *Options) { o.Time = "99" }, "--period 99: not a period of the data"},
		{func(o *Options) { o.Compare = []string{truth} }, "name two different models"},
		{func(o *Options) { o.Compare = []string{"nosuch.dag"} }, "nosuch.dag"},
		{func(o *Options) { o.Settings.Samples = 1 << 40 }, "the draws need"},
		{func(o *Options) { o.Model = "" }, "name a model"},
	} {
		o := base
		c.change(&o)
		parent := t.TempDir()
		o.Out = filepath.Join(parent, "rep")
		_, err := Run(context.Background(), o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one with %q", err, c.want)
		}
		if entries, _ := os.ReadDir(parent); len(entries) > 0 {
			t.Errorf("%q: left %d entries in the output's parent", c.want, len(entries))
		}
	}
	_ = rival
}

// TestGeneralReportWithoutRoles: a plain dagitty graph (no outcome, no
// remedy, no mediator) gets the sections that need no roles and says why
// it has no counterfactual.
func TestGeneralReportWithoutRoles(t *testing.T) {
	dir, csvPath, _, _ := userFixture(t)
	plain := filepath.Join(dir, "plain.dag")
	os.WriteFile(plain, []byte("dag { z -> m -> w; q -> w }"), 0o644)
	out := filepath.Join(dir, "rep")
	if _, err := Run(context.Background(), Options{Out: out, Model: plain, DataPath: csvPath, Keys: data.Options{UnitKey: "unit", TimeKey: "period"},
		Units: []string{"U001"}, Settings: quickSettings()}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(out, "report.md"))
	md := string(b)
	for _, want := range []string{"## Edges", "No estimated edge claims a sign", "### Testable implications", "## Diagnostics", "No counterfactual"} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	for _, not := range []string{"## Mediation", "## Remedies", "### Which graph predicts better?", "could not"} {
		if strings.Contains(md, not) {
			t.Errorf("report.md has %q", not)
		}
	}
}
