package loo

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Comparison ranks models by elpd_loo, as the loo package's loo_compare
// does: Models[0] is the best (largest ELPD) and every row's ELPDDiff and
// SEDiff compare that model with the best one.
type Comparison struct {
	Models []ModelRow
	// ELPDDiff and SEDiff are Models[1]'s (the runner-up's), the numbers a
	// two-model comparison is about.
	ELPDDiff, SEDiff float64
	// Warnings say, in plain words, when the comparison should not be
	// trusted.
	Warnings []string
}

// ModelRow is one model of a Comparison.
type ModelRow struct {
	Name string
	// ELPDDiff is this model's elpd_loo minus the best model's (0 for the
	// best, negative or 0 for the others).
	ELPDDiff float64
	// SEDiff is the standard error of ELPDDiff from the paired pointwise
	// differences d_i: √(N·var_i d_i). 0 for the best model.
	SEDiff float64
	// PWorse is the normal-approximation probability that this model
	// predicts worse than the best, Φ(−ELPDDiff/SEDiff); NaN for the best
	// model and when both differences are 0.
	PWorse float64

	ELPD, SE, PLOO, PLOOSE, LOOIC, LOOICSE float64
	NumBadK                                int // from the model's Result
}

// smallDiff is the |elpd_diff| below which models count as predicting
// about equally well (Sivula, Magnusson, Matamoros and Vehtari 2022).
const smallDiff = 4

// smallN is the number of observations below which the normal
// approximation behind se_diff may be poor (Sivula et al. 2022).
const smallN = 100

// Compare compares two models fitted to the same N observations; see
// CompareAll.
func Compare(a, b *Result, nameA, nameB string) (Comparison, error) {
	return CompareAll([]string{nameA, nameB}, []*Result{a, b})
}

// CompareAll ranks two or more models fitted to the same N observations by
// elpd_loo. Ties keep the input order. It returns an error when fewer than
// two models are given, a result is nil, names and results differ in
// number, names repeat, or the models have different numbers of
// observations.
func CompareAll(names []string, results []*Result) (Comparison, error) {
	if len(results) < 2 {
		return Comparison{}, errors.New("loo: comparing needs at least two models")
	}
	if len(names) != len(results) {
		return Comparison{}, fmt.Errorf("loo: %d names for %d models", len(names), len(results))
	}
	for j, r := range results {
		if r == nil || len(r.Pointwise) != r.Observations {
			return Comparison{}, fmt.Errorf("loo: model %q has no LOO result", names[j])
		}
		if k := slices.Index(names, names[j]); k != j {
			return Comparison{}, fmt.Errorf("loo: models %d and %d are both named %q", k+1, j+1, names[j])
		}
		if r.Observations != results[0].Observations {
			return Comparison{}, fmt.Errorf("loo: model %q has %d observations, model %q has %d; models are compared on the same data",
				names[j], r.Observations, names[0], results[0].Observations)
		}
	}

	order := make([]int, len(results))
	for j := range order {
		order[j] = j
	}
	slices.SortStableFunc(order, func(a, b int) int {
		// Descending ELPD.
		switch ea, eb := results[a].ELPD, results[b].ELPD; {
		case ea > eb:
			return -1
		case ea < eb:
			return 1
		}
		return 0
	})

	best := results[order[0]]
	n := best.Observations
	diff := make([]float64, n)
	var cmp Comparison
	for rank, j := range order {
		r := results[j]
		row := ModelRow{
			Name: names[j], ELPD: r.ELPD, SE: r.SE, PLOO: r.PLOO, PLOOSE: r.PLOOSE,
			LOOIC: r.LOOIC, LOOICSE: r.LOOICSE, NumBadK: r.NumBadK, PWorse: math.NaN(),
		}
		if rank > 0 {
			for i := range diff {
				diff[i] = r.Pointwise[i].ELPD - best.Pointwise[i].ELPD
			}
			row.ELPDDiff = sum(diff)
			row.SEDiff = math.Sqrt(float64(n) * variance(diff))
			if row.ELPDDiff != 0 || row.SEDiff != 0 {
				row.PWorse = normalCDF(-row.ELPDDiff / row.SEDiff)
			}
		}
		cmp.Models = append(cmp.Models, row)
	}
	cmp.ELPDDiff, cmp.SEDiff = cmp.Models[1].ELPDDiff, cmp.Models[1].SEDiff
	cmp.Warnings = compareWarnings(cmp.Models, n)
	return cmp, nil
}

func normalCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// compareWarnings explains when a comparison's differences and standard
// errors should not be trusted.
func compareWarnings(rows []ModelRow, n int) []string {
	var out []string
	if n < smallN {
		out = append(out, fmt.Sprintf(
			"Only %d observations: with fewer than %d the normal approximation behind se_diff can be poor, so treat the standard errors as rough.", n, smallN))
	}
	for _, row := range rows[1:] {
		if math.Abs(row.ELPDDiff) < smallDiff {
			out = append(out, fmt.Sprintf(
				"%q and %q predict about equally well (|elpd_diff| = %.2f < %d); at differences this small se_diff is unreliable and the choice between them matters little.",
				row.Name, rows[0].Name, math.Abs(row.ELPDDiff), smallDiff))
		}
	}
	for _, row := range rows {
		if row.NumBadK > 0 {
			out = append(out, fmt.Sprintf(
				"%q has %d observations with high Pareto k-hat, so its elpd_loo, and the differences that involve it, may be unreliable.", row.Name, row.NumBadK))
		}
	}
	return out
}
