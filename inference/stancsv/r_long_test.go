//go:build long

package stancsv

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dilemma/inference/diagnostics"
)

// rScript reads the files named on its command line with rstan, summarises
// them with posterior and prints CSV: variable,mean,sd,rhat,ess_bulk,ess_tail,
// mcse_mean, then one line with rstan's reading of the step size.
const rScript = `
suppressMessages({library(rstan); library(posterior)})
files <- commandArgs(trailingOnly = TRUE)
fit <- withCallingHandlers(rstan::read_stan_csv(files), warning = function(w) {
  cat("WARNING:", conditionMessage(w), "\n", file = stderr())
  invokeRestart("muffleWarning")
})
x <- posterior::as_draws_array(as.array(fit))
s <- posterior::summarise_draws(x, "mean", "sd", "rhat", "ess_bulk", "ess_tail", "mcse_mean")
cat("variable,mean,sd,rhat,ess_bulk,ess_tail,mcse_mean\n")
for (i in seq_len(nrow(s))) {
  v <- c(s$mean[i], s$sd[i], s$rhat[i], s$ess_bulk[i], s$ess_tail[i], s$mcse_mean[i])
  cat(sprintf("\"%s\",%s\n", s$variable[i], paste(sprintf("%.17g", as.numeric(v)), collapse = ",")))
}
sp <- rstan::get_sampler_params(fit, inc_warmup = FALSE)
cat("nrow", nrow(sp[[1]]), "\n")
`

// TestRReadsOurFiles writes four chains with our Writer, has R read them
// with rstan::read_stan_csv and summarise them with posterior, and compares
// the result with package diagnostics on the same draws; rstan must not
// warn (it did once per file when the elapsed-time block was missing).
func TestRReadsOurFiles(t *testing.T) {
	if _, err := exec.LookPath("Rscript"); err != nil {
		t.Skip("Rscript not installed")
	}
	if err := exec.Command("Rscript", "-e", "library(rstan); library(posterior)").Run(); err != nil {
		t.Skip("R packages rstan and posterior not installed")
	}
	dir := t.TempDir()
	var files []*File
	var paths []string
	for _, full := range []bool{true, false} {
		files, paths = nil, nil
		for chain := 1; chain <= 4; chain++ {
			info := testInfo()
			info.ParamNames = []string{"theta.1", "theta.2", "mu"}
			info.Chain, info.NumSamples, info.NumWarmup = chain, 300, 50
			info.SaveWarmup = full // warm-up rows in one pass, none in the other
			var b bytes.Buffer
			// The pass without warm-up rows writes files as a fit
			// directory does: named generator, times fixed at 0.
			opts := Options{FullPrecision: full}
			if !full {
				opts = Options{FixedTiming: true, Generator: "dilemma", GeneratorVersion: "test"}
			}
			if err := fakeRun(NewWriter(&b, opts), info, false); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, fmt.Sprintf("fit_%v_%d.csv", full, chain))
			if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Read(bytes.NewReader(b.Bytes()), p)
			if err != nil {
				t.Fatal(err)
			}
			files, paths = append(files, f), append(paths, p)
		}
		script := filepath.Join(dir, "read.R")
		if err := os.WriteFile(script, []byte(rScript), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("Rscript", append([]string{script}, paths...)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("Rscript: %v\n%s", err, errb.String())
		}
		if strings.Contains(errb.String(), "WARNING:") {
			t.Errorf("full=%v: rstan warned reading our files:\n%s", full, errb.String())
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if last := lines[len(lines)-1]; strings.TrimSpace(last) != "nrow 300" {
			t.Errorf("rstan sampler params: %q", last)
		}
		rnames := map[string]string{`"theta[1]"`: "theta.1", `"theta[2]"`: "theta.2", `"mu"`: "mu", `"lp__"`: "lp__"}
		seen := 0
		for _, line := range lines[1 : len(lines)-1] {
			fields := strings.Split(line, ",")
			name, ok := rnames[fields[0]]
			if !ok {
				t.Errorf("R variable %s not expected", fields[0])
				continue
			}
			seen++
			chains, err := Gather(files, name)
			if err != nil {
				t.Fatal(err)
			}
			s := diagnostics.Summarize(name, chains)
			ours := []float64{s.Mean, s.SD, s.Rhat, s.ESSBulk, s.ESSTail, s.MCSEMean}
			for i, f := range fields[1:] {
				v, err := strconv.ParseFloat(f, 64)
				if err != nil {
					t.Fatalf("R output %q: %v", line, err)
				}
				if math.Abs(v-ours[i]) > 1e-8*math.Max(1, math.Abs(v)) {
					t.Errorf("full=%v %s field %d: R %.12g, ours %.12g", full, name, i+1, v, ours[i])
				}
			}
		}
		if seen != 4 {
			t.Errorf("R summarised %d of 4 variables:\n%s", seen, out.String())
		}
	}
}
