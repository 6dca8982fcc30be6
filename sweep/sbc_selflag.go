package sweep

import (
	"fmt"
	"sort"

	"dilemma/model/sem"
)

// Self-lags (y -> y [lag=k]) in simulation-based calibration. The node's
// values are simulated period by period within each unit, each row's
// linear predictor reading the value already simulated k periods earlier.
// A row whose lagged value does not exist (each unit's first k periods, a
// period after a gap) is an initial condition: the fit leaves it out of
// the equation and conditions on its value, so any draw serves; it is
// drawn from the equation without the self-lag, so that the rows after it
// have a lagged value, as they have in the data. The fit's rows, which
// period effects are drawn over, are therefore known before anything is
// drawn: a row with its data whose lagged row has its data too.

// isSelfLag reports whether term t of eq's equation is a self-lag.
func isSelfLag(eq *sem.Equation, t *sem.Term) bool { return isSelfLagOf(eq.Node, t) }

// isSelfLagOf reports whether t is node's own past.
func isSelfLagOf(node string, t *sem.Term) bool {
	return t.Parent == node && t.Lag > 0 && t.Moderator == "" && !t.UnitMean
}

// hasSelfLag reports whether eq has a self-lag.
func hasSelfLag(eq *sem.Equation) bool {
	for k := range eq.Terms {
		if isSelfLag(eq, &eq.Terms[k]) {
			return true
		}
	}
	return false
}

// lagRow is the row of r's unit lag periods earlier, or −1.
func (s *simulator) lagRow(r, lag int) int {
	lay := s.spec.Layout
	if src, ok := s.rowAt[[2]int{lay.Unit[r], s.ordinal(r) - lag}]; ok {
		return src
	}
	return -1
}

// selfLagOrder returns the rows whose values are simulated (used), by
// unit and period, and the rows the fit will use: those whose lagged rows
// are simulated too.
func (s *simulator) selfLagOrder(eq *sem.Equation, used []bool) (order []int, fitUsed []bool, err error) {
	lay := s.spec.Layout
	if lay.Unit == nil || lay.Time == nil {
		return nil, nil, fmt.Errorf("node %s: a self-lag needs unit and time keys", eq.Node)
	}
	for r, ok := range used {
		if ok {
			order = append(order, r)
		}
	}
	sort.SliceStable(order, func(a, b int) bool {
		ra, rb := order[a], order[b]
		if lay.Unit[ra] != lay.Unit[rb] {
			return lay.Unit[ra] < lay.Unit[rb]
		}
		return s.ordinal(ra) < s.ordinal(rb)
	})
	fitUsed = make([]bool, len(used))
	for _, r := range order {
		fitUsed[r] = true
		for k := range eq.Terms {
			if t := &eq.Terms[k]; isSelfLag(eq, t) {
				lr := s.lagRow(r, t.Lag)
				fitUsed[r] = fitUsed[r] && lr >= 0 && used[lr]
			}
		}
	}
	return order, fitUsed, nil
}
