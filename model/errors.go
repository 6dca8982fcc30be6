package model

import (
	"fmt"
	"strings"
)

// Position is a place in a model file: 1-based line and column (columns
// count characters, not bytes). The zero Position means "not from a file".
type Position struct {
	Line, Col int
}

// IsValid reports whether p points into a file.
func (p Position) IsValid() bool { return p.Line > 0 }

func (p Position) String() string {
	if !p.IsValid() {
		return "-"
	}
	return fmt.Sprintf("%d:%d", p.Line, p.Col)
}

// Error is a problem with a model: a syntax error, an invalid attribute, a
// cycle. It reads "file:line:col: message" (or "file: message" when the
// problem has no single place, e.g. in a model built in code).
type Error struct {
	File string
	Line int // 1-based; 0 when not tied to a place
	Col  int // 1-based
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
	} else {
		b.WriteString("model")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

func errAt(file string, p Position, format string, args ...any) *Error {
	return &Error{File: file, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)}
}

// UnknownNodeError is returned by queries that name a node the model does
// not have.
type UnknownNodeError struct {
	Model string   // the model's name
	Name  string   // the name asked for
	Hint  string   // e.g. a close name, or how time slices are named
	Known []string // the names that would have been accepted
}

func (e *UnknownNodeError) Error() string {
	msg := fmt.Sprintf("unknown node %q in model %s", e.Name, e.Model)
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// NotIdentifiedError is the refusal of an adjustment query: no set of
// observed nodes identifies the effect, and Reason says why (usually an open
// path through a latent node or a bidirected edge).
type NotIdentifiedError struct {
	Exposure, Outcome string
	Effect            Effect
	Reason            string
	Path              Path // a path that stays open whatever is adjusted for, if any
}

func (e *NotIdentifiedError) Error() string {
	return fmt.Sprintf("the %s effect of %s on %s is not identified by adjustment: %s", e.Effect, e.Exposure, e.Outcome, e.Reason)
}
