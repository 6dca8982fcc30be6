// Package stancsv writes and reads Markov chain draws in CmdStan's CSV
// layout, so that rstan::read_stan_csv, the R posterior package, cmdstanr,
// cmdstanpy and ArviZ's from_cmdstan read our files, and so that we read
// theirs.
//
// A file holds one chain: "#" comment lines with the run's configuration,
// one header row (the sampler columns lp__ … energy__, then the
// quantities), the warm-up draws when they are saved, the adaptation result
// ("# Adaptation terminated", the step size and the inverse metric), the
// draws, and the elapsed times. Writer is an inference.Sink that produces
// this layout; Read parses it back, Stan's files included. Options name the
// program that wrote a file (Generator) and write the elapsed-time block
// without the run's times (FixedTiming), so that files stay byte-identical
// for a seed while rstan still finds the block it warns about.
//
// Quantity names are written as given. CmdStan writes array elements with
// dot-separated 1-based indices (theta.1, Sigma.2.3), and rstan rebuilds
// arrays from such names, so a name like b.fear.unilateralism reads fine in
// posterior, cmdstanr and ArviZ but not in rstan, which expects numbers after
// the dots.
//
// Booleans in the header are written 0 and 1, as CmdStan did before 2.33,
// because rstan up to 2.21 (Debian's) fails on the true/false of later
// versions; the header's stan_version is 2.32.2 to match. Read accepts both.
//
// The test TestRReadsOurFiles (build tag long) writes a file and has R read
// it with rstan::read_stan_csv and summarise it with posterior; it skips
// when Rscript, rstan or posterior is missing:
//
//	go test -tags long -run R ./inference/stancsv/
package stancsv

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"dilemma/inference"
)

// Options change what a Writer writes.
type Options struct {
	// FullPrecision writes every number with the fewest digits that read
	// back exactly (up to 17). By default numbers have 6 significant digits,
	// as CmdStan's default sig_figs.
	FullPrecision bool
	// OmitTiming leaves out the elapsed-time block, so that two runs with the
	// same seed give byte-identical files. rstan::read_stan_csv then warns
	// once per file ('line with "Elapsed Time" not found'); FixedTiming
	// avoids that.
	OmitTiming bool
	// FixedTiming writes the elapsed-time block with 0 seconds and a comment
	// saying that the times are not recorded, instead of the run's times:
	// readers that look for the block find it, and two runs with the same
	// seed still give byte-identical files. Read reports such a file as
	// having no timing. OmitTiming takes precedence.
	FixedTiming bool
	// Generator and GeneratorVersion, if not empty, name the program that
	// wrote the file (dilemma and its version): the header then opens with
	// a line saying so, and carries generator = … and generator_version = …
	// among its settings, which rstan, cmdstanpy and ArviZ keep as settings
	// they do not know. The stan_version lines stay: they date the layout.
	Generator        string
	GeneratorVersion string
	// StartTime, if not empty, is written as start_datetime (CmdStan writes
	// e.g. "2024-10-17 18:13:44 UTC"). The Writer never reads the clock.
	StartTime string
	// DataFile and OutputFile are recorded in the header (data file and
	// output file); they are not opened.
	DataFile   string
	OutputFile string
}

// Writer writes one chain in CmdStan's CSV layout to an io.Writer. It
// implements inference.Sink. Output is buffered and flushed by End; the
// caller owns the underlying writer (for instance a temporary file that it
// renames once End returns nil).
type Writer struct {
	w       *bufio.Writer
	opts    Options
	info    inference.RunInfo
	state   int // 0 before Begin, 1 after, 2 after Adapted, 3 after End
	buf     []byte
	err     error
	nparams int
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer, opts Options) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 64<<10), opts: opts}
}

const (
	stateNew = iota
	stateBegun
	stateAdapted
	stateEnded
)

// CmdStan's defaults, marked "(Default)" in the header when a value equals
// them.
const (
	defaultNumSamples = 1000
	defaultNumWarmup  = 1000
	defaultMaxDepth   = 10
	defaultDelta      = 0.8
	defaultInit       = 2
	defaultMetric     = "diag_e"
	defaultGamma      = 0.05
	defaultKappa      = 0.75
	defaultT0         = 10
	defaultInitBuffer = 75
	defaultTermBuffer = 50
	defaultWindow     = 25
)

// withDefaults fills the fields of a RunInfo that its maker left zero with
// CmdStan's defaults: Thin 1, StepSize 1, and, when the whole adaptation
// block (gamma, kappa, t0, buffers, window) is zero, CmdStan's adaptation
// settings with adaptation engaged if there is a warm-up.
func withDefaults(info inference.RunInfo) inference.RunInfo {
	if info.Thin <= 0 {
		info.Thin = 1
	}
	if info.StepSize == 0 {
		info.StepSize = 1
	}
	if info.AdaptGamma == 0 && info.AdaptKappa == 0 && info.AdaptT0 == 0 &&
		info.InitBuffer == 0 && info.TermBuffer == 0 && info.Window == 0 {
		info.AdaptGamma, info.AdaptKappa, info.AdaptT0 = defaultGamma, defaultKappa, defaultT0
		info.InitBuffer, info.TermBuffer, info.Window = defaultInitBuffer, defaultTermBuffer, defaultWindow
		info.Adapt = info.NumWarmup > 0
	}
	return info
}

// Begin writes the comment header and the column names.
func (w *Writer) Begin(info inference.RunInfo) error {
	if w.state != stateNew {
		return errors.New("stancsv: Begin called twice")
	}
	seen := map[string]bool{}
	for _, c := range inference.SamplerColumns {
		seen[c] = true
	}
	for i, n := range info.ParamNames {
		if n == "" || strings.ContainsAny(n, ",\"\n\r#") || strings.TrimSpace(n) != n {
			return fmt.Errorf("stancsv: parameter %d has name %q, which cannot be a CSV column name", i+1, n)
		}
		if seen[n] {
			return fmt.Errorf("stancsv: parameter name %q appears twice", n)
		}
		seen[n] = true
	}
	w.nparams = len(info.ParamNames)
	w.state = stateBegun
	metric := info.Metric
	if metric == "" {
		metric = defaultMetric
	}
	def := func(same bool) string {
		if same {
			return " (Default)"
		}
		return ""
	}
	bit := func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	info = withDefaults(info)
	w.info = info
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, "# "+format+"\n", args...) }
	if w.opts.Generator != "" {
		line("Written by %s %s in CmdStan's CSV layout (stan_version is the layout's)", oneLine(w.opts.Generator), oneLine(w.opts.GeneratorVersion))
	}
	line("stan_version_major = 2")
	line("stan_version_minor = 32")
	line("stan_version_patch = 2")
	line("model = %s", oneLine(info.Model))
	if w.opts.Generator != "" {
		line("generator = %s", oneLine(w.opts.Generator))
		if w.opts.GeneratorVersion != "" {
			line("generator_version = %s", oneLine(w.opts.GeneratorVersion))
		}
	}
	if w.opts.StartTime != "" {
		line("start_datetime = %s", oneLine(w.opts.StartTime))
	}
	line("method = sample (Default)")
	line("  sample")
	line("    num_samples = %d%s", info.NumSamples, def(info.NumSamples == defaultNumSamples))
	line("    num_warmup = %d%s", info.NumWarmup, def(info.NumWarmup == defaultNumWarmup))
	line("    save_warmup = %s%s", bit(info.SaveWarmup), def(!info.SaveWarmup))
	line("    thin = %d%s", info.Thin, def(info.Thin == 1))
	line("    adapt")
	line("      engaged = %s%s", bit(info.Adapt), def(info.Adapt))
	line("      gamma = %s%s", w.num(info.AdaptGamma), def(info.AdaptGamma == defaultGamma))
	line("      delta = %s%s", w.num(info.AdaptDelta), def(info.AdaptDelta == defaultDelta))
	line("      kappa = %s%s", w.num(info.AdaptKappa), def(info.AdaptKappa == defaultKappa))
	line("      t0 = %s%s", w.num(info.AdaptT0), def(info.AdaptT0 == defaultT0))
	line("      init_buffer = %d%s", info.InitBuffer, def(info.InitBuffer == defaultInitBuffer))
	line("      term_buffer = %d%s", info.TermBuffer, def(info.TermBuffer == defaultTermBuffer))
	line("      window = %d%s", info.Window, def(info.Window == defaultWindow))
	line("    algorithm = hmc (Default)")
	line("      hmc")
	line("        engine = nuts (Default)")
	line("          nuts")
	line("            max_depth = %d%s", info.MaxDepth, def(info.MaxDepth == defaultMaxDepth))
	line("        metric = %s%s", metric, def(metric == defaultMetric))
	line("        metric_file =  (Default)")
	line("        stepsize = %s%s", w.num(info.StepSize), def(info.StepSize == 1))
	line("        stepsize_jitter = 0 (Default)")
	line("    num_chains = 1 (Default)")
	line("id = %d%s", info.Chain, def(info.Chain == 1))
	line("data")
	line("  file = %s%s", oneLine(w.opts.DataFile), def(w.opts.DataFile == ""))
	line("init = %s%s", w.num(info.InitRadius), def(info.InitRadius == defaultInit))
	line("random")
	line("  seed = %d", info.Seed)
	line("output")
	if w.opts.OutputFile == "" {
		line("  file = output.csv (Default)")
	} else {
		line("  file = %s", oneLine(w.opts.OutputFile))
	}
	line("  diagnostic_file =  (Default)")
	line("  refresh = 100 (Default)")
	if w.opts.FullPrecision {
		line("  sig_figs = 17")
	} else {
		line("  sig_figs = -1 (Default)")
	}
	line("num_threads = 1 (Default)")
	b.WriteString(strings.Join(inference.SamplerColumns, ","))
	for _, n := range info.ParamNames {
		b.WriteByte(',')
		b.WriteString(n)
	}
	b.WriteByte('\n')
	return w.write(b.String())
}

// Draw writes one row: the sampler statistics, then the quantities.
func (w *Writer) Draw(stats inference.Stats, params []float64, warmup bool) error {
	switch {
	case w.err != nil:
		return w.err
	case w.state == stateNew:
		return errors.New("stancsv: Draw before Begin")
	case w.state == stateEnded:
		return errors.New("stancsv: Draw after End")
	case warmup && w.state == stateAdapted:
		return errors.New("stancsv: warm-up draw after the adaptation ended")
	case len(params) != w.nparams:
		return fmt.Errorf("stancsv: draw has %d values for %d parameter names", len(params), w.nparams)
	}
	b := w.buf[:0]
	div := 0.0
	if stats.Divergent {
		div = 1
	}
	sv := [...]float64{stats.LogDensity, stats.AcceptStat, stats.StepSize,
		float64(stats.TreeDepth), float64(stats.NumLeapfrog), div, stats.Energy}
	for i, v := range sv {
		if i > 0 {
			b = append(b, ',')
		}
		b = w.appendNum(b, v)
	}
	for _, v := range params {
		b = append(b, ',')
		b = w.appendNum(b, v)
	}
	b = append(b, '\n')
	w.buf = b
	_, err := w.w.Write(b)
	w.err = err
	return err
}

// Adapted writes the adaptation block: the step size and the inverse metric
// (one line of the diagonal, or one line per row of a dense matrix).
func (w *Writer) Adapted(a inference.Adaptation) error {
	switch {
	case w.err != nil:
		return w.err
	case w.state != stateBegun:
		return errors.New("stancsv: Adapted must come once, after Begin and before End")
	}
	w.state = stateAdapted
	var b strings.Builder
	b.WriteString("# Adaptation terminated\n")
	fmt.Fprintf(&b, "# Step size = %s\n", w.num(a.StepSize))
	if a.Dense {
		n := int(math.Round(math.Sqrt(float64(len(a.InvMetric)))))
		if n*n != len(a.InvMetric) {
			return fmt.Errorf("stancsv: dense inverse metric has %d elements, not a square", len(a.InvMetric))
		}
		b.WriteString("# Elements of inverse mass matrix:\n")
		for i := 0; i < n; i++ {
			b.WriteString("# ")
			w.joinNums(&b, a.InvMetric[i*n:(i+1)*n])
			b.WriteByte('\n')
		}
	} else {
		b.WriteString("# Diagonal elements of inverse mass matrix:\n# ")
		w.joinNums(&b, a.InvMetric)
		b.WriteByte('\n')
	}
	return w.write(b.String())
}

// End writes the elapsed times (unless Options.OmitTiming) and flushes.
func (w *Writer) End(t inference.Timing) error {
	switch {
	case w.err != nil:
		return w.err
	case w.state == stateNew || w.state == stateEnded:
		return errors.New("stancsv: End must come once, after Begin")
	}
	w.state = stateEnded
	if !w.opts.OmitTiming {
		// CmdStan's layout: "# " before its " Elapsed Time: " title and
		// before as many spaces on the next two lines.
		if w.opts.FixedTiming {
			t = inference.Timing{}
		}
		var b strings.Builder
		b.WriteString("# \n")
		fmt.Fprintf(&b, "#  Elapsed Time: %s seconds (Warm-up)\n", w.num(t.Warmup))
		fmt.Fprintf(&b, "#                %s seconds (Sampling)\n", w.num(t.Sampling))
		fmt.Fprintf(&b, "#                %s seconds (Total)\n", w.num(t.Warmup+t.Sampling))
		b.WriteString("# \n")
		if w.opts.FixedTiming {
			b.WriteString("# " + timesNotRecorded + "\n")
		}
		if err := w.write(b.String()); err != nil {
			return err
		}
	}
	w.err = w.w.Flush()
	return w.err
}

// Abort marks the chain as stopped before its end (inference.Aborter): the
// Writer flushes nothing more and every later call returns err. The caller,
// which owns the underlying writer, should discard the partial output.
func (w *Writer) Abort(err error) {
	if err == nil {
		err = errors.New("stancsv: chain aborted")
	}
	w.state, w.err = stateEnded, err
}

// timesNotRecorded is the comment after an elapsed-time block written with
// Options.FixedTiming.
const timesNotRecorded = "Times not recorded: written as 0 so that the same seed gives the same bytes"

// oneLine keeps a header value on its comment line: line breaks and other
// control characters become spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

func (w *Writer) write(s string) error {
	if w.err != nil {
		return w.err
	}
	_, w.err = w.w.WriteString(s)
	return w.err
}

func (w *Writer) joinNums(b *strings.Builder, xs []float64) {
	for i, v := range xs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(w.num(v))
	}
}

func (w *Writer) num(v float64) string { return string(w.appendNum(nil, v)) }

// appendNum formats v as CmdStan does: C++'s default 6 significant digits
// (%g), nan, inf and -inf; or, with FullPrecision, the shortest exact form.
func (w *Writer) appendNum(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "nan"...)
	case math.IsInf(v, 1):
		return append(b, "inf"...)
	case math.IsInf(v, -1):
		return append(b, "-inf"...)
	}
	if w.opts.FullPrecision {
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	return strconv.AppendFloat(b, v, 'g', 6, 64)
}
