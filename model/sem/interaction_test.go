package sem

import (
	"math"
	"strings"
	"testing"
)

// An interaction term is named c.PARENT.MODERATOR.NODE (with lags), is
// reported as a coefficient carrying its moderator, sits beside the
// parent's own term, and needs values.
func TestInteractionTerm(t *testing.T) {
	for _, tc := range []struct {
		t    Term
		want string
	}{
		{Term{Parent: "x", Moderator: "z"}, "c.x.z.y"},
		{Term{Parent: "x", Lag: 1, Moderator: "z"}, "c.x.lag1.z.y"},
		{Term{Parent: "x", Moderator: "z", ModeratorLag: 2}, "c.x.z.lag2.y"},
	} {
		if got := TermParamName("y", tc.t); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.t, got, tc.want)
		}
	}
	l := panelLayout(4, 6)
	n := l.Rows
	x, z, y, xz := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for r := range x {
		x[r], z[r] = math.Sin(float64(r)), math.Cos(float64(2*r))
		xz[r] = x[r] * z[r]
		y[r] = 0.5*x[r] + 0.3*z[r] + 0.2*xz[r] + 0.1*math.Sin(float64(5*r))
	}
	spec := &Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y, Terms: []Term{
		{Parent: "x", X: x}, {Parent: "z", X: z}, {Parent: "x", X: xz, Moderator: "z", Prior: Normal(0, 0.5)}}}}}
	post, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, c := range post.Coefficients() {
		if c.Name == "c.x.z.y" {
			found = true
			if c.Moderator != "z" || c.Parent != "x" || c.Child != "y" || c.PriorVar != 0.25 {
				t.Errorf("coef %+v", c)
			}
		}
	}
	if !found {
		t.Fatalf("no coefficient c.x.z.y in %v", post.ParamNames())
	}
	spec.Equations[0].Terms[2].X = nil
	if _, err := Compile(spec); err == nil || !strings.Contains(err.Error(), "the interaction of x and z has no values") {
		t.Errorf("nil product: %v", err)
	}
}
