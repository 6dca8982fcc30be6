package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// bindCSV writes a panel of 12 units × 10 months with columns a and b
// (b = 0.6 a + noise), a continuous cont, a 0/1 bin, an ordered ord (0–4)
// and ord7 (0–4 and one 7), and returns its path.
func bindCSV(t *testing.T, dir string) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	var b strings.Builder
	b.WriteString("iso3,month,a,b,cont,bin,ord,ord7\n")
	row := 0
	for u := 0; u < 12; u++ {
		ua := 0.3 * rng.NormFloat64()
		for m := 1; m <= 10; m++ {
			a := ua + rng.NormFloat64()
			y := 0.6*a + 0.5*rng.NormFloat64()
			ord := row % 5
			ord7 := ord
			if row == 17 {
				ord7 = 7
			}
			fmt.Fprintf(&b, "U%02d,2020-%02d,%.4f,%.4f,%.3f,%d,%d,%d\n", u, m, a, y, rng.Float64(), rng.IntN(2), ord, ord7)
			row++
		}
	}
	path := filepath.Join(dir, "my.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCLIBindingChecks runs each binding and data check through the command
// line: exit status, the first line on stderr, and no output left behind.
func TestCLIBindingChecks(t *testing.T) {
	dir := t.TempDir()
	csvPath := bindCSV(t, dir)
	model := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mixed := filepath.Join(dir, "mixed.csv")
	os.WriteFile(mixed, []byte("iso3,month,x\nA,2020-01,1\nA,2020-02,n/a\nA,2020-03,3\nA,2020-04,oops\nA,2020-05,5\n"), 0o644)
	cases := []struct {
		name   string
		args   []string
		status int
		first  string // the first line of stderr contains this
	}{
		{"node without data", []string{"fit", model("nodata.dag", "dag { a -> B2 }"), "--data", csvPath},
			1, `dilemma fit: ` + filepath.Join(dir, "nodata.dag") + `:1:12: node B2 has no data: no column= and no column "B2" in ` + csvPath + ` (nearest: b)`},
		{"absent column=", []string{"fit", model("absent.dag", "dag { a -> b }\nsettings { b [column=\"bb\"] }"), "--data", csvPath},
			1, `node b: column "bb" is not in ` + csvPath + ` (nearest: b)`},
		{"continuous root declared bernoulli", []string{"fit", model("root.dag", "dag { cont -> b }\nsettings { cont [family=\"bernoulli\"] }"), "--data", csvPath},
			1, `node "cont" (column "cont"): bernoulli needs 0 or 1, got`},
		{"ordered value outside the levels", []string{"fit", model("ord7.dag", "dag { a -> ord7 }\nsettings { ord7 [family=\"ordered\"] }"), "--data", csvPath},
			1, `node "ord7" (column "ord7"): ordered categories are 0 … K−1, each observed, but levels 5, 6 never occur while 7 does (` + csvPath + ` line 19)`},
		{"two nodes one column", []string{"fit", model("twice.dag", "dag { a -> b; c -> b }\nsettings { c [column=\"a\", transform=\"standardize\"] }"), "--data", csvPath},
			1, `nodes a and c both read column "a"`},
		{"latent with one indicator", []string{"fit", model("one.dag", "dag { a -> L -> b }\nsettings { L [latent, indicators=\"cont\"] }"), "--data", csvPath},
			1, `node "L" (column "cont"): a latent node with one indicator is not identified`},
		{"typo is a warning", []string{"graph", "show", model("typo.dag", "dag { a -> b }\nsettings { a [transfrom=\"log1p\"] a -> b [lags=1] }")},
			0, `warning: ` + filepath.Join(dir, "typo.dag") + `:2:15: node a: unknown attribute "transfrom" (did you mean transform?)`},
		{"famliy", []string{"graph", "export", model("famliy.dag", "dag { a -> b [famliy=\"ordered\"] }")},
			0, `edge a -> b: unknown attribute "famliy" (did you mean family? it is a node attribute)`},
		{"strict graph show", []string{"graph", "show", "--strict", filepath.Join(dir, "typo.dag")},
			1, `dilemma graph show: ` + filepath.Join(dir, "typo.dag") + `:2:15: node a: unknown attribute "transfrom" (did you mean transform?); --strict refuses`},
		{"strict foreign attribute", []string{"--strict", "graph", "dsep", model("color.dag", "dag { a -> b -> c\n a [color=\"red\"] }"), "a", "c"},
			1, `node a: unknown attribute "color" (neither dilemma nor dagitty reads it`},
		{"strict fit", []string{"fit", filepath.Join(dir, "typo.dag"), "--data", csvPath, "--strict"},
			1, `dilemma fit: ` + filepath.Join(dir, "typo.dag") + `:2:15`},
		{"strict paper", []string{"paper", "--strict", "--traditional", filepath.Join(dir, "color.dag"), "--data", csvPath},
			1, `dilemma paper: ` + filepath.Join(dir, "color.dag") + `:2:5: node a: unknown attribute "color"`},
		{"strict keeps dagitty's own", []string{"graph", "show", "--strict", model("dagitty.dag", "dag { a [adjusted, pos=\"0,1\"] b [selected]\n a -> b [pos=\"0.5,0.5\"] }")},
			0, ""},
		{"numeric column with text cells", []string{"data", "validate", mixed},
			1, `dilemma data validate: ` + mixed + `: 2 problem(s)`},
		{"describe does not call it text", []string{"data", "describe", mixed},
			1, mixed + `:3: column "x": "n/a" in a numeric column`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := c.args
			if args[0] == "fit" || args[0] == "paper" {
				args = append(append([]string(nil), args...), "--out", out)
			}
			stdout, stderr, st := runCLI(t, args...)
			if st != c.status {
				t.Fatalf("status %d, want %d; stderr %q", st, c.status, stderr)
			}
			first, _, _ := strings.Cut(stderr, "\n")
			if c.first == "" && strings.Contains(stderr, "warning") {
				t.Errorf("unexpected warning: %q", stderr)
			}
			if !strings.Contains(first, c.first) {
				t.Errorf("first stderr line %q, want it to contain %q", first, c.first)
			}
			if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
				t.Errorf("Go trace: %q", stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s left behind", out)
			}
			if c.name == "numeric column with text cells" {
				for _, w := range []string{mixed + `:3: column "x": "n/a" in a numeric column`, mixed + `:5: column "x": cannot parse "oops"`} {
					if !strings.Contains(stdout, w) {
						t.Errorf("validate output %q lacks %q", stdout, w)
					}
				}
			}
		})
	}
}

// TestCLISameNameFit fits a plain dagitty graph whose nodes are the CSV's
// columns, then queries the fit and tests the graph's implications on the
// same CSV: every command binds the same way.
func TestCLISameNameFit(t *testing.T) {
	dir := t.TempDir()
	csvPath := bindCSV(t, dir)
	modelPath := filepath.Join(dir, "plain.dag")
	os.WriteFile(modelPath, []byte("dag { a -> b; a -> bin }\n"), 0o644)
	out := filepath.Join(dir, "fit")
	stdout, stderr, st := runCLI(t, "fit", modelPath, "--data", csvPath, "--chains", "2", "--warmup", "300", "--samples", "300", "--out", out, "--format", "csv")
	if st != 0 {
		t.Fatalf("fit: status %d: %s", st, stderr)
	}
	for _, w := range []string{`data: a: column "a" (same name)`, `data: b: column "b" (same name)`,
		`note: bin: column bin holds only 0 and 1 but is fitted as gaussian`} {
		if !strings.Contains(stderr, w) {
			t.Errorf("fit header lacks %q:\n%s", w, stderr)
		}
	}
	// b = 0.6 a + noise
	found := false
	for _, line := range strings.Split(stdout, "\n") {
		f := strings.Split(line, ",")
		if len(f) > 3 && f[0] == "a -> b" {
			found = true
			mean, err := strconv.ParseFloat(f[2], 64)
			if err != nil || mean < 0.45 || mean > 0.75 {
				t.Errorf("a -> b: %q (truth 0.6)", line)
			}
		}
	}
	if !found {
		t.Fatalf("no a -> b row in %q", stdout)
	}
	if _, stderr, st := runCLI(t, "query", out, "do(a = +1)", "--outcome", "b"); st != 0 {
		t.Errorf("query on the fit: %d %s", st, stderr)
	}
	stdout, stderr, st = runCLI(t, "graph", "implications", modelPath, "--data", csvPath, "--json")
	if st != 0 || !strings.Contains(stdout, `"n": 120`) {
		t.Errorf("implications on the same-name columns: %d %s %s", st, stdout, stderr)
	}
}

// readmeExample returns the code block that follows the marker
// "<!-- readme-example: NAME -->" in the README.
func readmeExample(t *testing.T, readme, name string) string {
	t.Helper()
	_, rest, ok := strings.Cut(readme, "<!-- readme-example: "+name+" -->\n```\n")
	if !ok {
		t.Fatalf("README.md has no example %s", name)
	}
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatalf("README.md: example %s is not closed", name)
	}
	return block
}

// TestREADMEExample runs the README's plain dagitty graph on its inline CSV
// with the commands the README shows: the nodes bind to the same-named
// columns and the fit succeeds.
func TestREADMEExample(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "my.csv")
	modelPath := filepath.Join(dir, "my.dag")
	os.WriteFile(csvPath, []byte(readmeExample(t, string(b), "my.csv")), 0o644)
	os.WriteFile(modelPath, []byte(readmeExample(t, string(b), "my.dag")), 0o644)
	if out, stderr, st := runCLI(t, "data", "validate", csvPath); st != 0 || !strings.Contains(out, "ok (12 rows, 3 units, 4 periods") {
		t.Errorf("validate: %d %q %q", st, out, stderr)
	}
	if out, stderr, st := runCLI(t, "graph", "implications", modelPath, "--data", csvPath); st != 0 {
		t.Errorf("implications: %d %q %q", st, out, stderr)
	}
	_, stderr, st := runCLI(t, "fit", modelPath, "--data", csvPath, "--out", filepath.Join(dir, "fit-my"), "--strict",
		"--chains", "2", "--warmup", "200", "--samples", "200")
	if st != 0 {
		t.Fatalf("fit: %d %s", st, stderr)
	}
	for _, w := range []string{`data: aid: column "aid" (same name)`, `data: trust: column "trust" (same name)`, `data: closures: column "closures" (same name)`} {
		if !strings.Contains(stderr, w) {
			t.Errorf("fit header lacks %q", w)
		}
	}
}

// TestCLIExportKeepsAttributes: dagitty's own attributes and foreign ones
// round-trip through graph export; only the typo draws a warning.
func TestCLIExportKeepsAttributes(t *testing.T) {
	path := writeFile(t, "m.dag", "dag {\n  a [adjusted, pos=\"0,1\", color=\"red\", famliy=\"ordered\"]\n  b [selected, outcome]\n  a -> b [pos=\"0.5,0.5\", beta=\"0.3\"]\n}\n")
	out, stderr, st := runCLI(t, "graph", "export", path)
	if st != 0 {
		t.Fatalf("status %d: %s", st, stderr)
	}
	for _, w := range []string{"adjusted", `pos="0,1"`, `color="red"`, `famliy="ordered"`, "selected", "outcome", `beta="0.3"`} {
		if !strings.Contains(out, w) {
			t.Errorf("export lost %s:\n%s", w, out)
		}
	}
	if n := strings.Count(stderr, "warning:"); n != 1 || !strings.Contains(stderr, `"famliy" (did you mean family?)`) {
		t.Errorf("want one warning, about famliy: %q", stderr)
	}
}
