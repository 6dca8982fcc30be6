package table

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Output that is safe to open. Names in a model or a data file are chosen by
// whoever wrote the file, and the toolkit prints them in tables, CSV files
// and messages. These helpers keep such a name from acting as something
// else: a spreadsheet formula in a CSV cell, a terminal escape sequence in a
// message, or a megabyte of text in one line.

// CSVCell escapes a text cell against spreadsheet formula injection, as the
// OWASP "CSV Injection" advice recommends: a cell whose first character is
// '=', '+', '-', '@', a tab or a carriage return gets a leading apostrophe,
// which spreadsheets show as text and do not evaluate. Cells that are
// numbers ("-0.5", "+1", "-1e-05", "-Inf") are left alone, and so is a lone
// "+" or "-" (a sign, with no formula to run), so that numeric columns stay
// numeric and sign columns read as signs.
func CSVCell(s string) string {
	if !formulaLike(s) {
		return s
	}
	return "'" + s
}

// formulaLike reports whether a spreadsheet might evaluate s.
func formulaLike(s string) bool {
	if s == "" || s == "+" || s == "-" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
	default:
		return false
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return false
	}
	return true
}

// UnescapeCSVCell undoes CSVCell for a cell this package wrote.
func UnescapeCSVCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && formulaLike(s[1:]) {
		return s[1:]
	}
	return s
}

// CSVWriter is an encoding/csv Writer that passes every cell through
// CSVCell: the writer for CSV files people open in a spreadsheet (tables,
// edges.csv, summary.csv, draws of a query). It is not for CmdStan chain
// files, whose header rstan reads as written (their column names are made
// of letters, digits and underscores only; see fit.CSVName).
type CSVWriter struct {
	*csv.Writer
	row []string
}

// NewCSVWriter returns a CSVWriter writing to w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{Writer: csv.NewWriter(w)} }

// Write writes one record, its cells escaped with CSVCell.
func (w *CSVWriter) Write(record []string) error {
	w.row = w.row[:0]
	for _, c := range record {
		w.row = append(w.row, CSVCell(c))
	}
	return w.Writer.Write(w.row)
}

// WriteAll writes the records with Write and flushes.
func (w *CSVWriter) WriteAll(records [][]string) error {
	for _, r := range records {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// Printable returns s with every character that is not printable escaped
// as strconv.Quote escapes it (without the surrounding quotes): control
// characters such as ESC become \x1b, a newline \n, bidirectional and
// other format characters \u202e, and invalid UTF-8 bytes \xff. A name
// printed on a terminal can then not move the cursor, change colours or
// reorder the text around it.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}

// Shorten returns s unchanged if it has at most n characters, and
// otherwise its first n characters followed by "…(N bytes)", N being the
// length of the whole of s.
func Shorten(s string, n int) string { return shorten(s, n, len(s)) }

// shorten cuts s after n characters and says the original had size bytes.
func shorten(s string, n, size int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	k, i := 0, 0
	for i < len(s) && k < n {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
		k++
	}
	return fmt.Sprintf("%s…(%d bytes)", s[:i], size)
}

// ShowLimit is how many characters of a name or cell Show keeps.
const ShowLimit = 60

// Show is how a message names something a user's file chose (a node, a
// column, a cell): control characters escaped with Printable and the text
// shortened to ShowLimit characters with Shorten (N counts the bytes of s
// itself).
func Show(s string) string { return shorten(Printable(s), ShowLimit, len(s)) }

// textCellLimit is the longest cell Text prints whole.
const textCellLimit = 200

// SignCell is the cell of an expected-sign column: "+" for a positive
// sign, "−" (the minus sign U+2212, not a hyphen) for a negative one and
// "none" where no sign is expected, so that no sign reads like a dash.
func SignCell(sign int) string {
	switch {
	case sign > 0:
		return "+"
	case sign < 0:
		return "−"
	}
	return "none"
}

// messageLimit is the longest message Message prints whole, and
// messageWord the longest run of characters without a space it keeps.
const (
	messageLimit = 2000
	messageWord  = 200
)

// Message makes a one-line message safe to print on a terminal: control
// characters are escaped with Printable, every run of more than 200
// characters without a space (a huge name or cell quoted in the message)
// is shortened to ShowLimit characters with "…(N bytes)", and a message
// still longer than 2000 characters is cut there the same way.
func Message(s string) string {
	s = Printable(s)
	if len(s) > messageWord {
		words := strings.Split(s, " ")
		for i, w := range words {
			if utf8.RuneCountInString(w) > messageWord {
				words[i] = Shorten(w, ShowLimit)
			}
		}
		s = strings.Join(words, " ")
	}
	return Shorten(s, messageLimit)
}
