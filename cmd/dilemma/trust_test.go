package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dilemma/inference"
)

// firstLineOf is the first line of s.
func firstLineOf(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// TestTamperedFitRefused runs commands that open a fit on a fit directory
// changed after the fit: each exits 1 with one line naming the file (and
// the line where there is one) and never prints a foreign file's content.
func TestTamperedFitRefused(t *testing.T) {
	orig := queryFitDir(t)
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(orig, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	chain1 := read("chain-1.csv")
	manifest := read("manifest.json")
	lines := strings.Split(string(chain1), "\n")
	var rows []int // line numbers (1-based) of the draws
	for i, l := range lines {
		if l != "" && l[0] != '#' && !strings.HasPrefix(l, "lp__") {
			rows = append(rows, i+1)
		}
	}
	secret := writeFile(t, "secret.txt", "root:x:0:0:TOPSECRET\n")
	cases := []struct {
		name  string
		file  string
		bytes []byte
		want  string
	}{
		{"number edited", "chain-1.csv", []byte(strings.Replace(string(chain1), lines[rows[3]-1], strings.Replace(lines[rows[3]-1], ".", ".9", 1), 1)),
			fmt.Sprintf("chain-1.csv:%d: changed after the fit", rows[3])},
		{"truncated", "chain-1.csv", []byte(strings.Join(lines[:rows[100]-1], "\n") + "\n"),
			fmt.Sprintf("chain-1.csv:%d: the file ends after 100 draws, the manifest records 300", rows[100]-1)},
		{"NaN", "chain-1.csv", []byte(strings.Replace(string(chain1), lines[rows[7]-1], nanField(lines[rows[7]-1], 8), 1)),
			fmt.Sprintf("chain-1.csv:%d: column", rows[7])},
		{"data is another file", "manifest.json", bytes.Replace(manifest, []byte(filepath.Join(filepath.Dir(orig), "panel.csv")), []byte(secret), 1),
			"has changed since the fit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, cmd := range [][]string{{"summary"}, {"query", "", "do(x = +1)", "--outcome", "y"}, {"plot", "", "--kind", "forest", "--out", filepath.Join(t.TempDir(), "x.png")}} {
				dir := filepath.Join(t.TempDir(), "fit")
				os.MkdirAll(dir, 0o755)
				for _, name := range []string{"chain-1.csv", "chain-2.csv", "manifest.json", "summary.csv", "edges.csv"} {
					os.WriteFile(filepath.Join(dir, name), read(name), 0o644)
				}
				os.WriteFile(filepath.Join(dir, c.file), c.bytes, 0o644)
				args := append([]string{cmd[0], dir}, cmd[1:]...)
				if len(cmd) > 1 {
					args = append([]string{cmd[0], dir}, cmd[2:]...)
				}
				out, errOut, st := runCLI(t, args...)
				if st != 1 {
					t.Errorf("%s: exit %d, want 1; stderr %q", cmd[0], st, errOut)
				}
				if l := firstLineOf(errOut); !strings.Contains(l, c.want) || c.name == "NaN" && !strings.Contains(l, "is NaN") {
					t.Errorf("%s: first line %q lacks %q", cmd[0], l, c.want)
				}
				if strings.Contains(out+errOut, "TOPSECRET") {
					t.Errorf("%s: output shows the foreign file", cmd[0])
				}
			}
		})
	}
}

// nanField replaces field k (0-based) of a CSV line by NaN.
func nanField(line string, k int) string {
	f := strings.Split(line, ",")
	f[k] = "NaN"
	return strings.Join(f, ",")
}

// TestProgressPlain feeds progress reports to the progress printer writing
// to a buffer (not a terminal): plain lines, no escape codes, nothing for a
// chain that has not reported, a line when a chain starts and at each tenth.
func TestProgressPlain(t *testing.T) {
	var buf bytes.Buffer
	e := &env{stdout: &bytes.Buffer{}, stderr: &buf}
	p := newProgress(e, 4)
	if p.tty {
		t.Fatal("a buffer taken for a terminal")
	}
	for it := 1; it <= 200; it++ {
		p.update(inference.Progress{Chain: 2, Iteration: it, Total: 200, Warmup: it <= 100, Elapsed: time.Duration(it) * time.Millisecond})
	}
	p.done()
	out := buf.String()
	if strings.ContainsRune(out, '\033') || strings.ContainsRune(out, '\r') {
		t.Errorf("escape codes in plain progress: %q", out)
	}
	ls := strings.Split(strings.TrimSpace(out), "\n")
	if len(ls) != 11 {
		t.Errorf("%d lines, want 11 (the start and each tenth):\n%s", len(ls), out)
	}
	for _, l := range ls {
		if !strings.HasPrefix(l, "chain 2: ") {
			t.Errorf("line %q is not chain 2's", l)
		}
	}
	if !strings.Contains(ls[len(ls)-1], "200/200") {
		t.Errorf("last line %q does not show the end", ls[len(ls)-1])
	}

	// On a terminal the chains that have not reported get no line either.
	buf.Reset()
	p = newProgress(e, 4)
	p.tty = true
	p.update(inference.Progress{Chain: 3, Iteration: 200, Total: 200})
	p.done()
	if out := buf.String(); strings.Contains(out, "chain 0") || strings.Count(out, "chain 3") != 2 || strings.Contains(out, "0/0") {
		t.Errorf("terminal progress: %q", out)
	}
}

// TestLargeGraphCommands shows and analyses a 5,000-node chain with a
// second parent per node through the command line (graph show took 197 s
// before the analysis graph was built once per command).
func TestLargeGraphCommands(t *testing.T) {
	var b strings.Builder
	b.WriteString("dag big {\n")
	for i := 1; i < 5000; i++ {
		fmt.Fprintf(&b, "  n%d -> n%d\n", i-1, i)
		if i > 2 {
			fmt.Fprintf(&b, "  n%d -> n%d\n", (i*7919)%(i-1), i)
		}
	}
	b.WriteString("}\n")
	path := writeFile(t, "big.dag", b.String())
	start := time.Now()
	out, errOut, st := runCLI(t, "graph", "show", path, "--json")
	if st != 0 || strings.Count(out, `"kind": "observed"`) != 5000 {
		t.Fatalf("graph show: exit %d, %d nodes; %s", st, strings.Count(out, `"kind": "observed"`), firstLineOf(errOut))
	}
	for _, args := range [][]string{
		{"graph", "adjust", path, "--exposure", "n10", "--outcome", "n4000"},
		{"graph", "dsep", path, "n0", "n4999", "--given", "n2500"},
	} {
		if _, errOut, st := runCLI(t, args...); st != 0 {
			t.Errorf("%s: exit %d: %s", args[1], st, firstLineOf(errOut))
		}
	}
	if d := time.Since(start); d > 60*time.Second {
		t.Errorf("took %v", d)
	}
}
