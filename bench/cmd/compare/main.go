// Command compare prints the side-by-side table of bench/run.sh: for each
// model directory it reads dilemma's fit (ours/, a fit directory, and
// ours.txt) and, when present, rstan's (stan/chain-*.csv with dilemma's
// parameter names and stan/timing.txt, from bench/stan/fit.R):
//
//	go run ./bench/cmd/compare [-markdown] DIR...
//
// Both fits are summarized by the same estimator, package
// inference/diagnostics (R posterior's rank-normalized bulk-ESS and MCSE),
// over the same quantities: every parameter dilemma writes (edge strengths,
// intercepts, scales, cutpoints, loadings, unit intercepts and, with
// --save-latent, latent values). A model directory without stan/ prints
// dilemma's columns only.
//
// Columns: gradient µs (log density + gradient: dilemma from go test -bench,
// Stan from rstan's grad_log_prob), min bulk-ESS, sampling wall seconds
// (warm-up + sampling of 4 chains; dilemma: the slowest chain, all chains
// running at once; Stan: the sampling() call with cores = 2), min bulk-ESS
// per sampling second, end-to-end seconds (dilemma: the whole dilemma fit
// process; Stan: reading the data, compiling and sampling), and the
// ratios, dilemma over Stan, of ESS per sampling second and per
// end-to-end second; max |z| is the largest |mean difference| / √(MCSE² +
// MCSE²) over the edge strengths and loadings.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"dilemma/inference/diagnostics"
	"dilemma/inference/stancsv"
)

func main() {
	md := flag.Bool("markdown", false, "print a Markdown table")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: compare [-markdown] MODELDIR...")
		os.Exit(1)
	}
	var rows []row
	for _, dir := range flag.Args() {
		r, err := load(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(1)
		}
		rows = append(rows, r)
	}
	print(rows, *md)
}

// side is one tool's figures for one model.
type side struct {
	ok                bool
	gradUS            float64
	minESS            float64
	minName           string
	sampling, e2e     float64
	compile           float64
	divergent, params int
	maxRhat           float64
	sum               map[string]diagnostics.Summary
}

type row struct {
	model      string
	ours, stan side
	maxZ       float64
	maxZName   string
	compared   int
}

// keyValues reads "key = value" lines.
func keyValues(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	kv := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return kv, sc.Err()
}

func num(kv map[string]string, key string) float64 {
	v, err := strconv.ParseFloat(strings.Fields(kv[key] + " NaN")[0], 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

// summarize reads chain files and summarizes every quantity.
func summarize(dir string, s *side) error {
	paths, _ := filepath.Glob(filepath.Join(dir, "chain-*.csv"))
	if len(paths) == 0 {
		return fmt.Errorf("%s: no chain-*.csv", dir)
	}
	sort.Strings(paths)
	var files []*stancsv.File
	for _, p := range paths {
		f, err := stancsv.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, f)
	}
	cols, err := stancsv.CommonColumns(files)
	if err != nil {
		return err
	}
	s.sum = map[string]diagnostics.Summary{}
	for _, c := range cols {
		ch, err := stancsv.Gather(files, c)
		if err != nil {
			return err
		}
		if c == "divergent__" {
			for _, d := range ch {
				for _, v := range d {
					if v != 0 {
						s.divergent++
					}
				}
			}
		}
		if stancsv.IsSamplerColumn(c) {
			continue
		}
		s.sum[c] = diagnostics.Summarize(c, ch)
	}
	return nil
}

// minimum sets the min bulk-ESS and max R-hat over names.
func (s *side) minimum(names []string) {
	s.minESS, s.params = math.Inf(1), len(names)
	for _, n := range names {
		sm := s.sum[n]
		if sm.ESSBulk < s.minESS || math.IsNaN(sm.ESSBulk) {
			s.minESS, s.minName = sm.ESSBulk, n
		}
		s.maxRhat = math.Max(s.maxRhat, sm.Rhat)
	}
}

// manifest is the part of dilemma's manifest.json compare reads.
type manifest struct {
	Timing struct {
		Warmup   []float64 `json:"warmup_seconds"`
		Sampling []float64 `json:"sampling_seconds"`
	} `json:"timing"`
}

func load(dir string) (row, error) {
	r := row{model: filepath.Base(filepath.Clean(dir))}
	kv, err := keyValues(filepath.Join(dir, "ours.txt"))
	if err != nil {
		return r, err
	}
	r.ours.ok = true
	r.ours.gradUS = num(kv, "gradient_ns") / 1000
	r.ours.e2e = num(kv, "end_to_end_seconds")
	b, err := os.ReadFile(filepath.Join(dir, "ours", "manifest.json"))
	if err != nil {
		return r, err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return r, fmt.Errorf("%s: %v", dir, err)
	}
	for c := range m.Timing.Warmup {
		r.ours.sampling = math.Max(r.ours.sampling, m.Timing.Warmup[c]+m.Timing.Sampling[c])
	}
	if err := summarize(filepath.Join(dir, "ours"), &r.ours); err != nil {
		return r, err
	}
	var names []string
	for n := range r.ours.sum {
		names = append(names, n)
	}
	sort.Strings(names)
	if _, err := os.Stat(filepath.Join(dir, "stan", "timing.txt")); err == nil {
		r.stan.ok = true
		kv, err := keyValues(filepath.Join(dir, "stan", "timing.txt"))
		if err != nil {
			return r, err
		}
		r.stan.gradUS = num(kv, "gradient_us")
		r.stan.sampling = num(kv, "sampling_seconds")
		r.stan.e2e = num(kv, "end_to_end_seconds")
		r.stan.compile = num(kv, "compile_seconds")
		if err := summarize(filepath.Join(dir, "stan"), &r.stan); err != nil {
			return r, err
		}
		// Compare on the quantities both have (the same, unless dilemma
		// left its latent values out of the chain files).
		var both []string
		for _, n := range names {
			if _, ok := r.stan.sum[n]; ok {
				both = append(both, n)
			}
		}
		names = both
		r.stan.minimum(names)
		r.compared = len(names)
		for _, n := range names {
			if !strings.HasPrefix(n, "b__") && !strings.HasPrefix(n, "lambda__") {
				continue
			}
			o, s := r.ours.sum[n], r.stan.sum[n]
			z := math.Abs(o.Mean-s.Mean) / math.Hypot(o.MCSEMean, s.MCSEMean)
			if z > r.maxZ || math.IsNaN(z) {
				r.maxZ, r.maxZName = z, n
			}
		}
	}
	r.ours.minimum(names)
	return r, nil
}

func f(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "NA"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

func print(rows []row, md bool) {
	head := []string{"model", "tool", "params", "gradient µs", "min bulk-ESS", "sampling s", "ESS/s", "end-to-end s", "ESS/s e2e", "ratio ESS/s", "ratio e2e", "max |z|"}
	var lines [][]string
	for _, r := range rows {
		sides := []struct {
			name string
			s    side
		}{{"dilemma", r.ours}, {"Stan", r.stan}}
		for _, sd := range sides {
			if !sd.s.ok {
				continue
			}
			s := sd.s
			l := []string{r.model, sd.name, strconv.Itoa(s.params), f(s.gradUS, 1), f(s.minESS, 0),
				f(s.sampling, 1), f(s.minESS/s.sampling, 1), f(s.e2e, 1), f(s.minESS/s.e2e, 1), "", "", ""}
			if sd.name == "Stan" {
				l[9] = f((r.ours.minESS/r.ours.sampling)/(s.minESS/s.sampling), 1) + "×"
				l[10] = f((r.ours.minESS/r.ours.e2e)/(s.minESS/s.e2e), 1) + "×"
				l[11] = f(r.maxZ, 2)
			}
			lines = append(lines, l)
		}
	}
	if md {
		fmt.Println("| " + strings.Join(head, " | ") + " |")
		fmt.Println("|" + strings.Repeat("---|", len(head)))
		for _, l := range lines {
			fmt.Println("| " + strings.Join(l, " | ") + " |")
		}
	} else {
		tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
		for _, l := range lines {
			fmt.Fprintln(tw, strings.Join(l, "\t")+"\t")
		}
		tw.Flush()
	}
	fmt.Println()
	for _, r := range rows {
		for _, sd := range []struct {
			name string
			s    side
		}{{"dilemma", r.ours}, {"Stan", r.stan}} {
			if sd.s.ok {
				fmt.Printf("%s, %s: worst-mixing %s; %d divergent transitions; max R-hat %s", r.model, sd.name, sd.s.minName, sd.s.divergent, f(sd.s.maxRhat, 3))
				if sd.name == "Stan" {
					fmt.Printf("; compile %s s", f(sd.s.compile, 1))
				}
				fmt.Println()
			}
		}
		if r.stan.ok {
			fmt.Printf("%s: %d quantities compared; largest |z| on %s\n", r.model, r.compared, r.maxZName)
		}
	}
}
