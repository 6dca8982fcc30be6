package sweep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ArrayChunk is the most elements one Slurm job array gets: Slurm's default
// MaxArraySize is 1001, so array indices stay within 0 … 999 and tasks
// beyond are submitted as further arrays with a base offset.
const ArrayChunk = 1000

// SlurmOptions are how a sweep goes to Slurm.
type SlurmOptions struct {
	// Partition is passed as --partition when not empty.
	Partition string
	// MaxRunning limits the array's running elements (--array=…%K); 0 is
	// no limit.
	MaxRunning int
	// SbatchArgs are passed to both sbatch calls as they are (e.g.
	// --time=01:00:00, --mem=2G, --account=X).
	SbatchArgs []string
	// Binary is the dilemma executable the jobs run; it is copied into the
	// sweep directory (bin/dilemma), so that a binary that goes away (go
	// run's) or changes does not affect running jobs.
	Binary string
	// Sbatch is the sbatch command (default "sbatch").
	Sbatch string
	// CPUs per task (default: the most chains any task runs).
	CPUs int
}

// Submission is what SubmitSlurm submitted.
type Submission struct {
	// Tasks are the task indices submitted (those not done).
	Tasks []int `json:"tasks"`
	// ArrayJobs are the job ids of the arrays (one per ArrayChunk tasks).
	ArrayJobs []string `json:"array_jobs"`
	// CollectJob runs 'dilemma sweep collect' after the arrays end.
	CollectJob string `json:"collect_job"`
	// Script is the batch script of the array.
	Script string `json:"script"`
	// PilotJob runs the warm starts' pilots not yet done before the arrays
	// (warm_start = true); "" when there is none to run.
	PilotJob string `json:"pilot_job,omitempty"`
}

// ArraySpec writes indices (sorted, distinct) as Slurm's --array list:
// runs of consecutive indices as ranges, "0-3,7,9-12".
func ArraySpec(idx []int) string {
	var parts []string
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(idx[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", idx[i], idx[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && regexp.MustCompile(`^[A-Za-z0-9_./:=@%+-]+$`).MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// SlurmScripts writes the array's and the collect job's batch scripts into
// dir/slurm and returns their paths. The array script runs task BASE +
// SLURM_ARRAY_TASK_ID (BASE from DILEMMA_TASK_BASE, 0 by default).
func SlurmScripts(dir string, cpus int, partition string) (task, collect string, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	sd := filepath.Join(abs, "slurm")
	if err := os.MkdirAll(sd, 0o755); err != nil {
		return "", "", err
	}
	bin := filepath.Join(abs, "bin", "dilemma")
	var head strings.Builder
	if partition != "" {
		fmt.Fprintf(&head, "#SBATCH --partition=%s\n", partition)
	}
	task = filepath.Join(sd, "task.sh")
	ts := fmt.Sprintf(`#!/bin/bash
# One task of the sweep in %[1]s: written by 'dilemma sweep submit --slurm'.
# Slurm runs it once per element of the job array; the element's index plus
# DILEMMA_TASK_BASE is the task number. A task already done exits at once.
#SBATCH --job-name=dilemma-sweep
#SBATCH --output=%[2]s/task-%%A_%%a.out
#SBATCH --cpus-per-task=%[3]d
%[4]sset -euo pipefail
export GOMAXPROCS="${SLURM_CPUS_PER_TASK:-%[3]d}"
exec %[5]s sweep run %[1]s --task "$(( ${DILEMMA_TASK_BASE:-0} + SLURM_ARRAY_TASK_ID ))" --executor slurm --quiet
`, shellQuote(abs), shellQuote(sd), cpus, head.String(), shellQuote(bin))
	collect = filepath.Join(sd, "collect.sh")
	cs := fmt.Sprintf(`#!/bin/bash
# Collects the sweep in %[1]s after its job arrays end (written by 'dilemma
# sweep submit --slurm'): results.csv and the figures, over the done tasks.
#SBATCH --job-name=dilemma-collect
#SBATCH --output=%[2]s/collect-%%j.out
#SBATCH --cpus-per-task=1
%[3]sset -euo pipefail
exec %[4]s sweep collect %[1]s
`, shellQuote(abs), shellQuote(sd), head.String(), shellQuote(bin))
	if err := writeAtomic(task, []byte(ts)); err != nil {
		return "", "", err
	}
	if err := writeAtomic(collect, []byte(cs)); err != nil {
		return "", "", err
	}
	return task, collect, nil
}

// copyBinary copies the executable src to dir/bin/dilemma, whole or not at
// all.
func copyBinary(src, dir string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("the dilemma binary to run on the cluster: %v", err)
	}
	defer in.Close()
	bd := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bd, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(bd, ".dilemma.tmp-")
	if err != nil {
		return err
	}
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(bd, "dilemma"))
}

// maxChains is the most chains any task of dir runs.
func maxChains(dir string, p *Plan) int {
	c := 1
	for i := range p.Tasks {
		if _, m, err := ReadTask(dir, i); err == nil {
			c = max(c, m.Settings.Chains)
		}
	}
	return c
}

// SubmitSlurm submits the tasks of dir that are not done as Slurm job
// arrays (sbatch --parsable --array=…%K), one per ArrayChunk tasks, and a
// collect job that runs after them whatever their outcome
// (--dependency=afterany). Submitting again after a failure, a timeout or
// a scancel submits only what is still not done: the sweep resumes.
func SubmitSlurm(ctx context.Context, dir string, opt SlurmOptions) (*Submission, error) {
	p, err := ReadPlan(dir)
	if err != nil {
		return nil, err
	}
	st, err := ReadStatus(dir)
	if err != nil {
		return nil, err
	}
	sub := &Submission{Tasks: st.Pending()}
	if len(sub.Tasks) == 0 {
		return sub, nil
	}
	if opt.Sbatch == "" {
		opt.Sbatch = "sbatch"
	}
	if _, err := exec.LookPath(opt.Sbatch); err != nil {
		return nil, fmt.Errorf("%s not found: submit from a Slurm login node, or run the sweep here with 'dilemma sweep run %s --local'", opt.Sbatch, dir)
	}
	if opt.MaxRunning < 0 {
		return nil, fmt.Errorf("max running %d: want 0 (no limit) or more", opt.MaxRunning)
	}
	if opt.CPUs <= 0 {
		opt.CPUs = maxChains(dir, p)
	}
	if opt.Binary == "" {
		if opt.Binary, err = os.Executable(); err != nil {
			return nil, err
		}
	}
	if err := copyBinary(opt.Binary, dir); err != nil {
		return nil, err
	}
	task, collect, err := SlurmScripts(dir, opt.CPUs, opt.Partition)
	if err != nil {
		return nil, err
	}
	sub.Script = task
	common := append([]string{"--parsable"}, opt.SbatchArgs...)
	var pilotDep []string
	if pending := pendingPilots(dir, p); pending > 0 {
		// The pilots run first, in one job; the arrays start after it
		// whatever its outcome (a task whose pilot failed reruns it
		// itself and records the reason).
		ps, err := pilotScript(dir, opt.CPUs, opt.Partition)
		if err != nil {
			return nil, err
		}
		if sub.PilotJob, err = sbatch(ctx, opt.Sbatch, append(append([]string{}, common...), ps)); err != nil {
			return sub, err
		}
		pilotDep = []string{"--dependency=afterany:" + sub.PilotJob}
	}
	for lo := 0; lo < len(sub.Tasks); {
		base := sub.Tasks[lo] / ArrayChunk * ArrayChunk
		hi := lo
		var rel []int
		for hi < len(sub.Tasks) && sub.Tasks[hi] < base+ArrayChunk {
			rel = append(rel, sub.Tasks[hi]-base)
			hi++
		}
		spec := ArraySpec(rel)
		if opt.MaxRunning > 0 {
			spec += "%" + strconv.Itoa(opt.MaxRunning)
		}
		args := append(append(append([]string{}, common...), pilotDep...), "--array="+spec, fmt.Sprintf("--export=ALL,DILEMMA_TASK_BASE=%d", base), task)
		id, err := sbatch(ctx, opt.Sbatch, args)
		if err != nil {
			return sub, err
		}
		sub.ArrayJobs = append(sub.ArrayJobs, id)
		lo = hi
	}
	dep := "--dependency=afterany:" + strings.Join(sub.ArrayJobs, ":")
	args := append(append([]string{}, common...), dep, collect)
	if sub.CollectJob, err = sbatch(ctx, opt.Sbatch, args); err != nil {
		return sub, err
	}
	logLine := fmt.Sprintf("%s arrays %s (tasks %s) collect %s\n", time.Now().UTC().Format(time.RFC3339),
		strings.Join(sub.ArrayJobs, ","), ArraySpec(sub.Tasks), sub.CollectJob)
	if f, err := os.OpenFile(filepath.Join(dir, "slurm", "submissions.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
		f.WriteString(logLine)
		f.Close()
	}
	return sub, nil
}

// sbatch runs sbatch with args and returns the job id it prints
// (--parsable: "ID" or "ID;CLUSTER").
func sbatch(ctx context.Context, cmd string, args []string) (string, error) {
	var out, errb bytes.Buffer
	c := exec.CommandContext(ctx, cmd, args...)
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("%s %s: %s", cmd, strings.Join(args, " "), msg)
	}
	id, _, _ := strings.Cut(strings.TrimSpace(out.String()), ";")
	if _, err := strconv.Atoi(id); err != nil {
		return "", fmt.Errorf("%s printed %q, not a job id", cmd, strings.TrimSpace(out.String()))
	}
	return id, nil
}

// KubernetesOptions are how a sweep becomes a Kubernetes Indexed Job.
type KubernetesOptions struct {
	// Name of the Job (default dilemma-sweep).
	Name string
	// Image holds the dilemma binary on its PATH (required).
	Image string
	// Claim is the PersistentVolumeClaim that holds the sweep directory
	// (required); it is mounted at MountPath (default /sweep).
	Claim     string
	MountPath string
	// SubPath is the sweep directory's path within the claim (default: its
	// base name).
	SubPath string
	// Parallelism is the most pods at once (default 10).
	Parallelism int
	// CPUs per pod (default: the most chains any task runs).
	CPUs int
}

var k8sName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// WriteKubernetes writes dir/kubernetes/job.yaml: an Indexed Job with one
// completion per task, whose pods run 'dilemma sweep run DIR' (the task
// index comes from JOB_COMPLETION_INDEX). Tasks already done exit at once,
// so applying the Job again after a failure resumes the sweep.
func WriteKubernetes(dir string, opt KubernetesOptions) (string, error) {
	p, err := ReadPlan(dir)
	if err != nil {
		return "", err
	}
	if opt.Image == "" {
		return "", errors.New("--image: the container image with the dilemma binary is required")
	}
	if opt.Claim == "" {
		return "", errors.New("--claim: the PersistentVolumeClaim that holds the sweep directory is required")
	}
	if opt.Name == "" {
		opt.Name = "dilemma-sweep"
	}
	if !k8sName.MatchString(opt.Name) || len(opt.Name) > 63 {
		return "", fmt.Errorf("job name %q: want lower-case letters, digits and '-', at most 63", opt.Name)
	}
	if opt.MountPath == "" {
		opt.MountPath = "/sweep"
	}
	if opt.SubPath == "" {
		abs, _ := filepath.Abs(dir)
		opt.SubPath = filepath.Base(abs)
	}
	if opt.Parallelism <= 0 {
		opt.Parallelism = 10
	}
	if opt.CPUs <= 0 {
		opt.CPUs = maxChains(dir, p)
	}
	n := len(p.Tasks)
	in := filepath.ToSlash(filepath.Join(opt.MountPath, opt.SubPath))
	y := fmt.Sprintf(`# The sweep in %[1]s as a Kubernetes Indexed Job, written by
# 'dilemma sweep submit --kubernetes'. Pod k runs task k (JOB_COMPLETION_INDEX);
# a task already done exits at once, so 'kubectl apply' again resumes.
# Collect afterwards: dilemma sweep collect %[1]s
apiVersion: batch/v1
kind: Job
metadata:
  name: %[2]s
  labels:
    app.kubernetes.io/name: dilemma-sweep
spec:
  completionMode: Indexed
  completions: %[3]d
  parallelism: %[4]d
  backoffLimit: %[3]d
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: task
          image: %[5]q
          command: ["dilemma", "sweep", "run", %[6]q, "--executor", "kubernetes", "--quiet"]
          env:
            - name: GOMAXPROCS
              value: "%[7]d"
          resources:
            requests:
              cpu: "%[7]d"
          volumeMounts:
            - name: sweep
              mountPath: %[8]q
      volumes:
        - name: sweep
          persistentVolumeClaim:
            claimName: %[9]q
`, in, opt.Name, n, opt.Parallelism, opt.Image, in, opt.CPUs, opt.MountPath, opt.Claim)
	kd := filepath.Join(dir, "kubernetes")
	if err := os.MkdirAll(kd, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(kd, "job.yaml")
	return path, writeAtomic(path, []byte(y))
}

// pendingPilots counts the pilots of dir without their warm.json.
func pendingPilots(dir string, p *Plan) int {
	n := 0
	for k := range p.Pilots {
		if _, err := ReadWarm(dir, k); err != nil {
			n++
		}
	}
	return n
}

// pilotScript writes dir/slurm/pilot.sh: one job that runs the pilots not
// yet done, as many at once as the job's CPUs allow for their chains.
func pilotScript(dir string, cpus int, partition string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	sd := filepath.Join(abs, "slurm")
	bin := filepath.Join(abs, "bin", "dilemma")
	head := ""
	if partition != "" {
		head = fmt.Sprintf("#SBATCH --partition=%s\n", partition)
	}
	path := filepath.Join(sd, "pilot.sh")
	s := fmt.Sprintf(`#!/bin/bash
# The warm starts' pilot fits of the sweep in %[1]s (written by 'dilemma
# sweep submit --slurm'); the task arrays start after this job.
#SBATCH --job-name=dilemma-pilot
#SBATCH --output=%[2]s/pilot-%%j.out
#SBATCH --cpus-per-task=%[3]d
%[4]sset -euo pipefail
export GOMAXPROCS="${SLURM_CPUS_PER_TASK:-%[3]d}"
exec %[5]s sweep run %[1]s --pilots --quiet
`, shellQuote(abs), shellQuote(sd), cpus, head, shellQuote(bin))
	return path, writeAtomic(path, []byte(s))
}
