package sweep

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeSbatch writes an sbatch that logs its arguments, one call per line,
// and prints job ids 101, 102, … as --parsable does.
func fakeSbatch(t *testing.T) (cmd, log string) {
	t.Helper()
	d := t.TempDir()
	log = filepath.Join(d, "calls")
	cmd = filepath.Join(d, "sbatch")
	script := `#!/bin/sh
n=$(( $(cat "` + log + `" 2>/dev/null | wc -l) + 101 ))
echo "$*" >> "` + log + `"
echo "$n;cluster"
`
	if err := os.WriteFile(cmd, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return cmd, log
}

// TestSubmitSlurmArgs submits through a fake sbatch: one array of the
// tasks not done with the running limit and the extra arguments, then a
// collect job that depends on it with afterany; after some tasks are done
// a second submit sends only the others; when all are done nothing is
// submitted.
func TestSubmitSlurmArgs(t *testing.T) {
	path := tinySweep(t, smallMultiverse)
	_, dir := planTo(t, path)
	sb, log := fakeSbatch(t)
	self, _ := os.Executable()
	opt := SlurmOptions{Sbatch: sb, MaxRunning: 2, Partition: "short", SbatchArgs: []string{"--time=00:10:00"}, Binary: self}
	sub, err := SubmitSlurm(context.Background(), dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	calls := strings.Split(strings.TrimSpace(string(readFile(t, log))), "\n")
	if len(calls) != 2 || len(sub.ArrayJobs) != 1 || sub.ArrayJobs[0] != "101" || sub.CollectJob != "102" {
		t.Fatalf("calls %q, submission %+v", calls, sub)
	}
	for _, want := range []string{"--parsable", "--time=00:10:00", "--array=0-3%2", "DILEMMA_TASK_BASE=0", "slurm/task.sh"} {
		if !strings.Contains(calls[0], want) {
			t.Errorf("array call %q lacks %q", calls[0], want)
		}
	}
	if !strings.Contains(calls[1], "--dependency=afterany:101") || !strings.Contains(calls[1], "slurm/collect.sh") {
		t.Errorf("collect call %q", calls[1])
	}
	script := string(readFile(t, sub.Script))
	for _, want := range []string{"#SBATCH --partition=short", "#SBATCH --cpus-per-task=2", "sweep run", "SLURM_ARRAY_TASK_ID", "bin/dilemma"} {
		if !strings.Contains(script, want) {
			t.Errorf("task.sh lacks %q:\n%s", want, script)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "bin", "dilemma")); err != nil || st.Mode()&0o100 == 0 {
		t.Errorf("binary not copied: %v", err)
	}
	// Tasks 0 and 2 done: the resubmission sends 1 and 3 only.
	for _, i := range []int{0, 2} {
		writeJSON(filepath.Join(TaskDir(dir, i), ResultFile), Result{Index: i})
	}
	if _, err := SubmitSlurm(context.Background(), dir, opt); err != nil {
		t.Fatal(err)
	}
	calls = strings.Split(strings.TrimSpace(string(readFile(t, log))), "\n")
	if len(calls) != 4 || !strings.Contains(calls[2], "--array=1,3%2") || !strings.Contains(calls[3], "afterany:103") {
		t.Errorf("resubmission calls %q", calls[2:])
	}
	for _, i := range []int{1, 3} {
		writeJSON(filepath.Join(TaskDir(dir, i), ResultFile), Result{Index: i})
	}
	sub, err = SubmitSlurm(context.Background(), dir, opt)
	if err != nil || len(sub.Tasks) != 0 {
		t.Errorf("all done: %+v %v", sub, err)
	}
	if calls2 := strings.Split(strings.TrimSpace(string(readFile(t, log))), "\n"); len(calls2) != 4 {
		t.Errorf("submitted although every task is done")
	}
	if _, err := SubmitSlurm(context.Background(), t.TempDir(), opt); err == nil || !strings.Contains(err.Error(), "not a sweep directory") {
		t.Errorf("not a sweep directory: %v", err)
	}
}

// TestSubmitSlurmChunks: tasks beyond Slurm's default MaxArraySize go in
// further arrays with a base offset, and the collect job waits for all.
func TestSubmitSlurmChunks(t *testing.T) {
	path := tinySweep(t, strings.Replace(smallMultiverse, "seed = [1, 2]", "seed = [1]\n\"x.transform\" = [\"standardize\", \"center\"]", 1))
	_, dir := planTo(t, path)
	// Pretend the plan has 1003 tasks by faking the status: write a plan
	// with more tasks.
	p, _ := ReadPlan(dir)
	for len(p.Tasks) < 1003 {
		p.Tasks = append(p.Tasks, Task{Index: len(p.Tasks), Kind: Multiverse})
	}
	writeJSON(filepath.Join(dir, PlanFile), p)
	sb, log := fakeSbatch(t)
	self, _ := os.Executable()
	sub, err := SubmitSlurm(context.Background(), dir, SlurmOptions{Sbatch: sb, Binary: self})
	if err != nil {
		t.Fatal(err)
	}
	calls := strings.Split(strings.TrimSpace(string(readFile(t, log))), "\n")
	if len(calls) != 3 || !strings.Contains(calls[0], "--array=0-999 ") || !strings.Contains(calls[0], "DILEMMA_TASK_BASE=0") ||
		!strings.Contains(calls[1], "--array=0-2 ") || !strings.Contains(calls[1], "DILEMMA_TASK_BASE=1000") ||
		!strings.Contains(calls[2], "afterany:101:102") {
		t.Errorf("calls %q (submission %+v)", calls, sub.ArrayJobs)
	}
}

// TestKubernetesManifest checks the Indexed Job: one completion per task,
// the parallelism, the command (which reads JOB_COMPLETION_INDEX), the
// claim and the required options.
func TestKubernetesManifest(t *testing.T) {
	path := tinySweep(t, smallMultiverse)
	_, dir := planTo(t, path)
	if _, err := WriteKubernetes(dir, KubernetesOptions{Claim: "c"}); err == nil || !strings.Contains(err.Error(), "--image") {
		t.Errorf("no image: %v", err)
	}
	if _, err := WriteKubernetes(dir, KubernetesOptions{Image: "i", Claim: "c", Name: "Bad_Name"}); err == nil {
		t.Errorf("bad name accepted")
	}
	out, err := WriteKubernetes(dir, KubernetesOptions{Image: "ghcr.io/me/dilemma:1", Claim: "sweeps", Parallelism: 3})
	if err != nil {
		t.Fatal(err)
	}
	y := string(readFile(t, out))
	for _, want := range []string{"kind: Job", "completionMode: Indexed", "completions: 4", "parallelism: 3",
		`image: "ghcr.io/me/dilemma:1"`, `command: ["dilemma", "sweep", "run", "/sweep/sweep"`, `claimName: "sweeps"`,
		`mountPath: "/sweep"`, "restartPolicy: Never", `cpu: "2"`} {
		if !strings.Contains(y, want) {
			t.Errorf("job.yaml lacks %q:\n%s", want, y)
		}
	}
	if strings.Contains(y, "\t") {
		t.Errorf("job.yaml has tabs (YAML forbids them in indentation)")
	}
}

// TestRemedyShares collects made-up results of four specifications and two
// remedies: the share in which each reduces the outcome with P ≥ 0.95 is
// counted from P(< 0), and remedies.csv and one curve per remedy are
// written; a refused remedy counts in no specification.
func TestRemedyShares(t *testing.T) {
	path := tinySweep(t, smallMultiverse)
	_, dir := planTo(t, path)
	p, _ := ReadPlan(dir)
	p.Query = Query{Remedies: true, Level: 0.9}
	writeJSON(filepath.Join(dir, PlanFile), p)
	pneg := map[string][]float64{"goodwill": {0.99, 0.96, 0.94, 0.5}, "density": {0.2, 0.97, 0.1, 0.1}}
	for i := 0; i < 4; i++ {
		r := Result{Index: i, Kind: Multiverse, Choices: p.Tasks[i].Choices}
		for _, name := range []string{"goodwill", "density"} {
			pn := pneg[name][i]
			r.Answers = append(r.Answers, Answer{Name: name, Status: "identified", Mean: Num(0.5 - pn), SD: 0.1,
				Lo: Num(0.3 - pn), Hi: Num(0.7 - pn), Level: 0.9, Expected: "-", PExpected: Num(pn), PNegative: Num(pn), PPositive: Num(1 - pn)})
		}
		if i == 3 {
			r.Answers = append(r.Answers, refused("external", "refused: not identified"))
		}
		writeJSON(filepath.Join(TaskDir(dir, i), ResultFile), r)
	}
	col, err := Collect(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{"goodwill": {2, 4}, "density": {1, 4}, "external": {0, 0}}
	if len(col.Answers) != 3 {
		t.Fatalf("answers %+v", col.Answers)
	}
	for _, a := range col.Answers {
		w := want[a.Name]
		if a.Reduces != w[0] || a.Specifications != w[1] {
			t.Errorf("%s: reduces in %d of %d, want %d of %d", a.Name, a.Reduces, a.Specifications, w[0], w[1])
		}
	}
	if got := float64(col.Answers[0].ShareReduces); got != 0.5 {
		t.Errorf("goodwill share %g, want 0.5", got)
	}
	for _, f := range []string{"remedies.csv", "spec-curve-goodwill.png", "spec-curve-density.pdf", ResultsCSV} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	rows := strings.Count(string(readFile(t, filepath.Join(dir, ResultsCSV))), "\n")
	if rows != 1+4*2+1 {
		t.Errorf("results.csv has %d lines, want 10", rows)
	}
}
