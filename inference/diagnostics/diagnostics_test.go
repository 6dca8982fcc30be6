package diagnostics

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readColumns reads a CmdStan CSV file into its header and columns. It is a
// minimal reader for the tests (package stancsv has the real one).
func readColumns(t testing.TB, path string) ([]string, [][]float64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var header []string
	var cols [][]float64
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		fields := strings.Split(s, ",")
		if header == nil {
			header = fields
			cols = make([][]float64, len(fields))
			continue
		}
		if len(fields) != len(header) {
			t.Fatalf("%s:%d: %d fields, want %d", path, line, len(fields), len(header))
		}
		for i, fs := range fields {
			v, err := strconv.ParseFloat(fs, 64)
			if err != nil {
				t.Fatalf("%s:%d: %v", path, line, err)
			}
			cols[i] = append(cols[i], v)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return header, cols
}

// bernColumn returns column col of the four Bernoulli chains.
func bernColumn(t testing.TB, col int) [][]float64 {
	t.Helper()
	chains := make([][]float64, 4)
	for i := range chains {
		_, cols := readColumns(t, filepath.Join("testdata", "stan_bern", fmt.Sprintf("bern%d.csv", i+1)))
		chains[i] = cols[col]
	}
	return chains
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol) {
		t.Errorf("%s = %.10g, want %.10g ± %g", what, got, want, tol)
	}
}

// mcseSdStan is Stan's C++ mcse_sd (src/stan/analyze/mcmc/mcse.hpp), which
// differs from posterior's in one place: it takes the ESS of |x − mean|
// (posterior's ess_sd) where posterior takes the ESS of (x − mean)².
func mcseSdStan(chains [][]float64) float64 {
	m, _ := matrixMeanSD(chains)
	x := pooled(chains)
	m2, m4 := 0.0, 0.0
	for _, v := range x {
		d := (v - m) * (v - m)
		m2 += d
		m4 += d * d
	}
	m2 /= float64(len(x))
	m4 /= float64(len(x))
	return math.Sqrt((m4 - m2*m2) / ESSSd(chains) / m2 / 4)
}

// TestStanBernoulli asserts the values of Stan's own unit tests
// (testdata/stan_bern/EXPECTED.md) to the tolerances stated there.
//
// One expected value comes from Stan's C++ rather than posterior: the MCSE of
// the sd of lp__, 0.03553, is Stan's variant (see mcseSdStan); posterior 1.4.0
// gives 0.03088983006 for the same draws (checked with Rscript), and MCSESd
// follows posterior. For theta the two agree to 1e-4. The test asserts both:
// MCSESd against posterior's value and mcseSdStan against Stan's.
func TestStanBernoulli(t *testing.T) {
	cases := []struct {
		name                                      string
		col                                       int
		bulk, tail, rhat, mcseMean, mcseSdStan    float64
		mcseSdPosterior, rhatBulk, rhatTail, essM float64
		mean, sd                                  float64
	}{
		{"lp__", 0, 1512.7684, 1591.9707, 1.00073, 0.02016, 0.03553, 0.03088983006, 1.000446, 1.000730, 1341.6851, -7.286757927, 0.7386160626},
		{"theta", 7, 1407.5124, 1291.7131, 1.006789, 0.00323, 0.00216, 0.002164213669, 1.006790, 1.000580, 1412.5651, 0.2512974105, 0.1215466867},
	}
	for _, c := range cases {
		x := bernColumn(t, c.col)
		near(t, c.name+" ESSBulk", ESSBulk(x), c.bulk, 1e-4)
		near(t, c.name+" ESSTail", ESSTail(x), c.tail, 1e-4)
		near(t, c.name+" Rhat", Rhat(x), c.rhat, 1e-5)
		near(t, c.name+" MCSEMean", MCSEMean(x), c.mcseMean, 1e-4)
		near(t, c.name+" MCSESd (posterior)", MCSESd(x), c.mcseSdPosterior, 1e-10)
		near(t, c.name+" MCSE sd (Stan's variant)", mcseSdStan(x), c.mcseSdStan, 1e-4)
		near(t, c.name+" RhatBulk", RhatBulk(x), c.rhatBulk, 1e-6)
		near(t, c.name+" RhatTail", RhatTail(x), c.rhatTail, 1e-6)
		near(t, c.name+" ESSMean", ESSMean(x), c.essM, 1e-4)

		s := Summarize(c.name, x)
		near(t, c.name+" Summary.Mean", s.Mean, c.mean, 1e-9)
		near(t, c.name+" Summary.SD", s.SD, c.sd, 1e-9)
		near(t, c.name+" Summary.ESSBulk", s.ESSBulk, c.bulk, 1e-4)
		near(t, c.name+" Summary.ESSTail", s.ESSTail, c.tail, 1e-4)
		near(t, c.name+" Summary.Rhat", s.Rhat, c.rhat, 1e-5)
		near(t, c.name+" Summary.MCSEMean", s.MCSEMean, c.mcseMean, 1e-4)
		near(t, c.name+" Summary.MCSESd", s.MCSESd, c.mcseSdPosterior, 1e-10)
		if s.Note != "" {
			t.Errorf("%s: unexpected note %q", c.name, s.Note)
		}
	}
}
