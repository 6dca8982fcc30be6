//go:build long

package loo

import (
	"bytes"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/ref_*.csv from the live R loo results")

// TestRReferenceLive recomputes every reference case with the installed R
// loo package and compares; with -update it rewrites the stored files. It
// skips when Rscript or loo is missing.
func TestRReferenceLive(t *testing.T) {
	if _, err := exec.LookPath("Rscript"); err != nil {
		t.Skip("Rscript not installed")
	}
	if err := exec.Command("Rscript", "-e", "library(loo)").Run(); err != nil {
		t.Skip("R package loo not installed")
	}
	script, err := filepath.Abs(filepath.Join("testdata", "loo_reference.R"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range refCases() {
		t.Run(c.name, func(t *testing.T) {
			llPath := filepath.Join(dir, c.name+".csv")
			if err := writeMatrix(llPath, c.ll); err != nil {
				t.Fatal(err)
			}
			args := []string{script, llPath}
			if c.chains != nil {
				var b strings.Builder
				for _, id := range c.chains {
					b.WriteString(strconv.Itoa(id))
					b.WriteByte('\n')
				}
				chainPath := filepath.Join(dir, c.name+"_chains.txt")
				if err := os.WriteFile(chainPath, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				args = append(args, chainPath)
			}
			cmd := exec.Command("Rscript", args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("Rscript: %v\n%s", err, stderr.String())
			}
			if *update {
				if err := os.WriteFile(filepath.Join("testdata", "ref_"+c.name+".csv"), stdout.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ref, err := readReference(bytes.NewReader(stdout.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			checkReference(t, c, ref)
		})
	}
}

// TestConjugateManySeeds repeats the exact conjugate check over 20 seeds:
// the PSIS error in elpd_loo should look like Monte Carlo noise of the size
// MCSE claims (within 3 MCSE nearly always) and k-hats stay low.
func TestConjugateManySeeds(t *testing.T) {
	miss := 0
	for seed := uint64(100); seed < 120; seed++ {
		r := rand.New(rand.NewPCG(seed, 3))
		m := normalModel{y: simNormal(r, 50, 1, 2), sigma: 2, mu0: 0, tau0: 5}
		res, err := LOO(m.loglik(m.draws(r, 4000, -1)))
		if err != nil {
			t.Fatal(err)
		}
		exact := sum(m.exactLOO())
		if math.Abs(res.ELPD-exact) > 3*res.MCSE {
			miss++
			t.Logf("seed %d: elpd %.4f, exact %.4f, MCSE %.4f", seed, res.ELPD, exact, res.MCSE)
		}
		for i, k := range res.KHat {
			if k > 0.5 {
				t.Errorf("seed %d: observation %d: k-hat %.3f > 0.5", seed, i+1, k)
			}
		}
	}
	if miss > 2 {
		t.Errorf("elpd_loo off by more than 3 MCSE for %d of 20 seeds", miss)
	}
}

// TestOutlierManySeeds checks that a gross outlier gets k-hat above 0.7
// whatever the seed.
func TestOutlierManySeeds(t *testing.T) {
	for seed := uint64(200); seed < 220; seed++ {
		r := rand.New(rand.NewPCG(seed, 4))
		m := normalModel{y: append(simNormal(r, 20, 0, 1), 20), sigma: 1, mu0: 0, tau0: 10}
		res, err := LOO(m.loglik(m.draws(r, 4000, -1)))
		if err != nil {
			t.Fatal(err)
		}
		if k := res.KHat[20]; !(k > 0.7) {
			t.Errorf("seed %d: outlier k-hat %.3f, want > 0.7", seed, k)
		}
	}
}

// TestGPDManySeeds checks that FitGPD is nearly unbiased: over 50 samples
// of 1,000 draws the mean k estimate is within 0.03 of the truth.
func TestGPDManySeeds(t *testing.T) {
	for _, k := range []float64{0.2, 0.5, 0.8} {
		var s float64
		for seed := uint64(0); seed < 50; seed++ {
			r := rand.New(rand.NewPCG(seed, 5))
			kh, _ := FitGPD(simGPD(r, 1000, k, 1))
			s += kh
		}
		if m := s / 50; math.Abs(m-k) > 0.03 {
			t.Errorf("k = %.1f: mean estimate %.3f", k, m)
		}
	}
}
