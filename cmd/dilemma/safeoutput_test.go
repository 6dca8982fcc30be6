package main

import (
	"encoding/csv"
	"strings"
	"testing"
)

// TestGraphShowSigns: the SIGN column tells a negative sign (−) from none.
func TestGraphShowSigns(t *testing.T) {
	path := writeFile(t, "signs.dag", `dag { a -> b [sign="-"]; b -> c [sign="+"]; a -> c }`)
	out, errOut, status := runCLI(t, "graph", "show", path)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	want := map[string]string{"a -> b": "−", "b -> c": "+", "a -> c": "none"}
	for _, line := range strings.Split(out, "\n") {
		for edge, sign := range want {
			if strings.HasPrefix(line, edge+" ") {
				if f := strings.Fields(line[len(edge):]); len(f) < 2 || f[1] != sign {
					t.Errorf("%s: line %q, want sign %s", edge, line, sign)
				}
				delete(want, edge)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("edges missing from graph show: %v\n%s", want, out)
	}
}

// TestGraphShowCSVEscapesFormulas: node names a spreadsheet would run
// come out of --format csv with a leading apostrophe.
func TestGraphShowCSVEscapesFormulas(t *testing.T) {
	path := writeFile(t, "evil.dag", `dag { -x -> "=HYPERLINK(1)"; "+y" -> -x }`)
	out, errOut, status := runCLI(t, "graph", "show", path, "--format", "csv")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	r := csv.NewReader(strings.NewReader(out))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, row := range rows {
		for _, c := range row {
			if c != "" && strings.ContainsRune("=+-@", rune(c[0])) && c != "-" && c != "+" {
				t.Errorf("cell %q would run as a formula", c)
			}
		}
	}
	if !strings.Contains(out, "'=HYPERLINK(1)") || !strings.Contains(out, "'-x") {
		t.Errorf("names not escaped:\n%s", out)
	}
}

// TestHugeNameShortenedInError: an error naming a huge node shows 60
// characters of it and its size.
func TestHugeNameShortenedInError(t *testing.T) {
	huge := strings.Repeat("n", 100000)
	path := writeFile(t, "huge.dag", "dag { "+huge+" -> a }")
	_, errOut, status := runCLI(t, "fit", path, "--data", writeFile(t, "d.csv", "iso3,month,a\nX,1,1\n"), "--out", t.TempDir()+"/f")
	if status != 1 {
		t.Fatalf("status %d, want 1: %.300s", status, errOut)
	}
	if len(errOut) > 1000 || !strings.Contains(errOut, "bytes)") {
		t.Errorf("error not shortened (%d bytes): %.300s", len(errOut), errOut)
	}
}
