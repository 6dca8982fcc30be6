package stancsv

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// benchInfo is a run of 1000 draws of 100 quantities.
func benchInfo() (infoNames []string) {
	for i := 1; i <= 100; i++ {
		infoNames = append(infoNames, fmt.Sprintf("beta.%d", i))
	}
	return infoNames
}

func writeBench(b *testing.B, opts Options) []byte {
	info := testInfo()
	info.ParamNames = benchInfo()
	info.NumSamples, info.NumWarmup, info.SaveWarmup = 1000, 0, false
	var buf bytes.Buffer
	if err := fakeRun(NewWriter(&buf, opts), info, false); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkWrite writes 1000 draws of 107 columns with 6 significant digits;
// MB/s is the output size.
func BenchmarkWrite(b *testing.B) {
	size := len(writeBench(b, Options{}))
	info := testInfo()
	info.ParamNames = benchInfo()
	info.NumSamples, info.NumWarmup, info.SaveWarmup = 1000, 0, false
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		if err := fakeRun(NewWriter(io.Discard, Options{}), info, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead parses the same file back.
func BenchmarkRead(b *testing.B) {
	data := writeBench(b, Options{})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data), "bench.csv"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadFullPrecision parses a file written with 17 digits.
func BenchmarkReadFullPrecision(b *testing.B) {
	data := writeBench(b, Options{FullPrecision: true})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data), "bench.csv"); err != nil {
			b.Fatal(err)
		}
	}
}
