// Package table renders a table of strings as aligned plain text, CSV,
// Markdown or a LaTeX booktabs tabular, so that every command that prints a
// table offers the same --format choices. It knows nothing of what the cells
// mean: callers format their numbers first.
package table

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Align is the horizontal alignment of a column.
type Align int

const (
	Left  Align = iota // text: names, labels
	Right              // numbers
)

// Table is a header row and rows of cells. Rows shorter than Columns are
// padded with empty cells; longer rows are an error when rendered.
type Table struct {
	Columns []string
	Rows    [][]string
	// Align gives each column's alignment; columns beyond its length are
	// left-aligned.
	Align []Align
}

// Formats are the names Render accepts, in the order to list them in help.
var Formats = []string{"text", "csv", "markdown", "latex"}

// Render writes t in the named format: text, csv, markdown or latex.
func (t *Table) Render(w io.Writer, format string) error {
	switch format {
	case "text", "":
		return t.Text(w)
	case "csv":
		return t.CSV(w)
	case "markdown", "md":
		return t.Markdown(w)
	case "latex", "tex":
		return t.LaTeX(w)
	}
	return fmt.Errorf("unknown table format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// CheckFormat returns an error unless Render accepts format.
func CheckFormat(format string) error {
	switch format {
	case "text", "", "csv", "markdown", "md", "latex", "tex":
		return nil
	}
	return fmt.Errorf("unknown table format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

func (t *Table) align(j int) Align {
	if j < len(t.Align) {
		return t.Align[j]
	}
	return Left
}

// rows returns the rows padded to the number of columns.
func (t *Table) rows() ([][]string, error) {
	out := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		if len(r) > len(t.Columns) {
			return nil, fmt.Errorf("table: row %d has %d cells for %d columns", i+1, len(r), len(t.Columns))
		}
		row := make([]string, len(t.Columns))
		copy(row, r)
		out[i] = row
	}
	return out, nil
}

// Text writes the table as columns separated by two spaces, each padded to
// its widest cell, numbers right-aligned. Lines carry no trailing spaces.
func (t *Table) Text(w io.Writer) error {
	rows, err := t.rows()
	if err != nil {
		return err
	}
	width := make([]int, len(t.Columns))
	all := append([][]string{t.Columns}, rows...)
	for i, r := range all {
		r = append([]string(nil), r...)
		for j, c := range r {
			r[j] = shorten(Printable(c), textCellLimit, len(c))
		}
		all[i] = r
	}
	for _, r := range all {
		for j, c := range r {
			width[j] = max(width[j], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for _, r := range all {
		var line strings.Builder
		for j, c := range r {
			if j > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[j]-utf8.RuneCountInString(c))
			if t.align(j) == Right {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// CSV writes the table as RFC 4180 CSV with a header row, every cell
// escaped against formula injection with CSVCell (numbers stay numbers).
func (t *Table) CSV(w io.Writer) error {
	rows, err := t.rows()
	if err != nil {
		return err
	}
	cw := NewCSVWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// Markdown writes a GitHub-flavoured Markdown table. In cells, "|" and the
// characters that start inline markup (\ * ` < and the ] of a link's
// "](") are escaped with a backslash, line breaks become spaces and other control characters are
// escaped with Printable. Text columns are aligned left (:---), numbers
// right (---:).
func (t *Table) Markdown(w io.Writer) error {
	rows, err := t.rows()
	if err != nil {
		return err
	}
	var b strings.Builder
	line := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + escapeMarkdown(c) + " |")
		}
		b.WriteByte('\n')
	}
	line(t.Columns)
	b.WriteString("|")
	for j := range t.Columns {
		if t.align(j) == Right {
			b.WriteString("---:|")
		} else {
			b.WriteString(":---|")
		}
	}
	b.WriteByte('\n')
	for _, r := range rows {
		line(r)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func escapeMarkdown(s string) string {
	s = strings.ReplaceAll(s, "\r\n", " ")
	s = strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
	s = Printable(s)
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\\', r == '|', r == '*', r == '`', r == '<',
			r == ']' && strings.HasPrefix(s[i+1:], "("): // a link's "]("
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// LaTeX writes a tabular environment with booktabs rules (\toprule,
// \midrule, \bottomrule; the document needs \usepackage{booktabs}). Every
// cell is escaped with EscapeLaTeX.
func (t *Table) LaTeX(w io.Writer) error {
	rows, err := t.rows()
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(`\begin{tabular}{`)
	for j := range t.Columns {
		if t.align(j) == Right {
			b.WriteByte('r')
		} else {
			b.WriteByte('l')
		}
	}
	b.WriteString("}\n\\toprule\n")
	line := func(cells []string) {
		for j, c := range cells {
			if j > 0 {
				b.WriteString(" & ")
			}
			b.WriteString(EscapeLaTeX(c))
		}
		b.WriteString(" \\\\\n")
	}
	line(t.Columns)
	b.WriteString("\\midrule\n")
	for _, r := range rows {
		line(r)
	}
	b.WriteString("\\bottomrule\n\\end{tabular}\n")
	_, err = io.WriteString(w, b.String())
	return err
}

// EscapeLaTeX escapes the characters that LaTeX treats specially in text
// mode: \ & % $ # _ { } ~ ^, writes <, > and | as \textless{},
// \textgreater{} and \textbar{} (the default OT1 encoding prints them as ¡,
// ¿ and an em dash), and turns line breaks into spaces and other control
// characters into Printable escapes. A minus sign is typeset as $-$, not as
// a hyphen: the Unicode minus −, and a '-' that starts a number ("-0.5",
// "[-0.12, 0.30]", "1e-05"); a hyphen inside a word ("t-1" aside) stays a
// hyphen. The arrows -> and <-> of edge names become $\rightarrow$ and
// $\leftrightarrow$, and the few other symbols the toolkit prints (→ ← ↔ ≤
// ≥ × ± … – —) their LaTeX commands, so that the output compiles with
// pdfLaTeX's default encoding.
func EscapeLaTeX(s string) string {
	s = Printable(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s))
	var b strings.Builder
	prev := rune(0) // the previous character of s
	for i := 0; i < len(s); {
		// Arrows of edge names read as arrows.
		switch {
		case strings.HasPrefix(s[i:], "<->"):
			b.WriteString(`$\leftrightarrow$`)
			i += 3
			prev = '>'
			continue
		case strings.HasPrefix(s[i:], "->"):
			b.WriteString(`$\rightarrow$`)
			i += 2
			prev = '>'
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '\\':
			b.WriteString(`\textbackslash{}`)
		case '&', '%', '$', '#', '_', '{', '}':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '~':
			b.WriteString(`\textasciitilde{}`)
		case '^':
			b.WriteString(`\textasciicircum{}`)
		case '<':
			b.WriteString(`\textless{}`)
		case '>':
			b.WriteString(`\textgreater{}`)
		case '|':
			b.WriteString(`\textbar{}`)
		case '-':
			if minusSign(prev, s[i:]) {
				b.WriteString(`$-$`)
			} else {
				b.WriteByte('-')
			}
		default:
			if tex, ok := latexSymbols[r]; ok {
				b.WriteString(tex)
			} else {
				b.WriteRune(r)
			}
		}
		prev = r
	}
	return b.String()
}

// latexSymbols are the non-ASCII symbols the toolkit prints, in LaTeX.
var latexSymbols = map[rune]string{
	'−': `$-$`, '→': `$\rightarrow$`, '←': `$\leftarrow$`, '↔': `$\leftrightarrow$`,
	'≤': `$\leq$`, '≥': `$\geq$`, '×': `$\times$`, '±': `$\pm$`, '…': `\dots{}`,
	'–': `--`, '—': `---`, '≈': `$\approx$`, '·': `$\cdot$`, '⊕': `$\oplus$`, '⊖': `$\ominus$`,
}

// minusSign reports whether a '-' after prev and before rest is a minus
// sign: it precedes a digit (or a point and a digit) and follows no letter
// or digit, or follows the e of an exponent ("1e-05").
func minusSign(prev rune, rest string) bool {
	if rest == "" {
		return false
	}
	c := rest[0]
	if c == '.' && len(rest) > 1 {
		c = rest[1]
	}
	if c < '0' || c > '9' {
		return false
	}
	if prev == 'e' || prev == 'E' {
		return true // an exponent; a word ending in e before a digit is rare
	}
	return !unicode.IsLetter(prev) && !unicode.IsDigit(prev)
}
