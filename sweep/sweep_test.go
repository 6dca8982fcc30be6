package sweep

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"dilemma/fit"
	"dilemma/model"
)

// The issue's example file, as written.
const issueExample = `kind = "multiverse"
model = "my.dag"            # a model file or a built-in name
data = "panel.csv"          # optional: the embedded panel by default
[fit]
chains = 4
warmup = 1000
samples = 1000
[query]
effect = "do(x = +1sd)"     # or: remedies = true
outcome = "y"
[axes]
seed = [1, 2]
time_effects = ["none", "fixed"]
"y.family" = ["gaussian", "student"]
`

// TestIssueExample reads the issue's example file as written. Its axes
// must be read in the file's order with the settings and query it gives;
// planning it needs the student family, so until the model knows that
// family the plan must fail naming the task, the axis value and the known
// families, and once it does, give 2 × 2 × 2 tasks.
func TestIssueExample(t *testing.T) {
	path := tinySweep(t, issueExample)
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Kind != Multiverse || f.Settings.Chains != 4 || f.Settings.Warmup != 1000 || f.Settings.Samples != 1000 {
		t.Errorf("settings %+v", f.Settings)
	}
	if f.Query.Effect != "do(x = +1sd)" || f.Query.Outcome != "y" || f.Query.Level != 0.9 {
		t.Errorf("query %+v", f.Query)
	}
	var names []string
	for _, a := range f.Axes {
		names = append(names, a.Name)
	}
	if !slices.Equal(names, []string{"seed", "time_effects", "y.family"}) {
		t.Errorf("axes %v, want the file's order", names)
	}
	p, err := Build(f)
	if !slices.Contains(model.Families, "student") {
		if err == nil || !strings.Contains(err.Error(), `y.family=student`) || !strings.Contains(err.Error(), `unknown family "student"`) {
			t.Fatalf("without a student family the plan must fail naming it; got %v", err)
		}
		// The same file with a family the model knows plans 8 tasks.
		path = tinySweep(t, strings.Replace(issueExample, `"student"`, `"poisson"`, 1))
		path2 := strings.Replace(path, "sweep.toml", "panel.csv", 1)
		writeTinyPanelCounts(t, path2)
		if f, err = ReadFile(path); err != nil {
			t.Fatal(err)
		}
		if p, err = Build(f); err != nil {
			t.Fatal(err)
		}
	} else if err != nil {
		t.Fatal(err)
	}
	if len(p.Tasks) != 8 {
		t.Fatalf("%d tasks, want 8", len(p.Tasks))
	}
	// Numbered 0 … N-1, first axis slowest.
	want := [][]string{{"1", "none", "gaussian"}, {"1", "none", p.Axes[2].Values[1]}, {"1", "fixed", "gaussian"}}
	for i, w := range want {
		var got []string
		for _, c := range p.Tasks[i].Choices {
			got = append(got, c.Value)
		}
		if p.Tasks[i].Index != i || !slices.Equal(got, w) {
			t.Errorf("task %d: %v, want %v", i, got, w)
		}
	}
	if p.Tasks[7].Choices[0].Value != "2" || p.Manifests[7].Settings.Seed != 2 || p.Manifests[2].Settings.Time != "fixed" {
		t.Errorf("task 7 %v, manifest seeds/time not applied", p.Tasks[7].Choices)
	}
	m1, _ := model.ParseString(p.Manifests[1].Model.Text, "t1")
	if m1.Node("y").Family != p.Axes[2].Values[1] {
		t.Errorf("task 1's model has y.family %q", m1.Node("y").Family)
	}
}

// writeTinyPanelCounts rewrites the panel with y a count (for poisson).
func writeTinyPanelCounts(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := csv.NewReader(bytes.NewReader(b)).ReadAll()
	for _, r := range rows[1:] {
		r[3] = r[4] // y := n
	}
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	w.WriteAll(rows)
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPlanDeterministic plans the same file twice: every file of the two
// directories has the same bytes, and planning again into the same
// directory keeps it (and its results).
func TestPlanDeterministic(t *testing.T) {
	path := tinySweep(t, smallMultiverse)
	_, a := planTo(t, path)
	p, b := planTo(t, path)
	fa, fb := treeFiles(t, a), treeFiles(t, b)
	if len(fa) != 3+2*4 {
		t.Errorf("%d files: %v", len(fa), keys(fa))
	}
	for name, x := range fa {
		if !bytes.Equal(x, fb[name]) {
			t.Errorf("%s differs between two plans of the same file", name)
		}
	}
	existed, err := p.Write(a)
	if err != nil || !existed {
		t.Errorf("planning again into the same directory: existed %v, %v", existed, err)
	}
	// A different plan into the same directory is refused.
	path2 := tinySweep(t, strings.Replace(smallMultiverse, "seed = [1, 2]", "seed = [1, 3]", 1))
	f2, _ := ReadFile(path2)
	p2, err := Build(f2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p2.Write(a); err == nil || !strings.Contains(err.Error(), "different sweep") {
		t.Errorf("a different plan into the same directory: %v", err)
	}
	// Each task's manifest is a fit manifest that 'fit --from' reads.
	m, err := fit.ReadManifest(filepath.Join(TaskDir(a, 3), fit.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if m.Settings.Seed != 2 || !strings.Contains(m.Model.Text, "normal(0, 0.05)") && !strings.Contains(m.Model.Text, "normal(0,0.05)") {
		t.Errorf("task 3 manifest: seed %d, model %s", m.Settings.Seed, m.Model.Text)
	}
	if _, err := m.Plan(); err != nil {
		t.Errorf("task 3 manifest does not bind again: %v", err)
	}
}

func treeFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[rel] = b
		}
		return nil
	})
	return out
}

func keys(m map[string][]byte) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}

// TestFileErrors: bad sweep files are one-line errors naming the file and
// line.
func TestFileErrors(t *testing.T) {
	base := smallMultiverse
	cases := []struct {
		name, from, to, want string
		build                bool
	}{
		{"unknown setting", "[query]", "colour = 1\n[query]", `sweep.toml:8: [fit]: unknown fit setting "colour"`, false},
		{"unknown key", "[fit]", "colour = 1\n[fit]", `sweep.toml:4: unknown key "colour"`, false},
		{"unknown kind", `"multiverse"`, `"mutliverse"`, "sweep.toml:1: unknown kind", false},
		{"no query", `effect = "do(x = +1sd)"`, ``, `[query] needs effect`, false},
		{"empty axis", `seed = [1, 2]`, `seed = []`, `sweep.toml:12: axis "seed" has no values`, false},
		{"duplicate value", `seed = [1, 2]`, `seed = [1, 1]`, `lists "1" twice`, false},
		{"toml syntax", `seed = [1, 2]`, `seed = [1, 2`, `sweep.toml:`, false},
		{"bad setting type", `chains = 2`, `chains = "two"`, `sweep.toml:5: [fit]: chains = "two": want an integer`, false},
		{"unit_effects", `seed = [1, 2]`, `unit_effects = ["within", "fixed"]`, `unit effects "fixed": want random, within or none`, true},
		{"unknown node", `"x->y.prior"`, `"z.column"`, `sweep.toml:13: axis "z.column" = "normal(0,1)": the model has no node "z" (did you mean`, true},
		{"unknown attribute", `"x->y.prior"`, `"y.colour"`, `unknown node attribute "colour"`, true},
		{"unknown edge", `"x->y.prior"`, `"y->x.prior"`, `the model has no edge y -> x`, true},
		{"bad column", `"x->y.prior" = ["normal(0,1)", "normal(0,0.05)"]`, `"y.column" = ["y", "nope"]`, `task 1 (seed=1, y.column=nope)`, true},
		{"query node", `outcome = "y"`, `outcome = "yy"`, `no node "yy" (did you mean "y"?)`, true},
		{"unknown axis", `seed = [1, 2]`, `colour = [1, 2]`, `unknown axis "colour"`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := strings.Replace(base, c.from, c.to, 1)
			if text == base {
				t.Fatalf("case does not change the file")
			}
			path := tinySweep(t, text)
			f, err := ReadFile(path)
			if err == nil && c.build {
				_, err = Build(f)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

// TestSameResultAnyExecutor runs the same tasks three ways: one at a time
// by index on one core, from a Slurm array's environment, and all at once
// with RunLocal -j 2 on every core. Every result.json, and the collected
// results.csv, must be byte for byte the same. The prior axis must move the
// answer the way it should: the true effect is 0.5; normal(0, 0.05) on the
// edge shrinks it toward 0.
func TestSameResultAnyExecutor(t *testing.T) {
	path := tinySweep(t, smallMultiverse)
	p, a := planTo(t, path)
	_, b := planTo(t, path)
	_, c := planTo(t, path)
	ctx := context.Background()

	prev := runtime.GOMAXPROCS(1)
	for i := range p.Tasks {
		if err := RunTask(ctx, a, i, RunOptions{Executor: "task"}); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GOMAXPROCS(prev)
	for i := range p.Tasks {
		env := map[string]string{"SLURM_ARRAY_TASK_ID": string(rune('1' + i)), "SLURM_ARRAY_TASK_MIN": "1"}
		k, ex, err := IndexFromEnv(func(s string) string { return env[s] })
		if err != nil || k != i || ex != "slurm" {
			t.Fatalf("index from env: %d %s %v", k, ex, err)
		}
		if err := RunTask(ctx, b, k, RunOptions{Executor: ex}); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := RunLocal(ctx, c, 2, nil)
	if err != nil || rep.Ran != len(p.Tasks) || len(rep.Failed) > 0 {
		t.Fatalf("RunLocal: %+v %v", rep, err)
	}
	for i := range p.Tasks {
		ra := readFile(t, filepath.Join(TaskDir(a, i), ResultFile))
		for _, d := range []string{b, c} {
			if rb := readFile(t, filepath.Join(TaskDir(d, i), ResultFile)); !bytes.Equal(ra, rb) {
				t.Errorf("task %d: results differ between executors:\n%s\n%s", i, ra, rb)
			}
		}
	}
	var csvs [][]byte
	for _, d := range []string{a, b, c} {
		col, err := Collect(d)
		if err != nil {
			t.Fatal(err)
		}
		if col.Done != 4 || len(col.Missing) != 0 {
			t.Errorf("collect: %s", col.StatusLine())
		}
		csvs = append(csvs, readFile(t, filepath.Join(d, ResultsCSV)))
		for _, f := range []string{"spec-curve.png", "spec-curve.pdf"} {
			if st, err := os.Stat(filepath.Join(d, f)); err != nil || st.Size() < 1000 {
				t.Errorf("%s: %v", f, err)
			}
		}
	}
	if !bytes.Equal(csvs[0], csvs[1]) || !bytes.Equal(csvs[0], csvs[2]) {
		t.Errorf("results.csv differs between executors")
	}
	// The answers: wide prior near 0.5, tight prior shrunk.
	rows, _ := csv.NewReader(bytes.NewReader(csvs[0])).ReadAll()
	if len(rows) != 5 {
		t.Fatalf("results.csv has %d rows", len(rows))
	}
	for _, r := range rows[1:] {
		mean := parseF(t, r[5])
		switch r[2] {
		case "normal(0,1)":
			if mean < 0.3 || mean > 0.7 {
				t.Errorf("task %s: effect %g with a wide prior, want about 0.5", r[0], mean)
			}
		case "normal(0,0.05)":
			if mean > 0.2 {
				t.Errorf("task %s: effect %g with prior normal(0,0.05), want it shrunk below 0.2", r[0], mean)
			}
		}
	}
	// Running again does nothing: every task is done.
	rep, err = RunLocal(ctx, c, 2, nil)
	if err != nil || rep.Ran != 0 || rep.Skipped != 4 {
		t.Errorf("rerun: %+v %v", rep, err)
	}
	if err := RunTask(ctx, c, 0, RunOptions{}); !errors.Is(err, ErrDone) {
		t.Errorf("a done task ran again: %v", err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseF(t *testing.T, s string) float64 {
	t.Helper()
	var v float64
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

// TestFailureAndResume: a task that fails records why and is listed as
// failed; a task interrupted half-way leaves neither result nor failure
// (missing); after the cause is fixed, running the pending tasks completes
// the sweep and the failure record goes.
func TestFailureAndResume(t *testing.T) {
	path := tinySweep(t, strings.Replace(smallMultiverse, "seed = [1, 2]", "seed = [1]", 1))
	_, dir := planTo(t, path)
	// Break task 1: its data no longer match the manifest's checksum.
	mpath := filepath.Join(TaskDir(dir, 1), fit.ManifestFile)
	good := readFile(t, mpath)
	var m map[string]any
	json.Unmarshal(good, &m)
	m["data"].(map[string]any)["sha256"] = strings.Repeat("0", 64)
	bad, _ := json.Marshal(m)
	os.WriteFile(mpath, bad, 0o644)

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // task 0 is "killed" at once
	if err := RunTask(ctx, dir, 0, RunOptions{}); err == nil {
		t.Fatal("a cancelled task succeeded")
	}
	if err := RunTask(context.Background(), dir, 1, RunOptions{}); err == nil || !strings.Contains(err.Error(), "has changed") {
		t.Fatalf("broken task: %v", err)
	}
	st, err := ReadStatus(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Done) != 0 || !slices.Equal(st.Missing, []int{0}) || len(st.Failed) != 1 || st.Failed[0].Index != 1 ||
		!strings.Contains(st.Failed[0].Error, "has changed since the fit") {
		t.Fatalf("status %+v", st)
	}
	if fs, _ := filepath.Glob(filepath.Join(TaskDir(dir, 0), "*")); len(fs) != 2 {
		t.Errorf("the killed task left files: %v", fs)
	}
	os.WriteFile(mpath, good, 0o644)
	rep, err := RunLocal(context.Background(), dir, 2, nil)
	if err != nil || rep.Ran != 2 {
		t.Fatalf("resume: %+v %v", rep, err)
	}
	st, _ = ReadStatus(dir)
	if len(st.Done) != 2 || len(st.Failed)+len(st.Missing) != 0 {
		t.Errorf("after resume: %+v", st)
	}
	if _, err := os.Stat(filepath.Join(TaskDir(dir, 1), FailedFile)); err == nil {
		t.Errorf("failed.json kept after the task succeeded")
	}
}

func TestIndexFromEnv(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want int
		ex   string
		err  string
	}{
		{map[string]string{"SLURM_ARRAY_TASK_ID": "7"}, 7, "slurm", ""},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "1"}, 6, "slurm", ""},
		{map[string]string{"JOB_COMPLETION_INDEX": "3"}, 3, "kubernetes", ""},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "x"}, 0, "", "not an integer"},
		{map[string]string{}, 0, "", "give --task I"},
	}
	for _, c := range cases {
		i, ex, err := IndexFromEnv(func(k string) string { return c.env[k] })
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: %v, want %q", c.env, err, c.err)
			}
			continue
		}
		if err != nil || i != c.want || ex != c.ex {
			t.Errorf("%v: %d %s %v", c.env, i, ex, err)
		}
	}
}

func TestArraySpec(t *testing.T) {
	for _, c := range []struct {
		in   []int
		want string
	}{{[]int{0, 1, 2, 3}, "0-3"}, {[]int{1, 3, 4, 5, 9}, "1,3-5,9"}, {[]int{4}, "4"}, {nil, ""}} {
		if got := ArraySpec(c.in); got != c.want {
			t.Errorf("ArraySpec(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestModelAndNodeAxes: an axis of whole model files (relative to the sweep
// file) and a node's transform: every task's manifest carries the chosen
// model's text with the chosen transform, and a query node missing from
// one alternative model is an error naming it.
func TestModelAndNodeAxes(t *testing.T) {
	path := tinySweep(t, strings.Replace(smallMultiverse, `"x->y.prior" = ["normal(0,1)", "normal(0,0.05)"]`,
		`model = ["my.dag", "alt.dag"]`+"\n"+`"x.transform" = ["standardize", "center"]`, 1))
	alt := strings.Replace(tinyModel, `y [column="y", outcome]`, `y [column="y", outcome, prior_sigma="half_normal(2)"]`, 1)
	os.WriteFile(filepath.Join(filepath.Dir(path), "alt.dag"), []byte(alt), 0o644)
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Build(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tasks) != 8 {
		t.Fatalf("%d tasks", len(p.Tasks))
	}
	for i, task := range p.Tasks {
		m, err := model.ParseString(p.Manifests[i].Model.Text, "t")
		if err != nil {
			t.Fatal(err)
		}
		wantAlt := task.Choices[1].Value == "alt.dag"
		if _, has := m.Node("y").Priors["sigma"]; has != wantAlt || p.Manifests[i].Model.Name != task.Choices[1].Value {
			t.Errorf("task %d (%s): model %s, sigma prior set %v", i, task.Describe(), p.Manifests[i].Model.Name, has)
		}
		if m.Node("x").Transform != task.Choices[2].Value {
			t.Errorf("task %d: x transform %q", i, m.Node("x").Transform)
		}
	}
	os.WriteFile(filepath.Join(filepath.Dir(path), "alt.dag"), []byte("dag { x -> w }\nsettings {\n  x [column=\"x\"]\n  w [column=\"y\"]\n}\n"), 0o644)
	if _, err := Build(f); err == nil || !strings.Contains(err.Error(), `model alt.dag`) || !strings.Contains(err.Error(), `no node "y"`) {
		t.Errorf("alternative model without the outcome: %v", err)
	}
}
