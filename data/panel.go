package data

import (
	"fmt"
	"math"
	"sort"

	"github.com/go-gota/gota/dataframe"
)

// Kind is a column's type.
type Kind int

// Column kinds.
const (
	KindNumeric Kind = iota + 1 // float64 values, NaN for missing
	KindText                    // strings, "" for missing
)

func (k Kind) String() string {
	if k == KindNumeric {
		return "numeric"
	}
	return "text"
}

type column struct {
	name string
	kind Kind
	num  []float64
	text []string
}

type cellKey struct{ unit, ordinal int }

// Panel is a validated unit-by-time data set. Frame holds it as a gota
// DataFrame; the methods give contiguous float64 columns and the panel
// structure (unit and period of each row) that estimation code needs.
// A Panel is read-only after Load and safe for concurrent use.
type Panel struct {
	Name             string              // file name, used in messages
	Frame            dataframe.DataFrame // the data as a gota DataFrame
	UnitKey, TimeKey string              // key columns ("" for a cross-section)

	names   []string
	index   map[string]int
	cols    []column
	lines   []int // file line of each row
	units   []string
	times   []string
	unit    []int
	period  []int
	ordinal []int
	format  timeFormat
	cell    map[cellKey]int
}

// NumRows returns the number of data rows.
func (p *Panel) NumRows() int { return len(p.lines) }

// Columns returns the column names in file order.
func (p *Panel) Columns() []string { return append([]string(nil), p.names...) }

// Has reports whether the panel has the named column.
func (p *Panel) Has(col string) bool {
	_, ok := p.index[col]
	return ok
}

// IsPanel reports whether the data has unit and time keys (otherwise it is
// a cross-section).
func (p *Panel) IsPanel() bool { return p.UnitKey != "" }

// Units returns the distinct units in order of first appearance.
func (p *Panel) Units() []string { return append([]string(nil), p.units...) }

// Times returns the distinct time labels in time order.
func (p *Panel) Times() []string { return append([]string(nil), p.times...) }

// UnitIndex returns, per row, the index of its unit in Units().
func (p *Panel) UnitIndex() []int { return append([]int(nil), p.unit...) }

// TimeIndex returns, per row, the index of its period in Times().
func (p *Panel) TimeIndex() []int { return append([]int(nil), p.period...) }

// TimeOrdinal returns, per row, the calendar ordinal of its period (months
// for YYYY-MM, days for YYYY-MM-DD, the integer otherwise).
func (p *Panel) TimeOrdinal() []int { return append([]int(nil), p.ordinal...) }

// Line returns the file line of row i (1-based; the header is line 1).
func (p *Panel) Line(i int) int { return p.lines[i] }

// Row returns the row of the given unit and time label.
func (p *Panel) Row(unit, time string) (int, bool) {
	if !p.IsPanel() {
		return 0, false
	}
	_, ord, err := parseTime(time)
	if err != nil {
		return 0, false
	}
	for k, u := range p.units {
		if u == unit {
			i, ok := p.cell[cellKey{k, ord}]
			return i, ok
		}
	}
	return 0, false
}

// Kind returns the type of the named column.
func (p *Panel) Kind(col string) (Kind, error) {
	j, ok := p.index[col]
	if !ok {
		return 0, p.absent(col)
	}
	return p.cols[j].kind, nil
}

func (p *Panel) absent(col string) error {
	return &Error{File: p.Name, Line: 1, Column: col, Msg: "no such column in the data"}
}

// Numeric returns a copy of a numeric column (NaN marks missing cells).
func (p *Panel) Numeric(col string) ([]float64, error) {
	j, ok := p.index[col]
	if !ok {
		return nil, p.absent(col)
	}
	c := &p.cols[j]
	if c.kind != KindNumeric {
		return nil, &Error{File: p.Name, Line: 1, Column: col, Msg: "column is text, not numeric"}
	}
	return append([]float64(nil), c.num...), nil
}

// Text returns a copy of a column as text ("" marks missing cells). Numeric
// columns are formatted.
func (p *Panel) Text(col string) ([]string, error) {
	j, ok := p.index[col]
	if !ok {
		return nil, p.absent(col)
	}
	c := &p.cols[j]
	if c.kind == KindText {
		return append([]string(nil), c.text...), nil
	}
	out := make([]string, len(c.num))
	for i, v := range c.num {
		if !math.IsNaN(v) {
			out[i] = fmt.Sprint(v)
		}
	}
	return out, nil
}

// ColumnSummary describes one column: its type, coverage and range.
type ColumnSummary struct {
	Name     string  `json:"name"`
	Kind     string  `json:"type"` // "unit key", "time key", "numeric" or "text"
	NonEmpty int     `json:"non_empty"`
	Coverage float64 `json:"coverage"` // NonEmpty / rows
	Min      float64 `json:"min"`      // numeric columns only (NaN otherwise)
	Median   float64 `json:"median"`
	Max      float64 `json:"max"`
	Levels   int     `json:"levels"` // distinct values of a text column
}

// Summary describes a whole panel.
type Summary struct {
	Name    string          `json:"name"`
	Rows    int             `json:"rows"`
	Units   int             `json:"units"`
	Periods int             `json:"periods"`
	First   string          `json:"first_period"`
	Last    string          `json:"last_period"`
	Columns []ColumnSummary `json:"columns"`
}

// Describe summarizes the panel: units, periods and, per column, the type,
// coverage and min/median/max.
func (p *Panel) Describe() Summary {
	s := Summary{Name: p.Name, Rows: p.NumRows()}
	if p.IsPanel() {
		s.Units, s.Periods = len(p.units), len(p.times)
		s.First, s.Last = p.times[0], p.times[len(p.times)-1]
	}
	for _, c := range p.cols {
		cs := ColumnSummary{Name: c.name, Min: math.NaN(), Median: math.NaN(), Max: math.NaN()}
		switch {
		case c.name == p.UnitKey:
			cs.Kind = "unit key"
		case c.name == p.TimeKey:
			cs.Kind = "time key"
		default:
			cs.Kind = c.kind.String()
		}
		if c.kind == KindNumeric {
			obs := make([]float64, 0, len(c.num))
			for _, v := range c.num {
				if !math.IsNaN(v) {
					obs = append(obs, v)
				}
			}
			cs.NonEmpty = len(obs)
			if len(obs) > 0 {
				sort.Float64s(obs)
				cs.Min, cs.Max = obs[0], obs[len(obs)-1]
				cs.Median = median(obs)
			}
		} else {
			levels := map[string]bool{}
			for _, v := range c.text {
				if v != "" {
					cs.NonEmpty++
					levels[v] = true
				}
			}
			cs.Levels = len(levels)
		}
		if s.Rows > 0 {
			cs.Coverage = float64(cs.NonEmpty) / float64(s.Rows)
		}
		s.Columns = append(s.Columns, cs)
	}
	return s
}

// median of sorted values.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}
