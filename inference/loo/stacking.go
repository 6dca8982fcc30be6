package loo

import (
	"errors"
	"fmt"
	"math"
)

// StackingWeights returns the weights w (non-negative, summing to 1) of
// K models' predictive distributions that maximize the leave-one-out log
// score of their mixture, Σ_i log Σ_k w_k exp(lpd[k][i]), where lpd[k][i]
// is model k's pointwise elpd_loo of observation i (Yao, Vehtari, Simpson
// and Gelman 2018; the loo package's stacking_weights). Unlike elpd
// differences, stacking gives weight to every model that predicts some
// observations better than the others.
func StackingWeights(lpd [][]float64) ([]float64, error) {
	K := len(lpd)
	if K < 2 {
		return nil, errors.New("loo: stacking needs at least two models")
	}
	n := len(lpd[0])
	if n == 0 {
		return nil, errors.New("loo: stacking needs at least one observation")
	}
	for k, row := range lpd {
		if len(row) != n {
			return nil, fmt.Errorf("loo: model %d has %d observations, model 1 has %d", k+1, len(row), n)
		}
		for i, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("loo: model %d, observation %d: elpd %g is not finite", k+1, i+1, v)
			}
		}
	}
	// Shift each observation by its largest lpd: exp never overflows and the
	// objective changes by a constant.
	ex := make([][]float64, K)
	for k := range ex {
		ex[k] = make([]float64, n)
	}
	for i := 0; i < n; i++ {
		m := lpd[0][i]
		for k := 1; k < K; k++ {
			m = max(m, lpd[k][i])
		}
		for k := 0; k < K; k++ {
			ex[k][i] = math.Exp(lpd[k][i] - m)
		}
	}
	// The objective is concave in w; the EM update for mixture weights,
	// w_k ← mean_i (w_k e_ki / Σ_j w_j e_ji), increases it at every step
	// and converges to the maximum from any interior start.
	w := make([]float64, K)
	for k := range w {
		w[k] = 1 / float64(K)
	}
	next := make([]float64, K)
	prev := math.Inf(-1)
	for iter := 0; iter < 100000; iter++ {
		clear(next)
		f := 0.0
		for i := 0; i < n; i++ {
			mix := 0.0
			for k := 0; k < K; k++ {
				mix += w[k] * ex[k][i]
			}
			f += math.Log(mix)
			for k := 0; k < K; k++ {
				next[k] += w[k] * ex[k][i] / mix
			}
		}
		for k := range w {
			w[k] = next[k] / float64(n)
		}
		if f-prev < 1e-12*math.Abs(f) && iter > 10 {
			break
		}
		prev = f
	}
	return w, nil
}
