//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"dilemma/data"
	"dilemma/model"
)

// TestEndlessInput reads models and CSVs from sources that never end: a
// device of NUL bytes stops at once, a pipe of text at the size limit
// (lowered here), each with exit 1 and a one-line error.
func TestEndlessInput(t *testing.T) {
	oldCSV, oldModel := data.MaxCSVBytes, model.MaxModelBytes
	data.MaxCSVBytes, model.MaxModelBytes = 1<<20, 1<<20
	defer func() { data.MaxCSVBytes, model.MaxModelBytes = oldCSV, oldModel }()

	fifo := func(line string) string {
		path := filepath.Join(t.TempDir(), "fifo")
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Skip("no FIFOs here:", err)
		}
		go func() {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			defer f.Close()
			chunk := []byte(strings.Repeat(line, 1000))
			for {
				if _, err := f.Write(chunk); err != nil {
					return // the reader stopped
				}
			}
		}()
		return path
	}
	modelPath := writeFile(t, "m.dag", "dag { a -> b }\nsettings { a [column=\"a\"] b [column=\"b\"] }\n")
	cases := []struct {
		name string
		args func() []string
		want string
	}{
		{"model from /dev/zero", func() []string { return []string{"graph", "show", "/dev/zero"} }, "/dev/zero:1: a NUL byte"},
		{"model from a pipe", func() []string { return []string{"graph", "show", fifo("a -> b\n")} }, "larger than 1 MiB, the size limit of a model file"},
		{"CSV from /dev/zero", func() []string { return []string{"data", "validate", "/dev/zero"} }, "/dev/zero:1: a NUL byte"},
		{"CSV from a pipe", func() []string { return []string{"data", "validate", fifo("1,2\n")} }, "larger than 1 MiB, the size limit of a panel CSV"},
		{"chain CSV from /dev/zero", func() []string { return []string{"diagnose", "/dev/zero"} }, "/dev/zero:1: a NUL byte"},
		{"fit data from /dev/zero", func() []string { return []string{"fit", modelPath, "--data", "/dev/zero", "--out", t.TempDir() + "/f"} }, "/dev/zero:1: a NUL byte"},
		{"fit data from a pipe", func() []string {
			return []string{"fit", modelPath, "--data", fifo("1,2\n"), "--out", t.TempDir() + "/f"}
		}, "larger than 1 MiB, the size limit of a panel CSV"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, errOut, st := runCLI(t, c.args()...)
			if st != 1 {
				t.Errorf("exit %d, want 1; stderr %q", st, errOut)
			}
			if l := firstLineOf(errOut); !strings.Contains(l, c.want) {
				t.Errorf("first line %q lacks %q", l, c.want)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}
