package data

import (
	"math"
	"strings"
	"testing"
)

// panelAB has two units whose months interleave in the file and a gap
// (B has no 2020-02), so that unit borders and gaps are exercised.
const panelAB = `iso3,month,region,x
A,2020-01,EUR,1
B,2020-01,EUR,10
A,2020-02,EUR,2
A,2020-03,EUR,4
B,2020-03,EUR,30
C,2020-01,EUR,100
C,2020-03,AFR,
D,2020-03,,7
`

func nanEq(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) < 1e-12
}

func TestTransforms(t *testing.T) {
	p, err := Load(strings.NewReader(panelAB), "ab.csv", DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	nan := math.NaN()
	// Hand-computed, rows in file order: A1 B1 A2 A3 B3 C1 C3 D3.
	mean := (1 + 10 + 2 + 4 + 30 + 100 + 7) / 7.0
	ss := 0.0
	for _, v := range []float64{1, 10, 2, 4, 30, 100, 7} {
		ss += (v - mean) * (v - mean)
	}
	sd := math.Sqrt(ss / 6)
	z := func(v float64) float64 { return (v - mean) / sd }
	cases := []struct {
		spec string
		want []float64
	}{
		{"", []float64{1, 10, 2, 4, 30, 100, nan, 7}},
		{"lag(1)", []float64{nan, nan, 1, 2, nan, nan, nan, nan}},  // B's 2020-03 has no 2020-02: missing, not A's value
		{"lag(2)", []float64{nan, nan, nan, 1, 10, nan, 100, nan}}, // across the gap within the unit
		{"lead", []float64{2, nan, 4, nan, nan, nan, nan, nan}},    // lead(1) default
		{"diff", []float64{nan, nan, 1, 2, nan, nan, nan, nan}},    // x - lag(1)
		{"center", []float64{1 - mean, 10 - mean, 2 - mean, 4 - mean, 30 - mean, 100 - mean, nan, 7 - mean}},
		{"standardize", []float64{z(1), z(10), z(2), z(4), z(30), z(100), nan, z(7)}},
		{"log", []float64{0, math.Log(10), math.Log(2), math.Log(4), math.Log(30), math.Log(100), nan, math.Log(7)}},
		{"log1p", []float64{math.Log(2), math.Log(11), math.Log(3), math.Log(5), math.Log(31), math.Log(101), nan, math.Log(8)}},
		{"indicator(>4)", []float64{0, 1, 0, 0, 1, 1, nan, 1}},
		{"indicator(<=4)", []float64{1, 0, 1, 1, 0, 0, nan, 0}},
		{"indicator(==2)", []float64{0, 0, 1, 0, 0, 0, nan, 0}},
		// Leave-one-out mean of x over other units of the same region and month.
		// 2020-01 EUR: A=1, B=10, C=100. 2020-03 EUR: A=4, B=30 (C is AFR there, D has no region).
		{"peer_mean(region)", []float64{55, 50.5, nan, 30, 4, 5.5, nan, nan}},
		{"lag(1)|indicator(>1)", []float64{nan, nan, 0, 1, nan, nan, nan, nan}},
	}
	for _, c := range cases {
		got, err := p.Transform("x", c.spec)
		if err != nil {
			t.Errorf("%q: %v", c.spec, err)
			continue
		}
		for i := range c.want {
			if !nanEq(got[i], c.want[i]) {
				t.Errorf("%q: row %d = %v, want %v (all: %v)", c.spec, i, got[i], c.want[i], got)
				break
			}
		}
	}
}

func TestTransformErrors(t *testing.T) {
	p, err := Load(strings.NewReader("iso3,month,x,y,g\nA,2020-01,0,5,a\nA,2020-02,0.5,5,a\n"), "e.csv", DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ col, spec, want string }{
		{"x", "log", "e.csv:2: column \"x\": transform log: log of 0 is undefined"},
		{"x", "logit", "e.csv:2: column \"x\": transform logit: logit of 0"},
		{"y", "standardize", "no variance"},
		{"x", "lag(0)", "positive integer"},
		{"x", "sqrt", "unknown step \"sqrt\""},
		{"x", "indicator(4)", "indicator(>c)"},
		{"x", "peer_mean(region)", "grouping column \"region\""},
		{"z", "log1p", "no such column"},
		{"g", "center", "text, not numeric"},
	} {
		_, err := p.Transform(c.col, c.spec)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %q: got %v, want an error containing %q", c.col, c.spec, err, c.want)
		}
	}
}

func TestParseTransform(t *testing.T) {
	tr, err := ParseTransform(" log1p | standardize ")
	if err != nil || tr.IsIdentity() || tr.NeedsPanel() {
		t.Errorf("log1p|standardize: %v %v", tr, err)
	}
	tr, _ = ParseTransform("peer_mean(who_region)|lag(2)")
	if !tr.NeedsPanel() || len(tr.Groups()) != 1 || tr.Groups()[0] != "who_region" {
		t.Errorf("groups = %v", tr.Groups())
	}
}

func TestEmbeddedTransformsStayInUnit(t *testing.T) {
	p, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	lag, err := p.Transform("new_cases", "lag(1)")
	if err != nil {
		t.Fatal(err)
	}
	x, _ := p.Numeric("new_cases")
	times := p.TimeIndex()
	units := p.UnitIndex()
	for i := range lag {
		if times[i] == 0 && !math.IsNaN(lag[i]) {
			t.Fatalf("row %d (first month) has lag %v", i, lag[i])
		}
		if times[i] > 0 {
			j, ok := p.Row(p.Units()[units[i]], p.Times()[times[i]-1])
			if ok && !nanEq(lag[i], x[j]) {
				t.Fatalf("row %d: lag %v, previous month %v", i, lag[i], x[j])
			}
		}
	}
}
