package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// Status is the state of a sweep directory's tasks.
type Status struct {
	Dir     string       `json:"dir"`
	Kind    string       `json:"kind"`
	Tasks   int          `json:"tasks"`
	Done    []int        `json:"done"`
	Failed  []FailedTask `json:"failed"`
	Missing []int        `json:"missing"`
	// Pilots counts the warm starts' pilot fits, PilotsDone those with
	// their warm.json.
	Pilots     int `json:"pilots,omitempty"`
	PilotsDone int `json:"pilots_done,omitempty"`
}

// FailedTask is a task that failed and why.
type FailedTask struct {
	Index int    `json:"index"`
	Error string `json:"error"`
}

// ReadStatus reads which tasks are done, failed (with the reason) and
// missing (not run, still running, or killed before they finished).
func ReadStatus(dir string) (*Status, error) {
	p, err := ReadPlan(dir)
	if err != nil {
		return nil, err
	}
	st := &Status{Dir: dir, Kind: p.Kind, Tasks: len(p.Tasks), Done: []int{}, Failed: []FailedTask{}, Missing: []int{}, Pilots: len(p.Pilots)}
	for k := range p.Pilots {
		if _, err := ReadWarm(dir, k); err == nil {
			st.PilotsDone++
		}
	}
	for i := range p.Tasks {
		if Done(dir, i) {
			st.Done = append(st.Done, i)
			continue
		}
		if b, err := os.ReadFile(filepath.Join(TaskDir(dir, i), FailedFile)); err == nil {
			var f Failure
			if json.Unmarshal(b, &f) == nil {
				st.Failed = append(st.Failed, FailedTask{Index: i, Error: f.Error})
				continue
			}
		}
		st.Missing = append(st.Missing, i)
	}
	return st, nil
}

// Pending lists the tasks not done (failed and missing), in order.
func (s *Status) Pending() []int {
	var out []int
	failed := map[int]bool{}
	for _, f := range s.Failed {
		failed[f.Index] = true
	}
	for i := 0; i < s.Tasks; i++ {
		if failed[i] || containsInt(s.Missing, i) {
			out = append(out, i)
		}
	}
	return out
}

func containsInt(x []int, v int) bool {
	for _, a := range x {
		if a == v {
			return true
		}
	}
	return false
}

// IndexFromEnv returns the task index a scheduler gives an array element:
// SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN (so that an array numbered
// from 1, or from any base, maps to tasks 0 … N-1), or Kubernetes'
// JOB_COMPLETION_INDEX. It names the variables when none is set.
func IndexFromEnv(getenv func(string) string) (int, string, error) {
	if id := getenv("SLURM_ARRAY_TASK_ID"); id != "" {
		i, err := strconv.Atoi(id)
		if err != nil {
			return 0, "", fmt.Errorf("SLURM_ARRAY_TASK_ID=%q is not an integer", id)
		}
		if mn := getenv("SLURM_ARRAY_TASK_MIN"); mn != "" {
			m, err := strconv.Atoi(mn)
			if err != nil {
				return 0, "", fmt.Errorf("SLURM_ARRAY_TASK_MIN=%q is not an integer", mn)
			}
			i -= m
		}
		return i, "slurm", nil
	}
	if id := getenv("JOB_COMPLETION_INDEX"); id != "" {
		i, err := strconv.Atoi(id)
		if err != nil {
			return 0, "", fmt.Errorf("JOB_COMPLETION_INDEX=%q is not an integer", id)
		}
		return i, "kubernetes", nil
	}
	return 0, "", errors.New("no task index: give --task I, or run inside a Slurm job array (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX); --local runs every task here")
}

// LocalReport is what RunLocal did.
type LocalReport struct {
	Ran, Skipped int
	Failed       []FailedTask
}

// RunLocal runs every task of dir that is not done, jobs at a time, on
// this machine. progress, if not nil, is called after each task (from
// several goroutines, one at a time) with its index and error.
func RunLocal(ctx context.Context, dir string, jobs int, progress func(i int, err error)) (*LocalReport, error) {
	st, err := ReadStatus(dir)
	if err != nil {
		return nil, err
	}
	todo := st.Pending()
	rep := &LocalReport{Skipped: len(st.Done)}
	if len(todo) > 0 {
		// Warm starts: the pilots first, so that no two tasks run one.
		if err := RunPilots(ctx, dir, jobs); err != nil {
			return rep, err
		}
	}
	jobs = max(1, min(jobs, len(todo)))
	next := make(chan int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				err := RunTask(ctx, dir, i, RunOptions{Executor: "local"})
				mu.Lock()
				switch {
				case errors.Is(err, ErrDone):
					rep.Skipped++
				case err != nil:
					rep.Failed = append(rep.Failed, FailedTask{Index: i, Error: err.Error()})
				default:
					rep.Ran++
				}
				if progress != nil {
					progress(i, err)
				}
				mu.Unlock()
			}
		}()
	}
	for _, i := range todo {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return rep, ctx.Err()
}
