package stancsv

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dilemma/inference"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func bernPath(i int) string {
	return filepath.Join("testdata", "stan_bern", fmt.Sprintf("bern%d.csv", i))
}

func readBern(t testing.TB) []*File {
	t.Helper()
	var fs []*File
	for i := 1; i <= 4; i++ {
		f, err := ReadFile(bernPath(i))
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	return fs
}

func TestReadStanFiles(t *testing.T) {
	fs := readBern(t)
	f := fs[0]
	want := "lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,theta"
	if got := strings.Join(f.Columns, ","); got != want {
		t.Errorf("columns %s", got)
	}
	if f.NumDraws() != 1000 || len(f.Draws) != 8 || f.Warmup != nil {
		t.Errorf("%d draws, %d columns, warmup %v", f.NumDraws(), len(f.Draws), f.Warmup != nil)
	}
	if f.StepSize != 0.883328 || len(f.InvMetric) != 1 || f.InvMetric[0] != 0.512256 || f.DenseMetric {
		t.Errorf("step size %g, inverse metric %v (dense %v)", f.StepSize, f.InvMetric, f.DenseMetric)
	}
	if !f.HasTiming || f.Timing.Warmup != 0.003 || f.Timing.Sampling != 0.009 {
		t.Errorf("timing %+v (has %v)", f.Timing, f.HasTiming)
	}
	for k, v := range map[string]string{
		"seed": "86520", "random.seed": "86520", "id": "1", "num_samples": "1000",
		"save_warmup": "false", "metric": "diag_e", "model": "bernoulli_model",
		"method": "sample", "method.sample.adapt.delta": "0.8",
		"method.sample.algorithm.hmc.engine.nuts.max_depth": "10",
		"data.file":   "/Users/mitzi/.cmdstan/cmdstan-2.35.0/examples/bernoulli/bernoulli.data.json",
		"output.file": "/Users/mitzi/github/stan-dev/cmdstanpy/test_csv_files/bernoulli-20241017141344_1.csv",
		"metric_file": "", "stancflags": "",
	} {
		if got, ok := f.Config[k]; !ok || got != v {
			t.Errorf("Config[%q] = %q (present %v), want %q", k, got, ok, v)
		}
	}
	// First and last rows of bern1.csv.
	if f.Draws[0][0] != -6.80778 || f.Draws[7][0] != 0.208532 {
		t.Errorf("first row: lp__ %g theta %g", f.Draws[0][0], f.Draws[7][0])
	}
	if fs[1].Config["id"] != "2" || fs[1].StepSize != 0.911571 || fs[1].Timing.Sampling != 0.01 {
		t.Errorf("bern2: id %s step %g timing %+v", fs[1].Config["id"], fs[1].StepSize, fs[1].Timing)
	}
	theta, err := Gather(fs, "theta")
	if err != nil {
		t.Fatal(err)
	}
	sum, n := 0.0, 0
	for _, c := range theta {
		for _, v := range c {
			sum += v
			n++
		}
	}
	// The pooled mean stated in the fixture's README.
	if n != 4000 || math.Abs(sum/float64(n)-0.2512974105) > 1e-9 {
		t.Errorf("pooled theta mean %.10g over %d draws", sum/float64(n), n)
	}
	if _, err := Gather(fs, "mu"); err == nil || !strings.Contains(err.Error(), `no column "mu"`) {
		t.Errorf("missing column: %v", err)
	}
	short := *fs[1]
	short.Draws = [][]float64{nil, nil, nil, nil, nil, nil, nil, {1, 2}}
	if _, err := Gather([]*File{fs[0], &short}, "theta"); err == nil || !strings.Contains(err.Error(), "equal lengths") {
		t.Errorf("unequal lengths: %v", err)
	}
}

func TestReadErrors(t *testing.T) {
	head := "# model = m\nlp__,accept_stat__,x\n-1,0.9,3\n"
	cases := []struct{ in, want string }{
		{head + "-1,0.9\n", "f.csv:4: row has 2 fields, the header has 3"},
		{head + "-1,0.9,3,4\n", "f.csv:4: row has more than the 3 fields of the header"},
		{head + "-1,abc,3\n", `f.csv:4: column 2 (accept_stat__): "abc" is not a number`},
		{head + "\n# c\n-1,0.9,\n", `f.csv:6: column 3 (x): "" is not a number`},
		{"# only comments\n", "f.csv: no header row"},
		{"a,,b\n", "f.csv:1: column 2 of the header has no name"},
		{"# Step size = fast\n", `f.csv:1: step size "Step size = fast" is not a number`},
	}
	for _, c := range cases {
		_, err := Read(strings.NewReader(c.in), "f.csv")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
		var pe *ParseError
		if err != nil && strings.Contains(c.want, ".csv:") && strings.Count(c.want, ":") > 1 && !errors.As(err, &pe) {
			t.Errorf("%v is not a *ParseError", err)
		}
	}
	// Special values as CmdStan and Go write them.
	f, err := Read(strings.NewReader("a,b,c,d,e\nnan,inf,-inf,NaN,+Inf\n"), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(f.Draws[0][0]) || !math.IsInf(f.Draws[1][0], 1) || !math.IsInf(f.Draws[2][0], -1) ||
		!math.IsNaN(f.Draws[3][0]) || !math.IsInf(f.Draws[4][0], 1) {
		t.Errorf("special values: %v", f.Draws)
	}
}

// fakeRun feeds a Sink a deterministic run of nparams quantities.
func fakeRun(s inference.Sink, info inference.RunInfo, dense bool) error {
	r := rand.New(rand.NewPCG(info.Seed, uint64(info.Chain)))
	if err := s.Begin(info); err != nil {
		return err
	}
	k := len(info.ParamNames)
	params := make([]float64, k)
	draw := func(warm bool, it int) error {
		for i := range params {
			params[i] = r.NormFloat64() * math.Pow(10, float64(i-1))
		}
		st := inference.Stats{
			LogDensity: -r.ExpFloat64() * 3, AcceptStat: r.Float64(), StepSize: 0.7312345678,
			TreeDepth: 1 + it%4, NumLeapfrog: 1<<(1+it%4) - 1, Divergent: it%17 == 5, Energy: r.ExpFloat64() * 4,
		}
		return s.Draw(st, params, warm)
	}
	if info.SaveWarmup {
		for it := 0; it < info.NumWarmup; it++ {
			if err := draw(true, it); err != nil {
				return err
			}
		}
	}
	inv := make([]float64, k)
	if dense {
		inv = make([]float64, k*k)
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				inv[i*k+j] = 1 / float64(1+i+j)
			}
		}
	} else {
		for i := range inv {
			inv[i] = 0.1 * float64(i+1) / 3
		}
	}
	if err := s.Adapted(inference.Adaptation{StepSize: 0.7312345678, InvMetric: inv, Dense: dense}); err != nil {
		return err
	}
	for it := 0; it < info.NumSamples; it++ {
		if err := draw(false, it); err != nil {
			return err
		}
	}
	return s.End(inference.Timing{Warmup: 1.5, Sampling: 2.25})
}

func testInfo() inference.RunInfo {
	return inference.RunInfo{
		Model: "fig2", ParamNames: []string{"theta.1", "theta.2", "b.fear.unilateralism"},
		Chain: 2, Seed: 4711, NumWarmup: 6, NumSamples: 10, SaveWarmup: true,
		MaxDepth: 10, AdaptDelta: 0.8, Metric: "diag_e", InitRadius: 2,
	}
}

// TestGolden compares the writer's output byte for byte with files that
// were checked by reading them with R (see TestRReadsOurFiles).
func TestGolden(t *testing.T) {
	for _, c := range []struct {
		file  string
		dense bool
		opts  Options
	}{
		{"golden_diag.csv", false, Options{OmitTiming: true}},
		{"golden_dense_full.csv", true, Options{FullPrecision: true, StartTime: "2025-01-02 03:04:05 UTC", DataFile: "data.json", OutputFile: "out_2.csv"}},
	} {
		info := testInfo()
		if c.dense {
			info.Metric = "dense_e"
		}
		var b bytes.Buffer
		if err := fakeRun(NewWriter(&b, c.opts), info, c.dense); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", c.file)
		if *update {
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("%s differs from the writer's output:\n%s", c.file, b.String())
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, full := range []bool{false, true} {
		for _, dense := range []bool{false, true} {
			info := testInfo()
			if dense {
				info.Metric = "dense_e"
			}
			rec := &recorder{}
			var b bytes.Buffer
			w := NewWriter(&b, Options{FullPrecision: full})
			if err := fakeRun(multi{w, rec}, info, dense); err != nil {
				t.Fatal(err)
			}
			f, err := Read(&b, "rt.csv")
			if err != nil {
				t.Fatal(err)
			}
			tol := 5e-6 // 6 significant digits
			if full {
				tol = 0
			}
			same := func(what string, got, want float64) {
				t.Helper()
				if !(math.Abs(got-want) <= tol*math.Abs(want)) {
					t.Errorf("full=%v dense=%v %s: read %.17g, wrote %.17g", full, dense, what, got, want)
				}
			}
			wantCols := append(append([]string{}, inference.SamplerColumns...), info.ParamNames...)
			if strings.Join(f.Columns, ",") != strings.Join(wantCols, ",") {
				t.Errorf("columns %v", f.Columns)
			}
			if f.NumDraws() != info.NumSamples || len(f.Warmup[0]) != info.NumWarmup {
				t.Fatalf("%d draws, %d warm-up", f.NumDraws(), len(f.Warmup[0]))
			}
			for i, row := range rec.rows {
				cols := f.Draws
				j := i - info.NumWarmup
				if j < 0 {
					cols, j = f.Warmup, i
				}
				for c, v := range row {
					same(fmt.Sprintf("row %d col %s", i, f.Columns[c]), cols[c][j], v)
				}
			}
			same("step size", f.StepSize, rec.adapt.StepSize)
			if f.DenseMetric != dense || len(f.InvMetric) != len(rec.adapt.InvMetric) {
				t.Fatalf("metric: dense %v, %d values", f.DenseMetric, len(f.InvMetric))
			}
			for i, v := range rec.adapt.InvMetric {
				same("inverse metric", f.InvMetric[i], v)
			}
			if !f.HasTiming || f.Timing.Warmup != 1.5 || f.Timing.Sampling != 2.25 {
				t.Errorf("timing %+v", f.Timing)
			}
			for k, v := range map[string]string{"id": "2", "seed": "4711", "save_warmup": "1", "num_warmup": "6", "model": "fig2", "metric": info.Metric} {
				if f.Config[k] != v {
					t.Errorf("Config[%s] = %q, want %q", k, f.Config[k], v)
				}
			}
		}
	}
}

// TestWarmupWithoutAdaptation reads saved warm-up draws from a file that has
// no adaptation block, using num_warmup.
func TestWarmupWithoutAdaptation(t *testing.T) {
	in := "# method = sample (Default)\n#   sample\n#     num_warmup = 2\n#     save_warmup = true\n#     thin = 1\nx\n1\n2\n3\n4\n5\n"
	f, err := Read(strings.NewReader(in), "w.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warmup[0]) != 2 || f.NumDraws() != 3 || f.Draws[0][0] != 3 {
		t.Errorf("warm-up %v, draws %v", f.Warmup, f.Draws)
	}
}

func TestWriterMisuse(t *testing.T) {
	info := testInfo()
	var b bytes.Buffer
	w := NewWriter(&b, Options{})
	if err := w.Draw(inference.Stats{}, []float64{1, 2, 3}, false); err == nil {
		t.Error("Draw before Begin accepted")
	}
	for _, names := range [][]string{{"a,b"}, {"x", "x"}, {""}, {"lp__"}, {"a\nb"}} {
		bad := info
		bad.ParamNames = names
		if err := NewWriter(&b, Options{}).Begin(bad); err == nil {
			t.Errorf("names %q accepted", names)
		}
	}
	if err := w.Begin(info); err != nil {
		t.Fatal(err)
	}
	if err := w.Draw(inference.Stats{}, []float64{1}, false); err == nil || !strings.Contains(err.Error(), "1 values for 3") {
		t.Errorf("short draw: %v", err)
	}
	if err := w.Adapted(inference.Adaptation{InvMetric: []float64{1, 2, 3}, Dense: true}); err == nil {
		t.Error("non-square dense metric accepted")
	}
	if err := w.Draw(inference.Stats{}, []float64{1, 2, 3}, true); err == nil {
		t.Error("warm-up draw after adaptation accepted")
	}
	if err := w.End(inference.Timing{}); err != nil {
		t.Fatal(err)
	}
	if err := w.End(inference.Timing{}); err == nil {
		t.Error("End twice accepted")
	}
	// A failing io.Writer reports its error.
	fw := NewWriter(failWriter{}, Options{})
	err := fakeRun(fw, info, false)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("failing writer: %v", err)
	}
}

func TestNumberFormat(t *testing.T) {
	w := NewWriter(nil, Options{})
	for v, want := range map[float64]string{
		0.5: "0.5", 1e-5: "1e-05", 1234567: "1.23457e+06", -6.807784: "-6.80778", 100000: "100000",
		3: "3", math.NaN(): "nan", math.Inf(1): "inf", math.Inf(-1): "-inf", 0.30000000000000004: "0.3",
	} {
		if got := w.num(v); got != want {
			t.Errorf("num(%g) = %q, want %q", v, got, want)
		}
	}
	full := NewWriter(nil, Options{FullPrecision: true})
	a, b := 0.1, 0.2
	if got := full.num(a + b); got != "0.30000000000000004" {
		t.Errorf("full precision: %q", got)
	}
}

type failWriter struct{}

func (failWriter) Write(p []byte) (int, error) { return 0, errors.New("disk full") }

// recorder keeps what a Sink was given, to compare with what was read.
type recorder struct {
	rows  [][]float64
	adapt inference.Adaptation
}

func (r *recorder) Begin(inference.RunInfo) error { return nil }
func (r *recorder) Draw(s inference.Stats, p []float64, warm bool) error {
	r.rows = append(r.rows, append(s.Values(), p...))
	return nil
}
func (r *recorder) Adapted(a inference.Adaptation) error { r.adapt = a; return nil }
func (r *recorder) End(inference.Timing) error           { return nil }

// multi sends every call to several sinks.
type multi []inference.Sink

func (m multi) Begin(i inference.RunInfo) error {
	for _, s := range m {
		if err := s.Begin(i); err != nil {
			return err
		}
	}
	return nil
}
func (m multi) Draw(st inference.Stats, p []float64, w bool) error {
	for _, s := range m {
		if err := s.Draw(st, p, w); err != nil {
			return err
		}
	}
	return nil
}
func (m multi) Adapted(a inference.Adaptation) error {
	for _, s := range m {
		if err := s.Adapted(a); err != nil {
			return err
		}
	}
	return nil
}
func (m multi) End(t inference.Timing) error {
	for _, s := range m {
		if err := s.End(t); err != nil {
			return err
		}
	}
	return nil
}

var (
	_ inference.Sink    = (*Writer)(nil)
	_ inference.Aborter = (*Writer)(nil)
)

// TestHeaderSettings checks that the run's own settings reach the header
// and read back from it.
func TestHeaderSettings(t *testing.T) {
	info := testInfo()
	info.Thin, info.StepSize, info.Adapt = 2, 0.5, false
	info.AdaptGamma, info.AdaptKappa, info.AdaptT0 = 0.1, 0.75, 5
	info.InitBuffer, info.TermBuffer, info.Window = 0, 50, 30
	info.MaxDepth, info.AdaptDelta, info.Metric, info.InitRadius = 12, 0.95, "dense_e", 0.5
	var b bytes.Buffer
	w := NewWriter(&b, Options{OmitTiming: true, DataFile: "d.json"})
	if err := w.Begin(info); err != nil {
		t.Fatal(err)
	}
	if err := w.End(inference.Timing{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"#     thin = 2\n", "#       engaged = 0\n", "#       gamma = 0.1\n", "#       kappa = 0.75 (Default)\n",
		"#       t0 = 5\n", "#       init_buffer = 0\n", "#       window = 30\n", "#         stepsize = 0.5\n",
		"#             max_depth = 12\n", "#       delta = 0.95\n", "#         metric = dense_e\n",
		"# init = 0.5\n", "# data\n#   file = d.json\n", "# id = 2\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("header lacks %q", want)
		}
	}
	f, err := Read(&b, "h.csv")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"thin": "2", "engaged": "0", "window": "30", "max_depth": "12", "data.file": "d.json", "init": "0.5"} {
		if f.Config[k] != v {
			t.Errorf("Config[%s] = %q, want %q", k, f.Config[k], v)
		}
	}
	if f.HasTiming {
		t.Error("timing read from a file without it")
	}
}

func TestAbort(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b, Options{})
	if err := w.Begin(testInfo()); err != nil {
		t.Fatal(err)
	}
	w.Abort(errors.New("cancelled"))
	if err := w.Draw(inference.Stats{}, []float64{1, 2, 3}, false); err == nil || err.Error() != "cancelled" {
		t.Errorf("Draw after Abort: %v", err)
	}
	if err := w.End(inference.Timing{}); err == nil {
		t.Error("End after Abort accepted")
	}
}

// rstanComments reads the comment lines of a file as rstan's
// parse_stancsv_comments does (rstan 2.21–2.32, R/stan_csv.R): key = value
// lines before "Adaptation terminated" with every blank removed, and the
// elapsed times from the line that holds "Elapsed Time" and the next. It
// returns the settings, whether the time line was found (rstan warns once
// per file when not), and the two times as get_time_from_csv cuts them out.
func rstanComments(t *testing.T, text string) (settings map[string]string, hasTime bool, warmup, sampling string) {
	t.Helper()
	var comments []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "#") {
			comments = append(comments, l)
		}
	}
	settings = map[string]string{}
	blank := regexp.MustCompile(`^#+\s*|\s*|\(Default\)`)
	adapt := len(comments)
	for i, c := range comments {
		if strings.Contains(c, "Adaptation terminated") {
			adapt = i
			break
		}
	}
	for _, c := range comments[:adapt] {
		if strings.Contains(c, "=") {
			c = blank.ReplaceAllString(c, "")
			k, v, _ := strings.Cut(c, "=")
			if _, dup := settings[k]; !dup { // R's values$k is the first
				settings[k] = v
			}
		}
	}
	for i, c := range comments {
		if strings.Contains(c, "Elapsed Time") && i+1 < len(comments) {
			hasTime = true
			w := regexp.MustCompile(`.*#\s*Elapsed.*:\s*`).ReplaceAllString(c, "")
			warmup = regexp.MustCompile(`\s*seconds.*$`).ReplaceAllString(w, "")
			s := regexp.MustCompile(`.*#\s*`).ReplaceAllString(comments[i+1], "")
			sampling = regexp.MustCompile(`\s*seconds.*$`).ReplaceAllString(s, "")
			break
		}
	}
	return settings, hasTime, warmup, sampling
}

// TestGeneratorAndFixedTiming checks the header that names the writing
// program and the elapsed-time block written without the run's times: the
// layout CmdStan writes (rstan finds "Elapsed Time" and two numbers, so it
// does not warn), the settings rstan reads unchanged, and Read reporting no
// timing.
func TestGeneratorAndFixedTiming(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b, Options{FixedTiming: true, Generator: "dilemma", GeneratorVersion: "0.1.0-dev", DataFile: "panel\n.csv"})
	info := testInfo()
	if err := w.Begin(info); err != nil {
		t.Fatal(err)
	}
	if err := w.Adapted(inference.Adaptation{StepSize: 0.5, InvMetric: []float64{1, 1, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Draw(inference.Stats{TreeDepth: 2, NumLeapfrog: 3}, []float64{1, 2, 3}, false); err != nil {
		t.Fatal(err)
	}
	if err := w.End(inference.Timing{Warmup: 1.5, Sampling: 2}); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	lines := strings.Split(text, "\n")
	if lines[0] != "# Written by dilemma 0.1.0-dev in CmdStan's CSV layout (stan_version is the layout's)" {
		t.Errorf("first line %q", lines[0])
	}
	tail := strings.Join(lines[len(lines)-7:], "\n")
	want := "# \n" +
		"#  Elapsed Time: 0 seconds (Warm-up)\n" +
		"#                0 seconds (Sampling)\n" +
		"#                0 seconds (Total)\n" +
		"# \n" +
		"# " + timesNotRecorded + "\n"
	if tail != want {
		t.Errorf("timing block:\n%q\nwant\n%q", tail, want)
	}
	// CmdStan indents the second and third time lines under the number of
	// the first: "# " and the 15 characters of " Elapsed Time: ".
	if i, j := strings.Index(lines[len(lines)-6], "0 seconds"), strings.Index(lines[len(lines)-5], "0 seconds"); i != j || i != 17 {
		t.Errorf("time columns %d and %d, want 17", i, j)
	}
	settings, hasTime, wu, sa := rstanComments(t, text)
	if !hasTime || wu != "0" || sa != "0" {
		t.Errorf("rstan would read times %q, %q (found %v)", wu, sa, hasTime)
	}
	for k, v := range map[string]string{"generator": "dilemma", "generator_version": "0.1.0-dev", "stan_version_major": "2",
		"num_samples": fmt.Sprint(info.NumSamples), "file": "panel.csv", "id": fmt.Sprint(info.Chain)} {
		if settings[k] != v {
			t.Errorf("rstan reads %s = %q, want %q", k, settings[k], v)
		}
	}
	f, err := Read(strings.NewReader(text), "g.csv")
	if err != nil {
		t.Fatal(err)
	}
	if f.HasTiming || f.Config["generator"] != "dilemma" || f.Config["data.file"] != "panel .csv" || f.NumDraws() != 1 {
		t.Errorf("read back: timing %v, generator %q, data file %q, %d draws", f.HasTiming, f.Config["generator"], f.Config["data.file"], f.NumDraws())
	}
	// With the run's times, Read reports them.
	b.Reset()
	w = NewWriter(&b, Options{})
	w.Begin(info)
	w.End(inference.Timing{Warmup: 1.5, Sampling: 2})
	if f, err := Read(&b, "t.csv"); err != nil || !f.HasTiming || f.Timing.Warmup != 1.5 || f.Timing.Sampling != 2 {
		t.Errorf("timing read back: %+v %v", f, err)
	}
}

// endless is a reader that never ends: the same line, over and over.
type endless struct{ line string }

func (e endless) Read(p []byte) (int, error) {
	n := 0
	for n+len(e.line) <= len(p) {
		n += copy(p[n:], e.line)
	}
	return n, nil
}

// TestReadStopsOnEndlessInput reads a source of NUL bytes and an endless
// text stream: both end with an error, the second at MaxFileBytes.
func TestReadStopsOnEndlessInput(t *testing.T) {
	_, err := Read(strings.NewReader("lp__,x\n1,2\n\x00\x00"), "z.csv")
	if err == nil || !strings.Contains(err.Error(), "z.csv:3: a NUL byte") {
		t.Errorf("NUL: %v", err)
	}
	old := MaxFileBytes
	MaxFileBytes = 1 << 20
	defer func() { MaxFileBytes = old }()
	_, err = Read(io.MultiReader(strings.NewReader("lp__,x\n"), endless{"1,2\n"}), "pipe")
	if err == nil || !strings.Contains(err.Error(), "larger than the size limit of 1048576 bytes") {
		t.Errorf("endless: %v", err)
	}
}
