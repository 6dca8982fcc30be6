package query

import (
	"fmt"
	"strings"

	"dilemma/model"
)

// HorizonError refuses a query whose horizon is too short for every causal
// path from the intervention to the outcome: each runs through lagged
// edges, so over periods 0 … Horizon the effect would be zero by
// construction, not by the data.
type HorizonError struct {
	From    []string
	To      string
	Horizon int
	Need    int // the smallest horizon that some path fits in
}

func (e *HorizonError) Error() string {
	return fmt.Sprintf("the effect of %s on %s runs only through lagged edges: the shortest causal path takes %d period(s), beyond --horizon %d; use --horizon ≥ %d",
		strings.Join(e.From, ", "), e.To, e.Need, e.Horizon, e.Need)
}

// needHorizon returns a *HorizonError when some directed path leads from
// the nodes xs to y but none within horizon periods.
func needHorizon(m *model.Model, xs []string, y string, horizon int) error {
	need := -1
	for _, x := range xs {
		k := minPathLag(m, x, y)
		if k < 0 {
			continue
		}
		if k <= horizon {
			return nil
		}
		if need < 0 || k < need {
			need = k
		}
	}
	if need < 0 {
		return nil // no causal path at all: the effect is zero by the graph
	}
	return &HorizonError{From: xs, To: y, Horizon: horizon, Need: need}
}

// minPathLag returns the smallest total lag of a directed path from x to
// y, or −1 when there is none (Dijkstra's algorithm; lags are the
// weights).
func minPathLag(m *model.Model, x, y string) int {
	dist := map[string]int{x: 0}
	done := map[string]bool{}
	for {
		cur, best := "", -1
		for n, d := range dist {
			if !done[n] && (best < 0 || d < best || d == best && n < cur) {
				cur, best = n, d
			}
		}
		if best < 0 {
			return -1
		}
		done[cur] = true
		if cur == y && cur != x {
			return best
		}
		for _, e := range m.Out(cur) {
			if e.Kind != model.Directed {
				continue
			}
			d := best + e.Lag
			if old, ok := dist[e.To]; !ok || d < old {
				dist[e.To] = d
			}
		}
	}
}
