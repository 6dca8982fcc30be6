package query

import (
	"errors"
	"testing"

	"dilemma/model"
)

func TestMinPathLagAndNeedHorizon(t *testing.T) {
	m, err := model.ParseString(`dag {
  a -> b [lag=2]
  a -> c [lag=1]
  c -> b [lag=0]
  b -> d [lag=1]
  e -> d
}`, "lags")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		x, y string
		want int
	}{
		{"a", "b", 1}, // through c (1 + 0) beats the direct lag-2 edge
		{"a", "c", 1},
		{"a", "d", 2},
		{"e", "d", 0},
		{"d", "a", -1}, // no directed path
		{"c", "b", 0},
	} {
		if got := minPathLag(m, c.x, c.y); got != c.want {
			t.Errorf("minPathLag(%s, %s) = %d, want %d", c.x, c.y, got, c.want)
		}
	}
	var he *HorizonError
	if err := needHorizon(m, []string{"a"}, "d", 1); !errors.As(err, &he) || he.Need != 2 {
		t.Errorf("needHorizon(a, d, 1) = %v, want a *HorizonError asking for 2", err)
	}
	if err := needHorizon(m, []string{"a"}, "d", 2); err != nil {
		t.Errorf("needHorizon(a, d, 2) = %v, want nil", err)
	}
	if err := needHorizon(m, []string{"a", "e"}, "d", 0); err != nil {
		t.Errorf("needHorizon({a, e}, d, 0) = %v, want nil: e reaches d at once", err)
	}
	if err := needHorizon(m, []string{"d"}, "a", 0); err != nil {
		t.Errorf("needHorizon(d, a, 0) = %v, want nil: no path at all is a zero effect by the graph", err)
	}
}
