package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// diagBern are Stan's own CmdStan files for 4 chains of the Bernoulli
// example (licence notice in the README beside them).
var diagBern = func() []string {
	var p []string
	for i := 1; i <= 4; i++ {
		p = append(p, filepath.Join("..", "..", "inference", "stancsv", "testdata", "stan_bern", fmt.Sprintf("bern%d.csv", i)))
	}
	return p
}()

func diagRun(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	status := run(args, &out, &errb)
	return out.String(), errb.String(), status
}

func diagWrite(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDiagnoseStanFilesText(t *testing.T) {
	out, errOut, status := diagRun(append([]string{"diagnose"}, diagBern...)...)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "parameter") || !strings.Contains(lines[0], "ess_bulk") {
		t.Errorf("header %q", lines[0])
	}
	// Bulk and tail ESS of Stan's unit tests, rounded: lp__ 1512.77/1591.97,
	// theta 1407.51/1291.71; R-hat 1.00073 and 1.00679.
	for _, want := range []string{"lp__", "1.001", "1513", "1592", "theta", "1.007", "1408", "1292", "no problems detected"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "accept_stat__") || strings.Contains(out, "energy__") {
		t.Errorf("sampler columns other than lp__ in the table:\n%s", out)
	}
	if !strings.Contains(errOut, "4 chain(s) of 1000 draws") {
		t.Errorf("stderr %q", errOut)
	}
}

func TestDiagnoseJSON(t *testing.T) {
	out, errOut, status := diagRun(append([]string{"diagnose", "--json", "--quiet"}, diagBern...)...)
	if status != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	var got struct {
		Parameters map[string]map[string]*float64 `json:"parameters"`
		Warnings   []map[string]string            `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	check := func(name, key string, want, tol float64) {
		t.Helper()
		v := got.Parameters[name][key]
		if v == nil || math.Abs(*v-want) > tol {
			t.Errorf("%s %s = %v, want %g", name, key, v, want)
		}
	}
	check("lp__", "ess_bulk", 1512.7684, 1e-4)
	check("lp__", "ess_tail", 1591.9707, 1e-4)
	check("lp__", "rhat", 1.00073, 1e-5)
	check("theta", "ess_bulk", 1407.5124, 1e-4)
	check("theta", "ess_tail", 1291.7131, 1e-4)
	check("theta", "rhat", 1.006789, 1e-5)
	check("theta", "mcse_mean", 0.00323, 1e-4)
	check("theta", "mean", 0.2512974105, 1e-9)
	for _, k := range []string{"mean", "sd", "q5", "q50", "q95", "rhat", "ess_bulk", "ess_tail", "mcse_mean", "mcse_sd"} {
		if _, ok := got.Parameters["theta"][k]; !ok {
			t.Errorf("theta lacks %q", k)
		}
	}
	if got.Warnings == nil || len(got.Warnings) != 0 {
		t.Errorf("warnings %v, want []", got.Warnings)
	}
	if strings.Index(out, `"lp__"`) > strings.Index(out, `"theta"`) {
		t.Error("parameters are not in file order")
	}
}

func TestDiagnoseFormats(t *testing.T) {
	for format, want := range map[string][]string{
		"csv":      {"parameter,mean,sd,q5,median,q95,rhat,ess_bulk,ess_tail,mcse_mean\n", "\ntheta,0.251297,"},
		"markdown": {"| parameter | mean |", "|:---|---:|", "| theta | 0.2513 |", "no problems detected"},
		"latex":    {"\\begin{tabular}{lrrrrrrrrr}\n\\toprule\n", "lp\\_\\_ & $-$7.287", "ess\\_bulk", "\\bottomrule\n\\end{tabular}\n"},
	} {
		out, errOut, status := diagRun(append([]string{"diagnose", "--format", format}, diagBern...)...)
		if status != 0 {
			t.Fatalf("%s: status %d: %s", format, status, errOut)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s output lacks %q:\n%s", format, w, out)
			}
		}
		if (format == "csv" || format == "latex") && strings.Contains(out, "problems") {
			t.Errorf("%s: warnings on stdout", format)
		}
	}
}

// diagCSV builds a small CmdStan file: 10 draws of a constant quantity c, a
// varying x, with the given divergent__ and treedepth__ columns.
func diagCSV(div, depth []int, xShift float64) string {
	var b strings.Builder
	b.WriteString("# model = m\n#     max_depth = 5\nlp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,c,x\n")
	for i := range div {
		fmt.Fprintf(&b, "%g,0.9,0.5,%d,3,%d,%g,7,%g\n", -float64(i%3), depth[i], div[i], float64((i*7)%5), xShift+float64((i*3)%7))
	}
	return b.String()
}

func TestDiagnoseWarningsAndNA(t *testing.T) {
	div := []int{0, 1, 0, 0, 0, 0, 0, 0, 0, 0}
	depth := []int{2, 5, 2, 3, 2, 5, 1, 2, 3, 2}
	a := diagWrite(t, "a.csv", diagCSV(div, depth, 0))
	b := diagWrite(t, "b.csv", diagCSV(make([]int, 10), []int{2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, 100))
	out, _, status := diagRun("diagnose", "--json", a, b)
	if status != 0 {
		t.Fatalf("status %d", status)
	}
	var got struct {
		Parameters map[string]map[string]any `json:"parameters"`
		Warnings   []map[string]string       `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	c := got.Parameters["c"]
	if c["rhat"] != nil || c["ess_bulk"] != nil || c["mean"] != 7.0 || !strings.Contains(fmt.Sprint(c["note"]), "constant") {
		t.Errorf("constant column: %v", c)
	}
	var kinds []string
	for _, w := range got.Warnings {
		kinds = append(kinds, w["kind"])
	}
	if strings.Join(kinds, ",") != "divergences,treedepth,rhat" {
		t.Errorf("warning kinds %v:\n%s", kinds, out)
	}
	if !strings.Contains(out, "1 of 20 transitions") || !strings.Contains(out, "2 of 20 transitions") || !strings.Contains(out, "maximum tree depth of 5") {
		t.Errorf("warning text:\n%s", out)
	}
	text, _, _ := diagRun("diagnose", a, b)
	for _, want := range []string{"NA", "Note: c has values that cannot be estimated", "Warning: 1 of 20 transitions", "adapt_delta"} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
}

func TestDiagnoseErrors(t *testing.T) {
	ragged := diagWrite(t, "ragged.csv", "lp__,x\n1,2\n3\n")
	notNum := diagWrite(t, "word.csv", "lp__,x\n1,2\n3,abc\n")
	other := diagWrite(t, "other.csv", "lp__,y\n1,2\n3,4\n")
	cases := []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"diagnose"}, 1, "no CSV files"},
		{[]string{"diagnose", "missing.csv"}, 1, "missing.csv"},
		{[]string{"diagnose", ragged}, 1, "ragged.csv:3: row has 1 fields, the header has 2"},
		{[]string{"diagnose", notNum}, 1, `word.csv:3: column 2 (x): "abc" is not a number`},
		{[]string{"diagnose", diagBern[0], other}, 1, "different columns"},
		{[]string{"diagnose", "--format", "html", diagBern[0]}, 1, `unknown table format "html"`},
	}
	for _, c := range cases {
		_, errOut, status := diagRun(c.args...)
		if status != c.status || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: status %d, stderr %q; want %d and %q", c.args, status, errOut, c.status, c.want)
		}
	}
	out, _, status := diagRun("diagnose", "-h")
	if status != 0 || !strings.Contains(out, "Usage: dilemma diagnose") || !strings.Contains(out, "Examples:") || !strings.Contains(out, "-json") {
		t.Errorf("help: status %d\n%s", status, out)
	}
}
