package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPaperRobustnessFlags: the robustness flags need --robustness and
// are checked like the sampler flags, before any sampling; -h documents them.
func TestPaperRobustnessFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--robustness-warmup", "50"}, "need --robustness"},
		{[]string{"-j", "2"}, "need --robustness"},
		{[]string{"--robustness", "--robustness-samples", "3"}, "--robustness-samples 3"},
		{[]string{"--robustness", "-j", "0"}, "-j 0"},
	} {
		_, stderr, st := runCLI(t, append([]string{"paper", "--out", out}, tc.args...)...)
		if st != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: status %d, stderr %q", tc.args, st, stderr)
		}
	}
	stdout, _, _ := runCLI(t, "paper", "-h")
	for _, want := range []string{"--robustness", "robustness-warmup", "specification curve"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("paper -h lacks %q", want)
		}
	}
}
