package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/model"
)

func TestGraphModelsAndShow(t *testing.T) {
	out, _, st := runCLI(t, "models")
	if st != 0 || !strings.Contains(out, "fig1") || !strings.Contains(out, "fig2-remedies") {
		t.Errorf("models: %d %q", st, out)
	}
	out, _, st = runCLI(t, "graph", "show", "fig2")
	if st != 0 || !strings.Contains(out, "anarchy") || !strings.Contains(out, "fixed") || !strings.Contains(out, "peer_unilateralism@t-1") {
		t.Errorf("graph show: %d %q", st, out)
	}
	out, _, st = runCLI(t, "graph", "show", "fig2-remedies", "--json")
	var show struct {
		Name  string
		Nodes []struct {
			Name, Kind, Role, Quality string
		}
		Edges []struct {
			From, To, Sign string
			Lag            int
		}
		Periods int
	}
	if err := json.Unmarshal([]byte(out), &show); err != nil || st != 0 {
		t.Fatalf("graph show --json: %d %v %q", st, err, out)
	}
	if show.Name != "fig2-remedies" || len(show.Nodes) != 12 || len(show.Edges) != 17 || show.Periods != 2 || show.Nodes[0].Kind != "fixed" {
		t.Errorf("graph show --json: %+v", show)
	}
	out, _, st = runCLI(t, "graph", "show", "fig1", "--format", "csv")
	if st != 0 || !strings.HasPrefix(out, "NODE,KIND,") {
		t.Errorf("graph show --format csv: %d %q", st, out)
	}
}

func TestGraphExport(t *testing.T) {
	for _, name := range model.BuiltinNames() {
		for _, flag := range []string{"", "--settings"} {
			args := []string{"graph", "export", name}
			if flag != "" {
				args = append(args, flag)
			}
			out, _, st := runCLI(t, args...)
			if st != 0 {
				t.Fatalf("export %s: status %d", name, st)
			}
			back, err := model.ParseString(out, "exported")
			if err != nil {
				t.Fatalf("export %s %s does not parse: %v\n%s", name, flag, err, out)
			}
			orig, _ := model.Builtin(name)
			if back.String() != orig.String() {
				t.Errorf("export %s %s: not the same model", name, flag)
			}
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "fig2.dag")
	if _, _, st := runCLI(t, "graph", "export", "fig2", "--out", path, "--quiet"); st != 0 {
		t.Fatalf("export --out: status %d", st)
	}
	if m, err := model.ParseFile(path); err != nil || len(m.Nodes) != 9 {
		t.Errorf("exported file: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	// The exported file is itself a MODEL argument.
	out, _, st := runCLI(t, "graph", "dsep", path, "threat", "unequal_exposure")
	if st != 0 || strings.TrimSpace(out) != "separated" {
		t.Errorf("dsep on the exported file: %d %q", st, out)
	}
}

func TestGraphDSep(t *testing.T) {
	out, _, st := runCLI(t, "graph", "dsep", "fig2", "threat", "unilateralism", "--given", "fear")
	if st != 0 || out != "connected\nopen path: threat -> fear <- intent_uncertainty -> unilateralism\n" {
		t.Errorf("dsep text: %d %q", st, out)
	}
	out, _, st = runCLI(t, "graph", "dsep", "fig2", "threat", "unilateralism", "--given", "fear", "--json")
	if st != 0 || out != "{\n  \"separated\": false,\n  \"open_path\": [\n    \"threat\",\n    \"fear\",\n    \"intent_uncertainty\",\n    \"unilateralism\"\n  ]\n}\n" {
		t.Errorf("dsep json: %d %q", st, out)
	}
	out, _, st = runCLI(t, "graph", "dsep", "fig2", "threat", "unequal_exposure", "--json")
	if st != 0 || out != "{\n  \"separated\": true,\n  \"open_path\": []\n}\n" {
		t.Errorf("dsep json separated: %d %q", st, out)
	}
	_, errs, st := runCLI(t, "graph", "dsep", "fig2", "treat", "fear")
	if st != 1 || !strings.Contains(errs, `unknown node "treat"`) || !strings.Contains(errs, `"threat"`) {
		t.Errorf("unknown node: %d %q", st, errs)
	}
	_, errs, st = runCLI(t, "graph", "dsep", "fig2", "threat")
	if st != 1 || !strings.Contains(errs, "MODEL X Y") {
		t.Errorf("missing argument: %d %q", st, errs)
	}
}

func TestGraphAdjust(t *testing.T) {
	mbias := writeFile(t, "mbias.dag", "x [exposure]; y [outcome]; x <- a -> m <- b -> y; x -> y\n")
	out, _, st := runCLI(t, "graph", "adjust", mbias, "--include", "m", "--json")
	if st != 0 || out != "{\n  \"sets\": [\n    [\n      \"a\",\n      \"m\"\n    ],\n    [\n      \"b\",\n      \"m\"\n    ]\n  ],\n  \"canonical\": [\n    \"a\",\n    \"b\",\n    \"m\"\n  ]\n}\n" {
		t.Errorf("adjust json: %d %q", st, out)
	}
	var res struct {
		Sets      [][]string `json:"sets"`
		Canonical []string   `json:"canonical"`
		Reason    string     `json:"reason"`
	}
	out, _, st = runCLI(t, "graph", "adjust", "fig2", "--exposure", "unequal_exposure", "--outcome", "unilateralism", "--json")
	if err := json.Unmarshal([]byte(out), &res); err != nil || st != 0 || len(res.Sets) != 1 || len(res.Sets[0]) != 0 ||
		strings.Join(res.Canonical, ",") != "anarchy,peer_unilateralism@t-1,threat" {
		t.Errorf("adjust fig2: %d %v %q", st, err, out)
	}
	// Refusal with a reason: a latent confounder.
	out, _, st = runCLI(t, "graph", "adjust", "fig2", "--exposure", "fear", "--outcome", "unilateralism", "--json")
	res = struct {
		Sets      [][]string `json:"sets"`
		Canonical []string   `json:"canonical"`
		Reason    string     `json:"reason"`
	}{}
	if err := json.Unmarshal([]byte(out), &res); err != nil || st != 0 || len(res.Sets) != 0 || res.Canonical != nil ||
		!strings.Contains(res.Reason, "intent_uncertainty is latent") || !strings.Contains(out, "fear <- intent_uncertainty") {
		t.Errorf("refusal: %d %v %q", st, err, out)
	}
	out, _, st = runCLI(t, "graph", "adjust", "fig2", "--exposure", "fear", "--outcome", "unilateralism")
	if st != 0 || !strings.Contains(out, "no adjustment set identifies the total effect of fear on unilateralism") {
		t.Errorf("refusal text: %d %q", st, out)
	}
	// Defaults from [exposure] and [outcome]; direct effect.
	med := writeFile(t, "med.dag", "x [exposure]; y [outcome]; x -> m -> y; x -> y; c -> {m y}\n")
	out, _, st = runCLI(t, "graph", "adjust", med, "--effect", "direct")
	if st != 0 || out != "minimal adjustment sets for the direct effect of x on y:\n  {c, m}\ncanonical set: {c, m}\n" {
		t.Errorf("direct: %d %q", st, out)
	}
	_, errs, st := runCLI(t, "graph", "adjust", "fig2", "--exposure", "fear", "--outcome", "dilema")
	if st != 1 || !strings.Contains(errs, `unknown node "dilema"`) {
		t.Errorf("unknown outcome: %d %q", st, errs)
	}
	_, errs, st = runCLI(t, "graph", "adjust", "fig2", "--outcome", "dilemma")
	if st != 1 || !strings.Contains(errs, "--exposure") {
		t.Errorf("missing exposure: %d %q", st, errs)
	}
	_, errs, st = runCLI(t, "graph", "adjust", "fig2", "--exposure", "fear", "--outcome", "dilemma", "--effect", "indirect")
	if st != 1 || !strings.Contains(errs, "indirect") {
		t.Errorf("bad effect: %d %q", st, errs)
	}
	bad := writeFile(t, "bad.dag", "dag {\n  a -> b\n  b -- c\n}\n")
	_, errs, st = runCLI(t, "graph", "adjust", bad, "--exposure", "a", "--outcome", "b")
	if st != 1 || !strings.Contains(errs, "bad.dag:3:5:") || !strings.Contains(errs, `"--"`) {
		t.Errorf("bad model file: %d %q", st, errs)
	}
	_, errs, st = runCLI(t, "graph", "adjust", "nosuchmodel", "--exposure", "a", "--outcome", "b")
	if st != 1 || !strings.Contains(errs, "fig2-remedies") {
		t.Errorf("unknown model: %d %q", st, errs)
	}
}

func TestGraphImplications(t *testing.T) {
	src := writeFile(t, "chain.dag", `a [column="a"]; b [column="b"]; c [column="c"]; a -> b -> c`+"\n")
	out, _, st := runCLI(t, "graph", "implications", src, "--json")
	if st != 0 || out != "[\n  {\n    \"x\": \"a\",\n    \"y\": \"c\",\n    \"given\": [\n      \"b\"\n    ],\n    \"group\": \"cross-node\"\n  }\n]\n" {
		t.Errorf("implications json: %d %q", st, out)
	}
	csv := "id,a,b,c\n"
	for i, row := range [][3]float64{{0, 0.1, 1}, {1, 1.2, 0.3}, {2, 1.9, 2.2}, {3, 3.2, 0.8}, {4, 3.8, 2.9}, {5, 5.1, 1.1}, {6, 6.2, 3.0}, {7, 6.8, 1.4}} {
		csv += "u" + string(rune('0'+i)) + "," + fmtF(row[0]) + "," + fmtF(row[1]) + "," + fmtF(row[2]) + "\n"
	}
	data := writeFile(t, "chain.csv", csv)
	out, _, st = runCLI(t, "graph", "implications", src, "--data", data, "--unit", "", "--time", "", "--json", "--quiet")
	var res struct {
		Alpha   float64
		Results []struct {
			X, Y         string
			N            int
			R, P         *float64
			Contradicted bool
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || st != 0 || len(res.Results) != 1 || res.Results[0].N != 8 || res.Results[0].P == nil {
		t.Errorf("implications --data: %d %v %q", st, err, out)
	}
	// A cross-section falls back to the pooled test unless a within
	// method is asked for.
	_, errs, st := runCLI(t, "graph", "implications", src, "--data", data, "--unit", "", "--time", "", "--test-method", "within")
	if st != 1 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "cross-section") {
		t.Errorf("within test on a cross-section: %d %q", st, errs)
	}
	out, _, st = runCLI(t, "graph", "implications", "fig2", "--test", "--quiet")
	if st != 0 || !strings.Contains(out, "fear ⟂ fear@t-1") || !strings.Contains(out, "CONTRADICTED") ||
		!strings.Contains(out, "Autocorrelation the graph omits") || !strings.Contains(out, "cross-node:") ||
		!strings.Contains(out, "after Holm's correction") || !strings.Contains(out, "clustered by unit") {
		t.Errorf("implications --test: %d %q", st, out)
	}
	// The pooled test is still there.
	var within, pooled struct {
		Method  string
		Summary map[string]struct{ Tested, Contradicted int }
	}
	for _, c := range []struct {
		method string
		into   any
	}{{"within", &within}, {"pooled", &pooled}} {
		out, _, st = runCLI(t, "graph", "implications", "fig2", "--test", "--test-method", c.method, "--json", "--quiet")
		if err := json.Unmarshal([]byte(out), c.into); err != nil || st != 0 {
			t.Fatalf("--test-method %s --json: %d %v", c.method, st, err)
		}
	}
	if within.Method != "within" || pooled.Method != "pooled" || within.Summary["cross-node"].Tested == 0 ||
		pooled.Summary["cross-node"].Tested == 0 {
		t.Errorf("within %+v, pooled %+v", within, pooled)
	}
	for _, bad := range [][]string{{"--alpha", "2"}, {"--test-method", "fixed"}, {"--test-method", ""}} {
		_, errs, st := runCLI(t, append([]string{"graph", "implications", "fig2", "--test"}, bad...)...)
		if st != 1 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, strings.TrimPrefix(bad[0], "--")) {
			t.Errorf("%v: %d %q", bad, st, errs)
		}
	}
}

func fmtF(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestGraphPaths(t *testing.T) {
	out, _, st := runCLI(t, "graph", "paths", "fig2", "fear", "unilateralism", "--given", "intent_uncertainty", "--json")
	var res struct {
		Directed []struct{ Path []string }
		Backdoor []struct {
			Text      string
			Open      bool
			BlockedBy string `json:"blocked_by"`
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || st != 0 {
		t.Fatalf("paths json: %d %v %q", st, err, out)
	}
	if len(res.Directed) != 1 || strings.Join(res.Directed[0].Path, " ") != "fear unilateralism" || len(res.Backdoor) != 4 {
		t.Errorf("paths: %+v", res)
	}
	for _, b := range res.Backdoor {
		if b.Open || b.BlockedBy != "conditioned on intent_uncertainty" {
			t.Errorf("back-door path %s should be blocked by intent_uncertainty: %+v", b.Text, b)
		}
	}
	out, _, st = runCLI(t, "graph", "paths", "fig2", "unequal_exposure", "dilemma")
	if st != 0 || !strings.Contains(out, "directed paths from unequal_exposure to dilemma: 3") {
		t.Errorf("paths text: %d %q", st, out)
	}
}

// A panel from a -> b -> c plus a -> c, with unit effects and AR(1)
// noise; the model without a -> c gets a -> c as its first hint, and
// --add 1 --out writes a model that has it.
func TestGraphSuggest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("iso3,month,a,b,c\n")
	for u := 0; u < 60; u++ {
		ua, ub, uc := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		var ea, eb, ec float64
		for m := 0; m < 24; m++ {
			ea = 0.5*ea + rng.NormFloat64()
			eb = 0.5*eb + rng.NormFloat64()
			ec = 0.5*ec + rng.NormFloat64()
			a := ua + ea
			bb := ub + 0.5*a + eb
			c := uc + 0.5*bb + 0.4*a + ec
			fmt.Fprintf(&b, "U%02d,%d-%02d,%.4f,%.4f,%.4f\n", u, 2020+m/12, m%12+1, a, bb, c)
		}
	}
	csv := writeFile(t, "panel.csv", b.String())
	src := writeFile(t, "chain.dag", `a [column="a"]; b [column="b"]; c [column="c"]; a -> b -> c`+"\n")
	out, _, st := runCLI(t, "graph", "suggest", src, "--data", csv, "--json", "--quiet")
	var res struct {
		Method string
		Hints  []struct {
			Edge    string
			SelfLag bool `json:"self_lag"`
			T       *float64
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || st != 0 || len(res.Hints) == 0 {
		t.Fatalf("suggest --json: %d %v %q", st, err, out)
	}
	if h := res.Hints[0]; h.Edge != "a -> c" || h.SelfLag || h.T == nil || *h.T < 3 || res.Method != "within" {
		t.Errorf("first hint %+v", res.Hints[0])
	}
	outFile := filepath.Join(t.TempDir(), "plus.dag")
	out, errs, st := runCLI(t, "graph", "suggest", src, "--data", csv, "--add", "1", "--out", outFile)
	if st != 0 || !strings.Contains(out, "a -> c") || !strings.Contains(errs, "dilemma fit "+outFile) {
		t.Fatalf("suggest --add: %d %q %q", st, out, errs)
	}
	out, _, st = runCLI(t, "graph", "show", outFile)
	if st != 0 || !strings.Contains(out, "a -> c") {
		t.Errorf("written model: %d %q", st, out)
	}
	for _, bad := range [][]string{{"--test-method", "both"}, {"--alpha", "0"}, {"--top", "-1"}, {"--add", "1"}, {"--out", outFile}, {"--add", "99", "--out", outFile}} {
		_, errs, st := runCLI(t, append([]string{"graph", "suggest", src, "--data", csv, "--quiet"}, bad...)...)
		if st != 1 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, strings.TrimPrefix(bad[0], "--")) {
			t.Errorf("%v: %d %q", bad, st, errs)
		}
	}
}
