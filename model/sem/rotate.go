package sem

import "math"

// Equations whose unit intercepts are centred (the sampler moves the unit
// means) and that have no free intercept — ordered equations, whose
// cutpoints absorb it, and latent nodes' structural equations — leave the
// level of the unit means to the unit intercepts' prior alone: the data
// say little about the J means moving together, much about them moving
// apart. A diagonal metric adapts each mean's scale, not that collective
// direction, and crosses it slowly. These equations therefore sample the
// unit means m in orthonormal coordinates (L, ζ_1 … ζ_{J−1}):
//
//	m = L·1/√J + Σ_k ζ_k·h_k
//
// with h_k the Helmert contrasts (1, …, 1, −k, 0, …, 0)/√(k(k+1)) (k ones).
// L is the level, one coordinate of its own; the map is a rotation (unit
// Jacobian) and costs O(J) each way.

// helmertWeights returns c_k = 1/√(k(k+1)) for k = 1 … J−1 (c_0 unused).
func helmertWeights(J int) []float64 {
	c := make([]float64, J)
	for k := 1; k < J; k++ {
		c[k] = 1 / math.Sqrt(float64(k)*float64(k+1))
	}
	return c
}

// helmert turns v = (L, ζ_1 … ζ_{J−1}) into the unit means m, in place.
func helmert(v, c []float64) {
	J := len(v)
	L := v[0] / math.Sqrt(float64(J))
	s := 0.0 // Σ_{k>i} c_k ζ_k
	for i := J - 1; i >= 1; i-- {
		z := v[i]
		v[i] = L + s - float64(i)*c[i]*z
		s += c[i] * z
	}
	v[0] = L + s
}

// helmertT applies the transpose (the inverse) of helmert to g in place:
// a gradient with respect to the unit means becomes one with respect to
// (L, ζ).
func helmertT(g, c []float64) {
	J := len(g)
	s := g[0] // Σ_{i<k} g_i
	for k := 1; k < J; k++ {
		gk := g[k]
		g[k] = c[k] * (s - float64(k)*gk)
		s += gk
	}
	g[0] = s / math.Sqrt(float64(J))
}
