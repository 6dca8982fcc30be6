package fit

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"dilemma/data"
	"dilemma/model"
	"dilemma/model/sem"
)

// checkFamily checks that the observed values of node n (transformed, NaN
// missing) can come from its family: every node, roots included, although
// a root has no equation (a continuous root declared bernoulli is refused
// here, not silently kept). The family's own Prepare decides what it can
// model; ordered nodes also pass checkOrdered.
func (pl *Plan) checkFamily(n *model.Node) error {
	name := n.Family
	if name == "" {
		name = "gaussian"
	}
	fam, err := sem.FamilyByName(name)
	if err != nil {
		return &BuildError{Node: n.Name, Column: n.Column, Msg: err.Error()}
	}
	v := pl.Values[n.Name]
	var obs []float64
	var rows []int
	for i, x := range v {
		if !math.IsNaN(x) {
			obs = append(obs, x)
			rows = append(rows, i)
		}
	}
	if len(obs) == 0 {
		return &BuildError{Node: n.Name, Column: n.Column, Msg: fmt.Sprintf("no observed value in %s (every cell is empty, or the transform %q leaves none)", pl.Panel.Name, n.Transform)}
	}
	if _, ok := fam.(sem.TrialsFamily); ok {
		// Successes out of trials are checked with each row's trials when
		// the equation is built (package sem names node, row, unit, time).
		return nil
	}
	if _, err := fam.Prepare(obs); err != nil {
		var ve *sem.ValueError
		if errors.As(err, &ve) && ve.Index >= 0 && ve.Index < len(rows) {
			return &BuildError{Node: n.Name, Column: n.Column, Msg: fmt.Sprintf("%s (%s line %d)%s", err, pl.Panel.Name, pl.Panel.Line(rows[ve.Index]), transformNote(n))}
		}
		return &BuildError{Node: n.Name, Column: n.Column, Msg: err.Error() + transformNote(n)}
	}
	if _, ok := fam.(sem.Ordered); ok {
		return pl.checkOrdered(n, obs, rows, "")
	}
	return nil
}

func transformNote(n *model.Node) string {
	if n.Transform == "" {
		return ""
	}
	return fmt.Sprintf(" (after transform %q)", n.Transform)
}

// checkOrdered enforces the levels rule of an ordered node: its values are
// the categories 0 … K−1, K−1 the largest value observed, and every one of
// them occurs at least once in the column. A category that never occurs
// below an observed one (a 7 in a 0–4 column makes 5 and 6 empty; a 1–5
// scale leaves 0 empty) has no data to place its cutpoints, which the
// prior alone then decides; it is refused, naming the empty levels and the
// first row above them, rather than fitted as silently empty categories.
func (pl *Plan) checkOrdered(n *model.Node, obs []float64, rows []int, where string) error {
	hi := 0
	for _, x := range obs {
		hi = max(hi, int(x))
	}
	count := make([]int, hi+1)
	for _, x := range obs {
		count[int(x)]++
	}
	var empty []string
	for k, c := range count {
		if c == 0 {
			empty = append(empty, strconv.Itoa(k))
		}
	}
	if len(empty) == 0 {
		return nil
	}
	// The first row with the largest value.
	line := 0
	for j, x := range obs {
		if int(x) == hi {
			line = pl.Panel.Line(rows[j])
			break
		}
	}
	advice := fmt.Sprintf("recode the column to consecutive levels (or is %d a typo?)", hi)
	if where != "" {
		advice = "recode the column, or fill in the parents' missing values"
	}
	var msg string
	switch {
	case empty[0] == "0" && len(empty) == 1 && where == "":
		msg = fmt.Sprintf("ordered categories are 0 … K−1, each observed, but 0 never occurs (values run from 1 to %d): recode the column to start at 0", hi)
	default:
		level, verb := "level", "occurs"
		if len(empty) > 1 {
			level, verb = "levels", "occur"
		}
		msg = fmt.Sprintf("ordered categories are 0 … K−1, each observed, but %s %s never %s%s while %d does (%s line %d): an empty category leaves its cutpoint to the prior; %s",
			level, strings.Join(empty, ", "), verb, where, hi, pl.Panel.Name, line, advice)
	}
	return &BuildError{Node: n.Name, Column: n.Column, Msg: msg + transformNote(n)}
}

// checkOrderedRows applies the levels rule of checkOrdered to the rows an
// ordered node's equation uses (its value and every observed parent
// present): a level seen only in rows where a parent is missing is as
// empty as one never seen.
func (pl *Plan) checkOrderedRows(n *model.Node, eq sem.Equation) error {
	if _, ok := eq.Family.(sem.Ordered); !ok {
		return nil
	}
	var obs []float64
	var rows []int
	for i, y := range eq.Y {
		if math.IsNaN(y) {
			continue
		}
		ok := true
		for _, t := range eq.Terms {
			if t.X != nil && math.IsNaN(t.X[i]) {
				ok = false
				break
			}
		}
		if ok {
			obs = append(obs, y)
			rows = append(rows, i)
		}
	}
	if len(obs) == 0 || len(obs) == countObserved(eq.Y) {
		return nil // no rows (sem says so) or the same rows checkFamily saw
	}
	return pl.checkOrdered(n, obs, rows, fmt.Sprintf(" in the %d rows its equation uses (where every parent is observed)", len(obs)))
}

func countObserved(y []float64) int {
	n := 0
	for _, v := range y {
		if !math.IsNaN(v) {
			n++
		}
	}
	return n
}

// binary reports whether y (NaN missing) holds only 0 and 1, both.
func binary(y []float64) bool {
	zero, one := false, false
	for _, v := range y {
		switch {
		case math.IsNaN(v):
		case v == 0:
			zero = true
		case v == 1:
			one = true
		default:
			return false
		}
	}
	return zero && one
}

// textColumnMsg explains that a node's column is text, with an example cell.
func textColumnMsg(p *data.Panel, col string) string {
	ex := ""
	if txt, err := p.Text(col); err == nil {
		for i, v := range txt {
			if v != "" {
				ex = fmt.Sprintf(" (e.g. %q on %s line %d)", v, p.Name, p.Line(i))
				break
			}
		}
	}
	return "the column is text" + ex + ", not numbers: a node's data must be numeric (a text column can group peer means, transform=\"peer_mean(" + col + ")\" on another node)"
}
