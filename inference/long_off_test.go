//go:build !long

package inference_test

// long selects the long versions of the statistical tests (go test -tags long).
const long = false
