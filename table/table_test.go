package table

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func sample() *Table {
	return &Table{
		Columns: []string{"parameter", "mean", "rhat"},
		Rows: [][]string{
			{"lp__", "-7.29", "1.001"},
			{"b_fear.unilateralism", "0.251", "1.007"},
			{"a|b & 50% $x$ #1 {y} ~z^2 \\", "NA"},
			{"θ.1", "12345.6", "1"},
		},
		Align: []Align{Left, Right, Right},
	}
}

func TestGolden(t *testing.T) {
	for _, format := range Formats {
		var b bytes.Buffer
		if err := sample().Render(&b, format); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "sample."+format+".golden")
		if *update {
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("%s output differs from %s:\n%s", format, path, b.String())
		}
	}
}

func TestTextAlignment(t *testing.T) {
	var b bytes.Buffer
	tb := &Table{Columns: []string{"n", "value"}, Rows: [][]string{{"θ", "1"}, {"long", "10.5"}}, Align: []Align{Left, Right}}
	if err := tb.Text(&b); err != nil {
		t.Fatal(err)
	}
	want := "n     value\nθ         1\nlong   10.5\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

func TestEscapeLaTeX(t *testing.T) {
	got := EscapeLaTeX(`b_fear & 50% $ # {x} ~ ^ \`)
	want := `b\_fear \& 50\% \$ \# \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{}`
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if got := EscapeLaTeX("a -> b, P > 0.99, p < 0.01"); got != `a $\rightarrow$ b, P \textgreater{} 0.99, p \textless{} 0.01` {
		t.Errorf("arrows and comparisons: %s", got)
	}
}

func TestErrors(t *testing.T) {
	tb := &Table{Columns: []string{"a"}, Rows: [][]string{{"1", "2"}}}
	for _, f := range Formats {
		if err := tb.Render(&bytes.Buffer{}, f); err == nil || !strings.Contains(err.Error(), "row 1 has 2 cells for 1 columns") {
			t.Errorf("%s: %v", f, err)
		}
	}
	if err := sample().Render(&bytes.Buffer{}, "html"); err == nil || !strings.Contains(err.Error(), "text, csv, markdown, latex") {
		t.Errorf("unknown format: %v", err)
	}
	if CheckFormat("latex") != nil || CheckFormat("xml") == nil {
		t.Error("CheckFormat")
	}
}
