package model

import (
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary text to the parser: it must never panic, and
// whatever it accepts must export to text that parses back to the same
// model.
func FuzzParse(f *testing.F) {
	for _, name := range BuiltinNames() {
		src, _ := BuiltinSource(name)
		f.Add(src)
	}
	for _, c := range adjustCases {
		f.Add(c.src)
	}
	f.Add(`dag G { bb="0,0,1,1" x [exposure,pos="1,2"] "a b" [latent] x -> y [lag=1,sign="-",prior="normal(0,1)"] y <-> z }`)
	f.Add("a -> b\nsettings { b [column=\"c\" transform=\"log1p\"] a -> b [sign=\"+\"] }")
	f.Add(`a [label="x" + "y"] /* c */ # d` + "\n" + `{a b} -> {c {d -> e}}`)
	f.Add("a -- b")
	f.Add(`a [label="unterminated`)
	f.Fuzz(func(t *testing.T, src string) {
		m, err := ParseString(src, "fuzz.dag")
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "fuzz.dag") {
				t.Fatalf("error without the file name: %q", msg)
			}
			return
		}
		// Identification must not panic either.
		if len(m.Nodes) >= 2 && len(m.Nodes) < 30 {
			names, _ := m.AnalysisNodes()
			m.DSeparated(names[:1], names[1:2], nil)
			m.Adjust(names[0], names[1], Total, nil)
			m.Implications()
		}
		out := m.String()
		back, err := ParseString(out, "exported.dag")
		if err != nil {
			t.Fatalf("export does not parse: %v\n%s\nfrom\n%s", err, out, src)
		}
		if d := diffModels(m, back); d != "" {
			t.Fatalf("round trip differs: %s\n%s", d, out)
		}
	})
}
