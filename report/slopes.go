package report

import (
	"errors"
	"fmt"
	"strings"

	"dilemma/fit"
	"dilemma/inference/diagnostics"
	"dilemma/model/sem"
	"dilemma/plots"
)

// slopeLabel writes an edge whose strength varies as a model file does:
// "x -> y", "x -> y [lag=1]".
func slopeLabel(sl sem.SlopeInfo) string {
	s := sl.Parent + " -> " + sl.Child
	if sl.Lag > 0 {
		s += fmt.Sprintf(" [lag=%d]", sl.Lag)
	}
	return s
}

// findSlope resolves edge (as the model writes it, "x -> y" or
// "x -> y [lag=1]", or the strength's name b.x.y) among the fit's edges
// whose strength varies by unit; an empty edge picks the only one.
func findSlope(f *fit.Fit, edge string) (sem.SlopeInfo, []string, error) {
	slopes := f.Posterior.Slopes()
	var labels []string
	for _, sl := range slopes {
		labels = append(labels, slopeLabel(sl))
	}
	if len(slopes) == 0 {
		return sem.SlopeInfo{}, nil, errors.New(`the fit has no edge whose strength varies by unit (give an edge varies="unit" in the model)`)
	}
	if strings.TrimSpace(edge) == "" {
		if len(slopes) == 1 {
			return slopes[0], []string{"strengths of " + labels[0] + " by unit"}, nil
		}
		return sem.SlopeInfo{}, nil, fmt.Errorf("--edge is required: the fit has %d edges varying by unit (%s)", len(slopes), strings.Join(labels, "; "))
	}
	want := strings.Join(strings.Fields(edge), " ")
	for i, sl := range slopes {
		if want == labels[i] || want == sl.Name || strings.ReplaceAll(want, " ", "") == strings.ReplaceAll(labels[i], " ", "") {
			return sl, nil, nil
		}
	}
	return sem.SlopeInfo{}, nil, fmt.Errorf("edge %q does not vary by unit in this fit; edges that do: %s", edge, strings.Join(labels, "; "))
}

// Slopes returns, for an edge whose strength varies by unit, each unit's
// strength (b + v_j: median and 90% interval) and the mean strength b's.
func Slopes(f *fit.Fit, edge string) (units []plots.UnitSlope, mean plots.MeanSlope, label string, notes []string, err error) {
	sl, notes, err := findSlope(f, edge)
	if err != nil {
		return nil, mean, "", nil, err
	}
	names, draws, ok := f.UnitSlopes(sl.Name)
	if !ok {
		return nil, mean, "", notes, fmt.Errorf("the fit has no draws of the unit strengths of %s", slopeLabel(sl))
	}
	for j, u := range names {
		units = append(units, plots.UnitSlope{Unit: u, Q5: diagnostics.Quantile(draws[j], 0.05),
			Q50: diagnostics.Quantile(draws[j], 0.5), Q95: diagnostics.Quantile(draws[j], 0.95)})
	}
	b := f.Param(sl.Name)
	mean = plots.MeanSlope{Q5: diagnostics.Quantile(b, 0.05), Q50: diagnostics.Quantile(b, 0.5), Q95: diagnostics.Quantile(b, 0.95)}
	label = EdgeLabel(Display(sl.Parent), Display(sl.Child), sl.Lag)
	return units, mean, label, notes, nil
}
