package sweep

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// needSlurm skips the test where sbatch is absent, except on CI (CI=true),
// where the cluster must be there (.ci/run starts it with .ci/slurm-up.sh)
// and its absence fails the test.
func needSlurm(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("sbatch"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but sbatch is not on PATH: .ci/run must start Slurm (.ci/slurm-up.sh) before go test")
		}
		t.Skip("sbatch not found: no Slurm here (run .ci/slurm-up.sh as root to start a single-node cluster)")
	}
	out, err := exec.Command("sinfo", "-h", "-N", "-o", "%t").Output()
	if err != nil || !strings.ContainsAny(string(out), "ia") { // idle, mix, alloc
		t.Fatalf("sbatch is here but no Slurm node is up (sinfo: %q, %v); start it with .ci/slurm-up.sh", out, err)
	}
}

// buildDilemma builds the command line into dir and returns its path.
func buildDilemma(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "dilemma")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/dilemma")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// waitJobs waits until none of the jobs is in the queue, at most d.
func waitJobs(t *testing.T, jobs []string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		out, err := exec.Command("squeue", "-h", "-o", "%i", "-j", strings.Join(jobs, ",")).Output()
		if err == nil && strings.TrimSpace(string(out)) == "" {
			return
		}
		time.Sleep(time.Second)
	}
	exec.Command("scancel", jobs...).Run()
	t.Fatalf("Slurm jobs %v still queued after %v (cancelled)", jobs, d)
}

// TestSlurmMatchesLocal submits a four-task sweep to a real Slurm cluster
// through sbatch (one job array and a collect job), cancels one array task
// with scancel before it runs, waits, and checks that exactly that task is
// missing; submitting again runs only it. The collected results.csv and
// every result.json then equal, byte for byte, those of the same plan run
// with --local.
func TestSlurmMatchesLocal(t *testing.T) {
	needSlurm(t)
	bin := buildDilemma(t)
	path := tinySweep(t, smallMultiverse)
	p, viaSlurm := planTo(t, path)
	_, local := planTo(t, path)
	if _, err := RunLocal(context.Background(), local, 2, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Collect(local); err != nil {
		t.Fatal(err)
	}

	opt := SlurmOptions{Binary: bin, MaxRunning: 1, SbatchArgs: []string{"--time=00:10:00"}}
	sub, err := SubmitSlurm(context.Background(), viaSlurm, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sub.Tasks, []int{0, 1, 2, 3}) || len(sub.ArrayJobs) != 1 {
		t.Fatalf("submission %+v", sub)
	}
	// Kill task 3 (pending behind the running limit of 1).
	if out, err := exec.Command("scancel", sub.ArrayJobs[0]+"_3").CombinedOutput(); err != nil {
		t.Fatalf("scancel: %v %s", err, out)
	}
	waitJobs(t, append(sub.ArrayJobs, sub.CollectJob), 5*time.Minute)
	st, err := ReadStatus(viaSlurm)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(st.Done, []int{0, 1, 2}) || !slices.Equal(st.Missing, []int{3}) {
		logs, _ := filepath.Glob(filepath.Join(viaSlurm, "slurm", "*.out"))
		var b strings.Builder
		for _, l := range logs {
			x, _ := os.ReadFile(l)
			b.WriteString(l + ":\n" + string(x))
		}
		t.Fatalf("after scancel of task 3: done %v, missing %v, failed %v\n%s", st.Done, st.Missing, st.Failed, b.String())
	}
	// The collect job ran after the array whatever its outcome.
	if _, err := os.Stat(filepath.Join(viaSlurm, ResultsCSV)); err != nil {
		t.Errorf("the collect job wrote no results.csv: %v", err)
	}

	sub, err = SubmitSlurm(context.Background(), viaSlurm, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sub.Tasks, []int{3}) {
		t.Fatalf("resubmission sent tasks %v, want [3]", sub.Tasks)
	}
	waitJobs(t, append(sub.ArrayJobs, sub.CollectJob), 5*time.Minute)
	for i := range p.Tasks {
		a := readFile(t, filepath.Join(TaskDir(viaSlurm, i), ResultFile))
		b := readFile(t, filepath.Join(TaskDir(local, i), ResultFile))
		if !bytes.Equal(a, b) {
			t.Errorf("task %d: Slurm's result differs from --local's", i)
		}
		tm := string(readFile(t, filepath.Join(TaskDir(viaSlurm, i), TimingFile)))
		if !strings.Contains(tm, `"executor": "slurm"`) {
			t.Errorf("task %d did not run under Slurm: %s", i, tm)
		}
	}
	if a, b := readFile(t, filepath.Join(viaSlurm, ResultsCSV)), readFile(t, filepath.Join(local, ResultsCSV)); !bytes.Equal(a, b) {
		t.Errorf("results.csv collected on Slurm differs from --local's:\n%s\n%s", a, b)
	}
}

// TestSlurmWarmStart submits a warm-started sweep to a real Slurm cluster:
// the pilot job runs first, the array waits for it (afterany), and every
// result and the pilot's warm.json equal, byte for byte, those of the same
// plan run with --local.
func TestSlurmWarmStart(t *testing.T) {
	needSlurm(t)
	bin := buildDilemma(t)
	path := tinySweep(t, strings.Replace(smallMultiverse, "samples = 150\n", "samples = 150\nwarm_start = true\n", 1))
	p, viaSlurm := planTo(t, path)
	_, local := planTo(t, path)
	if len(p.Pilots) != 1 {
		t.Fatalf("pilots %+v", p.Pilots)
	}
	if _, err := RunLocal(context.Background(), local, 2, nil); err != nil {
		t.Fatal(err)
	}
	sub, err := SubmitSlurm(context.Background(), viaSlurm, SlurmOptions{Binary: bin, SbatchArgs: []string{"--time=00:10:00"}})
	if err != nil {
		t.Fatal(err)
	}
	if sub.PilotJob == "" {
		t.Fatalf("no pilot job: %+v", sub)
	}
	waitJobs(t, append(append(sub.ArrayJobs, sub.CollectJob), sub.PilotJob), 5*time.Minute)
	if a, b := readFile(t, filepath.Join(PilotDir(viaSlurm, 0), WarmFile)), readFile(t, filepath.Join(PilotDir(local, 0), WarmFile)); !bytes.Equal(a, b) {
		t.Errorf("the pilot on Slurm differs from --local's:\n%s\n%s", a, b)
	}
	for i := range p.Tasks {
		a := readFile(t, filepath.Join(TaskDir(viaSlurm, i), ResultFile))
		b := readFile(t, filepath.Join(TaskDir(local, i), ResultFile))
		if !bytes.Equal(a, b) {
			t.Errorf("task %d: Slurm's warm-started result differs from --local's", i)
		}
	}
}
