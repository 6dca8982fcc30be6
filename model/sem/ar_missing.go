package sem

import (
	"fmt"
	"math"
)

// Imputed values and AR(1) residuals. Rows of an AR equation that hold an
// imputed parent value join the equation's ordinary rows (miX), so that
// the residual chain runs through them as through any row (the likelihood
// then takes the row loop: the imputed values move the innovations). When
// the AR node's own values are imputed (MissingModel, a child needs them)
// its rows with an imputed response stay in the separate row loop of
// missing.go: each is normal(mu, sigma) given its parents, outside the
// chain, which treats them as gaps; Compile notes how many.

// arImputesY reports whether any of the rows holds an imputed response.
func (c *compiler) arImputesY(in *eqInput, rows []int32) bool {
	for _, r := range rows {
		if math.IsNaN(in.y[r]) {
			return true
		}
	}
	return false
}

// arMissingNote notes the rows with an imputed value left outside e's AR
// chain.
func (c *compiler) arMissingNote(e *equation, in *eqInput) {
	if e.ar == nil || len(e.miRowsLay) == 0 {
		return
	}
	c.notes = append(c.notes, fmt.Sprintf("node %s: %d rows with an imputed value of %s itself are outside the AR(1) residual chain (each normal(mu, sigma) given its parents; the chain treats them as gaps)", in.node, len(e.miRowsLay), in.node))
}
