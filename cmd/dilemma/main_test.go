package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/data"
)

// runCLI runs one command line in-process and returns its streams and status.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errb bytes.Buffer
	status = run(args, &out, &errb)
	return out.String(), errb.String(), status
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestHelpAndUnknown(t *testing.T) {
	out, _, st := runCLI(t, "help")
	if st != 0 || !strings.Contains(out, "data describe") {
		t.Errorf("help: status %d, output %q", st, out)
	}
	out, _, st = runCLI(t, "data", "describe", "-h")
	if st != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "-json") {
		t.Errorf("data describe -h: status %d, output %q", st, out)
	}
	_, errs, st := runCLI(t, "frobnicate")
	if st != 1 || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: status %d, stderr %q", st, errs)
	}
	_, errs, st = runCLI(t, "data", "describe", "--bogus")
	if st != 1 || !strings.Contains(errs, "bogus") {
		t.Errorf("bad flag: status %d, stderr %q", st, errs)
	}
}

func TestDataDescribeEmbedded(t *testing.T) {
	out, _, st := runCLI(t, "data", "describe", "--json")
	if st != 0 {
		t.Fatalf("status %d", st)
	}
	var s struct {
		Rows, Units, Periods int
		Columns              []struct {
			Name     string
			NonEmpty int `json:"non_empty"`
		}
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	if s.Rows != 6732 || s.Units != 187 || s.Periods != 36 || len(s.Columns) != 29 {
		t.Errorf("summary %+v", s)
	}
	out, _, st = runCLI(t, "data", "describe")
	if st != 0 || !strings.Contains(out, "6732 rows, 187 units, 36 periods") || !strings.Contains(out, "trade_pct_gdp") {
		t.Errorf("text describe: %d %q", st, out)
	}
}

func TestDataValidate(t *testing.T) {
	bad := writeFile(t, "bad.csv", "iso3,month,x\nA,2020-01,1\nA,2020-01,2\nB,2020-01,NaN\n")
	out, errs, st := runCLI(t, "data", "validate", bad)
	if st != 1 {
		t.Errorf("status %d, want 1", st)
	}
	if !strings.Contains(out, "bad.csv:3: column \"month\": duplicate row") || !strings.Contains(out, "bad.csv:4: column \"x\"") {
		t.Errorf("problems not all listed: %q", out)
	}
	if strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, "2 problem(s)") {
		t.Errorf("stderr is not one line naming the count: %q", errs)
	}
	good := writeFile(t, "good.csv", "iso3,month,x\nA,2020-01,1\nA,2020-02,2\n")
	out, _, st = runCLI(t, "data", "validate", good, "--range", "x=0:4", "--require", "x")
	if st != 0 || !strings.Contains(out, "ok") {
		t.Errorf("good file: %d %q", st, out)
	}
	_, errs, st = runCLI(t, "data", "validate", filepath.Join(t.TempDir(), "missing.csv"))
	if st != 1 || !strings.Contains(errs, "missing.csv") {
		t.Errorf("missing file: %d %q", st, errs)
	}
}

func TestVersion(t *testing.T) {
	out, _, st := runCLI(t, "version")
	if st != 0 || !strings.Contains(out, "sha256:") || !strings.Contains(out, "go1.") {
		t.Errorf("version: %d %q", st, out)
	}
}

// simulatedPanelCSV draws a panel from spec and writes it to dir/panel.csv,
// returning the path.
func simulatedPanelCSV(t *testing.T, dir string, spec data.SimSpec) string {
	t.Helper()
	p, _, err := data.Simulate(spec)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "panel.csv")
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if err := p.Frame.WriteCSV(fh); err != nil {
		t.Fatal(err)
	}
	return path
}
