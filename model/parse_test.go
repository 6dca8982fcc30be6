package model

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseSyntax(t *testing.T) {
	src := `# a comment
dag G {
  bb="0,0,1,1"
  x [exposure, pos="0.5,-1.25"] ; y [outcome label="the \"outcome\"" adjusted custom="v"]
  u [latent]
  x -> m -> y [sign="+"]      // chain: both edges get the sign
  {a b} -> x
  y <- u -> x
  z <-> y
  "a name" -> y
  w [label="part one, " + "part two"]
  /* a block
     comment */
  m -> y [lag=1, prior="normal(0,0.5)", note="kept"]
}`
	m := mustParse(t, src)
	if m.GraphName != "G" || len(m.GraphAttrs) != 1 || m.GraphAttrs[0] != (Attr{Key: "bb", Value: "0,0,1,1"}) {
		t.Errorf("graph name/attrs: %q %v", m.GraphName, m.GraphAttrs)
	}
	wantNodes := []string{"x", "y", "u", "m", "a", "b", "z", "a name", "w"}
	if !slices.Equal(m.NodeNames(), wantNodes) {
		t.Errorf("nodes %v, want %v", m.NodeNames(), wantNodes)
	}
	x, y := m.Node("x"), m.Node("y")
	if !x.Exposure || x.Pos == nil || *x.Pos != [2]float64{0.5, -1.25} {
		t.Errorf("x: %+v", x)
	}
	if !y.Outcome || y.Label != `the "outcome"` {
		t.Errorf("y: %+v", y)
	}
	if want := []Attr{{Key: "adjusted", Flag: true}, {Key: "custom", Value: "v"}}; !slices.Equal(y.Attrs, want) {
		t.Errorf("y unknown attrs %v, want %v", y.Attrs, want)
	}
	if !m.Node("u").Latent || m.Node("w").Label != "part one, part two" {
		t.Errorf("u or w wrong")
	}
	var edges []string
	for _, e := range m.Edges {
		s := e.String()
		if e.Sign != 0 {
			s += " " + e.SignString()
		}
		if e.Prior != nil {
			s += " " + e.Prior.String()
		}
		edges = append(edges, s)
	}
	want := []string{"x -> m +", "m -> y +", "a -> x", "b -> x", "u -> y", "u -> x", "z <-> y", "a name -> y", "m -> y [lag=1] normal(0,0.5)"}
	if !slices.Equal(edges, want) {
		t.Errorf("edges\n%v\nwant\n%v", edges, want)
	}
	last := m.Edges[len(m.Edges)-1]
	if !slices.Equal(last.Attrs, []Attr{{Key: "note", Value: "kept"}}) {
		t.Errorf("edge attrs %v", last.Attrs)
	}
	if last.At != (Position{14, 5}) {
		t.Errorf("edge position %v", last.At)
	}
}

func TestParseBareAndSettings(t *testing.T) {
	m := mustParse(t, `threat -> fear -> unilateralism
peer -> fear [lag=1]
settings {
  fear [column="new_deaths_per_million", transform="log1p|standardize", family="gaussian",
        quality="good", prior_sigma="half_normal(1)", prior_strength="student_t(3,0,1)"]
  fear -> unilateralism [sign="+", prior="normal(0,0.5)"]
  peer -> fear [lag=1, sign="-"]
  unilateralism [column="c8_max", family="ordered", role="outcome"]
}`)
	f := m.Node("fear")
	if f.Column != "new_deaths_per_million" || f.Transform != "log1p|standardize" || f.Family != "gaussian" || f.Quality != "good" {
		t.Errorf("fear settings: %+v", f)
	}
	if p := f.Priors["sigma"]; p.String() != "half_normal(1)" {
		t.Errorf("prior_sigma %v", p)
	}
	if p := f.Priors["strength"]; p.Family != "student_t" || !slices.Equal(p.Params, []float64{3, 0, 1}) {
		t.Errorf("prior_strength %v", p)
	}
	e := m.Edge("fear", "unilateralism", Directed, 0)
	if e.Sign != 1 || e.Prior == nil || e.Prior.String() != "normal(0,0.5)" {
		t.Errorf("edge settings %+v", e)
	}
	if e := m.Edge("peer", "fear", Directed, 1); e.Sign != -1 {
		t.Errorf("lagged edge settings %+v", e)
	}
	if u := m.Node("unilateralism"); u.Family != "ordered" || u.Role != "outcome" {
		t.Errorf("unilateralism %+v", u)
	}
}

func TestParseDagittyOutput(t *testing.T) {
	// As dagitty.net writes a model (unknown attributes quoted, flags bare).
	m := mustParse(t, `dag {
bb="-3,-0.5,2,1.2"
D [outcome,pos="1,1"]
E [exposure,pos="-2,1"]
Z [pos="-0.5,0.5"]
D <-> Z [pos="1,-1"]
E -> D
E <-> Z [pos="-2,-1"]
}
`)
	if len(m.Nodes) != 3 || len(m.Edges) != 3 || m.Edges[0].Kind != Bidirected || !slices.Equal(m.Edges[0].Attrs, []Attr{{Key: "pos", Value: "1,-1"}}) {
		t.Errorf("dagitty output read wrong:\n%s", m)
	}
	if _, err := ParseString("strict dag { a -> b }", "s"); err != nil {
		t.Errorf("strict dag: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		src  string
		pos  string // "line:col"
		want string // substring of the message
	}{
		{"a -- b", "1:3", `edge mark "--"`},
		{"a --@ b", "1:3", `edge mark "--@"`},
		{"a @-> b", "1:3", `edge mark "@->"`},
		{"a @-@ b", "1:3", `edge mark "@-@"`},
		{"a <-@ b", "1:3", `edge mark "<-@"`},
		{"pag { a -> b }", "1:1", `graph type "pag"`},
		{"pdag {\n a -> b }", "1:1", `graph type "pdag"`},
		{"dag {\n  a -> b -> c\n  c -> a\n}", "3:5", "cycle: a -> b -> c -> a"},
		{"a -> a", "1:3", "cycle: a -> a"},
		{"a -> b\nb -> a [lag=0]", "2:3", "cycle: a -> b -> a"},
		{`a [label="x]`, "1:10", "unterminated string"},
		{"a [label=\"x\nb\"]", "1:10", "unterminated string"},
		{`a [column="x", column="y"]`, "1:16", `duplicate attribute "column"`},
		{"a [column=\"x\"]\na [column=\"y\"]", "2:4", `duplicate attribute "column" on node a (first set at 1:4)`},
		{"dag { a -> b }\nsettings { c [column=\"x\"] }", "2:12", `unknown node "c"`},
		{"dag { a -> b }\nsettings { b -> a [sign=\"-\"] }", "2:14", "edge b -> a is not in the dag block"},
		{"dag { a -> b [lag=1] }\nsettings { a -> b [sign=\"-\"] }", "2:14", "the dag block has a -> b [lag=1]"},
		{"dag { a [column=\"x\"]; a -> b }\nsettings { a [column=\"y\"] }", "2:15", `duplicate attribute "column"`},
		{"settings { a }", "1:1", "settings block must follow"},
		{"dag { a } dag { b }", "1:11", "one dag block"},
		{`a -> b [prior="normal(0,-1)"]`, "1:15", "sigma must be > 0"},
		{`a -> b [prior="normal(0,1"]`, "1:15", "family(parameters)"},
		{`a -> b [prior="gauss(0,1)"]`, "1:15", `unknown family "gauss"`},
		{`a -> b [prior="half_normal(1)"]`, "1:15", "needs a real prior"},
		{`a [prior_sigma="normal(0,1)"]`, "1:16", "needs a positive prior"},
		{`a [prior="normal(0,1)"]`, "1:4", "prior_strength"},
		{`a [prior_slope="normal(0,1)"]`, "1:4", "unknown prior parameter"},
		{`a [column="x", transform="log1p|standardise|lagg(2)"]`, "1:26", `unknown step "lagg"`},
		{`a [family="normal"]`, "1:11", `unknown family "normal"`},
		{`a [role="cause"]`, "1:9", `unknown role "cause"`},
		{`a [quality="great"]`, "1:12", `unknown quality "great"`},
		{"a [latent]\na [column=\"x\"]", "2:4", "latent and has column"},
		{`a [indicators="x,y"]`, "1:4", "not [latent]"},
		{`a [latent, indicators="x,,y"]`, "1:23", "empty column name"},
		{`a [latent, transform="log1p"]`, "1:12", "a latent node has none"},
		{"r [role=\"root\"]\nb -> r", "1:4", `role="root" but a parent`},
		{"dag { a -> b", "1:1", "never closed"},
		{"a [latent", "1:3", "missing ']'"},
		{"a <-> b [lag=1]", "1:10", "cannot be lagged"},
		{"a -> b [lag=-1]", "1:13", "whole number"},
		{"a -> b [lag=x]", "1:13", "whole number"},
		{"a -> b\n\n  a -> b", "3:5", "duplicate edge a -> b (first declared at 1:3)"},
		{"b <- a; a -> b", "1:11", "duplicate edge"},
		{"a -> b @", "1:8", `edge mark "@"`},
		{"a -> b }", "1:8", "unexpected '}'"},
		{"a -> {}", "1:6", "empty group"},
		{`a [exposure="maybe"]`, "1:13", "is a flag"},
		{"é -> b", "1:1", "unexpected character 'é'"},
		{`"é" -> b -- c`, "1:10", `edge mark "--"`},
		{"a -> \"b@x\"", "1:6", "reserved for time slices"},
		{`"" -> b`, "1:1", "empty node name"},
		{"a [pos=\"1\"]", "1:8", "pos=\"1\""},
		{"a -> b [sign=\"up\"]", "1:14", "sign=\"+\" or sign=\"-\""},
		{"a <-> b [sign=\"+\"]", "1:10", "no expected sign"},
		{"{a b} [latent]", "1:7", "attributes after a group"},
		{"a = ", "1:5", "expected a value"},
		{"dag { a -> b } c", "1:16", "after the dag block"},
		{"", "1:1", "no nodes"},
		{"a /* open", "1:3", "unterminated comment"},
		{"a -> b [x=1 x=2]", "1:13", `duplicate attribute "x"`},
		{"a [column=\"\"]", "1:11", "empty column name"},
		{"a ->", "1:5", "expected a node name or a group"},
		{"a [label]", "1:4", "needs a value"},
		{"a -> b [prior=\"normal(0,1)\"]\nsettings { a -> b [prior=\"normal(0,2)\"] }", "2:20", `duplicate attribute "prior"`},
	}
	for _, c := range cases {
		_, err := ParseString(c.src, "test.dag")
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: want a positioned error, got %v", c.src, err)
			continue
		}
		prefix := "test.dag:" + c.pos + ": "
		if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
			t.Errorf("%q:\n got %s\nwant %s…%s…", c.src, msg, prefix, c.want)
		}
	}
}

func TestPriors(t *testing.T) {
	good := map[string]string{
		"normal(0,0.5)":         "normal(0,0.5)",
		" normal( 0 , 1e-1 ) ":  "normal(0,0.1)",
		"student_t(3,0,1)":      "student_t(3,0,1)",
		"half_normal(1)":        "half_normal(1)",
		"exponential(1)":        "exponential(1)",
		"gamma(2,0.5)":          "gamma(2,0.5)",
		"uniform(-1,1)":         "uniform(-1,1)",
		"half_student_t(3,2.5)": "half_student_t(3,2.5)",
	}
	for in, out := range good {
		p, err := ParsePrior(in)
		if err != nil || p.String() != out {
			t.Errorf("%q: %v %v", in, p, err)
		}
		q, err := ParsePrior(p.String())
		if err != nil || !q.Equal(p) {
			t.Errorf("%q does not round trip", in)
		}
	}
	bad := []string{"normal", "normal()", "normal(0)", "normal(0,1,2)", "normal(0,0)", "normal(a,1)",
		"normal(0,inf)", "normal(0,NaN)", "student_t(0,0,1)", "uniform(1,1)", "exponential(-1)", "beta(1)", "foo(1)", "(1)"}
	for _, s := range bad {
		if _, err := ParsePrior(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	if p, _ := ParsePrior("half_cauchy(1)"); p.Support() != Positive {
		t.Error("half_cauchy support")
	}
}
