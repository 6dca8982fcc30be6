package model

import (
	"bytes"
	"strings"
	"testing"
)

// time_effects= takes none, fixed or random-walk, is written back by
// Export, and a bad value is an error naming the file and the choices.
func TestTimeEffectsAttribute(t *testing.T) {
	m, err := ParseString(`dag { x -> y
 y [time_effects="random-walk"] }`, "te.dag")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Node("y").TimeEffects; got != "random-walk" {
		t.Fatalf("TimeEffects %q", got)
	}
	var out bytes.Buffer
	if err := m.Export(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `time_effects="random-walk"`) {
		t.Errorf("export lost time_effects:\n%s", out.String())
	}
	_, err = ParseString("dag { x -> y\n y [time_effects=\"weekly\"] }", "bad.dag")
	if err == nil || !strings.Contains(err.Error(), "bad.dag") || !strings.Contains(err.Error(), "random-walk") {
		t.Errorf("bad time_effects: %v", err)
	}
}
