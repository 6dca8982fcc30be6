package query

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"dilemma/table"
)

// num formats a number with prec decimals, "NA" when not finite.
func num(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "NA"
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if s == "-"+strconv.FormatFloat(0, 'f', prec, 64) {
		s = s[1:]
	}
	return s
}

// sci formats a number with 3 significant digits.
func sci(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "NA"
	}
	if v == 0 {
		return "0"
	}
	if a := math.Abs(v); a >= 0.01 && a < 1e4 {
		return num(v, max(0, 2-int(math.Floor(math.Log10(a)))))
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

func levelCols(level float64) (string, string) {
	lo := 100 * (1 - level) / 2
	return strconv.FormatFloat(lo, 'g', 3, 64) + "%", strconv.FormatFloat(100-lo, 'g', 3, 64) + "%"
}

// summaryCells are the cells of a summary: mean, sd, lo, hi, P(<0), P(>0),
// expected sign, P(expected sign).
func summaryCells(s Summary) []string {
	pe := "n/a"
	if s.Expected != 0 {
		pe = num(s.PExpected, 3)
	}
	return []string{sci(s.Mean), sci(s.SD), sci(s.Lo), sci(s.Hi), num(s.PNeg, 3), num(s.PPos, 3), table.SignCell(s.Expected), pe}
}

func summaryColumns(level float64) []string {
	lo, hi := levelCols(level)
	return []string{"mean", "sd", lo, hi, "P(<0)", "P(>0)", "expected", "P(expected)"}
}

func aligns(left int, total int) []table.Align {
	a := make([]table.Align, total)
	for i := range a {
		if i >= left {
			a[i] = table.Right
		}
	}
	return a
}

// Header is the report's opening lines (the first says so when
// identification was assumed).
func (r *EffectReport) Header() []string {
	var out []string
	if l := r.Basis.FirstLine(); l != "" {
		out = append(out, l)
	}
	out = append(out, fmt.Sprintf("Average effect of %s versus %s on %s", r.Query, r.Versus, r.Outcome))
	out = append(out, scaleLine(r.ScaleKind, r.Scale))
	out = append(out, warningLines(r.Basis)...)
	for _, s := range r.Shifts {
		out = append(out, "  intervention: "+s)
	}
	if r.Horizon > 0 {
		kind := "sustained from period 0"
		if r.Pulse {
			kind = "a pulse at period 0 only"
		}
		out = append(out, fmt.Sprintf("  over periods 0 … %d (%s); each row's later periods are the same unit's", r.Horizon, kind))
	}
	return out
}

// Table has one row per period.
func (r *EffectReport) Table() *table.Table {
	lv := 0.9
	if len(r.Periods) > 0 {
		lv = r.Periods[0].Level
	}
	cols := append([]string{"period", "rows"}, summaryColumns(lv)...)
	t := &table.Table{Columns: cols, Align: aligns(0, len(cols))}
	for _, p := range r.Periods {
		t.Rows = append(t.Rows, append([]string{strconv.Itoa(p.Period), strconv.Itoa(p.Rows)}, summaryCells(p.Summary)...))
	}
	return t
}

// WriteDraws writes the per-draw effects: draw, then one column per period.
func (r *EffectReport) WriteDraws(w io.Writer) error {
	cw := table.NewCSVWriter(w)
	head := []string{"draw"}
	for _, p := range r.Periods {
		head = append(head, fmt.Sprintf("effect_p%d", p.Period))
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	if len(r.Periods) > 0 {
		for d := range r.Periods[0].Draws {
			row := []string{strconv.Itoa(d + 1)}
			for _, p := range r.Periods {
				row = append(row, fmtDraw(p.Draws[d]))
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func fmtDraw(v float64) string {
	if math.IsNaN(v) {
		return "NA"
	}
	return strconv.FormatFloat(v, 'g', 10, 64)
}

// Header is the remedies report's opening lines.
func (r *RemediesReport) Header() []string {
	var out []string
	if l := r.Basis.FirstLine(); l != "" {
		out = append(out, l)
	}
	out = append(out, fmt.Sprintf("Remedies ranked by their average effect on %s of a one-sd increase (most reducing first)", r.Outcome))
	out = append(out, scaleLine(r.ScaleKind, r.Scale))
	out = append(out, warningLines(r.Basis)...)
	return out
}

// Table has one row per remedy.
func (r *RemediesReport) Table() *table.Table {
	lv := 0.9
	for _, row := range r.Rows {
		if row.Draws != nil {
			lv = row.Level
		}
	}
	lo, hi := levelCols(lv)
	cols := []string{"rank", "remedy", "shift", "mean", "sd", lo, hi, "P(reduces)", "expected", "P(expected)", "paths", "status"}
	t := &table.Table{Columns: cols, Align: []table.Align{table.Right, table.Left, table.Left, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Left, table.Left}}
	for i, row := range r.Rows {
		if row.Draws == nil {
			t.Rows = append(t.Rows, []string{"-", row.Remedy, row.Shift, "", "", "", "", "", "", "", row.Paths, row.Status})
			continue
		}
		pe := "n/a"
		if row.Expected != 0 {
			pe = num(row.PExpected, 3)
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), row.Remedy, row.Shift, sci(row.Mean), sci(row.SD), sci(row.Lo), sci(row.Hi),
			num(row.PReduces, 3), table.SignCell(row.Expected), pe, row.Paths, row.Status})
	}
	return t
}

// WriteDraws writes draw, then one column per computed remedy.
func (r *RemediesReport) WriteDraws(w io.Writer) error {
	var names []string
	var cols [][]float64
	for _, row := range r.Rows {
		if row.Draws != nil {
			names = append(names, row.Remedy)
			cols = append(cols, row.Draws)
		}
	}
	return writeDrawColumns(w, names, cols)
}

// writeDrawColumns writes a CSV of draw (1, 2, …) and one column per name
// holding cols' draws.
func writeDrawColumns(w io.Writer, names []string, cols [][]float64) error {
	cw := table.NewCSVWriter(w)
	head := append([]string{"draw"}, names...)
	if err := cw.Write(head); err != nil {
		return err
	}
	if len(cols) > 0 {
		for d := range cols[0] {
			line := []string{strconv.Itoa(d + 1)}
			for _, c := range cols {
				line = append(line, fmtDraw(c[d]))
			}
			if err := cw.Write(line); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// Header is the counterfactual report's opening lines.
func (r *CounterfactualReport) Header() []string {
	var out []string
	if l := r.Basis.FirstLine(); l != "" {
		out = append(out, l)
	}
	out = append(out, fmt.Sprintf("Counterfactual %s for %s at %s: what %s would have been", r.Set, r.Unit, r.Time, r.Outcome))
	out = append(out, scaleLine(r.ScaleKind, r.Scale))
	out = append(out, warningLines(r.Basis)...)
	for _, s := range r.Shifts {
		out = append(out, "  intervention: "+s)
	}
	out = append(out, "  method: "+r.Basis.Method)
	if r.Population != nil {
		out = append(out, fmt.Sprintf("  for comparison, the population-average effect (rung 2) at period 0: mean %s, %g%% interval %s … %s",
			sci(r.Population.Mean), 100*r.Population.Level, sci(r.Population.Lo), sci(r.Population.Hi)))
	}
	if n := len(r.Skipped); n > 0 {
		out = append(out, fmt.Sprintf("  skipped %d unit(s), e.g. %s", n, r.Skipped[0]))
	}
	return out
}

// Table has one row per unit and period.
func (r *CounterfactualReport) Table() *table.Table {
	lv := 0.9
	if len(r.Rows) > 0 {
		lv = r.Rows[0].Counterfactual.Level
	}
	lo, hi := levelCols(lv)
	cols := []string{"unit", "time", "period", "factual", "counterfactual", "cf " + lo, "cf " + hi, "difference", "diff " + lo, "diff " + hi, "P(diff<0)", "P(diff>0)", "expected", "P(expected)"}
	t := &table.Table{Columns: cols, Align: aligns(2, len(cols))}
	for _, row := range r.Rows {
		pe := "n/a"
		if row.Difference.Expected != 0 {
			pe = num(row.Difference.PExpected, 3)
		}
		t.Rows = append(t.Rows, []string{row.Unit, row.Time, strconv.Itoa(row.Period), sci(row.Factual.Mean),
			sci(row.Counterfactual.Mean), sci(row.Counterfactual.Lo), sci(row.Counterfactual.Hi),
			sci(row.Difference.Mean), sci(row.Difference.Lo), sci(row.Difference.Hi),
			num(row.Difference.PNeg, 3), num(row.Difference.PPos, 3), table.SignCell(row.Difference.Expected), pe})
	}
	return t
}

// WriteDraws writes one line per unit, period and draw: unit, time, period,
// draw, factual, counterfactual, difference.
func (r *CounterfactualReport) WriteDraws(w io.Writer) error {
	cw := table.NewCSVWriter(w)
	if err := cw.Write([]string{"unit", "time", "period", "draw", "factual", "counterfactual", "difference"}); err != nil {
		return err
	}
	for _, row := range r.Rows {
		for d := range row.DiffDraws {
			if err := cw.Write([]string{row.Unit, row.Time, strconv.Itoa(row.Period), strconv.Itoa(d + 1),
				fmtDraw(row.FactualDraws[d]), fmtDraw(row.CFDraws[d]), fmtDraw(row.DiffDraws[d])}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// Header is the mediation report's opening lines.
func (r *MediationReport) Header() []string {
	var out []string
	if l := r.Basis.FirstLine(); l != "" {
		out = append(out, l)
	}
	out = append(out, fmt.Sprintf("Mediation of the effect of %s on %s through %s", r.Exposure, r.Outcome, joinComma(r.Mediators)))
	out = append(out, scaleLine(r.ScaleKind, r.Scale))
	out = append(out, warningLines(r.Basis)...)
	out = append(out, "  intervention: "+r.Shift)
	if r.Period > 0 {
		out = append(out, fmt.Sprintf("  at period %d (sustained from period 0)", r.Period))
	}
	return out
}

func joinComma(x []string) string {
	s := ""
	for i, a := range x {
		if i > 0 {
			s += ", "
		}
		s += a
	}
	return s
}

// Table has one row per component of the decomposition.
func (r *MediationReport) Table() *table.Table {
	lv := 0.9
	if len(r.Effects) > 0 {
		lv = r.Effects[0].Level
	}
	cols := append([]string{"effect"}, summaryColumns(lv)...)
	t := &table.Table{Columns: cols, Align: aligns(1, len(cols))}
	for _, e := range r.Effects {
		t.Rows = append(t.Rows, append([]string{e.Name}, summaryCells(e.Summary)...))
	}
	return t
}

// WriteDraws writes draw, then one column per component.
func (r *MediationReport) WriteDraws(w io.Writer) error {
	names := make([]string, len(r.Effects))
	cols := make([][]float64, len(r.Effects))
	for i, e := range r.Effects {
		names[i], cols[i] = e.Name, e.Draws
	}
	return writeDrawColumns(w, names, cols)
}

// Header is the sensitivity report's opening lines.
func (r *SensitivityReport) Header() []string {
	var out []string
	if l := r.Basis.FirstLine(); l != "" {
		out = append(out, l)
	}
	out = append(out, fmt.Sprintf("Sensitivity of the effect of %s (+1 sd) on %s to an unobserved confounder U", r.Exposure, r.Outcome))
	out = append(out, scaleLine(r.ScaleKind, r.Scale))
	out = append(out, warningLines(r.Basis)...)
	for _, d := range r.Derivation {
		out = append(out, "  "+d)
	}
	out = append(out, fmt.Sprintf("  fitted effect: mean %s, %g%% interval %s … %s, P(expected sign %s) %s",
		sci(r.Base.Mean), 100*r.Base.Level, sci(r.Base.Lo), sci(r.Base.Hi), table.SignCell(r.Base.Expected), num(r.Base.PExpected, 3)))
	out = append(out, "  the conclusion flips (a = b = r, confounding toward zero): "+flipText(r.FlipMean, "the mean reaches 0")+"; "+flipText(r.FlipInterval, "the interval includes 0"))
	if r.Prior != nil {
		out = append(out, fmt.Sprintf("  averaged over a, b ~ normal(0, prior sd) per draw: mean %s, %g%% interval %s … %s",
			sci(r.Prior.Mean), 100*r.Prior.Level, sci(r.Prior.Lo), sci(r.Prior.Hi)))
	}
	return out
}

func flipText(r float64, what string) string {
	switch {
	case r == 0:
		return what + " already without confounding"
	case math.IsInf(r, 1):
		return what + " at no r ≤ 3"
	}
	if r > 1 {
		return fmt.Sprintf("%s at r = %.3g (beyond 1: no admissible confounder, a ≤ 1)", what, r)
	}
	return fmt.Sprintf("%s at r = %.3g", what, r)
}

// Table has one row per grid cell.
func (r *SensitivityReport) Table() *table.Table {
	lo, hi := levelCols(r.Base.Level)
	cols := []string{"a", "b", "bias", "mean", lo, hi, "P(expected)", "P(>0)", "flipped"}
	t := &table.Table{Columns: cols, Align: aligns(0, len(cols)-1)}
	for _, row := range r.Cells {
		for _, c := range row {
			pe := "n/a"
			if c.Expected != 0 {
				pe = num(c.PExpected, 3)
			}
			fl := ""
			if c.Flipped {
				fl = "yes"
			}
			t.Rows = append(t.Rows, []string{num(c.A, 2), num(c.B, 2), sci(c.Bias), sci(c.Mean), sci(c.Lo), sci(c.Hi), pe, num(c.PPos, 3), fl})
		}
	}
	return t
}

// WriteDraws writes draw, the fitted effect and the bias factor: the
// effect corrected for strengths a, b is effect − a·b·bias_factor.
func (r *SensitivityReport) WriteDraws(w io.Writer) error {
	cw := table.NewCSVWriter(w)
	if err := cw.Write([]string{"draw", "effect", "bias_factor"}); err != nil {
		return err
	}
	for d := range r.Draws {
		if err := cw.Write([]string{strconv.Itoa(d + 1), fmtDraw(r.Draws[d]), fmtDraw(r.BiasFactor[d])}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
