package sweep

import (
	"math/rand/v2"
	"slices"
)

// UnitFolds deals units to k folds as a sweep of kind = "cv" does: a
// shuffle seeded by seed, dealt round-robin, each fold's units sorted. The
// same units, k and seed give the same folds. It returns nil when k < 1
// or there are fewer units than folds.
func UnitFolds(units []string, k int, seed uint64) [][]string {
	if k < 1 || len(units) < k {
		return nil
	}
	us := slices.Clone(units)
	rng := rand.New(rand.NewPCG(seed, 0xc5))
	rng.Shuffle(len(us), func(i, j int) { us[i], us[j] = us[j], us[i] })
	folds := make([][]string, k)
	for f := 0; f < k; f++ {
		for i := f; i < len(us); i += k {
			folds[f] = append(folds[f], us[i])
		}
		slices.Sort(folds[f])
	}
	return folds
}
