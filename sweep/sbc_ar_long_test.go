//go:build long

package sweep

import "testing"

// TestSBCARModeration runs the SBC of arModModel (20 replications): rho,
// the interaction c, the strengths, intercepts, sigmas and unit sds drawn
// from their priors; the ranks of the four strengths and rho must pass
// the uniformity tests. 20 fits, about 30 s on two cores:
// go test -tags long -run SBCARModeration ./sweep/
func TestSBCARModeration(t *testing.T) {
	if testing.Short() {
		t.Skip("20 fits")
	}
	checkCalibrated(t, arModSweep(t), 20, 5)
}
