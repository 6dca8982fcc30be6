package model

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

type tokKind int

const (
	tEOF       tokKind = iota
	tID                // bareword: -?[0-9A-Za-z_.]+
	tString            // "…" (concatenations with + already joined)
	tLBrace            // {
	tRBrace            // }
	tLBrack            // [
	tRBrack            // ]
	tEq                // =
	tComma             // ,
	tArrow             // ->
	tBackArrow         // <-
	tBiArrow           // <->
)

func (k tokKind) String() string {
	switch k {
	case tEOF:
		return "end of file"
	case tID:
		return "name"
	case tString:
		return "string"
	case tLBrace:
		return "'{'"
	case tRBrace:
		return "'}'"
	case tLBrack:
		return "'['"
	case tRBrack:
		return "']'"
	case tEq:
		return "'='"
	case tComma:
		return "','"
	case tArrow:
		return "'->'"
	case tBackArrow:
		return "'<-'"
	case tBiArrow:
		return "'<->'"
	}
	return "token"
}

type token struct {
	kind tokKind
	text string // identifier or string value (unquoted)
	at   Position
}

func (t token) describe() string {
	switch t.kind {
	case tID:
		return fmt.Sprintf("%q", t.text)
	case tString:
		return fmt.Sprintf("string %q", t.text)
	}
	return t.kind.String()
}

// lexer splits a model file into tokens. Whitespace, newlines and ';'
// separate tokens and are otherwise ignored, as in dagitty. Comments run
// from '#' or '//' to the end of the line, or between '/*' and '*/'.
type lexer struct {
	file string
	src  string
	off  int // byte offset
	line int
	col  int
}

func newLexer(file, src string) *lexer {
	// A UTF-8 byte-order mark is not part of the text.
	src = strings.TrimPrefix(src, "\ufeff")
	return &lexer{file: file, src: src, line: 1, col: 1}
}

func (l *lexer) pos() Position { return Position{l.line, l.col} }

func (l *lexer) peekRune(k int) rune {
	off := l.off
	for i := 0; i < k; i++ {
		if off >= len(l.src) {
			return -1
		}
		_, n := utf8.DecodeRuneInString(l.src[off:])
		off += n
	}
	if off >= len(l.src) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(l.src[off:])
	return r
}

func (l *lexer) advance() rune {
	r, n := utf8.DecodeRuneInString(l.src[l.off:])
	l.off += n
	if r == '\n' {
		l.line++
		l.col = 1
	} else {
		l.col++
	}
	return r
}

func (l *lexer) errorf(at Position, format string, args ...any) *Error {
	return errAt(l.file, at, format, args...)
}

func isBare(r rune) bool {
	return r == '_' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

// skip passes over whitespace, ';' and comments.
func (l *lexer) skip() error {
	for l.off < len(l.src) {
		r := l.peekRune(0)
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == ';' || r == '\f' || r == '\v':
			l.advance()
		case r == '#' || (r == '/' && l.peekRune(1) == '/'):
			for l.off < len(l.src) && l.peekRune(0) != '\n' {
				l.advance()
			}
		case r == '/' && l.peekRune(1) == '*':
			at := l.pos()
			l.advance()
			l.advance()
			for {
				if l.off >= len(l.src) {
					return l.errorf(at, "unterminated comment: '/*' is never closed by '*/'")
				}
				if l.peekRune(0) == '*' && l.peekRune(1) == '/' {
					l.advance()
					l.advance()
					break
				}
				l.advance()
			}
		case r == utf8.RuneError:
			return l.errorf(l.pos(), "the file is not valid UTF-8")
		default:
			return nil
		}
	}
	return nil
}

// next returns the next token.
func (l *lexer) next() (token, error) {
	if err := l.skip(); err != nil {
		return token{}, err
	}
	at := l.pos()
	if l.off >= len(l.src) {
		return token{kind: tEOF, at: at}, nil
	}
	r := l.peekRune(0)
	one := func(k tokKind) (token, error) {
		l.advance()
		return token{kind: k, at: at}, nil
	}
	switch r {
	case '{':
		return one(tLBrace)
	case '}':
		return one(tRBrace)
	case '[':
		return one(tLBrack)
	case ']':
		return one(tRBrack)
	case '=':
		return one(tEq)
	case ',':
		return one(tComma)
	case '"':
		return l.str()
	case '-':
		switch r1 := l.peekRune(1); {
		case r1 == '>':
			l.advance()
			l.advance()
			return token{kind: tArrow, at: at}, nil
		case r1 == '-':
			mark := "--"
			if l.peekRune(2) == '@' {
				mark = "--@"
			}
			return token{}, l.errorf(at, "edge mark %q is not allowed in a dag: use ->, <- or <-> (undirected and circle marks belong to pdags, mags and pags)", mark)
		case isBare(r1):
			return l.bare()
		}
		return token{}, l.errorf(at, "unexpected '-' (an edge is written ->, <- or <->)")
	case '<':
		if l.peekRune(1) == '-' {
			switch l.peekRune(2) {
			case '>':
				l.advance()
				l.advance()
				l.advance()
				return token{kind: tBiArrow, at: at}, nil
			case '@':
				return token{}, l.errorf(at, "edge mark \"<-@\" is not allowed in a dag: use ->, <- or <-> (circle marks belong to pags)")
			}
			l.advance()
			l.advance()
			return token{kind: tBackArrow, at: at}, nil
		}
		return token{}, l.errorf(at, "unexpected '<' (an edge is written ->, <- or <->)")
	case '@':
		mark := "@"
		for i := 1; i < 3; i++ {
			if c := l.peekRune(i); c == '-' || c == '>' || c == '@' {
				mark += string(c)
			}
		}
		return token{}, l.errorf(at, "edge mark %q is not allowed in a dag: use ->, <- or <-> (circle marks belong to pags)", mark)
	}
	if isBare(r) {
		return l.bare()
	}
	if r < ' ' || r == 0x7f {
		return token{}, l.errorf(at, "unexpected control character %U", r)
	}
	return token{}, l.errorf(at, "unexpected character %q (names use letters, digits, '_' and '.'; quote other names: \"my name\")", r)
}

func (l *lexer) bare() (token, error) {
	at := l.pos()
	start := l.off
	if l.peekRune(0) == '-' {
		l.advance()
	}
	for l.off < len(l.src) && isBare(l.peekRune(0)) {
		l.advance()
	}
	return token{kind: tID, text: l.src[start:l.off], at: at}, nil
}

// str reads a quoted string: \" is a quote, \\ a backslash, a backslash
// before a line break continues the string on the next line; "a" + "b"
// concatenates, as in dagitty.
func (l *lexer) str() (token, error) {
	at := l.pos()
	var b strings.Builder
	for {
		open := l.pos()
		l.advance() // opening quote
		for {
			if l.off >= len(l.src) {
				return token{}, l.errorf(open, "unterminated string: the quote opened here is never closed")
			}
			r := l.peekRune(0)
			if r == '"' {
				l.advance()
				break
			}
			if r == '\n' || r == '\r' {
				return token{}, l.errorf(open, "unterminated string: the quote opened here is not closed before the end of the line")
			}
			if r == '\\' {
				l.advance()
				switch c := l.peekRune(0); c {
				case '"', '\\':
					l.advance()
					b.WriteRune(c)
				case '\n', '\r':
					for c := l.peekRune(0); c == '\n' || c == '\r'; c = l.peekRune(0) {
						l.advance()
					}
				default:
					b.WriteByte('\\')
				}
				continue
			}
			if r < ' ' && r != '\t' || r == 0x7f {
				return token{}, l.errorf(l.pos(), "control character %U inside a string", r)
			}
			if r == utf8.RuneError {
				return token{}, l.errorf(l.pos(), "the file is not valid UTF-8")
			}
			b.WriteRune(l.advance())
		}
		// Concatenation: "a" + "b".
		save := *l
		if err := l.skip(); err != nil {
			return token{}, err
		}
		if l.peekRune(0) == '+' {
			l.advance()
			if err := l.skip(); err != nil {
				return token{}, err
			}
			if l.peekRune(0) != '"' {
				return token{}, l.errorf(l.pos(), "'+' must be followed by a quoted string")
			}
			continue
		}
		*l = save
		return token{kind: tString, text: b.String(), at: at}, nil
	}
}
