package plots

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// testParams makes n parameters from the test chains, each shifted and
// scaled differently.
func testParams(n int, chains [][]float64) []ParamChains {
	out := make([]ParamChains, n)
	for k := range out {
		cs := make([][]float64, len(chains))
		for c, ch := range chains {
			cs[c] = make([]float64, len(ch))
			for i, v := range ch {
				cs[c][i] = float64(k) + v*math.Pow(2, float64(k-2))
			}
		}
		out[k] = ParamChains{Name: fmt.Sprintf("b.x%d → y", k), Chains: cs}
	}
	return out
}

// TestGridColumns: one column of panels at column width for a few
// parameters, two for more; two or three at page width; the figure grows
// with the number of rows.
func TestGridColumns(t *testing.T) {
	col, page := newTheme(Options{Width: ColumnWidth}), newTheme(Options{Width: PageWidth})
	for _, c := range []struct {
		t    theme
		n    int
		want int
	}{{col, 1, 1}, {col, 3, 1}, {col, 4, 2}, {col, 12, 2}, {page, 2, 2}, {page, 4, 2}, {page, 5, 3}, {page, 12, 3}} {
		if got := c.t.gridColumns(c.n); got != c.want {
			t.Errorf("width %g, %d panels: %d columns, want %d", c.t.opts.Width, c.n, got, c.want)
		}
	}
	chains, div := testChains(2, 100)
	few, err := Traces(Options{}, testParams(2, chains), div)
	if err != nil {
		t.Fatal(err)
	}
	many, err := Traces(Options{}, testParams(8, chains), div)
	if err != nil {
		t.Fatal(err)
	}
	_, h1 := few.Size()
	_, h2 := many.Size()
	if h2 <= h1 {
		t.Errorf("8 traces %.2f in tall, 2 traces %.2f in: should grow", h2, h1)
	}
}

func TestGridBadInputs(t *testing.T) {
	chains, div := testChains(2, 50)
	ps := testParams(3, chains)
	short := testParams(3, chains)
	short[1].Chains = short[1].Chains[:1]
	unnamed := testParams(3, chains)
	unnamed[2].Name = " "
	nan := testParams(3, chains)
	nan[1].Chains[0] = append([]float64(nil), nan[1].Chains[0]...)
	nan[1].Chains[0][4] = math.NaN()
	cases := []struct {
		name, want string
		fn         func() (*Figure, error)
	}{
		{"traces none", "no parameters", func() (*Figure, error) { return Traces(Options{}, nil, nil) }},
		{"ranks none", "no parameters", func() (*Figure, error) { return Ranks(Options{}, nil) }},
		{"traces chains", "has 1 chains", func() (*Figure, error) { return Traces(Options{}, short, nil) }},
		{"ranks name", "parameter 3 has no name", func() (*Figure, error) { return Ranks(Options{}, unnamed) }},
		{"traces NaN", "chain 1, draw 5 is NaN", func() (*Figure, error) { return Traces(Options{}, nan, nil) }},
		{"traces flags", "divergence flags for 1 chains", func() (*Figure, error) { return Traces(Options{}, ps, div[:1]) }},
		{"ranks short", "need at least 10", func() (*Figure, error) {
			return Ranks(Options{}, []ParamChains{{Name: "a", Chains: [][]float64{{1, 2, 3}}}})
		}},
	}
	for _, c := range cases {
		f, err := c.fn()
		if err == nil || f != nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, %v; want an error containing %q", c.name, f, err, c.want)
		}
	}
}
