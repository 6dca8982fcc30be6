package loo

import (
	"fmt"
	"math"

	"dilemma/inference/diagnostics"
)

// RelativeEff returns, for every observation i, the relative efficiency
// r_eff = ESS/S of the likelihood draws exp(loglik[·][i]), where chainIDs[s]
// names the chain of draw s (any integers; chains are taken in order of
// first appearance, each chain's draws in input order, and all chains must
// have the same number of draws). The ESS is diagnostics.ESSMean, the ESS
// of the mean over split chains (the loo package's relative_eff does not
// split chains; for chains that have mixed the two agree closely). An
// observation whose likelihood is constant gets r_eff = 1.
func RelativeEff(loglik [][]float64, chainIDs []int) ([]float64, error) {
	if err := validate(loglik); err != nil {
		return nil, err
	}
	return relativeEff(loglik, chainIDs)
}

// relativeEff is RelativeEff for a validated loglik.
func relativeEff(loglik [][]float64, chainIDs []int) ([]float64, error) {
	s, n := len(loglik), len(loglik[0])
	if len(chainIDs) != s {
		return nil, &InputError{Msg: fmt.Sprintf("ChainIDs has %d values for %d draws", len(chainIDs), s)}
	}
	// chainOf[s] is the chain number of draw s, pos[s] its place in it.
	order := map[int]int{}
	var counts []int
	chainOf := make([]int, s)
	pos := make([]int, s)
	for d, id := range chainIDs {
		c, ok := order[id]
		if !ok {
			c = len(counts)
			order[id] = c
			counts = append(counts, 0)
		}
		chainOf[d], pos[d] = c, counts[c]
		counts[c]++
	}
	for c, k := range counts {
		if k != counts[0] {
			return nil, &InputError{Msg: fmt.Sprintf("chains must have equal numbers of draws: chain %d (id %d) has %d, chain 1 (id %d) has %d",
				c+1, idOf(order, c), k, idOf(order, 0), counts[0])}
		}
	}
	per := counts[0]

	reff := make([]float64, n)
	forEachBlock(loglik, func(col []float64, i int, w *columnWork) {
		if len(w.chains) != len(counts) {
			w.chains = make([][]float64, len(counts))
			for c := range w.chains {
				w.chains[c] = make([]float64, per)
			}
		}
		maxLL := math.Inf(-1)
		for _, v := range col {
			maxLL = math.Max(maxLL, v)
		}
		for d, v := range col {
			w.chains[chainOf[d]][pos[d]] = math.Exp(v - maxLL)
		}
		r := diagnostics.ESSMean(w.chains) / float64(s)
		if !(r > 0) || math.IsInf(r, 0) {
			r = 1
		}
		reff[i] = r
	})
	return reff, nil
}

func idOf(order map[int]int, c int) int {
	for id, k := range order {
		if k == c {
			return id
		}
	}
	return 0
}
