package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"dilemma/fit"
)

// Warm starts. Tasks whose models have the same parameters (the same
// unconstrained coordinates, by name: a multiverse over seeds, priors or
// columns; the folds of a cross-validation) share a pilot: one fit of the
// group's first task with the full warm-up. Its adapted step size and
// diagonal metric (the chains' geometric mean step size and mean inverse
// metric) and its chains' final points start every task of the group:
// chain c of a task starts where the pilot's chain c (modulo the pilot's
// chains) ended, in the sampler's unconstrained coordinates (so no
// transform is inverted: the point is the sampler's own); a pilot chain
// stuck in a minor mode (stuckChains) is left out, and the task's chains
// take the others' points in turn. Each task chain keeps the
// pilot's metric fixed and adapts only the step size over a shorter
// warm-up (warm_start_warmup, default a quarter of warmup). A point where
// the task's log density is not finite (another model's data, say) starts
// that chain at random instead, with a warning in the fit.
//
// The pilot is a deterministic task of its own (pilots/NN/manifest.json,
// its adaptation in pilots/NN/warm.json, written atomically): the same
// sweep gives the same pilot, so the same task gives the same bytes
// whichever executor runs it, and running a pilot twice (two tasks that
// found it missing at once) writes the same file twice. RunLocal runs the
// pilots first; SubmitSlurm submits them as one job on which the task
// arrays depend; a task whose pilot is missing runs it itself.

// Pilot is the warm start of a group of tasks.
type Pilot struct {
	Index int `json:"index"`
	// Task is the task whose manifest the pilot fits.
	Task int `json:"task"`
	// Tasks are the tasks the pilot warm-starts.
	Tasks []int `json:"tasks"`
}

// TaskWarm is how a task is warm-started.
type TaskWarm struct {
	Pilot  int `json:"pilot"`
	Warmup int `json:"warmup"`
}

// Warm is a pilot's adaptation (pilots/NN/warm.json).
type Warm struct {
	Pilot    int    `json:"pilot"`
	Task     int    `json:"task"`
	Chains   int    `json:"chains"`
	Warmup   int    `json:"warmup"`
	StepSize Num    `json:"step_size"`
	Metric   string `json:"metric"`
	// InvMetric is the mean over chains of the adapted inverse metric.
	InvMetric []float64 `json:"inv_metric"`
	// Positions are the final unconstrained points of the pilot's chains
	// that are not stuck (see stuckChains), where the tasks' chains start,
	// in turn.
	Positions [][]float64 `json:"positions"`
	// MeanLP is each pilot chain's mean lp__ over its draws; Stuck lists
	// the chains (1-based) left out of Positions.
	MeanLP []float64 `json:"mean_lp"`
	Stuck  []int     `json:"stuck_chains,omitempty"`
	// GradEvals is the pilot's gradient count over all chains.
	GradEvals int64 `json:"gradient_evaluations"`
}

// Files of warm starts.
const (
	PilotsDir = "pilots"
	WarmFile  = "warm.json"
)

// PilotDir is pilot k's directory in the sweep directory dir.
func PilotDir(dir string, k int) string {
	return filepath.Join(dir, PilotsDir, fmt.Sprintf("%02d", k))
}

// pilotSamples is the number of draws per chain a pilot keeps (its draws
// are not used; a few keep the fit's summaries defined).
const pilotSamples = 20

// buildPilots groups the plan's tasks by their parameters' names (keys[i]
// for task i) and gives each group a pilot: the group's first task's
// manifest with pilotSamples draws. Each task of a group gets warmup
// iterations of warm-up.
func buildPilots(p *Plan, keys []string, warmup int) {
	byKey := map[string]int{}
	for i := range p.Tasks {
		k, ok := byKey[keys[i]]
		if !ok {
			k = len(p.Pilots)
			byKey[keys[i]] = k
			p.Pilots = append(p.Pilots, Pilot{Index: k, Task: i})
		}
		p.Pilots[k].Tasks = append(p.Pilots[k].Tasks, i)
		p.Tasks[i].Warm = &TaskWarm{Pilot: k, Warmup: warmup}
	}
}

// paramKey identifies a model's unconstrained coordinates: their number
// and names.
func paramKey(dim int, names []string) string {
	h := sha256.Sum256([]byte(fmt.Sprint(dim) + "\x00" + strings.Join(names, "\x00")))
	return hex.EncodeToString(h[:8])
}

// pilotManifest is the manifest a pilot fits.
func pilotManifest(m fit.Manifest) fit.Manifest {
	m.Settings.Samples = pilotSamples
	m.Settings.StepSize, m.Settings.InvMetric, m.Settings.Init = 0, nil, nil
	return m
}

// ReadWarm reads pilot k's adaptation; a missing pilot is os.ErrNotExist.
func ReadWarm(dir string, k int) (*Warm, error) {
	b, err := os.ReadFile(filepath.Join(PilotDir(dir, k), WarmFile))
	if err != nil {
		return nil, err
	}
	var w Warm
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(PilotDir(dir, k), WarmFile), err)
	}
	return &w, nil
}

// RunPilot runs pilot k of dir and writes its warm.json (ErrDone when it
// exists, unless force).
func RunPilot(ctx context.Context, dir string, k int, force bool) error {
	wf := filepath.Join(PilotDir(dir, k), WarmFile)
	if _, err := os.Stat(wf); err == nil && !force {
		return ErrDone
	}
	m, err := fit.ReadManifest(filepath.Join(PilotDir(dir, k), manifestFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s has no pilot %d", dir, k)
		}
		return err
	}
	p, err := ReadPlan(dir)
	if err != nil {
		return err
	}
	if k < 0 || k >= len(p.Pilots) {
		return fmt.Errorf("%s has no pilot %d", dir, k)
	}
	localData(dir, m)
	start, cpu0 := time.Now(), processCPU()
	var tm Timing
	f, err := fitTask(ctx, m, &tm)
	if err != nil {
		return fmt.Errorf("pilot %d (task %d): %v", k, p.Pilots[k].Task, err)
	}
	w := &Warm{Pilot: k, Task: p.Pilots[k].Task, Chains: m.Settings.Chains, Warmup: m.Settings.Warmup, Metric: m.Settings.Metric,
		GradEvals: tm.GradEvals}
	logStep := 0.0
	for c, a := range f.Adaptation {
		logStep += math.Log(a.StepSize) / float64(len(f.Adaptation))
		if c == 0 {
			w.InvMetric = make([]float64, len(a.InvMetric))
		}
		for j, v := range a.InvMetric {
			w.InvMetric[j] += v / float64(len(f.Adaptation))
		}
	}
	w.StepSize = Num(math.Exp(logStep))
	for _, st := range f.Stats {
		w.MeanLP = append(w.MeanLP, meanOf(st[0]))
	}
	w.Stuck = stuckChains(w.MeanLP, len(w.InvMetric))
	for c, x := range f.Final {
		if !slices.Contains(w.Stuck, c+1) {
			w.Positions = append(w.Positions, x)
		}
	}
	if err := writeJSON(wf, w); err != nil {
		return err
	}
	tm.Total = time.Since(start).Seconds()
	tm.CPU = processCPU() - cpu0
	host, _ := os.Hostname()
	tm.Host, tm.Start = host, start.UTC().Format(time.RFC3339)
	return writeJSON(filepath.Join(PilotDir(dir, k), TimingFile), tm)
}

// RunPilots runs every pilot of dir not yet done, jobs at a time.
func RunPilots(ctx context.Context, dir string, jobs int) error {
	p, err := ReadPlan(dir)
	if err != nil {
		return err
	}
	errs := make([]error, len(p.Pilots))
	sem := make(chan struct{}, max(1, jobs))
	done := make(chan struct{})
	for k := range p.Pilots {
		go func(k int) {
			sem <- struct{}{}
			defer func() { <-sem; done <- struct{}{} }()
			if err := RunPilot(ctx, dir, k, false); err != nil && !errors.Is(err, ErrDone) {
				errs[k] = err
			}
		}(k)
	}
	for range p.Pilots {
		<-done
	}
	return errors.Join(errs...)
}

// warmStart sets m's settings from the task's pilot, running the pilot
// first when it is missing.
func warmStart(ctx context.Context, dir string, t *Task, m *fit.Manifest) error {
	w, err := ReadWarm(dir, t.Warm.Pilot)
	if errors.Is(err, os.ErrNotExist) {
		if err := RunPilot(ctx, dir, t.Warm.Pilot, false); err != nil && !errors.Is(err, ErrDone) {
			return err
		}
		w, err = ReadWarm(dir, t.Warm.Pilot)
	}
	if err != nil {
		return err
	}
	if w.Metric != m.Settings.Metric {
		return fmt.Errorf("pilot %d adapted a %s metric, the task uses %s", w.Pilot, w.Metric, m.Settings.Metric)
	}
	m.Settings.StepSize = float64(w.StepSize)
	m.Settings.InvMetric = w.InvMetric
	m.Settings.Warmup = t.Warm.Warmup
	m.Settings.Init = nil
	if len(w.Positions) > 0 {
		m.Settings.Init = make([][]float64, m.Settings.Chains)
		for c := range m.Settings.Init {
			m.Settings.Init[c] = w.Positions[c%len(w.Positions)]
		}
	}
	return nil
}

// stuckChains returns the chains (1-based) whose mean lp__ is below the
// best chain's by more than max(10, 3·sqrt(dim/2)): in a posterior of dim
// coordinates near normal the log density at a draw varies with sd about
// sqrt(dim/2), so such a chain sits in a minor mode (on fig2-remedies at
// 300 warm-up iterations one chain of four stayed 400 below the others,
// and the cold fit's R-hat was 1.5). Starting every task from it would
// carry it into every task.
func stuckChains(meanLP []float64, dim int) []int {
	best := math.Inf(-1)
	for _, v := range meanLP {
		if v > best {
			best = v
		}
	}
	gap := math.Max(10, 3*math.Sqrt(float64(dim)/2))
	var out []int
	for c, v := range meanLP {
		if !(v >= best-gap) {
			out = append(out, c+1)
		}
	}
	return out
}

func meanOf(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}
