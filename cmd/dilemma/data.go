package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"

	"dilemma"
	"dilemma/data"
	"dilemma/model"
)

func init() {
	register(&command{
		name:    "data describe",
		summary: "summarize a panel: units, periods, column types, coverage, ranges",
		usage: `Usage: dilemma data describe [CSV] [--unit iso3] [--time month] [--json]

Summarizes a country-by-time panel: the number of units and periods and, for
each column, its type, how many cells are filled (coverage), and its minimum,
median and maximum. Without CSV it describes the embedded COVID-19 panel.

Each numeric column also gets its shape and the families (family="…" in a
model file) that can produce such values, best first: binary (bernoulli),
ordinal 0–K (ordered), count (poisson, negbinomial), zero-heavy count
(hurdle and zero-inflated families), count out of trials (binomial and
beta_binomial, naming the column that bounds it in every row as trials),
proportion (beta), skewed positive (lognormal, or gaussian with
transform="log"), skewed non-negative (gaussian with transform="log1p"),
heavy-tailed (student) or continuous (gaussian). Only families this version
fits are listed; "(none available yet)" says the best ones are not.

Examples:
  dilemma data describe
  dilemma data describe mypanel.csv --unit country --time year
  dilemma data describe --json > summary.json`,
		run: runDataDescribe,
	})
	register(&command{
		name:    "data validate",
		summary: "check a panel CSV and list every problem with file, line and column",
		usage: `Usage: dilemma data validate CSV [--unit iso3] [--time month] [--require a,b] [--range col=min:max]

Runs every check on a panel CSV: key columns present, no duplicate
(unit, time) rows, numbers that parse, no NaN/Inf text, no ragged rows, not
empty, valid UTF-8, required columns present, values inside declared ranges.
Prints all problems (not only the first), one per line, and exits 1 if there
are any. Empty cells are missing values and are allowed.

Examples:
  dilemma data validate mypanel.csv
  dilemma data validate mypanel.csv --require c8_max,new_cases --range c8_max=0:4`,
		run: runDataValidate,
	})
	register(&command{
		name:    "version",
		summary: "print the toolkit version, Go version and the embedded data's SHA-256",
		usage: `Usage: dilemma version

Prints the toolkit's version, the commit it was built from (with
"(modified)" when the working tree had uncommitted changes; "unknown" when
the binary carries no version-control information, as with 'go run' or
'go build -buildvcs=false'), the Go version it was built with, and the
SHA-256 of the embedded data set (what a fit manifest records).`,
		run: runVersion,
	})
}

// dataFlags are the flags shared by commands that read a panel.
type dataFlags struct {
	unit, time string
}

func (d *dataFlags) register(fs interface {
	StringVar(*string, string, string, string)
}) {
	fs.StringVar(&d.unit, "unit", "iso3", "name of the unit key column")
	fs.StringVar(&d.time, "time", "month", "name of the time key column (YYYY-MM, YYYY-MM-DD, YYYY or integer)")
}

// check refuses --unit and --time when no CSV is read (csv == ""): the
// embedded panel's keys are fixed, and a key given for it would be ignored.
func (d *dataFlags) check(fs *flag.FlagSet, csv string) error {
	if csv != "" {
		return nil
	}
	set := setFlags(fs)
	for _, name := range []string{"unit", "time"} {
		if set[name] && fs.Lookup(name) != nil {
			return usagef("--%s names a key column of a CSV given with --data; the embedded panel's keys are iso3 and month", name)
		}
	}
	return nil
}

func (d *dataFlags) options() data.Options {
	return data.Options{UnitKey: d.unit, TimeKey: d.time}
}

// loadPanel reads the CSV at path, or the embedded panel when path is "".
func loadPanel(path string, opt data.Options) (*data.Panel, error) {
	if path == "" {
		p, err := data.Embedded()
		if err != nil {
			return nil, err // a build defect: exit 2
		}
		return p, nil
	}
	p, err := data.LoadFile(path, opt)
	return p, inputErr(err)
}

func runDataDescribe(e *env, args []string) error {
	c := commands["data describe"]
	fs := newFlags(e, c)
	var df dataFlags
	df.register(fs)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("at most one CSV file, got %d arguments", len(pos))
	}
	path := ""
	if len(pos) == 1 {
		path = pos[0]
	}
	if err := df.check(fs, path); err != nil {
		return err
	}
	p, err := loadPanel(path, df.options())
	if err != nil {
		return err
	}
	s := p.Describe()
	shapes := p.Shapes()
	for name, sh := range shapes {
		sh.Families = knownFamilies(sh.Families)
		shapes[name] = sh
	}
	if *asJSON {
		return writeJSON(e.stdout, jsonSummary(s, shapes))
	}
	return printSummary(e.stdout, s, shapes)
}

// knownFamilies keeps the families a model file may declare, in order.
func knownFamilies(fams []string) []string {
	var out []string
	for _, f := range fams {
		if slices.Contains(model.Families, f) {
			out = append(out, f)
		}
	}
	return out
}

// jsonSummary replaces NaN (not representable in JSON) with null.
func jsonSummary(s data.Summary, shapes map[string]data.Shape) any {
	type col struct {
		Name     string      `json:"name"`
		Type     string      `json:"type"`
		NonEmpty int         `json:"non_empty"`
		Coverage float64     `json:"coverage"`
		Min      *float64    `json:"min"`
		Median   *float64    `json:"median"`
		Max      *float64    `json:"max"`
		Levels   int         `json:"levels,omitempty"`
		Shape    *data.Shape `json:"shape,omitempty"`
	}
	out := struct {
		Name    string `json:"name"`
		Rows    int    `json:"rows"`
		Units   int    `json:"units"`
		Periods int    `json:"periods"`
		First   string `json:"first_period,omitempty"`
		Last    string `json:"last_period,omitempty"`
		Columns []col  `json:"columns"`
	}{s.Name, s.Rows, s.Units, s.Periods, s.First, s.Last, nil}
	for _, c := range s.Columns {
		var sh *data.Shape
		if v, ok := shapes[c.Name]; ok {
			sh = &v
		}
		out.Columns = append(out.Columns, col{c.Name, c.Kind, c.NonEmpty, c.Coverage, nullable(c.Min), nullable(c.Median), nullable(c.Max), c.Levels, sh})
	}
	return out
}

func nullable(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func printSummary(w io.Writer, s data.Summary, shapes map[string]data.Shape) error {
	if s.Units > 0 {
		fmt.Fprintf(w, "%s: %d rows, %d units, %d periods (%s … %s)\n\n", s.Name, s.Rows, s.Units, s.Periods, s.First, s.Last)
	} else {
		fmt.Fprintf(w, "%s: %d rows (cross-section)\n\n", s.Name, s.Rows)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "column\ttype\tnon-empty\tcoverage\tmin\tmedian\tmax\t shape\t suggested family\t")
	for _, c := range s.Columns {
		lo, med, hi := fmtNum(c.Min), fmtNum(c.Median), fmtNum(c.Max)
		if c.Kind != "numeric" {
			lo, med, hi = "", fmt.Sprintf("%d levels", c.Levels), ""
		}
		kind, fam := "", ""
		if sh, ok := shapes[c.Name]; ok {
			kind = sh.Kind
			var fams []string
			for _, f := range sh.Families {
				if sh.Trials != "" && (f == "binomial" || f == "beta_binomial") {
					f += " (trials=" + sh.Trials + ")"
				}
				fams = append(fams, f)
			}
			fam = strings.Join(fams, ", ")
			if fam == "" {
				fam = "(none available yet)"
			}
			if sh.Advice != "" {
				fam += " with " + sh.Advice
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f%%\t%s\t%s\t%s\t %s\t %s\t\n", c.Name, c.Kind, c.NonEmpty, 100*c.Coverage, lo, med, hi, kind, fam)
	}
	return tw.Flush()
}

// fmtNum prints a number compactly for tables ("" for NaN).
func fmtNum(v float64) string {
	switch {
	case math.IsNaN(v):
		return ""
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 1e5 || math.Abs(v) < 1e-3:
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.4g", v)
}

func runDataValidate(e *env, args []string) error {
	c := commands["data validate"]
	fs := newFlags(e, c)
	var df dataFlags
	df.register(fs)
	require := fs.String("require", "", "comma-separated columns that must be present")
	var ranges rangeFlag
	fs.Var(&ranges, "range", "declared range col=min:max (repeatable)")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give exactly one CSV file (see 'dilemma data validate -h')")
	}
	opt := df.options()
	if *require != "" {
		for _, r := range strings.Split(*require, ",") {
			if r = strings.TrimSpace(r); r != "" {
				opt.Require = append(opt.Require, r)
			}
		}
	}
	opt.Ranges = ranges.m
	p, err := data.LoadFile(pos[0], opt)
	var probs data.Problems
	if errors.As(err, &probs) {
		for _, pr := range probs {
			fmt.Fprintln(e.stdout, pr.Error())
		}
		return inputErr(fmt.Errorf("%s: %d problem(s)", pos[0], len(probs)))
	}
	if err != nil {
		return inputErr(err)
	}
	s := p.Describe()
	fmt.Fprintf(e.stdout, "%s: ok (%d rows, %d units, %d periods, %d columns)\n", pos[0], s.Rows, s.Units, s.Periods, len(s.Columns))
	return nil
}

// rangeFlag collects --range col=min:max values.
type rangeFlag struct{ m map[string]data.Range }

func (r *rangeFlag) String() string { return "" }

func (r *rangeFlag) Set(s string) error {
	col, spec, ok := strings.Cut(s, "=")
	lo, hi, ok2 := strings.Cut(spec, ":")
	var rg data.Range
	ok = ok && strings.TrimSpace(col) != ""
	if ok && ok2 {
		_, err1 := fmt.Sscan(lo, &rg.Min)
		_, err2 := fmt.Sscan(hi, &rg.Max)
		ok = err1 == nil && err2 == nil && rg.Min <= rg.Max
	}
	if !ok || !ok2 {
		return fmt.Errorf("want col=min:max, got %q", s)
	}
	if r.m == nil {
		r.m = map[string]data.Range{}
	}
	r.m[strings.TrimSpace(col)] = rg
	return nil
}

func runVersion(e *env, args []string) error {
	c := commands["version"]
	fs := newFlags(e, c)
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("version takes no arguments")
	}
	mod := "dilemma " + dilemma.Version
	bi, ok := debug.ReadBuildInfo()
	if ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		mod += " (module " + bi.Main.Version + ")"
	}
	fmt.Fprintln(e.stdout, mod)
	fmt.Fprintln(e.stdout, "commit", buildCommit(bi))
	fmt.Fprintln(e.stdout, "go", runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH)
	fmt.Fprintf(e.stdout, "data %s sha256:%s\n", data.EmbeddedName, data.EmbeddedSHA256())
	return nil
}

// buildCommit returns the commit the binary was built from, as 'go build'
// and 'go install' record it from a git checkout, or "unknown".
func buildCommit(bi *debug.BuildInfo) string {
	if bi == nil {
		return "unknown"
	}
	rev, modified := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return "unknown"
	}
	if modified {
		rev += " (modified)"
	}
	return rev
}
