package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"dilemma/fit"
	"dilemma/table"
)

// TableStyle chooses the columns of an edge table.
type TableStyle int

const (
	// FullTable is fit's own edge table: every edge and loading with its
	// summary and diagnostics (mean, sd, quantiles, P(sign), R-hat, ESS,
	// contraction, rows), as "dilemma fit" prints it.
	FullTable TableStyle = iota
	// PaperTable is narrow enough for a journal page: the edge strengths
	// (loadings aside) with parent, child, lag, expected sign, posterior
	// median, 90% interval, the probability of the expected sign and the
	// prior-to-posterior contraction. Edges are named by their nodes in
	// separate columns, so that no arrow needs typesetting; the coefficient
	// of a moderated edge (moderator=) has the parent x:z.
	PaperTable
)

// ParseTableStyle reads "full" or "paper".
func ParseTableStyle(s string) (TableStyle, error) {
	switch s {
	case "full", "":
		return FullTable, nil
	case "paper":
		return PaperTable, nil
	}
	return 0, fmt.Errorf("unknown table style %q (want full or paper)", s)
}

// EdgeTable returns the fit's edge table in the given style, ready for
// table.Render in text, CSV, Markdown or LaTeX (booktabs, names escaped).
func EdgeTable(f *fit.Fit, style TableStyle) *table.Table {
	if style == FullTable {
		return f.EdgeTable()
	}
	t := &table.Table{
		Columns: []string{"parent", "child", "lag", "expected", "median", "90% interval", "P(expected sign)", "contraction"},
		Align:   []table.Align{table.Left, table.Left, table.Right, table.Left, table.Right, table.Right, table.Right, table.Right},
	}
	for _, e := range f.Edges {
		if e.Loading || e.Kind != "" && e.Kind != "interaction" {
			continue
		}
		lag := ""
		if e.Lag > 0 {
			lag = strconv.Itoa(e.Lag)
		}
		t.Rows = append(t.Rows, []string{interactionParent(e), e.Child, lag, table.SignCell(e.Sign), fixed(e.Q50, 2),
			"[" + fixed(e.Q5, 2) + ", " + fixed(e.Q95, 2) + "]", prob(e.PSign, e.Sign), fixed(e.Contraction, 2)})
	}
	return t
}

// WriteEdgeTable renders the edge table in format: text, csv, markdown or
// latex.
func WriteEdgeTable(w io.Writer, f *fit.Fit, style TableStyle, format string) error {
	if err := table.CheckFormat(format); err != nil {
		return err
	}
	return EdgeTable(f, style).Render(w, format)
}

// fixed formats v with prec decimals, "NA" when not finite, and never
// "-0.00".
func fixed(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "NA"
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// prob formats a posterior probability with two decimals without claiming
// a certainty the draws cannot show; where no sign is expected it is the
// probability of a positive strength, marked so.
func prob(p float64, sign int) string {
	var s string
	switch {
	case math.IsNaN(p):
		return "NA"
	case p > 0.995 && p < 1:
		s = ">0.99"
	case p < 0.005 && p > 0:
		s = "<0.01"
	default:
		s = strconv.FormatFloat(p, 'f', 2, 64)
	}
	if sign == 0 {
		s += " (P>0)"
	}
	return s
}
