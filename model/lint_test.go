package model

import (
	"strings"
	"testing"
)

func TestLint(t *testing.T) {
	cases := []struct {
		name, src string
		want      string // "" = no lint
		close     bool
	}{
		{"transfrom", `a [column="x", transfrom="log1p"]`, `1:16: node a: unknown attribute "transfrom" (did you mean transform?)`, true},
		{"famliy", `a [famliy="ordered"]`, `node a: unknown attribute "famliy" (did you mean family?)`, true},
		{"Family case", `a [Family="ordered"]`, `(did you mean family?)`, true},
		{"lags on an edge", `a -> b [lags=1]`, `1:9: edge a -> b: unknown attribute "lags" (did you mean lag?)`, true},
		{"lags on a node", `a [lags=1]`, `node a: unknown attribute "lags" (did you mean lag? it is an edge attribute)`, true},
		{"lag on a node", `a [lag=1]`, `node a: lag is an edge attribute, not read here`, true},
		{"column on an edge", `a -> b [column="x"]`, `edge a -> b: column is a node attribute, not read here`, true},
		{"sing", `a -> b [sing="+"]`, `(did you mean sign?)`, true},
		{"indicator", `a [latent, indicator="x,y"]`, `(did you mean indicators?)`, true},
		{"prior typo on an edge", `a -> b [prior_="normal(0,1)"]`, `(did you mean prior?)`, true},
		{"in settings", "dag { a -> b }\nsettings {\n  b [colum=\"x\"]\n}", `3:6: node b: unknown attribute "colum" (did you mean column?)`, true},
		{"foreign", `a [color="red"]`, `node a: unknown attribute "color" (neither dilemma nor dagitty reads it`, false},
		{"foreign short", `a -> b [size=2]`, `unknown attribute "size" (neither`, false},
		{"dagitty adjusted", `a [adjusted, pos="1,2"]`, "", false},
		{"dagitty selected", `a [selected]`, "", false},
		{"dagitty edge pos", `a -> b [pos="0.5,0.3"]`, "", false},
		{"ours", `a [exposure, outcome, latent, label="A", role="root", quality="good"]`, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := mustParse(t, c.src)
			ls := m.Lint()
			if c.want == "" {
				if len(ls) != 0 {
					t.Fatalf("unexpected lint %v", ls[0])
				}
				return
			}
			if len(ls) != 1 {
				t.Fatalf("got %d lints, want 1", len(ls))
			}
			if !strings.Contains(ls[0].Error(), c.want) || ls[0].Close() != c.close {
				t.Errorf("lint %q (close %v), want %q (close %v)", ls[0].Error(), ls[0].Close(), c.want, c.close)
			}
		})
	}
}

// TestLintRoundTrip keeps dagitty's attributes and foreign ones through
// export, lint or not.
func TestLintRoundTrip(t *testing.T) {
	src := "dag {\n  a [adjusted, pos=\"1,2\", color=\"red\", transfrom=\"log1p\"]\n  a -> b [pos=\"0.5,0.3\", beta=\"0.4\", lags=1]\n}\n"
	m := mustParse(t, src)
	var b strings.Builder
	if err := m.Export(&b); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"adjusted", `color="red"`, `transfrom="log1p"`, `beta="0.4"`, `lags="1"`} {
		if !strings.Contains(b.String(), w) && !strings.Contains(b.String(), strings.ReplaceAll(w, `"`, "")) {
			t.Errorf("export lost %s:\n%s", w, b.String())
		}
	}
	back := mustParse(t, b.String())
	if d := diffModels(normalized(m), normalized(back)); d != "" {
		t.Errorf("round trip: %s", d)
	}
	if len(back.Lint()) != 3 {
		t.Errorf("lints after the round trip: %v", back.Lint())
	}
}

func TestBuiltinsLintClean(t *testing.T) {
	for _, name := range BuiltinNames() {
		m, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		if ls := m.Lint(); len(ls) != 0 {
			t.Errorf("%s: %v", name, ls[0])
		}
	}
}
