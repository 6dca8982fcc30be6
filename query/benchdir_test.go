package query

import (
	"os"
	"testing"

	"dilemma/fit"
)

// BenchmarkRemediesFitDir runs the remedies query on a real fit directory
// named by the environment variable DILEMMA_BENCH_FIT (skipped when unset):
//
//	DILEMMA_BENCH_FIT=/tmp/fit go test -run '^$' -bench RemediesFitDir ./query/
func BenchmarkRemediesFitDir(b *testing.B) {
	dir := os.Getenv("DILEMMA_BENCH_FIT")
	if dir == "" {
		b.Skip("set DILEMMA_BENCH_FIT to a fit directory")
	}
	f, err := fit.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	e, err := New(f)
	if err != nil {
		b.Fatal(err)
	}
	benchRemedies(b, e)
}
