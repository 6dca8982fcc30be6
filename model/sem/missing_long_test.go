//go:build long

package sem

import "testing"

// Over 100 replications of marSpec, the 90% interval of the strength under
// MissingModel covers the truth about 90 times (binomial sd 3: 80 … 97
// accepted), while the complete-case interval under MissingDrop covers it
// far less often.
func TestMissingMARCoverageLong(t *testing.T) {
	const reps = 100
	cover, coverDrop := 0, 0
	for rep := 0; rep < reps; rep++ {
		spec, truth := marSpec(uint64(1000+rep), MissingModel)
		_, lo, hi := marFit(t, spec, uint64(rep+1))
		if lo <= truth && truth <= hi {
			cover++
		}
		spec, _ = marSpec(uint64(1000+rep), MissingDrop)
		_, lo, hi = marFit(t, spec, uint64(rep+1))
		if lo <= truth && truth <= hi {
			coverDrop++
		}
	}
	t.Logf("90%% intervals covering the truth: model %d/%d, drop %d/%d", cover, reps, coverDrop, reps)
	if cover < 80 || cover > 97 {
		t.Errorf("model: %d of %d 90%% intervals cover the truth, want 80 … 97", cover, reps)
	}
	if coverDrop > 50 {
		t.Errorf("drop: %d of %d complete-case intervals cover the truth; the design does not bias it", coverDrop, reps)
	}
}
