package fit

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/model"
	"dilemma/model/sem"
)

// arCSV writes a panel whose y has AR(1) residuals (rho) within unit; a
// fraction of the rows is left out (gaps in time).
func arCSV(units, periods int, rho, drop float64, seed uint64) *bytes.Buffer {
	rng := rand.New(rand.NewPCG(seed, 3))
	var b bytes.Buffer
	b.WriteString("unit,period,x,y\n")
	for u := 0; u < units; u++ {
		ui := 0.5 * rng.NormFloat64()
		e := 0.0
		for p := 0; p < periods; p++ {
			if p == 0 {
				e = 0.7 / math.Sqrt(1-rho*rho) * rng.NormFloat64()
			} else {
				e = rho*e + 0.7*rng.NormFloat64()
			}
			x := rng.NormFloat64()
			if rng.Float64() < drop {
				continue
			}
			fmt.Fprintf(&b, "U%02d,%d,%.6f,%.6f\n", u, p+1, x, 0.5+0.8*x+ui+e)
		}
	}
	return &b
}

// A fit with ar="1" recovers rho, reports it in the edge table and in
// edges.csv, and writes a pointwise log likelihood that sums to log_lik.
func TestARFit(t *testing.T) {
	panel, err := data.Load(arCSV(30, 40, 0.6, 0.1, 1), "ar.csv", data.Options{UnitKey: "unit", TimeKey: "period"})
	if err != nil {
		t.Fatal(err)
	}
	pl, err := NewPlan(mustModel(t, `dag { x -> y  y [ar="1"] }`), panel, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := DefaultSettings()
	s.Chains, s.Warmup, s.Samples, s.Seed = 2, 300, 300, 4
	f, err := Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	var row *EdgeSummary
	for i := range f.Edges {
		if f.Edges[i].Kind == "ar" {
			row = &f.Edges[i]
		}
	}
	if row == nil {
		t.Fatal("no AR row in the edge table")
	}
	t.Logf("%s: mean %.3f sd %.3f rhat %.3f", row.Edge, row.Mean, row.SD, row.Rhat)
	if row.Edge != "y -> y [AR(1) residuals]" || row.Name != "ar.y" {
		t.Errorf("AR row %q (%s)", row.Edge, row.Name)
	}
	if z := (row.Mean - 0.6) / row.SD; math.Abs(z) > 4 {
		t.Errorf("rho %.3f (sd %.3f), truth 0.6", row.Mean, row.SD)
	}
	var csv bytes.Buffer
	if err := f.WriteEdgesCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), "y -> y [AR(1) residuals],y,y,1,") {
		t.Errorf("edges.csv has no AR row:\n%s", csv.String())
	}
	found := false
	for _, in := range f.Posterior.Equations() {
		found = found || in.AR == 1 && strings.Contains(in.String(), "AR(1) residuals")
	}
	if !found {
		t.Error("the equation info does not say AR(1)")
	}
	// The pointwise log likelihood of each draw sums to the draw's log_lik.
	var ll bytes.Buffer
	if err := f.WriteLogLikCSV(&ll, 0); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(ll.String()), "\n")
	sum := 0.0
	for _, v := range strings.Split(lines[1], ",") {
		var x float64
		fmt.Sscan(v, &x)
		sum += x
	}
	n := len(strings.Split(lines[0], ","))
	got := f.Param(LogLikName)[0][0]
	if d := sum - got - float64(-n)*0.5*math.Log(2*math.Pi); math.Abs(d) > 1e-6 {
		t.Errorf("pointwise log likelihoods sum to %.6f, log_lik %.6f (+ constants), diff %.3g", sum, got, d)
	}
}

// ar="1" where it cannot apply is a clear error naming the node.
func TestARErrors(t *testing.T) {
	panel, err := data.Load(arCSV(6, 5, 0.5, 0, 2), "ar.csv", data.Options{UnitKey: "unit", TimeKey: "period"})
	if err != nil {
		t.Fatal(err)
	}
	var one bytes.Buffer
	one.WriteString("unit,period,x,y\n")
	for u := 0; u < 10; u++ {
		fmt.Fprintf(&one, "U%d,1,%d,%d.5\n", u, u%3, u%4)
	}
	single, err := data.Load(&one, "one.csv", data.Options{UnitKey: "unit", TimeKey: "period"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, src string
		panel     *data.Panel
		want      string
	}{
		{"order 2", `dag { x -> y  y [ar="2"] }`, panel, `test.dag:1:18: node y: ar="2": only AR(1) residuals are supported`},
		{"not a number", `dag { x -> y  y [ar="yes"] }`, panel, `ar="yes": want ar="1"`},
		{"family", `dag { x -> y  y [ar="1", family="poisson"] }`, panel, `node y: ar="1" needs a gaussian or student node, not poisson`},
		{"self-lag", `dag { x -> y  y -> y [lag=1]  y [ar="1"] }`, panel, "not identified"},
		{"latent", `dag { x -> L  L [latent, ar="1", indicators="x,y"] }`, panel, "is latent"},
		{"no parents", `dag { x  y [ar="1"] }`, panel, "without estimated parents"},
		{"one period per unit", `dag { x -> y  y [ar="1"] }`, single, "each unit has at most one"},
	} {
		err := arBuild(c.src, c.panel)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// arBuild parses src, plans it on p and compiles the plan.
func arBuild(src string, p *data.Panel) error {
	m, err := model.ParseString(src, "test.dag")
	if err != nil {
		return err
	}
	pl, err := NewPlan(m, p, Options{})
	if err != nil {
		return err
	}
	_, err = sem.Compile(pl.Spec)
	return err
}
