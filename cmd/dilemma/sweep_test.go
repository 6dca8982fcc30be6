package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/sweep"
)

// TestSweepExamples: every kind's example is a sweep file that reads back,
// and the multiverse example plans on the embedded panel.
func TestSweepExamples(t *testing.T) {
	for _, kind := range sweep.Kinds {
		out, errs, st := runCLI(t, "sweep", "example", kind)
		if st != 0 {
			t.Fatalf("example %s: status %d, %s", kind, st, errs)
		}
		f, err := sweep.Parse([]byte(out), kind+".toml")
		if err != nil {
			t.Fatalf("example %s does not read back: %v", kind, err)
		}
		if kind == sweep.Multiverse {
			p, err := sweep.Build(f)
			if err != nil {
				t.Fatalf("the multiverse example does not plan: %v", err)
			}
			if len(p.Tasks) != 16 {
				t.Errorf("multiverse example: %d tasks, want 16", len(p.Tasks))
			}
		}
	}
	_, errs, st := runCLI(t, "sweep", "example", "nope")
	if st != 1 || !strings.Contains(errs, "unknown kind") {
		t.Errorf("unknown kind: %d %q", st, errs)
	}
}

func TestSweepUsageErrors(t *testing.T) {
	cases := [][]string{
		{"sweep"},
		{"sweep", "frob"},
		{"sweep", "plan", "x.toml"},
		{"sweep", "run"},
		{"sweep", "status"},
		{"sweep", "submit", "dir"},
		{"sweep", "run", "dir", "-j", "0", "--local"},
	}
	for _, args := range cases {
		_, errs, st := runCLI(t, args...)
		if st != 1 || strings.Count(strings.TrimSpace(errs), "\n") > 0 || errs == "" {
			t.Errorf("%v: status %d, stderr %q", args, st, errs)
		}
	}
	out, _, st := runCLI(t, "sweep", "-h")
	if st != 0 || !strings.Contains(out, "sweep plan SWEEP.toml") {
		t.Errorf("sweep -h: %d %q", st, out)
	}
	out, _, st = runCLI(t, "sweep", "submit", "-h")
	if st != 0 || !strings.Contains(out, "--max-running") && !strings.Contains(out, "-max-running") {
		t.Errorf("sweep submit -h: %d %q", st, out)
	}
}

const cliSweep = `kind = "multiverse"
model = "m.dag"
data = "p.csv"
[fit]
chains = 2
warmup = 100
samples = 100
[query]
effect = "do(x = +1sd)"
outcome = "y"
[axes]
seed = [1, 2]
`

// TestSweepCommands plans, runs one task by --task, one from a Slurm
// array's environment, the rest with --local, and reads status and
// collect, as a user would.
func TestSweepCommands(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "m.dag"), []byte("dag { x -> y }\nsettings { x [column=\"x\"] y [column=\"y\"] }\n"), 0o644)
	var b strings.Builder
	b.WriteString("iso3,month,x,y\n")
	for u := 0; u < 8; u++ {
		for m := 1; m <= 5; m++ {
			x := float64((u*7+m*3)%11)/5 - 1
			y := 0.4*x + float64((u*5+m)%7)/7 - 0.5
			b.WriteString(strings.Join([]string{"U" + string(rune('A'+u)), "2020-0" + string(rune('0'+m)), ftoa(x), ftoa(y)}, ",") + "\n")
		}
	}
	os.WriteFile(filepath.Join(dir, "p.csv"), []byte(b.String()), 0o644)
	sf := filepath.Join(dir, "s.toml")
	os.WriteFile(sf, []byte(cliSweep), 0o644)
	out := filepath.Join(dir, "out")

	stdout, errs, st := runCLI(t, "sweep", "plan", sf, "--out", out)
	if st != 0 || !strings.HasPrefix(stdout, "2 tasks") || !strings.Contains(stdout, "seed") {
		t.Fatalf("plan: %d %q %q", st, stdout, errs)
	}
	_, errs, st = runCLI(t, "sweep", "run", out)
	if st != 1 || !strings.Contains(errs, "SLURM_ARRAY_TASK_ID") {
		t.Errorf("run without an index: %d %q", st, errs)
	}
	if _, errs, st = runCLI(t, "sweep", "run", out, "--task", "0"); st != 0 {
		t.Fatalf("run --task 0: %d %q", st, errs)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "1")
	if _, errs, st = runCLI(t, "sweep", "run", out); st != 0 {
		t.Fatalf("run from SLURM_ARRAY_TASK_ID: %d %q", st, errs)
	}
	tm, _ := os.ReadFile(filepath.Join(sweep.TaskDir(out, 1), sweep.TimingFile))
	if !strings.Contains(string(tm), `"executor": "slurm"`) {
		t.Errorf("task 1 timing: %s", tm)
	}
	if _, errs, st = runCLI(t, "sweep", "run", out, "--task", "5"); st != 1 || !strings.Contains(errs, "no task 5") {
		t.Errorf("run --task 5: %d %q", st, errs)
	}
	stdout, _, st = runCLI(t, "sweep", "run", out, "--local", "-j", "2")
	if st != 0 {
		t.Errorf("run --local with everything done: %d", st)
	}
	stdout, _, st = runCLI(t, "sweep", "status", out, "--json")
	var s sweep.Status
	if st != 0 || json.Unmarshal([]byte(stdout), &s) != nil || len(s.Done) != 2 || s.Tasks != 2 {
		t.Errorf("status --json: %d %q", st, stdout)
	}
	stdout, _, st = runCLI(t, "sweep", "collect", out)
	if st != 0 || !strings.Contains(stdout, "2 of 2 tasks done") || !strings.Contains(stdout, "effect") {
		t.Errorf("collect: %d %q", st, stdout)
	}
	if _, err := os.Stat(filepath.Join(out, "results.csv")); err != nil {
		t.Error(err)
	}
	// A bad sweep file: one line naming file and line, exit 1.
	os.WriteFile(sf, []byte(strings.Replace(cliSweep, "seed = [1, 2]", "seed = [1, 2]\n\"q.column\" = [\"x\"]", 1)), 0o644)
	_, errs, st = runCLI(t, "sweep", "plan", sf, "--out", filepath.Join(dir, "out2"))
	if st != 1 || !strings.Contains(errs, "s.toml:13:") || !strings.Contains(errs, `no node "q"`) {
		t.Errorf("bad sweep file: %d %q", st, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "out2")); err == nil {
		t.Errorf("a failed plan left a directory")
	}
}

func ftoa(x float64) string {
	b, _ := json.Marshal(x)
	return string(b)
}
