package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dilemma/fit"
)

const warmMultiverse = `kind = "multiverse"
model = "my.dag"
data = "panel.csv"
keep_fits = true
[fit]
chains = 2
warmup = 400
samples = 200
warm_start = true
warm_start_warmup = 100
[query]
effect = "do(x = +1sd)"
outcome = "y"
[axes]
time_effects = ["none", "fixed"]
seed = [1, 2]
"x->y.prior" = ["normal(0,1)", "normal(0,0.5)"]
`

// TestWarmStartPlan: tasks are grouped by their parameters (time effects
// change them; seeds and priors do not): two pilots of four tasks each,
// each pilot the manifest of its group's first task with few draws.
func TestWarmStartPlan(t *testing.T) {
	p, dir := planTo(t, tinySweep(t, warmMultiverse))
	if len(p.Pilots) != 2 {
		t.Fatalf("pilots %+v", p.Pilots)
	}
	if !slices.Equal(p.Pilots[0].Tasks, []int{0, 1, 2, 3}) || !slices.Equal(p.Pilots[1].Tasks, []int{4, 5, 6, 7}) || p.Pilots[1].Task != 4 {
		t.Errorf("pilots %+v", p.Pilots)
	}
	for i, task := range p.Tasks {
		if task.Warm == nil || task.Warm.Pilot != i/4 || task.Warm.Warmup != 100 {
			t.Errorf("task %d warm %+v", i, task.Warm)
		}
	}
	m, err := fit.ReadManifest(filepath.Join(PilotDir(dir, 1), manifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if m.Settings.Warmup != 400 || m.Settings.Samples != pilotSamples || m.Settings.Time != "fixed" {
		t.Errorf("pilot 1 settings %+v", m.Settings)
	}
	// Default warm-up: a quarter.
	p, _ = planTo(t, tinySweep(t, strings.Replace(warmMultiverse, "warm_start_warmup = 100\n", "", 1)))
	if p.Tasks[0].Warm.Warmup != 100 {
		t.Errorf("default warm-start warm-up %d, want 400/4", p.Tasks[0].Warm.Warmup)
	}
	// Errors name the line.
	for _, tc := range []struct{ from, to, want string }{
		{"warm_start = true", `warm_start = "yes"`, "sweep.toml:9: [fit]: warm_start"},
		{"warm_start = true", "warm_start = false", "warm_start_warmup without warm_start"},
		{"warm_start_warmup = 100", "warm_start_warmup = -3", "warm_start_warmup = -3"},
	} {
		f, err := Parse([]byte(strings.Replace(warmMultiverse, tc.from, tc.to, 1)), "sweep.toml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v (file %+v)", tc.to, err, f)
		}
	}
	if IsSetting("inv_metric") || IsSetting("step_size") {
		t.Error("the warm start's internals are settable")
	}
}

// TestWarmStartRun runs a warm-started multiverse: the pilots run first;
// each task's fit starts from its pilot's step size and chains' final
// points and keeps its metric;
// the tasks' warm-up costs fewer gradients than a cold start's; and a task
// run again elsewhere (another directory, by RunTask, its pilot run by
// the task itself) gives the same bytes.
func TestWarmStartRun(t *testing.T) {
	if testing.Short() {
		t.Skip("10 fits")
	}
	path := tinySweep(t, strings.Replace(warmMultiverse, `"x->y.prior" = ["normal(0,1)", "normal(0,0.5)"]`, "", 1))
	_, dir := planTo(t, path)
	if rep, err := RunLocal(context.Background(), dir, 2, nil); err != nil || len(rep.Failed) > 0 || rep.Ran != 4 {
		t.Fatalf("%+v %v", rep, err)
	}
	w, err := ReadWarm(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := ReadStatus(dir); err != nil || st.Pilots != 2 || st.PilotsDone != 2 {
		t.Errorf("status %+v %v", st, err)
	}
	if !(w.StepSize > 0) || len(w.InvMetric) == 0 || w.Warmup != 400 {
		t.Fatalf("warm %+v", w)
	}
	m, err := fit.ReadManifest(filepath.Join(TaskDir(dir, 3), FitDirName, fit.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if m.Settings.Warmup != 100 || m.Settings.StepSize != float64(w.StepSize) || !slices.Equal(m.Settings.InvMetric, w.InvMetric) {
		t.Errorf("task 3's fit settings %+v, pilot %+v", m.Settings, w)
	}
	// Each chain starts where the pilot's chain of that number ended.
	if len(w.Positions) != 2 || len(m.Settings.Init) != 2 {
		t.Fatalf("pilot positions %d, task 3's initial points %d", len(w.Positions), len(m.Settings.Init))
	}
	for c := range w.Positions {
		if len(w.Positions[c]) != len(w.InvMetric) || !slices.Equal(m.Settings.Init[c], w.Positions[c]) {
			t.Errorf("chain %d starts at %v, the pilot's ended at %v", c, m.Settings.Init[c], w.Positions[c])
		}
	}
	if slices.Equal(w.Positions[0], w.Positions[1]) {
		t.Error("the pilot's chains ended at the same point")
	}
	if len(w.MeanLP) != 2 || len(w.Stuck) != 0 {
		t.Errorf("pilot chains' mean lp %v, stuck %v", w.MeanLP, w.Stuck)
	}
	// Cold: the same sweep without warm starts.
	_, cold := planTo(t, tinySweep(t, strings.Replace(strings.Replace(strings.Replace(warmMultiverse, "warm_start = true\nwarm_start_warmup = 100\n", "", 1),
		`"x->y.prior" = ["normal(0,1)", "normal(0,0.5)"]`, "", 1), "keep_fits = true\n", "", 1)))
	if rep, err := RunLocal(context.Background(), cold, 2, nil); err != nil || len(rep.Failed) > 0 {
		t.Fatalf("%+v %v", rep, err)
	}
	var essW, essC float64
	for i := 0; i < 4; i++ {
		var tw, tc Timing
		readJSONFile(t, filepath.Join(TaskDir(dir, i), TimingFile), &tw)
		readJSONFile(t, filepath.Join(TaskDir(cold, i), TimingFile), &tc)
		if !(tw.WarmupGradEvals > 0 && tw.WarmupGradEvals < tc.WarmupGradEvals/2) {
			t.Errorf("task %d: warm-up gradients %d warm, %d cold", i, tw.WarmupGradEvals, tc.WarmupGradEvals)
		}
		var rw, rc Result
		readJSONFile(t, filepath.Join(TaskDir(dir, i), ResultFile), &rw)
		readJSONFile(t, filepath.Join(TaskDir(cold, i), ResultFile), &rc)
		t.Logf("task %d: warm-up gradients %d warm, %d cold; min bulk-ESS %.0f warm, %.0f cold; max R-hat %.3f warm, %.3f cold", i,
			tw.WarmupGradEvals, tc.WarmupGradEvals, float64(rw.Diagnostics.MinESSBulk), float64(rc.Diagnostics.MinESSBulk),
			float64(rw.Diagnostics.MaxRhat), float64(rc.Diagnostics.MaxRhat))
		essW += float64(rw.Diagnostics.MinESSBulk) / 4
		essC += float64(rc.Diagnostics.MinESSBulk) / 4
		if float64(rw.Diagnostics.MaxRhat) > 1.1 || rw.Diagnostics.Divergences > 0 {
			t.Errorf("task %d warm-started: %+v", i, rw.Diagnostics)
		}
	}
	// Short chains (2 × 200 draws): the smallest ESS is noisy, so the
	// check is on the mean over tasks. A metric that does not fit the
	// posterior (fixed during warm-up) would cut it several-fold.
	if essW < 0.5*essC {
		t.Errorf("mean min bulk-ESS %.0f warm-started, %.0f cold", essW, essC)
	}
	// The same task elsewhere: a fresh plan, task 2 alone (its pilot run
	// by the task).
	_, again := planTo(t, path)
	if err := RunTask(context.Background(), again, 2, RunOptions{Executor: "task"}); err != nil {
		t.Fatal(err)
	}
	a, b := readFile(t, filepath.Join(TaskDir(dir, 2), ResultFile)), readFile(t, filepath.Join(TaskDir(again, 2), ResultFile))
	if !bytes.Equal(a, b) {
		t.Errorf("task 2 differs between executors:\n%s\n%s", a, b)
	}
	if _, err := os.Stat(filepath.Join(PilotDir(again, 1), WarmFile)); err != nil {
		t.Errorf("the task did not run its pilot: %v", err)
	}
	a, b = readFile(t, filepath.Join(PilotDir(dir, 1), WarmFile)), readFile(t, filepath.Join(PilotDir(again, 1), WarmFile))
	if !bytes.Equal(a, b) {
		t.Errorf("pilot 1 differs between runs")
	}
}

// TestWarmStartSlurm: with pilots pending, submit sends the pilot job
// first and the array depends on it; with the pilots done, no pilot job.
func TestWarmStartSlurm(t *testing.T) {
	_, dir := planTo(t, tinySweep(t, warmMultiverse))
	sb, log := fakeSbatch(t)
	self, _ := os.Executable()
	sub, err := SubmitSlurm(context.Background(), dir, SlurmOptions{Sbatch: sb, Binary: self})
	if err != nil {
		t.Fatal(err)
	}
	calls := strings.Split(strings.TrimSpace(string(readFile(t, log))), "\n")
	if len(calls) != 3 || sub.PilotJob != "101" || !strings.Contains(calls[0], "slurm/pilot.sh") ||
		!strings.Contains(calls[1], "--dependency=afterany:101") || !strings.Contains(calls[1], "--array=0-7") {
		t.Fatalf("calls %q, submission %+v", calls, sub)
	}
	if s := string(readFile(t, filepath.Join(dir, "slurm", "pilot.sh"))); !strings.Contains(s, "sweep run") || !strings.Contains(s, "--pilots") {
		t.Errorf("pilot.sh:\n%s", s)
	}
	for k := 0; k < 2; k++ {
		writeJSON(filepath.Join(PilotDir(dir, k), WarmFile), Warm{Pilot: k})
	}
	sub, err = SubmitSlurm(context.Background(), dir, SlurmOptions{Sbatch: sb, Binary: self})
	if err != nil || sub.PilotJob != "" {
		t.Errorf("pilots done: %+v %v", sub, err)
	}
}

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(readFile(t, path), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestWarmTestdataPlans: the README's warm-start measurement files plan
// (two fig2-remedies tasks each; the warm one has one pilot, as seeds
// leave the parameters alone).
func TestWarmTestdataPlans(t *testing.T) {
	for _, name := range []string{"warm-fig2-cold.toml", "warm-fig2-warm.toml"} {
		f, err := ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		p, err := Build(f)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{"warm-fig2-cold.toml": 0, "warm-fig2-warm.toml": 1}[name]; len(p.Tasks) != 2 || len(p.Pilots) != want {
			t.Errorf("%s: %d tasks, %d pilots", name, len(p.Tasks), len(p.Pilots))
		}
	}
}

// TestStuckChains: a chain far below the best in mean log density (more
// than 3·sqrt(dim/2), at least 10) is stuck; ordinary spread is not.
func TestStuckChains(t *testing.T) {
	for _, tc := range []struct {
		lp   []float64
		dim  int
		want []int
	}{
		{[]float64{-23170, -23180, -23580, -23146}, 7246, []int{3}}, // fig2-remedies' pilot at 300 warm-up
		{[]float64{-23170, -23180, -23300, -23146}, 7246, nil},      // 154 below: within 3·sqrt(3623) = 181
		{[]float64{-10, -12, -25}, 4, []int{3}},                     // the floor of 10 for small models
		{[]float64{-10, -12, -19}, 4, nil},
		{[]float64{-10, math.NaN()}, 4, []int{2}},
	} {
		if got := stuckChains(tc.lp, tc.dim); !slices.Equal(got, tc.want) {
			t.Errorf("%v (dim %d): stuck %v, want %v", tc.lp, tc.dim, got, tc.want)
		}
	}
}
