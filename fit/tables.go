package fit

import (
	"fmt"
	"math"

	"dilemma/table"
)

// num formats a number for a table: 3 significant digits, "NA" for NaN.
func num(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "NA"
	}
	return fmt.Sprintf("%.*f", prec, v)
}

// EdgeTable is the edge table as printed by "dilemma fit" and "dilemma
// summary": one row per edge strength (and loading).
func (f *Fit) EdgeTable() *table.Table {
	t := &table.Table{
		Columns: []string{"edge", "sign", "mean", "sd", "q5", "q50", "q95", "P(sign)", "rhat", "ess_bulk", "ess_tail", "contraction", "rows"},
		Align:   []table.Align{table.Left, table.Left, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right},
	}
	for _, e := range f.Edges {
		t.Rows = append(t.Rows, []string{e.Edge, table.SignCell(e.Sign), num(e.Mean, 3), num(e.SD, 3), num(e.Q5, 3), num(e.Q50, 3), num(e.Q95, 3),
			num(e.PSign, 3), num(e.Rhat, 3), num(e.ESSBulk, 0), num(e.ESSTail, 0), num(e.Contraction, 2), fmt.Sprint(e.Rows)})
	}
	return t
}

// SensitivityNotes says, one line per edge, which edges power-scaling
// flags (package powerscale): a prior-data conflict or a prior that
// decides the edge because the likelihood is weak. It also says when the
// importance weights were unreliable.
func (f *Fit) SensitivityNotes() []string {
	var out []string
	for _, e := range f.Edges {
		if e.SensDiagnosis == "" {
			continue
		}
		out = append(out, fmt.Sprintf("prior sensitivity: %s: %s (power-scaling sensitivity to the prior %.3f, to the likelihood %.3f; 0.05 flags)",
			e.Edge, e.SensDiagnosis, e.PriorSens, e.LikSens))
	}
	if len(out) > 0 && !f.PowerScaleReliable {
		out = append(out, "prior sensitivity: the importance weights have Pareto k-hat above the threshold; the sensitivities above are rough")
	}
	return out
}

// SummaryTable lists every parameter (latent values aside) with its
// diagnostics.
func (f *Fit) SummaryTable() *table.Table {
	t := &table.Table{
		Columns: []string{"parameter", "mean", "sd", "q5", "q50", "q95", "rhat", "ess_bulk", "ess_tail", "mcse_mean"},
		Align:   []table.Align{table.Left, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right},
	}
	for _, s := range f.Summaries {
		t.Rows = append(t.Rows, []string{s.Name, num(s.Mean, 3), num(s.SD, 3), num(s.Q5, 3), num(s.Q50, 3), num(s.Q95, 3),
			num(s.Rhat, 3), num(s.ESSBulk, 0), num(s.ESSTail, 0), num(s.MCSEMean, 4)})
	}
	return t
}
