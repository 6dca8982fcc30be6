package query

import (
	"testing"
)

// The fused pass (factual means and the changes of row-constant worlds in
// one sweep) must give the same bits as the world-by-world path, with and
// without the latent values in the fit (the latter integrates over the
// latent's noise by quadrature).
func TestFusedWorldsMatchWorldByWorld(t *testing.T) {
	for _, keep := range []bool{true, false} {
		e := remediesFit(t, 64)
		if !keep {
			e = withoutLatents(t, e)
		}
		opt := Options{AssumeIdentified: true, Horizon: 2}
		fused, err := e.Remedies(opt)
		if err != nil {
			t.Fatal(err)
		}
		fuseWorlds = false
		plain, err := e.Remedies(opt)
		fuseWorlds = true
		if err != nil {
			t.Fatal(err)
		}
		if len(fused.Rows) != len(plain.Rows) || len(fused.Rows) == 0 {
			t.Fatalf("keep=%v: %d rows fused, %d world by world", keep, len(fused.Rows), len(plain.Rows))
		}
		for k, r := range fused.Rows {
			p := plain.Rows[k]
			if r.Remedy != p.Remedy || len(r.Draws) != len(p.Draws) || len(r.Draws) == 0 {
				t.Fatalf("keep=%v: row %d: %s (%d draws) vs %s (%d draws)", keep, k, r.Remedy, len(r.Draws), p.Remedy, len(p.Draws))
			}
			for i := range r.Draws {
				if r.Draws[i] != p.Draws[i] {
					t.Fatalf("keep=%v: %s draw %d: fused %.17g, world by world %.17g", keep, r.Remedy, i, r.Draws[i], p.Draws[i])
				}
			}
		}
	}
}
