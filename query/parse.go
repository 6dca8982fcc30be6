package query

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is what an assignment does to its node.
type Kind int

const (
	// Set fixes the node at Value: do(x = 2), do(x = (-1)).
	Set Kind = iota + 1
	// Shift moves the node from its factual value by Value: do(x = +0.5).
	Shift
	// ShiftSD moves the node by Value standard deviations: do(x = +1sd).
	ShiftSD
	// Quantile sets the node to the unit's own Value quantile (0 … 1) of its
	// observed values: do(x = q90).
	Quantile
)

// Assignment is one node's intervention inside do(…).
type Assignment struct {
	Node  string
	Kind  Kind
	Value float64
	// Col is the 1-based column (in characters) of the node's name in the
	// query text, for error messages.
	Col int
	// Text is the assignment as written, without spaces ("x=+1sd").
	Text string
}

// String writes the assignment back in query syntax.
func (a Assignment) String() string {
	switch a.Kind {
	case Set:
		if a.Value < 0 {
			return fmt.Sprintf("%s = (%s)", a.Node, fmtNum(a.Value))
		}
		return fmt.Sprintf("%s = %s", a.Node, fmtNum(a.Value))
	case Shift:
		return fmt.Sprintf("%s = %s", a.Node, signed(a.Value))
	case ShiftSD:
		return fmt.Sprintf("%s = %ssd", a.Node, signed(a.Value))
	case Quantile:
		return fmt.Sprintf("%s = q%s", a.Node, fmtNum(100*a.Value))
	}
	return a.Node + " = ?"
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func signed(v float64) string {
	if v >= 0 {
		return "+" + fmtNum(v)
	}
	return fmtNum(v)
}

// Do is an intervention: one or more assignments applied together. The zero
// Do is "no intervention".
type Do struct {
	Assign []Assignment
	// Source is the text the intervention was parsed from.
	Source string
}

// IsZero reports whether d intervenes on nothing.
func (d Do) IsZero() bool { return len(d.Assign) == 0 }

// String writes d as do(a = …, b = …), or "no intervention".
func (d Do) String() string {
	if d.IsZero() {
		return "no intervention"
	}
	parts := make([]string, len(d.Assign))
	for i, a := range d.Assign {
		parts[i] = a.String()
	}
	return "do(" + strings.Join(parts, ", ") + ")"
}

// Nodes lists the intervened nodes in order.
func (d Do) Nodes() []string {
	out := make([]string, len(d.Assign))
	for i, a := range d.Assign {
		out[i] = a.Node
	}
	return out
}

// SyntaxError is a malformed query: Col is the 1-based column (in
// characters) where the problem was found.
type SyntaxError struct {
	Query string
	Col   int
	Msg   string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("query %q: column %d: %s", e.Query, e.Col, e.Msg)
}

// Parse reads an intervention written as do(NODE = VALUE, …). VALUE is
//
//	2, 0.5, 1e-3      set the node to that value (in the node's own units, or
//	                  on the fit's scale with Options.Scale Fit: see Units)
//	(-1.5)            a negative value to set: parenthesized
//	+0.5, -0.5        shift the node by that amount from its factual value
//	+1sd, -0.5sd      shift by that many standard deviations of the node
//	q90, q50          set to the unit's own 90% (50%) quantile of its values
//
// Errors are *SyntaxError values giving the column of the problem; a value
// that is not finite (NaN, Inf, Infinity, or 1e400, which overflows) is one.
func Parse(s string) (Do, error) { return parse(s, true) }

// ParseAssignments reads the assignments of an intervention with or without
// the do(…) around them: "x = +1sd, y = 0" (the --set flag of the
// counterfactual command).
func ParseAssignments(s string) (Do, error) { return parse(s, false) }

type scanner struct {
	src   string
	runes []rune
	pos   int // index into runes
}

func (sc *scanner) col() int { return sc.pos + 1 }

func (sc *scanner) skip() {
	for sc.pos < len(sc.runes) && unicode.IsSpace(sc.runes[sc.pos]) {
		sc.pos++
	}
}

func (sc *scanner) peek() rune {
	if sc.pos < len(sc.runes) {
		return sc.runes[sc.pos]
	}
	return 0
}

func (sc *scanner) errf(col int, format string, a ...any) error {
	return &SyntaxError{Query: sc.src, Col: col, Msg: fmt.Sprintf(format, a...)}
}

// describe names the character at the scanner's position for messages.
func (sc *scanner) describe() string {
	if sc.pos >= len(sc.runes) {
		return "the end of the query"
	}
	return fmt.Sprintf("%q", sc.runes[sc.pos])
}

func isNameStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isNameRune(r rune) bool {
	return r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func (sc *scanner) name() string {
	start := sc.pos
	for sc.pos < len(sc.runes) && isNameRune(sc.runes[sc.pos]) {
		sc.pos++
	}
	return string(sc.runes[start:sc.pos])
}

// number reads an unsigned decimal number (digits, optional fraction and
// exponent) and returns it with its text.
func (sc *scanner) number() (float64, string, bool) {
	start := sc.pos
	digits := 0
	for sc.pos < len(sc.runes) && unicode.IsDigit(sc.runes[sc.pos]) {
		sc.pos++
		digits++
	}
	if sc.peek() == '.' {
		sc.pos++
		for sc.pos < len(sc.runes) && unicode.IsDigit(sc.runes[sc.pos]) {
			sc.pos++
			digits++
		}
	}
	if digits == 0 {
		sc.pos = start
		return 0, "", false
	}
	if r := sc.peek(); r == 'e' || r == 'E' {
		save := sc.pos
		sc.pos++
		if r := sc.peek(); r == '+' || r == '-' {
			sc.pos++
		}
		ed := 0
		for sc.pos < len(sc.runes) && unicode.IsDigit(sc.runes[sc.pos]) {
			sc.pos++
			ed++
		}
		if ed == 0 {
			sc.pos = save
		}
	}
	text := string(sc.runes[start:sc.pos])
	v, err := strconv.ParseFloat(text, 64)
	if err != nil && !math.IsInf(v, 0) {
		sc.pos = start
		return 0, "", false
	}
	// An overflow comes back as ±Inf; finite() refuses it with its text.
	return v, text, true
}

// finite refuses a number that overflowed a float64 (1e400).
func (sc *scanner) finite(v float64, text string, col int) error {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return sc.errf(col, "%s is too large: a value must be a finite number (at most about 1.8e308 in size)", text)
	}
	return nil
}

// nonFinite refuses NaN, Inf and Infinity written as words, with a clear
// message instead of "expected a value".
func (sc *scanner) nonFinite(node string) error {
	save := sc.pos
	w := sc.name()
	sc.pos = save
	switch strings.ToLower(w) {
	case "nan", "inf", "infinity":
		return sc.errf(sc.col(), "%s is not a value %s can take: a value must be a finite number", w, node)
	}
	return nil
}

func parse(s string, needDo bool) (Do, error) {
	if !utf8.ValidString(s) {
		return Do{}, &SyntaxError{Query: s, Col: 1, Msg: "the query is not valid UTF-8"}
	}
	sc := &scanner{src: s, runes: []rune(s)}
	sc.skip()
	if sc.pos >= len(sc.runes) {
		return Do{}, sc.errf(1, "empty query; write do(NODE = VALUE), e.g. do(goodwill_signals = +1sd)")
	}
	wrapped := false
	save := sc.pos
	if w := sc.name(); w == "do" {
		sc.skip()
		if sc.peek() != '(' {
			return Do{}, sc.errf(sc.col(), "expected '(' after do, found %s", sc.describe())
		}
		sc.pos++
		wrapped = true
	} else {
		sc.pos = save
		if needDo {
			if w == "" {
				return Do{}, sc.errf(sc.col(), "a query starts with do(, found %s", sc.describe())
			}
			return Do{}, sc.errf(sc.col(), "a query starts with do(, found %q; write do(%s)", w, strings.TrimSpace(s))
		}
	}
	d := Do{Source: s}
	seen := map[string]int{}
	for {
		sc.skip()
		if wrapped && sc.peek() == ')' && len(d.Assign) == 0 {
			return Do{}, sc.errf(sc.col(), "do() names no node; write do(NODE = VALUE)")
		}
		a, err := sc.assignment()
		if err != nil {
			return Do{}, err
		}
		if c, dup := seen[a.Node]; dup {
			return Do{}, sc.errf(a.Col, "%s is assigned twice (first at column %d)", a.Node, c)
		}
		seen[a.Node] = a.Col
		d.Assign = append(d.Assign, a)
		sc.skip()
		switch r := sc.peek(); {
		case r == ',':
			sc.pos++
			continue
		case r == ')' && wrapped:
			sc.pos++
			sc.skip()
			if sc.pos < len(sc.runes) {
				return Do{}, sc.errf(sc.col(), "unexpected %s after the closing ')'", sc.describe())
			}
			return d, nil
		case sc.pos >= len(sc.runes):
			if wrapped {
				return Do{}, sc.errf(sc.col(), "missing ')' to close do(")
			}
			return d, nil
		default:
			want := "',' or ')'"
			if !wrapped {
				want = "','"
			}
			return Do{}, sc.errf(sc.col(), "expected %s after the value, found %s", want, sc.describe())
		}
	}
}

func (sc *scanner) assignment() (Assignment, error) {
	if !isNameStart(sc.peek()) {
		return Assignment{}, sc.errf(sc.col(), "expected a node name, found %s", sc.describe())
	}
	col := sc.col()
	start := sc.pos
	a := Assignment{Node: sc.name(), Col: col}
	sc.skip()
	if sc.peek() != '=' {
		return a, sc.errf(sc.col(), "expected '=' after %s, found %s", a.Node, sc.describe())
	}
	sc.pos++
	sc.skip()
	vcol := sc.col()
	switch r := sc.peek(); {
	case r == '+' || r == '-':
		sc.pos++
		sc.skip()
		if err := sc.nonFinite(a.Node); err != nil {
			return a, err
		}
		ncol := sc.col()
		v, text, ok := sc.number()
		if !ok {
			return a, sc.errf(sc.col(), "expected a number after %q, found %s", r, sc.describe())
		}
		if err := sc.finite(v, text, ncol); err != nil {
			return a, err
		}
		if r == '-' {
			v = -v
		}
		a.Kind, a.Value = Shift, v
		if sc.peek() == 's' {
			if w := sc.name(); w != "sd" {
				return a, sc.errf(sc.col()-utf8.RuneCountInString(w), "unknown unit %q after the number; the only unit is sd", w)
			}
			a.Kind = ShiftSD
		}
	case r == '(':
		sc.pos++
		sc.skip()
		neg := false
		if r := sc.peek(); r == '+' || r == '-' {
			neg = r == '-'
			sc.pos++
			sc.skip()
		}
		if err := sc.nonFinite(a.Node); err != nil {
			return a, err
		}
		ncol := sc.col()
		v, text, ok := sc.number()
		if !ok {
			return a, sc.errf(sc.col(), "expected a number inside the parentheses, found %s", sc.describe())
		}
		if err := sc.finite(v, text, ncol); err != nil {
			return a, err
		}
		if neg {
			v = -v
		}
		sc.skip()
		if sc.peek() != ')' {
			return a, sc.errf(sc.col(), "expected ')' after the number, found %s", sc.describe())
		}
		sc.pos++
		a.Kind, a.Value = Set, v
	case r == 'q' || r == 'Q':
		sc.pos++
		v, text, ok := sc.number()
		if !ok {
			return a, sc.errf(sc.col(), "expected a percentage after q (q90 is the unit's 90%% quantile), found %s", sc.describe())
		}
		if v < 0 || v > 100 {
			return a, sc.errf(vcol, "quantile q%s is outside q0 … q100", text)
		}
		a.Kind, a.Value = Quantile, v/100
	case unicode.IsDigit(r) || r == '.':
		v, text, ok := sc.number()
		if !ok {
			return a, sc.errf(sc.col(), "expected a number, found %s", sc.describe())
		}
		if err := sc.finite(v, text, vcol); err != nil {
			return a, err
		}
		if sc.peek() == 's' {
			return a, sc.errf(vcol, "%ssd has no sign: write +%ssd to shift by %s standard deviations (a value to set has no unit)", text, text, text)
		}
		a.Kind, a.Value = Set, v
	default:
		if err := sc.nonFinite(a.Node); err != nil {
			return a, err
		}
		return a, sc.errf(sc.col(), "expected a value after '=' (2, +0.5, +1sd, q90 or (-1)), found %s", sc.describe())
	}
	if r := sc.peek(); isNameRune(r) {
		return a, sc.errf(sc.col(), "unexpected %s after the value", sc.describe())
	}
	var b strings.Builder
	for _, r := range sc.runes[start:sc.pos] {
		if !unicode.IsSpace(r) {
			b.WriteRune(r)
		}
	}
	a.Text = b.String()
	return a, nil
}
