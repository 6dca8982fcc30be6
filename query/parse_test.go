package query

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []Assignment
	}{
		{"do(x = 2)", []Assignment{{Node: "x", Kind: Set, Value: 2}}},
		{"do(x=+0.5)", []Assignment{{Node: "x", Kind: Shift, Value: 0.5}}},
		{"do( x = -0.5 )", []Assignment{{Node: "x", Kind: Shift, Value: -0.5}}},
		{"do(x = +1sd)", []Assignment{{Node: "x", Kind: ShiftSD, Value: 1}}},
		{"do(x = -0.5sd)", []Assignment{{Node: "x", Kind: ShiftSD, Value: -0.5}}},
		{"do(x = q90)", []Assignment{{Node: "x", Kind: Quantile, Value: 0.9}}},
		{"do(x = (-1.5))", []Assignment{{Node: "x", Kind: Set, Value: -1.5}}},
		{"do(x = 1e-3)", []Assignment{{Node: "x", Kind: Set, Value: 0.001}}},
		{"do(goodwill_signals = +1sd, y.z = 0)", []Assignment{{Node: "goodwill_signals", Kind: ShiftSD, Value: 1}, {Node: "y.z", Kind: Set, Value: 0}}},
	} {
		d, err := Parse(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if len(d.Assign) != len(c.want) {
			t.Errorf("%s: %d assignments, want %d", c.in, len(d.Assign), len(c.want))
			continue
		}
		for i, a := range d.Assign {
			w := c.want[i]
			if a.Node != w.Node || a.Kind != w.Kind || a.Value != w.Value {
				t.Errorf("%s: assignment %d = %+v, want %+v", c.in, i, a, w)
			}
		}
		// The written form parses back to the same thing.
		d2, err := Parse(d.String())
		if err != nil || d2.String() != d.String() {
			t.Errorf("%s: round trip %q -> %v %v", c.in, d.String(), d2, err)
		}
	}
	if d, _ := Parse("do(a = 1, b = +2)"); d.Assign[1].Col != 11 {
		t.Errorf("column of b = %d, want 11", d.Assign[1].Col)
	}
	d, err := ParseAssignments("external_mechanism=+1sd")
	if err != nil || len(d.Assign) != 1 || d.Assign[0].Kind != ShiftSD {
		t.Errorf("ParseAssignments: %v %v", d, err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		in  string
		col int
		msg string
	}{
		{"", 1, "empty query; write do(NODE = VALUE), e.g. do(goodwill_signals = +1sd)"},
		{"x = 1", 1, `a query starts with do(, found "x"; write do(x = 1)`},
		{"do x = 1", 4, `expected '(' after do, found 'x'`},
		{"do()", 4, "do() names no node; write do(NODE = VALUE)"},
		{"do(x 1)", 6, `expected '=' after x, found '1'`},
		{"do(x = )", 8, `expected a value after '=' (2, +0.5, +1sd, q90 or (-1)), found ')'`},
		{"do(x = +)", 9, `expected a number after '+', found ')'`},
		{"do(x = +1sx)", 10, `unknown unit "sx" after the number; the only unit is sd`},
		{"do(x = 1sd)", 8, "1sd has no sign: write +1sd to shift by 1 standard deviations (a value to set has no unit)"},
		{"do(x = q)", 9, "expected a percentage after q (q90 is the unit's 90% quantile), found ')'"},
		{"do(x = q150)", 8, "quantile q150 is outside q0 … q100"},
		{"do(x = 1", 9, "missing ')' to close do("},
		{"do(x = 1) y", 11, "unexpected 'y' after the closing ')'"},
		{"do(x = 1; y = 2)", 9, "expected ',' or ')' after the value, found ';'"},
		{"do(x = 1, x = 2)", 11, "x is assigned twice (first at column 4)"},
		{"do(1x = 2)", 4, "expected a node name, found '1'"},
		{"do(x = (1)", 11, "missing ')' to close do("},
		{"do(x = (a))", 9, "expected a number inside the parentheses, found 'a'"},
		{"do(x = 1e400)", 8, "1e400 is too large: a value must be a finite number (at most about 1.8e308 in size)"},
		{"do(x = +1e400)", 9, "1e400 is too large: a value must be a finite number (at most about 1.8e308 in size)"},
		{"do(x = (-2e999))", 10, "2e999 is too large: a value must be a finite number (at most about 1.8e308 in size)"},
		{"do(x = NaN)", 8, "NaN is not a value x can take: a value must be a finite number"},
		{"do(x = +Inf)", 9, "Inf is not a value x can take: a value must be a finite number"},
		{"do(x = (-infinity))", 10, "infinity is not a value x can take: a value must be a finite number"},
		{"do(größe = 1, é = )", 19, "expected a value after '=' (2, +0.5, +1sd, q90 or (-1)), found ')'"},
	} {
		_, err := Parse(c.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a *SyntaxError", c.in, err)
			continue
		}
		if se.Col != c.col || se.Msg != c.msg {
			t.Errorf("%q: column %d %q\n  want column %d %q", c.in, se.Col, se.Msg, c.col, c.msg)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"do(x = 2)", "do(a=+1sd, b=q50)", "do(x = (-1))", "x=+1", "do(", "do(x = 1e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Col < 1 {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if _, err := Parse(d.String()); err != nil {
			t.Fatalf("%q parses but its written form %q does not: %v", s, d.String(), err)
		}
	})
}
