package data

import (
	"fmt"
	"strings"
)

// Error is one problem found in a data file. Line is 1-based as a text
// editor counts lines (the header is line 1); Column names the CSV column.
// Either may be zero or empty when the problem is not tied to one.
type Error struct {
	File   string
	Line   int
	Column string
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Column != "" {
		fmt.Fprintf(&b, "column %q: ", e.Column)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Problems is every problem validation found, in file order. Its Error
// method reports the first and how many more there are; range over it to
// print them all.
type Problems []*Error

func (p Problems) Error() string {
	switch len(p) {
	case 0:
		return "no problems"
	case 1:
		return p[0].Error()
	}
	return fmt.Sprintf("%s (and %d more problems)", p[0].Error(), len(p)-1)
}

// maxProblems bounds how many problems one load collects, so that a file
// of the wrong kind does not produce millions of lines.
const maxProblems = 200
