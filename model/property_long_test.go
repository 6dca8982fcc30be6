//go:build long

package model

import "testing"

// TestPropertyRandomDAGsLong runs the property checks on 20,000 more random
// DAGs: go test -tags long -run Long ./model/
func TestPropertyRandomDAGsLong(t *testing.T) {
	checkRandomDAGs(t, 1000, 21000)
}
