package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"dilemma/sweep"
)

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, " ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func init() {
	register(&command{
		name:    "sweep",
		summary: "many fits: multiverse, SBC, cross-validation, on a laptop or a Slurm cluster",
		usage: `Usage: dilemma sweep plan SWEEP.toml --out DIR
       dilemma sweep run DIR (--task I | --local [-j K] | --pilots)
       dilemma sweep submit DIR (--slurm [--partition P] [--max-running K] [--sbatch-arg A …] | --kubernetes --image IMG --claim PVC)
       dilemma sweep status DIR [--json]
       dilemma sweep collect DIR [--json]
       dilemma sweep example multiverse|sbc|cv

A sweep is many fits of one question: a multiverse (the answer across the
choices a reviewer calls debatable), a simulation-based calibration, or a
cross-validation. 'plan' writes one complete task per fit into DIR (its fit
manifest and its query); 'run' or 'submit' runs them, anywhere, in any
order, resuming what is not done; 'collect' writes results.csv and the
figures. The same task gives the same bytes whichever executor runs it.
'dilemma sweep example multiverse' prints a commented sweep file.

Examples:
  dilemma sweep example multiverse > robustness.toml
  dilemma sweep plan robustness.toml --out rob
  dilemma sweep run rob --local -j 2 && dilemma sweep collect rob
  dilemma sweep submit rob --slurm --partition short --max-running 50 --sbatch-arg=--time=02:00:00`,
		run: func(e *env, args []string) error {
			if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
				fmt.Fprint(e.stdout, commands["sweep"].help())
				return flag.ErrHelp
			}
			if len(args) == 0 {
				return usagef("give a subcommand: plan, run, submit, status, collect or example; see 'dilemma sweep -h'")
			}
			return usagef("unknown subcommand %q: want plan, run, submit, status, collect or example; see 'dilemma sweep -h'", args[0])
		},
	})
	register(&command{
		name:    "sweep plan",
		summary: "write one task per fit of a sweep file into a directory",
		usage: `Usage: dilemma sweep plan SWEEP.toml --out DIR [--format text|csv|markdown|latex]

Reads the sweep file (TOML; 'dilemma sweep example KIND' prints one) and
writes DIR: plan.json, the sweep file, and tasks/NNNN/ for every task i =
0 … N-1 with its fit manifest (manifest.json: 'dilemma fit --from' reruns
it) and its query (task.json). A multiverse has one task per combination of
its axes' values, the first axis varying slowest. Every task's model is
bound to the data here, so a combination that cannot be fitted is an error
now, naming the task's choices. Planning the same file into the same DIR
again keeps its results; a different plan there is an error.

Axes: seed and any other fit setting (time_effects, unit_intercepts,
adapt_delta, …), "NODE.column", "NODE.family", "NODE.transform" (also role,
quality, indicators, prior_strength, prior_sigma, …), "A->B.prior" (an
edge's prior), and model = […] (whole alternative model files).

Examples:
  dilemma sweep plan robustness.toml --out rob`,
		run: runSweepPlan,
	})
	register(&command{
		name:    "sweep run",
		summary: "run one task of a sweep (or every task not done, with --local)",
		usage: `Usage: dilemma sweep run DIR [--task I] [--force]
       dilemma sweep run DIR --local [-j K]
       dilemma sweep run DIR --pilots [-j K]

Runs task I: fits its manifest, answers its query and writes
tasks/I/result.json atomically (a task killed half-way leaves nothing); a
failed task writes tasks/I/failed.json with the reason and exits 1. A task
already done is skipped (--force reruns it). Without --task the index comes
from the scheduler: SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN (so an
array numbered 1-N also works), or JOB_COMPLETION_INDEX (Kubernetes Indexed
Jobs). --local runs every task not done on this machine, K at a time
(default 1; each task's chains already run in parallel).

With warm_start = true in the sweep file's [fit] table, tasks that share a
model start from a pilot fit's step size, metric and last draws (chain c
where the pilot's chain c ended) and take a shorter
warm-up (warm_start_warmup, default warmup/4). The pilots
(pilots/NN/warm.json) run first: --local runs them before the tasks,
'submit --slurm' as a job the arrays wait for, --pilots alone (e.g. before
applying a Kubernetes Job); a task whose pilot is missing runs it itself.

Examples:
  dilemma sweep run rob --task 3
  dilemma sweep run rob --local -j 2`,
		run: runSweepRun,
	})
	register(&command{
		name:    "sweep submit",
		summary: "submit a sweep's tasks not yet done to Slurm (or write a Kubernetes Job)",
		usage: `Usage: dilemma sweep submit DIR --slurm [--partition P] [--max-running K] [--sbatch-arg A …]
       dilemma sweep submit DIR --kubernetes --image IMAGE --claim PVC [--parallelism K] [--name NAME]

--slurm copies this dilemma binary to DIR/bin, writes DIR/slurm/task.sh and
collect.sh, and submits one job array of the tasks not yet done (sbatch
--parsable --array=…%K, one CPU per chain) and a collect job that runs
after it whatever its outcome (--dependency=afterany). Logs go to DIR/slurm.
Submitting again after failures, timeouts or scancel submits only what is
still missing: the sweep resumes. --sbatch-arg passes an argument to sbatch
as it is (repeat it: --sbatch-arg=--time=01:00:00 --sbatch-arg=--mem=2G).

--kubernetes writes DIR/kubernetes/job.yaml, an Indexed Job with one
completion per task, for a cluster where DIR sits on the claim PVC
(mounted at /sweep, the directory's base name below it): kubectl apply -f.

Examples:
  dilemma sweep submit rob --slurm --max-running 20
  dilemma sweep submit rob --slurm --partition short --sbatch-arg=--time=00:30:00
  dilemma sweep submit rob --kubernetes --image ghcr.io/me/dilemma:0.1 --claim sweeps`,
		run: runSweepSubmit,
	})
	register(&command{
		name:    "sweep status",
		summary: "which tasks of a sweep are done, failed (and why) or missing",
		usage: `Usage: dilemma sweep status DIR [--json]

Examples:
  dilemma sweep status rob
  dilemma sweep status rob --json`,
		run: runSweepStatus,
	})
	register(&command{
		name:    "sweep collect",
		summary: "gather a sweep's results: results.csv and figures",
		usage: `Usage: dilemma sweep collect DIR [--json] [--format text|csv|markdown|latex]

Reads every done task's result and writes DIR/results.csv (one row per task
and quantity: the task's choices, the answer's posterior mean, sd, credible
interval, P(expected sign), P(< 0) and the fit's max R-hat, min bulk-ESS and
divergences). A multiverse also gets a specification curve per quantity
(spec-curve.png/.pdf: the answers sorted, the choices marked beneath) and
prints, per quantity, the share of specifications in which it reduces the
outcome with P ≥ 0.95 (remedies.csv for remedies). Tasks not done are
listed, not fatal.

Examples:
  dilemma sweep collect rob
  dilemma sweep collect rob --json`,
		run: runSweepCollect,
	})
	register(&command{
		name:    "sweep example",
		summary: "print a commented example sweep file",
		usage: `Usage: dilemma sweep example multiverse|sbc|cv

Examples:
  dilemma sweep example multiverse > robustness.toml`,
		run: runSweepExample,
	})
}

func runSweepPlan(e *env, args []string) error {
	c := commands["sweep plan"]
	fs := newFlags(e, c)
	out := fs.String("out", "", "sweep directory to write (required)")
	format := fs.String("format", "text", "table format: text, csv, markdown or latex")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one SWEEP.toml; see 'dilemma sweep plan -h'")
	}
	if *out == "" {
		return usagef("--out DIR is required: the directory the tasks go to")
	}
	f, err := sweep.ReadFile(pos[0])
	if err != nil {
		return inputErr(err)
	}
	p, err := sweep.Build(f)
	if err != nil {
		return inputErr(err)
	}
	existed, err := p.Write(*out)
	if err != nil {
		return inputErr(err)
	}
	fmt.Fprintf(e.stdout, "%d tasks (%s, %s)\n", len(p.Tasks), p.Kind, p.Query.String())
	if len(p.Pilots) > 0 {
		e.logf("warm starts: %d pilot fits (one per model shape) run before the tasks, which then take %d warm-up iterations\n", len(p.Pilots), p.Tasks[0].Warm.Warmup)
	}
	if err := p.Table().Render(e.stdout, *format); err != nil {
		return err
	}
	if existed {
		e.logf("%s already holds this plan; its results are kept\n", *out)
	} else {
		e.logf("wrote %s\n", *out)
	}
	e.logf("next: dilemma sweep run %s --local -j 2   or   dilemma sweep submit %s --slurm\n", *out, *out)
	return nil
}

func runSweepRun(e *env, args []string) error {
	c := commands["sweep run"]
	fs := newFlags(e, c)
	task := fs.Int("task", -1, "the task to run (default: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)")
	local := fs.Bool("local", false, "run every task not done on this machine")
	jobs := fs.Int("j", 1, "with --local: tasks at a time")
	force := fs.Bool("force", false, "rerun a task that is done")
	pilots := fs.Bool("pilots", false, "run the warm starts' pilot fits not yet done (warm_start = true), -j at a time")
	executor := fs.String("executor", "", "who runs the task, recorded in timing.json (set by the batch scripts)")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one sweep DIR; see 'dilemma sweep run -h'")
	}
	dir := pos[0]
	if *jobs < 1 {
		return usagef("-j %d: want 1 or more", *jobs)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *pilots {
		if *local || *task >= 0 || *force {
			return usagef("--pilots runs the pilots only; run the tasks with --local or --task afterwards")
		}
		if _, err := sweep.ReadPlan(dir); err != nil {
			return inputErr(err)
		}
		if err := sweep.RunPilots(ctx, dir, *jobs); err != nil {
			return inputErr(err)
		}
		e.logf("pilots done\n")
		return nil
	}
	if *local {
		if *task >= 0 || *force {
			return usagef("--local runs every task not done; --task and --force are for one task")
		}
		st, err := sweep.ReadStatus(dir)
		if err != nil {
			return inputErr(err)
		}
		n := len(st.Pending())
		k := 0
		rep, err := sweep.RunLocal(ctx, dir, *jobs, func(i int, err error) {
			k++
			switch {
			case errors.Is(err, sweep.ErrDone):
			case err != nil:
				fmt.Fprintf(e.stderr, "task %d failed: %v\n", i, firstLine(err))
			default:
				e.logf("task %d done (%d/%d)\n", i, k, n)
			}
		})
		if err != nil {
			return err
		}
		e.logf("%d tasks run, %d already done, %d failed\n", rep.Ran, rep.Skipped, len(rep.Failed))
		if len(rep.Failed) > 0 {
			return inputErr(fmt.Errorf("%d of %d tasks failed (see 'dilemma sweep status %s')", len(rep.Failed), n, dir))
		}
		return nil
	}
	i, ex := *task, "task"
	if i < 0 {
		if i, ex, err = sweep.IndexFromEnv(os.Getenv); err != nil {
			return usagef("%v", err)
		}
	}
	if *executor != "" {
		ex = *executor
	}
	err = sweep.RunTask(ctx, dir, i, sweep.RunOptions{Executor: ex, Force: *force})
	if errors.Is(err, sweep.ErrDone) {
		e.logf("task %d is already done (--force reruns it)\n", i)
		return nil
	}
	if err != nil {
		return inputErr(fmt.Errorf("task %d: %v", i, firstLine(err)))
	}
	e.logf("task %d done\n", i)
	return nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

func runSweepSubmit(e *env, args []string) error {
	c := commands["sweep submit"]
	fs := newFlags(e, c)
	slurm := fs.Bool("slurm", false, "submit a Slurm job array and a collect job")
	kube := fs.Bool("kubernetes", false, "write a Kubernetes Indexed Job manifest")
	var so sweep.SlurmOptions
	var sargs stringList
	fs.StringVar(&so.Partition, "partition", "", "Slurm partition")
	fs.IntVar(&so.MaxRunning, "max-running", 0, "most array tasks running at once (0: no limit)")
	fs.Var(&sargs, "sbatch-arg", "an argument passed to sbatch as it is (repeatable)")
	fs.IntVar(&so.CPUs, "cpus", 0, "CPUs per task (default: the most chains a task runs)")
	var ko sweep.KubernetesOptions
	fs.StringVar(&ko.Image, "image", "", "Kubernetes: container image with dilemma on its PATH")
	fs.StringVar(&ko.Claim, "claim", "", "Kubernetes: PersistentVolumeClaim holding the sweep directory")
	fs.StringVar(&ko.Name, "name", "", "Kubernetes: Job name (default dilemma-sweep)")
	fs.IntVar(&ko.Parallelism, "parallelism", 0, "Kubernetes: most pods at once (default 10)")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one sweep DIR; see 'dilemma sweep submit -h'")
	}
	dir := pos[0]
	switch {
	case *slurm == *kube:
		return usagef("give --slurm or --kubernetes")
	case *kube:
		path, err := sweep.WriteKubernetes(dir, ko)
		if err != nil {
			return inputErr(err)
		}
		fmt.Fprintf(e.stdout, "wrote %s\n", path)
		e.logf("next: kubectl apply -f %s, then dilemma sweep collect %s\n", path, dir)
		return nil
	}
	so.SbatchArgs = sargs
	if so.MaxRunning < 0 {
		return usagef("--max-running %d: want 0 (no limit) or more", so.MaxRunning)
	}
	sub, err := sweep.SubmitSlurm(context.Background(), dir, so)
	if err != nil {
		return inputErr(err)
	}
	if len(sub.Tasks) == 0 {
		fmt.Fprintf(e.stdout, "every task is done; nothing submitted (dilemma sweep collect %s)\n", dir)
		return nil
	}
	fmt.Fprintf(e.stdout, "submitted %d tasks (%s) as job array %s; collect job %s runs after it\n",
		len(sub.Tasks), sweep.ArraySpec(sub.Tasks), strings.Join(sub.ArrayJobs, ", "), sub.CollectJob)
	e.logf("watch: squeue -j %s; dilemma sweep status %s. Rerun this command to resubmit what did not finish.\n", strings.Join(sub.ArrayJobs, ","), dir)
	return nil
}

func runSweepStatus(e *env, args []string) error {
	c := commands["sweep status"]
	fs := newFlags(e, c)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one sweep DIR; see 'dilemma sweep status -h'")
	}
	st, err := sweep.ReadStatus(pos[0])
	if err != nil {
		return inputErr(err)
	}
	if *asJSON {
		return writeJSON(e.stdout, st)
	}
	fmt.Fprintf(e.stdout, "%s: %d tasks (%s): %d done, %d failed, %d missing\n", st.Dir, st.Tasks, st.Kind, len(st.Done), len(st.Failed), len(st.Missing))
	if st.Pilots > 0 {
		fmt.Fprintf(e.stdout, "  warm-start pilots: %d of %d done\n", st.PilotsDone, st.Pilots)
	}
	for _, f := range st.Failed {
		fmt.Fprintf(e.stdout, "  failed %d: %s\n", f.Index, strings.ReplaceAll(firstLine(errors.New(f.Error)), "\n", " "))
	}
	if len(st.Missing) > 0 {
		fmt.Fprintf(e.stdout, "  missing: %s\n", sweep.ArraySpec(st.Missing))
	}
	return nil
}

func runSweepCollect(e *env, args []string) error {
	c := commands["sweep collect"]
	fs := newFlags(e, c)
	asJSON := fs.Bool("json", false, "print JSON")
	format := fs.String("format", "text", "table format: text, csv, markdown or latex")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one sweep DIR; see 'dilemma sweep collect -h'")
	}
	col, err := sweep.Collect(pos[0])
	if err != nil {
		return inputErr(err)
	}
	if *asJSON {
		return writeJSON(e.stdout, col)
	}
	fmt.Fprintln(e.stdout, col.StatusLine())
	if t := col.Table(); t != nil {
		if err := t.Render(e.stdout, *format); err != nil {
			return err
		}
	}
	for _, f := range col.Files {
		e.logf("wrote %s\n", f)
	}
	return nil
}

func runSweepExample(e *env, args []string) error {
	c := commands["sweep example"]
	fs := newFlags(e, c)
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one KIND: %s", strings.Join(sweep.Kinds, ", "))
	}
	s, err := sweep.Example(pos[0])
	if err != nil {
		return usagef("%v", err)
	}
	fmt.Fprint(e.stdout, s)
	return nil
}
