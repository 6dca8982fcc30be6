package fit

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dilemma/inference/diagnostics"
)

// TestOpenReadsSummaries checks that Open takes the parameter summaries
// from summary.csv with the very bits (and notes) the fit computed from its
// draws, and computes them again from the chain files when summary.csv
// does not match them.
func TestOpenReadsSummaries(t *testing.T) {
	f, dir := syntheticFitDir(t, 60)
	g, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sameSummaries(t, "read from summary.csv", g.Summaries, f.Summaries)
	if g.Summaries[1].Note == "" || !math.IsNaN(g.Summaries[1].Rhat) {
		t.Errorf("the constant parameter %s lost its NA R-hat or note: %+v", g.Summaries[1].Name, g.Summaries[1])
	}
	if !reflect.DeepEqual(g.Warnings, f.Warnings) {
		t.Errorf("warnings differ:\n%v\n%v", g.Warnings, f.Warnings)
	}
	// The edges are summarized from the chain files' draws.
	want := *g
	want.Summaries, want.Edges = nil, nil
	want.summarize()
	// (Compared as text: a sensitivity the synthetic draws cannot have is
	// NaN, which DeepEqual never finds equal.)
	if len(g.Edges) == 0 || fmt.Sprint(g.Edges) != fmt.Sprint(want.Edges) {
		t.Errorf("edges differ from those of the chain files")
	}

	// A summary.csv that does not describe these chains is not used.
	path := filepath.Join(dir, SummaryFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"old layout":   []byte("parameter,mean,sd,q5,q50,q95,rhat,ess_bulk,ess_tail,mcse_mean,mcse_sd\nlp__,1,1,1,1,1,1,1,1,1,1\n"),
		"truncated":    b[:len(b)/2],
		"not a number": []byte(string(b[:len(b)-8]) + "oops,\n"),
		"missing":      nil,
	} {
		if bad == nil {
			os.Remove(path)
		} else {
			os.WriteFile(path, bad, 0o644)
		}
		h, err := Open(dir)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sameSummaries(t, name, h.Summaries, want.Summaries)
	}

	// Chains are read in parallel; a missing one is named.
	os.Remove(filepath.Join(dir, ChainFile(3)))
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), ChainFile(3)) {
		t.Errorf("missing chain 3: %v", err)
	}
}

// sameSummaries fails unless got and want hold the same names, notes and
// bits (NaN equal to NaN).
func sameSummaries(t *testing.T, what string, got, want []diagnostics.Summary) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d summaries, want %d", what, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		gv, wv := summaryValues(&g), summaryValues(&w)
		for k := range wv {
			if math.Float64bits(*gv[k]) != math.Float64bits(*wv[k]) && !(math.IsNaN(*gv[k]) && math.IsNaN(*wv[k])) {
				t.Fatalf("%s: %s field %s = %v, want %v", what, w.Name, SummaryHeader[k+1], *gv[k], *wv[k])
			}
		}
		if g.Name != w.Name || g.Note != w.Note {
			t.Fatalf("%s: summary %d is %q (note %q), want %q (note %q)", what, i, g.Name, g.Note, w.Name, w.Note)
		}
	}
}
