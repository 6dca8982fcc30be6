// Package table renders a table of strings as aligned plain text, CSV,
// Markdown or a LaTeX booktabs tabular, so that every command that prints a
// table offers the same --format choices. It knows nothing of what the cells
// mean: callers format their numbers first.
package table

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
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

// CSV writes the table as RFC 4180 CSV with a header row.
func (t *Table) CSV(w io.Writer) error {
	rows, err := t.rows()
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// Markdown writes a GitHub-flavoured Markdown table; "|" in cells is
// escaped and line breaks become spaces.
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
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\r\n", " ")
	return strings.ReplaceAll(s, "\n", " ")
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
// mode: \ & % $ # _ { } ~ ^, writes < and > as \textless{} and
// \textgreater{} (the default OT1 encoding prints them as ¡ and ¿), and
// turns line breaks into spaces. The arrows -> and <-> of edge names become
// $\rightarrow$ and $\leftrightarrow$.
func EscapeLaTeX(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		// Arrows of edge names read as arrows.
		switch {
		case strings.HasPrefix(s[i:], "<->"):
			b.WriteString(`$\leftrightarrow$`)
			i += 3
			continue
		case strings.HasPrefix(s[i:], "->"):
			b.WriteString(`$\rightarrow$`)
			i += 2
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
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
