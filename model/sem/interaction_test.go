package sem

import (
	"math"
	"math/rand/v2"
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

// A row whose moderated edge's product is missing is dropped under the
// product's name, even where each factor's own value is imputed (the
// product is not); a missing factor that is not imputed is named itself.
func TestInteractionDropReason(t *testing.T) {
	l := panelLayout(2, 5)
	nan := math.NaN()
	x := []float64{0.1, -0.4, 0.8, 0.3, 1.2, -0.7, 0.2, 0.5, -1, 0.4}
	z := []float64{1, 0.5, nan, 0.2, 1.1, -0.3, 0.4, 0.9, -0.6, 0.3}
	xz := make([]float64, len(x))
	for r := range xz {
		xz[r] = x[r] * z[r]
	}
	y := normals(rand.New(rand.NewPCG(1, 1)), 10)
	spec := &Spec{Layout: l, Equations: []Equation{
		{Node: "z", Y: z, Missing: MissingModel},
		{Node: "y", Y: y, Terms: []Term{{Parent: "x", X: x}, {Parent: "z", X: z}, {Parent: "x", Moderator: "z", X: xz}}},
	}}
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	if in := p.Equations()[1]; in.Dropped["x × z (product, not imputed)"] != 1 || in.Rows != 9 {
		t.Errorf("y: %+v, want row 3 dropped for the product x × z", in)
	}
	spec.Equations[0].Missing = MissingDrop
	if p, err = Compile(spec); err != nil {
		t.Fatal(err)
	}
	if in := p.Equations()[1]; in.Dropped["z"] != 1 || len(in.Dropped) != 1 {
		t.Errorf("y with z dropped: %+v, want z named", in)
	}
}
