package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"dilemma/inference/diagnostics"
	"dilemma/inference/stancsv"
	"dilemma/table"
)

const diagnoseUsage = `
Usage: dilemma diagnose [flags] FILE.csv ...

Summarise MCMC draws stored in CmdStan CSV files (one file per chain; ours or
Stan's) and check them for problems.

For lp__ and every quantity it prints the mean, sd, 5% quantile, median,
95% quantile, R-hat (the larger of rank-normalized split bulk and tail
R-hat), bulk and tail effective sample size and the Monte Carlo standard
error of the mean, computed as the R posterior package does. The other
sampler columns (accept_stat__, treedepth__, …) are left out of the table but
checked: divergent transitions, transitions that hit the maximum tree depth,
chains with E-BFMI below 0.3, quantities with R-hat above 1.01 and quantities
with fewer than 0.001 effective draws per draw. Each warning says what to try.
A value that cannot be estimated (constant or too few draws) prints as NA.

The table goes to standard output. With --format text or markdown the
warnings follow it; with csv or latex they go to standard error, so that
standard output stays a clean table. --json prints everything as one JSON
object: {"parameters": {NAME: {"mean", "sd", "q5", "q50", "q95", "rhat",
"ess_bulk", "ess_tail", "mcse_mean", "mcse_sd"}}, "warnings": [{"kind",
"message", "advice"}]}, with null for values that cannot be estimated.

Examples:
  dilemma diagnose fit_1.csv fit_2.csv fit_3.csv fit_4.csv
  dilemma diagnose --format markdown out/*.csv
  dilemma diagnose --json out/*.csv > diagnosis.json
  dilemma diagnose --format latex out/*.csv > table.tex
`

func init() {
	c := &command{
		name:    "diagnose",
		summary: "summarise and check MCMC draws in CmdStan CSV files",
		usage:   diagnoseUsage,
	}
	c.run = func(e *env, args []string) error { return runDiagnose(e, c, args) }
	register(c)
}

func runDiagnose(e *env, c *command, args []string) error {
	fs := newFlags(e, c)
	asJSON := fs.Bool("json", false, "print the summaries and warnings as JSON")
	format := fs.String("format", "text", "table format: "+strings.Join(table.Formats, ", "))
	paths, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usagef("no CSV files given (see 'dilemma diagnose -h')")
	}
	if err := table.CheckFormat(*format); err != nil {
		return usagef("%v", err)
	}
	files := make([]*stancsv.File, 0, len(paths))
	for _, p := range paths {
		f, err := stancsv.ReadFile(p)
		if err != nil {
			return inputErr(err)
		}
		files = append(files, f)
	}
	rep, err := stancsv.Diagnose(files)
	if err != nil {
		return inputErr(err)
	}
	e.logf("%d chain(s) of %d draws each (%d in all)\n", rep.Chains, rep.Draws, rep.Chains*rep.Draws)
	if *asJSON {
		return writeDiagnoseJSON(e, rep)
	}
	tb := diagnoseTable(rep, *format == "csv")
	if err := tb.Render(e.stdout, *format); err != nil {
		return err
	}
	w := e.stdout
	if *format == "csv" || *format == "latex" || *format == "tex" {
		w = e.stderr
	}
	fmt.Fprintln(w)
	for _, s := range rep.Summaries {
		if s.Note != "" {
			fmt.Fprintf(w, "Note: %s has values that cannot be estimated (NA): %s.\n", s.Name, s.Note)
		}
	}
	if len(rep.Warnings) == 0 {
		fmt.Fprintln(w, "Checked divergences, tree depth, E-BFMI, R-hat and ESS: no problems detected.")
		return nil
	}
	for _, wn := range rep.Warnings {
		fmt.Fprintf(w, "Warning: %s\n  %s\n", wn.Message, wn.Advice)
	}
	return nil
}

// diagnoseTable lays the summaries out; precise gives CSV more digits.
func diagnoseTable(rep *stancsv.Report, precise bool) *table.Table {
	digits := 4
	if precise {
		digits = 6
	}
	num := func(v float64) string {
		if math.IsNaN(v) {
			return "NA"
		}
		return strconv.FormatFloat(v, 'g', digits, 64)
	}
	fixed := func(v float64, prec int) string {
		if math.IsNaN(v) {
			return "NA"
		}
		if precise {
			return strconv.FormatFloat(v, 'g', 8, 64)
		}
		return strconv.FormatFloat(v, 'f', prec, 64)
	}
	tb := &table.Table{
		Columns: []string{"parameter", "mean", "sd", "q5", "median", "q95", "rhat", "ess_bulk", "ess_tail", "mcse_mean"},
		Align:   []table.Align{table.Left, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right},
	}
	for _, s := range rep.Summaries {
		tb.Rows = append(tb.Rows, []string{
			s.Name, num(s.Mean), num(s.SD), num(s.Q5), num(s.Q50), num(s.Q95),
			fixed(s.Rhat, 3), fixed(s.ESSBulk, 0), fixed(s.ESSTail, 0), num(s.MCSEMean),
		})
	}
	return tb
}

// diagFloat marshals NaN and ±Inf as null.
type diagFloat float64

func (f diagFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(v, 'g', -1, 64)), nil
}

type diagJSONSummary struct {
	Mean     diagFloat `json:"mean"`
	SD       diagFloat `json:"sd"`
	Q5       diagFloat `json:"q5"`
	Q50      diagFloat `json:"q50"`
	Q95      diagFloat `json:"q95"`
	Rhat     diagFloat `json:"rhat"`
	ESSBulk  diagFloat `json:"ess_bulk"`
	ESSTail  diagFloat `json:"ess_tail"`
	MCSEMean diagFloat `json:"mcse_mean"`
	MCSESd   diagFloat `json:"mcse_sd"`
	Note     string    `json:"note,omitempty"`
}

// diagParams marshals the summaries as one object, keys in file order.
type diagParams []diagnostics.Summary

func (p diagParams) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, s := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		key, err := json.Marshal(s.Name)
		if err != nil {
			return nil, err
		}
		val, err := json.Marshal(diagJSONSummary{
			diagFloat(s.Mean), diagFloat(s.SD), diagFloat(s.Q5), diagFloat(s.Q50), diagFloat(s.Q95),
			diagFloat(s.Rhat), diagFloat(s.ESSBulk), diagFloat(s.ESSTail), diagFloat(s.MCSEMean),
			diagFloat(s.MCSESd), s.Note,
		})
		if err != nil {
			return nil, err
		}
		b.Write(key)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeDiagnoseJSON(e *env, rep *stancsv.Report) error {
	warnings := rep.Warnings
	if warnings == nil {
		warnings = []diagnostics.Warning{}
	}
	out := struct {
		Parameters diagParams            `json:"parameters"`
		Warnings   []diagnostics.Warning `json:"warnings"`
	}{diagParams(rep.Summaries), warnings}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
