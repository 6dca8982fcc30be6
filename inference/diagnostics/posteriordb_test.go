package diagnostics

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestPosteriordbEightSchools compares our diagnostics of posteriordb's 10
// reference chains of eight schools with the values posteriordb stored
// (computed in 2020 by posterior 0.0.2, whose rank offset was 1/2 rather
// than 3/8), loosely: within 5% for ESS and 0.005 for R-hat.
func TestPosteriordbEightSchools(t *testing.T) {
	dir := filepath.Join("testdata", "posteriordb", "eight_schools-eight_schools_noncentered")
	raw, err := os.ReadFile(filepath.Join(dir, "draws.json"))
	if err != nil {
		t.Fatal(err)
	}
	var draws []map[string][]float64
	if err := json.Unmarshal(raw, &draws); err != nil {
		t.Fatal(err)
	}
	raw, err = os.ReadFile(filepath.Join(dir, "draws.info.json"))
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Diagnostics struct {
			Info struct {
				Names []string `json:"names"`
			} `json:"diagnostic_information"`
			Bulk []float64 `json:"effective_sample_size_bulk"`
			Tail []float64 `json:"effective_sample_size_tail"`
			Rhat []float64 `json:"r_hat"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatal(err)
	}
	d := info.Diagnostics
	if len(d.Info.Names) != 10 || len(draws) != 10 {
		t.Fatalf("%d names, %d chains", len(d.Info.Names), len(draws))
	}
	for i, name := range d.Info.Names {
		chains := make([][]float64, len(draws))
		for c := range draws {
			chains[c] = draws[c][name]
			if len(chains[c]) != 1000 {
				t.Fatalf("%s chain %d: %d draws", name, c, len(chains[c]))
			}
		}
		s := Summarize(name, chains)
		if r := s.ESSBulk / d.Bulk[i]; math.Abs(r-1) > 0.05 {
			t.Errorf("%s: bulk ESS %.1f, posteriordb %.1f", name, s.ESSBulk, d.Bulk[i])
		}
		if r := s.ESSTail / d.Tail[i]; math.Abs(r-1) > 0.05 {
			t.Errorf("%s: tail ESS %.1f, posteriordb %.1f", name, s.ESSTail, d.Tail[i])
		}
		if math.Abs(s.Rhat-d.Rhat[i]) > 0.005 {
			t.Errorf("%s: R-hat %.5f, posteriordb %.5f", name, s.Rhat, d.Rhat[i])
		}
	}
}
