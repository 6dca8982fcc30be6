package sem

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Rows of an AR equation whose parent value is imputed (MissingModel)
// join the residual chain: the equation keeps every row in one chain
// (no separate row loop), its gradient is exact, and its sufficient
// statistics give way to the row loop. When the AR node's own values are
// imputed (a child needs them) those rows stay outside the chain, and
// Compile says so in a note.
func TestARImputedParentRowsJoinChain(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	l, x, y := arPanel(rng, 8, 10, 0.2, 0.5, 0.6, 0.7, 0.5, 0)
	xm := append([]float64(nil), x...)
	for _, r := range []int{3, 17, 18, 44, 61} {
		xm[r] = math.NaN()
	}
	s := &Spec{Layout: l, Equations: []Equation{
		{Node: "x", Y: xm, UnitRE: true, Missing: MissingModel},
		{Node: "y", Y: y, AR: 1, UnitRE: true, Terms: []Term{{Parent: "x", X: xm}}},
	}}
	p, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	var ye *equation
	for _, e := range p.eqs {
		if e.node == "y" {
			ye = e
		}
	}
	if ye.n != l.Rows || ye.mi != nil || len(ye.miX) == 0 || ye.arS != nil {
		t.Errorf("y: %d chain rows of %d, own imputed-row loop %v, joined imputed values %d, sufficient statistics %v",
			ye.n, l.Rows, ye.mi != nil, len(ye.miX), ye.arS != nil)
	}
	for k := 0; k < 3; k++ {
		checkGradient(t, p, randomPoint(rng, p.Dim(), 0.5), 1e-5)
	}

	// y's own values imputed for its child w: those rows stay outside.
	ym := append([]float64(nil), y...)
	ym[25], ym[26] = math.NaN(), math.NaN()
	s2 := &Spec{Layout: l, Equations: []Equation{
		{Node: "y", Y: ym, AR: 1, UnitRE: true, Missing: MissingModel, Terms: []Term{{Parent: "x", X: x}}},
		{Node: "w", Y: normals(rng, l.Rows), Terms: []Term{{Parent: "y", X: ym}}},
	}}
	p2, err := Compile(s2)
	if err != nil {
		t.Fatal(err)
	}
	noted := false
	for _, n := range p2.Notes() {
		noted = noted || strings.Contains(n, "outside the AR(1) residual chain")
	}
	if !noted {
		t.Errorf("no note on imputed rows outside the chain: %q", p2.Notes())
	}
	checkGradient(t, p2, randomPoint(rng, p2.Dim(), 0.5), 1e-5)
}
