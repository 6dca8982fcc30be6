package sem

import (
	"strings"
	"testing"

	"dilemma/data"
)

// PanelLayout carries the data package's panel structure; a lagged latent
// parent follows calendar ordinals across a gap in a unit's periods.
func TestPanelLayout(t *testing.T) {
	csv := "iso3,month,a,b\n" +
		"USA,2020-01,1,0.5\nUSA,2020-02,2,0.1\nUSA,2020-04,3,0.7\n" +
		"FRA,2020-02,4,0.2\nFRA,2020-01,5,0.9\n"
	p, err := data.Load(strings.NewReader(csv), "t.csv", data.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	l := PanelLayout(p)
	if l.Rows != 5 || len(l.Units) != 2 || len(l.Times) != 3 || len(l.Unit) != 5 || len(l.Ordinal) != 5 {
		t.Fatalf("layout %+v", l)
	}
	c := &compiler{lay: &l}
	// USA 2020-04 has no 2020-03 row: its lag-1 row is missing, not 2020-02.
	for r, want := range []int{-1, 0, -1, 4, -1} {
		if got, err := c.lagRow(r, 1); err != nil || got != want {
			t.Errorf("lag-1 row of %s: %d (%v), want %d", c.rowLabel(r), got, err, want)
		}
	}
	cs, err := data.Load(strings.NewReader("a,b\n1,2\n3,4\n"), "cs.csv", data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if l := PanelLayout(cs); l.Rows != 2 || l.Units != nil || l.Unit != nil || l.Time != nil {
		t.Errorf("cross-section layout %+v", l)
	}
}
