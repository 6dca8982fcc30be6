package model

import (
	"strings"
	"testing"
)

func TestModeratorParseAndExport(t *testing.T) {
	src := `dag {
  x -> y [moderator="z", moderator_prior="normal(0,0.5)"]
  z -> y [lag=1]
  w -> z
}`
	m := mustParse(t, src)
	e := m.Edge("x", "y", Directed, 0)
	if e.Moderator != "z" || e.ModeratorPrior == nil || e.ModeratorPrior.String() != "normal(0,0.5)" {
		t.Fatalf("edge %+v", e)
	}
	if me := m.ModeratorEdge(e); me == nil || me.From != "z" || me.Lag != 1 {
		t.Fatalf("moderator edge %v", me)
	}
	for _, l := range m.Lint() {
		t.Errorf("lint: %v", l)
	}
	for _, split := range []bool{false, true} {
		var b strings.Builder
		if err := m.ExportWith(&b, ExportOptions{Settings: split}); err != nil {
			t.Fatal(err)
		}
		back, err := ParseString(b.String(), "back")
		if err != nil {
			t.Fatalf("%v\n%s", err, b.String())
		}
		be := back.Edge("x", "y", Directed, 0)
		if be.Moderator != "z" || be.ModeratorPrior == nil || be.ModeratorPrior.String() != e.ModeratorPrior.String() {
			t.Errorf("split=%v: round trip lost the moderator:\n%s", split, b.String())
		}
	}
	c := m.Clone()
	c.Edge("x", "y", Directed, 0).ModeratorPrior.Params[0] = 9
	if e.ModeratorPrior.Params[0] != 0 {
		t.Error("Clone shares the moderator prior")
	}
}

func TestModeratorErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`dag { x -> y [moderator="z"]; w -> y; z -> w }`, `edge x -> y: moderator z is not a parent of y; add the edge z -> y`},
		{`dag { x -> y [moderator="x"]; z -> y }`, `edge x -> y: the moderator is the edge's own parent x`},
		{`dag { x -> y [moderator="zz"]; z -> y }`, `edge x -> y: moderator "zz" is not a node of the model`},
		{`dag { x -> y [moderator="z"]; z -> y; z -> y [lag=1] }`, `moderator z enters y at lags 0 and 1`},
		{`dag { x -> y [moderator_prior="normal(0,1)"]; z -> y }`, `moderator_prior without moderator`},
		{`dag { x -> y [moderator="z", moderator_prior="gamma(2,2)"]; z -> y }`, `moderator_prior`},
		{`dag { x <-> y [moderator="z"]; z -> y }`, `bidirected edge has no strength, so no moderator`},
	} {
		_, err := ParseString(tc.src, "m.dag")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\n got %v\nwant …%s…", tc.src, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "m.dag:") {
			t.Errorf("error is not one line naming the file: %q", err)
		}
	}
}
