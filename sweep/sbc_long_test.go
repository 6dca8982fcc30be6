//go:build long

package sweep

import "testing"

// TestSBCLatentLong is TestSBCLatent with 40 replications (about two
// minutes on two idle cores).
func TestSBCLatentLong(t *testing.T) {
	latentSBC(t, 40)
}
