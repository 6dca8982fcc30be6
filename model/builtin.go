package model

import (
	"embed"
	"fmt"
	"slices"
	"strings"
)

//go:embed builtin/*.dag
var builtinFS embed.FS

// builtinInfo describes the built-in models in the order BuiltinNames lists
// them.
var builtinInfo = []struct{ name, summary string }{
	{"fig1", "traditional security dilemma (Figure 1): anarchy, uncertainty, fear, countermeasures, spiral"},
	{"fig2", "non-traditional (COVID-19) security dilemma (Figure 2): threat, unequal exposure, unilateralism"},
	{"fig2-remedies", "fig2 plus the three remedies: goodwill signals, external mechanism, interaction density"},
}

// BuiltinNames returns the names of the built-in models: fig1, fig2,
// fig2-remedies.
func BuiltinNames() []string {
	names := make([]string, len(builtinInfo))
	for i, b := range builtinInfo {
		names[i] = b.name
	}
	return names
}

// IsBuiltin reports whether name is a built-in model.
func IsBuiltin(name string) bool { return slices.Contains(BuiltinNames(), name) }

// BuiltinSummary returns a one-line description of a built-in model.
func BuiltinSummary(name string) string {
	for _, b := range builtinInfo {
		if b.name == name {
			return b.summary
		}
	}
	return ""
}

// BuiltinSource returns the model file of a built-in model.
func BuiltinSource(name string) (string, error) {
	if !IsBuiltin(name) {
		return "", fmt.Errorf("no built-in model called %q (built-ins: %s)", name, strings.Join(BuiltinNames(), ", "))
	}
	b, err := builtinFS.ReadFile("builtin/" + name + ".dag")
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Builtin parses a built-in model. Each call returns a fresh copy.
func Builtin(name string) (*Model, error) {
	src, err := BuiltinSource(name)
	if err != nil {
		return nil, err
	}
	return ParseString(src, name)
}
