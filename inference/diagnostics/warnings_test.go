package diagnostics

import (
	"strings"
	"testing"
)

func kinds(ws []Warning) string {
	var k []string
	for _, w := range ws {
		k = append(k, w.Kind)
	}
	return strings.Join(k, ",")
}

func TestWarningsCleanRun(t *testing.T) {
	stats := SamplerStats{
		Divergent: bernColumn(t, 5),
		TreeDepth: bernColumn(t, 3),
		Energy:    bernColumn(t, 6),
	}
	sums := []Summary{Summarize("lp__", bernColumn(t, 0)), Summarize("theta", bernColumn(t, 7))}
	if ws := Warnings(sums, 4000, stats); len(ws) != 0 {
		t.Errorf("clean Bernoulli run gave warnings: %v", ws)
	}
}

func TestWarningsEachKind(t *testing.T) {
	div := [][]float64{{0, 1, 0, 0}, {0, 0, 0, 1}}
	depth := [][]float64{{3, 10, 3, 3}, {4, 3, 12, 3}}
	// Chain 2's energy moves slowly: a random walk has a small E-BFMI.
	walk := make([]float64, 200)
	for i := range walk {
		walk[i] = float64(i)
	}
	energy := [][]float64{{1, 3, 1, 3, 2, 1}, walk}
	sums := []Summary{
		{Name: "ok", Rhat: 1.001, ESSBulk: 900, ESSTail: 800},
		{Name: "b.fear", Rhat: 1.2, ESSBulk: 3, ESSTail: 50},
		{Name: "bad", Note: reasonNaN},
	}
	ws := Warnings(sums, 4000, SamplerStats{Divergent: div, TreeDepth: depth, Energy: energy})
	if got, want := kinds(ws), "divergences,treedepth,ebfmi,nonfinite,rhat,ess"; got != want {
		t.Fatalf("kinds %s, want %s", got, want)
	}
	for _, c := range []struct {
		i   int
		sub string
	}{
		{0, "2 of 8 transitions (25%) ended with a divergence"},
		{0, "adapt_delta"},
		{1, "2 of 8 transitions (25%) hit the maximum tree depth of 10"},
		{2, "chain 2"},
		{3, "bad"},
		{4, "b.fear (1.2)"},
		{5, "b.fear (3)"},
	} {
		if s := ws[c.i].String(); !strings.Contains(s, c.sub) {
			t.Errorf("warning %d %q lacks %q", c.i, s, c.sub)
		}
	}
	if strings.Contains(ws[2].Message, "chain 1") {
		t.Errorf("chain 1 has a high E-BFMI but was flagged: %s", ws[2].Message)
	}
	if strings.Contains(ws[4].Message, "ok") || strings.Contains(ws[5].Message, "ok") {
		t.Errorf("a good quantity was flagged: %v", ws)
	}
	// A larger max depth is honoured.
	ws = Warnings(nil, 0, SamplerStats{TreeDepth: depth, MaxDepth: 12})
	if len(ws) != 1 || !strings.Contains(ws[0].Message, "1 of 8") || !strings.Contains(ws[0].Message, "depth of 12") {
		t.Errorf("max depth 12: %v", ws)
	}
}
