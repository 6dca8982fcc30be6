package report

import (
	"fmt"
	"sort"
	"strings"

	"dilemma/fit"
	"dilemma/table"
)

// MissingValues says, per model and equation of the fits, how many rows the fit used,
// how many hold imputed values (and of which nodes), how many values were
// imputed per node, and how many rows with the node observed were dropped
// and why (missing="model", the default, or "drop"; see package
// model/sem); mode is the fits' --missing setting ("" reads as drop).
func (d *Document) MissingValues(fits []*fit.Fit, mode string) error {
	t := &table.Table{Columns: []string{"model", "equation", "rows", "with imputed values", "imputed nodes", "dropped", "dropped because missing"},
		Align: []table.Align{table.Left, table.Left, table.Right, table.Right, table.Left, table.Right, table.Left}}
	imputed, summed := map[string]int{}, map[string]int{}
	var nodes, snodes []string
	for _, f := range fits {
		for _, in := range f.Posterior.Equations() {
			if in.Kind != "observed" {
				continue
			}
			dropped := 0
			var why []string
			for k, v := range in.Dropped {
				dropped += v
				why = append(why, fmt.Sprintf("%s (%d)", k, v))
			}
			sort.Strings(why)
			t.Rows = append(t.Rows, []string{f.Manifest.Model.Name, in.Node, fmt.Sprint(in.Rows), fmt.Sprint(in.RowsImputed),
				strings.Join(in.ImputedFrom, ", "), fmt.Sprint(dropped), strings.Join(why, "; ")})
		}
		for _, mi := range f.Posterior.Missing() {
			key := f.Manifest.Model.Name + ": " + mi.Node
			if _, ok := imputed[key]; !ok {
				nodes = append(nodes, key)
			}
			imputed[key] = len(mi.Rows)
		}
		for node, n := range f.Posterior.SummedOut() {
			key := f.Manifest.Model.Name + ": " + node
			if _, ok := summed[key]; !ok {
				snodes = append(snodes, key)
			}
			summed[key] = n
		}
	}
	sort.Strings(snodes)
	d.P("### Missing values\n\n")
	if mode == "" {
		mode = "drop"
	}
	if mode == "model" {
		d.P("Missing values are modelled (`--missing model`): a missing value of a continuous node that a row needs is a parameter, sampled from the node's own equation and its children's (a root with missing values gets a normal model of its own); a latent node's structural equation takes imputed values of its parents too; a missing value of a binary, ordered or count node is summed out over its levels (the rows that hold it enter as one mixture).")
		if len(nodes) > 0 {
			var parts []string
			for _, k := range nodes {
				parts = append(parts, fmt.Sprintf("%s %d", k, imputed[k]))
			}
			d.P(" Values imputed per node: %s.", strings.Join(parts, ", "))
		}
		if len(snodes) > 0 {
			var parts []string
			for _, k := range snodes {
				parts = append(parts, fmt.Sprintf("%s %d", k, summed[k]))
			}
			d.P(" Values summed out per node: %s.", strings.Join(parts, ", "))
		}
		d.P("\n\n")
	} else {
		d.P("Rows with a missing value are dropped (`--missing drop`): each equation uses the rows where its node and all its parents are observed, which is unbiased only when values are missing completely at random.\n\n")
	}
	return d.Table("missing", "Rows per equation: used, of which with imputed values (and of which nodes), and dropped with the node observed, by the parent missing there.", t)
}
