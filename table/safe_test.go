package table

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestCSVCell(t *testing.T) {
	cases := []struct{ in, want string }{
		// text a spreadsheet would evaluate
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"-fear", "'-fear"},
		{"+1sd", "'+1sd"},
		// numbers and signs stay as they are
		{"-0.5", "-0.5"},
		{"+1", "+1"},
		{"-1e-05", "-1e-05"},
		{"-Inf", "-Inf"},
		{"-", "-"},
		{"+", "+"},
		{"", ""},
		{"fear", "fear"},
		{"b.x.y", "b.x.y"},
		{"NA", "NA"},
		{"a=b", "a=b"},
		{"−0.5", "−0.5"}, // U+2212 starts no formula
	}
	for _, c := range cases {
		if got := CSVCell(c.in); got != c.want {
			t.Errorf("CSVCell(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := UnescapeCSVCell(CSVCell(c.in)); got != c.in {
			t.Errorf("UnescapeCSVCell(CSVCell(%q)) = %q", c.in, got)
		}
	}
}

// TestTableCSVEscapesText: a table's CSV escapes text cells and header
// names but leaves negative numbers numeric, and reads back as the
// escaped cells.
func TestTableCSVEscapesText(t *testing.T) {
	tb := &Table{Columns: []string{"node", "=col", "mean"}, Rows: [][]string{
		{"=1+1", "@x", "-0.5"},
		{"-x", "ok", "-12"},
	}}
	var b bytes.Buffer
	if err := tb.Render(&b, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"node", "'=col", "mean"}, {"'=1+1", "'@x", "-0.5"}, {"'-x", "ok", "-12"}}
	for i := range want {
		for j := range want[i] {
			if rows[i][j] != want[i][j] {
				t.Errorf("row %d cell %d: %q, want %q", i, j, rows[i][j], want[i][j])
			}
		}
	}
}

func TestCSVWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewCSVWriter(&b)
	if err := w.WriteAll([][]string{{"draw", "=cmd"}, {"1", "-3.5"}}); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "draw,'=cmd\n1,-3.5\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPrintable(t *testing.T) {
	cases := []struct{ in, want string }{
		{"fear", "fear"},
		{"θ → x", "θ → x"},
		{"a\x1b[31mred", `a\x1b[31mred`},
		{"two\nlines\t", `two\nlines\t`},
		{"bell\a", `bell\a`},
		{"rtl\u202eevil", `rtl\u202eevil`},
		{"bad\xffbyte", `bad\xffbyte`},
		{"del\x7f", `del\x7f`},
	}
	for _, c := range cases {
		if got := Printable(c.in); got != c.want {
			t.Errorf("Printable(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestShortenAndShow(t *testing.T) {
	if got := Shorten("short", 60); got != "short" {
		t.Errorf("Shorten(short) = %q", got)
	}
	long := strings.Repeat("x", 100000)
	got := Show(long)
	if want := strings.Repeat("x", 60) + "…(100000 bytes)"; got != want {
		t.Errorf("Show(100000 x) = %q…", got[:70])
	}
	// characters, not bytes: a multi-byte name is cut on a rune boundary
	if got := Shorten(strings.Repeat("θ", 70), 60); got != strings.Repeat("θ", 60)+"…(140 bytes)" {
		t.Errorf("Shorten(θ×70) = %q", got)
	}
	if got := Show("\x1b[2J" + strings.Repeat("y", 80)); !strings.HasPrefix(got, `\x1b[2J`) || !strings.HasSuffix(got, "…(84 bytes)") {
		t.Errorf("Show(escape + 80 y) = %q", got)
	}
}

// TestTextEscapesAndShortens: a terminal table shows control characters
// escaped and a huge cell shortened, with the columns still aligned.
func TestTextEscapesAndShortens(t *testing.T) {
	tb := &Table{Columns: []string{"node", "n"}, Rows: [][]string{
		{"a\x1b[31m", "1"},
		{strings.Repeat("z", 5000), "2"},
	}, Align: []Align{Left, Right}}
	var b bytes.Buffer
	if err := tb.Text(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsRune(out, 0x1b) || !strings.Contains(out, `a\x1b[31m`) {
		t.Errorf("control character not escaped:\n%q", out)
	}
	if len(out) > 1000 || !strings.Contains(out, "…(5000 bytes)") {
		t.Errorf("huge cell not shortened (%d bytes)", len(out))
	}
}

func TestMarkdownEscapes(t *testing.T) {
	tb := &Table{Columns: []string{"transform", "note"}, Rows: [][]string{{"log1p|standardize", "*bold* `code` [x](y) <b>"}}}
	var b bytes.Buffer
	if err := tb.Markdown(&b); err != nil {
		t.Fatal(err)
	}
	row := strings.Split(strings.TrimSpace(b.String()), "\n")[2]
	want := "| log1p\\|standardize | \\*bold\\* \\`code\\` [x\\](y) \\<b> |"
	if row != want {
		t.Errorf("got  %s\nwant %s", row, want)
	}
}

func TestEscapeLaTeXMinusAndBar(t *testing.T) {
	cases := []struct{ in, want string }{
		{"-0.50", `$-$0.50`},
		{"[-0.12, 0.30]", `[$-$0.12, 0.30]`},
		{"−0.5", `$-$0.5`},
		{"−", `$-$`},
		{"1e-05", `1e$-$05`},
		{"-.5", `$-$.5`},
		{"self-help", `self-help`},
		{"x-1", `x-1`},
		{"log1p|standardize", `log1p\textbar{}standardize`},
		{"P ≥ 0.95 × 2", `P $\geq$ 0.95 $\times$ 2`},
		{"a\x1b", `a\textbackslash{}x1b`},
	}
	for _, c := range cases {
		if got := EscapeLaTeX(c.in); got != c.want {
			t.Errorf("EscapeLaTeX(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestMessage(t *testing.T) {
	huge := strings.Repeat("n", 1<<20)
	got := Message(`node "` + huge + `": has no data` + "\x1b[2J")
	want := `node "` + strings.Repeat("n", 59) + `…(1048579 bytes) has no data\x1b[2J`
	if got != want {
		t.Errorf("got %q", Shorten(got, 200))
	}
	if got := Message("fit: node \"fear\": has no data"); got != "fit: node \"fear\": has no data" {
		t.Errorf("a plain message changed: %q", got)
	}
}

// TestSignCell: a negative sign and no sign never print alike.
func TestSignCell(t *testing.T) {
	if SignCell(1) != "+" || SignCell(-1) != "−" || SignCell(0) != "none" {
		t.Errorf("SignCell: %q %q %q", SignCell(1), SignCell(-1), SignCell(0))
	}
	if EscapeLaTeX(SignCell(-1)) != `$-$` || CSVCell(SignCell(-1)) != "−" || CSVCell(SignCell(1)) != "+" {
		t.Error("sign cells in LaTeX or CSV")
	}
}
