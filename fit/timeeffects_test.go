package fit

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/model/sem"
)

// A node's time_effects= sets its equation's period effects and overrides
// the fit's default (--time-effects) in both directions; the other
// equations keep the default.
func TestNodeTimeEffects(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	var b bytes.Buffer
	b.WriteString("unit,period,x,y,z\n")
	for u := 0; u < 6; u++ {
		for p := 0; p < 5; p++ {
			x := rng.NormFloat64()
			y := 0.5*x + rng.NormFloat64()
			fmt.Fprintf(&b, "U%d,%d,%.5f,%.5f,%.5f\n", u, p+1, x, y, 0.3*y+rng.NormFloat64())
		}
	}
	panel, err := data.Load(&b, "te.csv", data.Options{UnitKey: "unit", TimeKey: "period"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		attrs string
		def   sem.TimeMode
		want  map[string]sem.TimeMode
	}{
		{``, sem.TimeFixed, map[string]sem.TimeMode{"y": sem.TimeFixed, "z": sem.TimeFixed}},
		{`y [time_effects="fixed"]`, sem.TimeNone, map[string]sem.TimeMode{"y": sem.TimeFixed, "z": sem.TimeNone}},
		{`z [time_effects="none"]`, sem.TimeFixed, map[string]sem.TimeMode{"y": sem.TimeFixed, "z": sem.TimeNone}},
		{`z [time_effects="random-walk"]`, sem.TimeFixed, map[string]sem.TimeMode{"y": sem.TimeFixed, "z": sem.TimeRandomWalk}},
	} {
		m := mustModel(t, "dag { x -> y -> z\n "+c.attrs+" }")
		pl, err := NewPlan(m, panel, Options{Time: c.def})
		if err != nil {
			t.Fatal(err)
		}
		post, err := sem.Compile(pl.Spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range post.Equations() {
			if want := c.want[in.Node]; in.Time != want {
				t.Errorf("%q, default %s: %s has %s period effects, want %s", c.attrs, c.def, in.Node, in.Time, want)
			}
		}
		names := strings.Join(post.ParamNames(), " ")
		for node, want := range c.want {
			if has := strings.Contains(names, "g."+node+"."); has != (want != sem.TimeNone) {
				t.Errorf("%q: period effects of %s in the parameters: %v, want %s", c.attrs, node, has, want)
			}
		}
	}
}
