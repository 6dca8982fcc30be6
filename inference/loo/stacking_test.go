package loo

import (
	"math"
	"math/rand/v2"
	"testing"
)

// score is the stacking objective at w.
func score(lpd [][]float64, w []float64) float64 {
	s := 0.0
	for i := range lpd[0] {
		m := 0.0
		for k := range lpd {
			m += w[k] * math.Exp(lpd[k][i])
		}
		s += math.Log(m)
	}
	return s
}

// With two models the optimum is found by a fine grid search.
func TestStackingTwoModelsMatchesGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	a, b := make([]float64, 200), make([]float64, 200)
	for i := range a {
		// Each model predicts a different half of the data better.
		a[i], b[i] = -1+0.3*rng.NormFloat64(), -1.4+0.3*rng.NormFloat64()
		if i%2 == 0 {
			a[i], b[i] = b[i]-0.5, a[i]
		}
	}
	lpd := [][]float64{a, b}
	w, err := StackingWeights(lpd)
	if err != nil {
		t.Fatal(err)
	}
	best, bestW := math.Inf(-1), 0.0
	for j := 0; j <= 10000; j++ {
		v := float64(j) / 10000
		if s := score(lpd, []float64{v, 1 - v}); s > best {
			best, bestW = s, v
		}
	}
	if math.Abs(w[0]-bestW) > 1e-3 || math.Abs(w[0]+w[1]-1) > 1e-12 {
		t.Errorf("weights %v, grid optimum %.5f", w, bestW)
	}
	if w[0] < 0.05 || w[1] < 0.05 {
		t.Errorf("complementary models: weights %v should both be clearly positive", w)
	}
}

// A model that predicts every observation better takes all the weight.
func TestStackingDominantModel(t *testing.T) {
	a := []float64{-1, -2, -0.5, -1.2, -0.8}
	b := []float64{-1.5, -2.5, -1, -2, -1.1}
	c := []float64{-3, -3, -3, -3, -3}
	w, err := StackingWeights([][]float64{b, a, c})
	if err != nil {
		t.Fatal(err)
	}
	if w[1] < 0.99 {
		t.Errorf("weights %v: the dominant model (second) should take nearly all", w)
	}
}

func TestStackingBadInput(t *testing.T) {
	for name, lpd := range map[string][][]float64{
		"one model":   {{-1, -2}},
		"lengths":     {{-1, -2}, {-1}},
		"empty":       {{}, {}},
		"not finite":  {{-1, math.Inf(-1)}, {-1, -2}},
		"not finite2": {{-1, math.NaN()}, {-1, -2}},
	} {
		if _, err := StackingWeights(lpd); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
