package model

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPropertyRandomDAGs checks d-separation, adjustment sets and testable
// implications on random DAGs (with latent nodes, bidirected and lagged
// edges) against brute-force enumeration of paths and subsets.
func TestPropertyRandomDAGs(t *testing.T) {
	checkRandomDAGs(t, 0, 1000)
}

func checkRandomDAGs(t *testing.T, from, to int) {
	stats := map[string]int{}
	for i := from; i < to; i++ {
		rng := rand.New(rand.NewPCG(20240601, uint64(i)))
		n := 2 + rng.IntN(11)
		nlag := 0
		if n <= 5 {
			nlag = rng.IntN(3)
		}
		m := randomDAG(rng, n, 0.1+0.4*rng.Float64(), 0.15, rng.IntN(3), nlag)
		if err := m.Validate(); err != nil {
			t.Fatalf("graph %d: %v", i, err)
		}
		g, err := m.analysis()
		if err != nil {
			t.Fatal(err)
		}
		if g.n() > 64 {
			continue
		}
		b := newBF(g)
		label := fmt.Sprintf("graph %d:\n%s", i, m)
		for q := 0; q < 4; q++ {
			checkDSep(t, rng, m, g, b, label)
			stats["dsep"]++
		}
		for q := 0; q < 2; q++ {
			for _, eff := range []Effect{Total, Direct} {
				stats[checkAdjust(t, rng, m, g, b, eff, label)]++
			}
		}
		if i%3 == 0 && g.n() <= 10 {
			checkImplications(t, m, g, b, label)
			stats["implications"]++
		}
		if t.Failed() {
			return
		}
	}
	t.Logf("checks: %v", stats)
}

// visible returns the nodes a query may name (not implicit latent parents).
func visible(g *agraph) []int {
	var ids []int
	for v := 0; v < g.n(); v++ {
		if !g.hidden[v] {
			ids = append(ids, v)
		}
	}
	return ids
}

func checkDSep(t *testing.T, rng *rand.Rand, m *Model, g *agraph, b *bf, label string) {
	vis := visible(g)
	if len(vis) < 2 {
		return
	}
	x := vis[rng.IntN(len(vis))]
	y := vis[rng.IntN(len(vis))]
	if x == y {
		return
	}
	var z []int
	for _, v := range vis {
		if v != x && v != y && rng.Float64() < 0.3 {
			z = append(z, v)
		}
	}
	zm := maskOf(z)
	want := true
	for _, p := range b.paths(x, y) {
		if b.open(p, zm) {
			want = false
			break
		}
	}
	sep, path, err := m.DSeparated([]string{g.names[x]}, []string{g.names[y]}, sortedNames(g, z))
	if err != nil {
		t.Fatalf("%s\nDSeparated: %v", label, err)
	}
	if sep != want {
		t.Fatalf("%s\n%s ⟂ %s | %s: got separated=%v, brute force %v", label, g.names[x], g.names[y], setString(g, z), sep, want)
	}
	if sep {
		return
	}
	// The returned path must be a simple path from x to y, open given z.
	if path.Nodes[0] != g.names[x] || path.Nodes[len(path.Nodes)-1] != g.names[y] {
		t.Fatalf("%s\nopen path %s does not join %s and %s", label, path, g.names[x], g.names[y])
	}
	found := false
	for _, p := range b.paths(x, y) {
		if g.toPath(p.seq).String() == path.String() {
			found = true
			if !b.open(p, zm) {
				t.Fatalf("%s\npath %s is not open given %s", label, path, setString(g, z))
			}
		}
	}
	if !found {
		t.Fatalf("%s\n%s is not a path of the graph", label, path)
	}
}

// bfValid reports whether z (a mask) is an adjustment set by definition.
func bfValid(b *bf, paths []bfPath, forbidden, z uint64) bool {
	if z&forbidden != 0 {
		return false
	}
	for _, p := range paths {
		if b.open(p, z) {
			return false
		}
	}
	return true
}

func checkAdjust(t *testing.T, rng *rand.Rand, m *Model, g *agraph, b *bf, eff Effect, label string) string {
	var obs []int
	for _, v := range visible(g) {
		if !g.latent[v] {
			obs = append(obs, v)
		}
	}
	if len(obs) < 2 {
		return "skip"
	}
	x, y := obs[rng.IntN(len(obs))], obs[rng.IntN(len(obs))]
	if x == y {
		return "skip"
	}
	// Relevant paths and forbidden nodes, by definition.
	var forbidden uint64
	var relevant []bfPath
	for _, p := range b.paths(x, y) {
		switch eff {
		case Total:
			if b.into[x]&(1<<p.seq[1]) != 0 { // back-door: first edge into x
				relevant = append(relevant, p)
			}
		case Direct:
			if !(len(p.seq) == 2 && b.into[y]&(1<<x) != 0) { // all but the edge x -> y
				relevant = append(relevant, p)
			}
		}
	}
	if eff == Total {
		forbidden = b.desc[x]
	} else {
		forbidden = b.desc[y]
	}
	var pool []int
	for _, v := range obs {
		if v != x && v != y {
			pool = append(pool, v)
		}
	}
	var include []int
	if len(pool) > 0 && rng.IntN(4) == 0 {
		include = []int{pool[rng.IntN(len(pool))]}
	}
	incM := maskOf(include)
	// All subsets of the pool that contain include.
	var valid []uint64
	for s := 0; s < 1<<len(pool); s++ {
		var z uint64
		for j, v := range pool {
			if s&(1<<j) != 0 {
				z |= 1 << v
			}
		}
		if z&incM == incM && bfValid(b, relevant, forbidden, z) {
			valid = append(valid, z)
		}
	}
	var minimal []string
	for _, z := range valid {
		isMin := true
		for _, w := range valid {
			if w != z && w&z == w {
				isMin = false
				break
			}
		}
		if isMin {
			minimal = append(minimal, setString(g, idsOf(z)))
		}
	}
	slices.Sort(minimal)
	a, err := m.Adjust(g.names[x], g.names[y], eff, sortedNames(g, include))
	what := fmt.Sprintf("%s effect of %s on %s including %s", eff, g.names[x], g.names[y], setString(g, include))
	if len(valid) == 0 {
		var ni *NotIdentifiedError
		if !errors.As(err, &ni) {
			t.Fatalf("%s\n%s: brute force finds no set, got %+v, %v", label, what, a, err)
		}
		return "refused"
	}
	if err != nil {
		t.Fatalf("%s\n%s: brute force finds %v, got error %v", label, what, minimal, err)
	}
	var got []string
	for _, s := range a.Sets {
		got = append(got, "{"+joinNames(s)+"}")
	}
	slices.Sort(got)
	if !slices.Equal(got, minimal) {
		t.Fatalf("%s\n%s: got minimal sets %v, brute force %v", label, what, got, minimal)
	}
	// The canonical set is valid.
	cids, err := g.resolve(a.Canonical)
	if err != nil || !bfValid(b, relevant, forbidden, maskOf(cids)) {
		t.Fatalf("%s\n%s: canonical set %v is not valid (%v)", label, what, a.Canonical, err)
	}
	// IsAdjustmentSet agrees on every minimal set.
	for _, s := range a.Sets {
		ok, why, err := m.IsAdjustmentSet(g.names[x], g.names[y], s, eff)
		if err != nil || !ok {
			t.Fatalf("%s\n%s: IsAdjustmentSet(%v) = %v %q %v", label, what, s, ok, why, err)
		}
	}
	return "identified"
}

func joinNames(s []string) string {
	out := ""
	for i, n := range s {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

func checkImplications(t *testing.T, m *Model, g *agraph, b *bf, label string) {
	got, err := m.Implications()
	if err != nil {
		t.Fatalf("%s\nImplications: %v", label, err)
	}
	gotBy := map[string]string{}
	for _, c := range got {
		gotBy[c.X+"|"+c.Y] = "{" + joinNames(c.Given) + "}"
	}
	var obs []int
	for _, v := range visible(g) {
		if !g.latent[v] {
			obs = append(obs, v)
		}
	}
	want := 0
	for i, a := range obs {
		for _, c := range obs[i+1:] {
			if g.slice[a] > 0 && g.slice[c] > 0 {
				continue
			}
			if b.into[a]&(1<<c) != 0 || b.into[c]&(1<<a) != 0 {
				continue
			}
			var pool []int
			for _, v := range obs {
				if v != a && v != c {
					pool = append(pool, v)
				}
			}
			paths := b.paths(a, c)
			best := ""
			bestSize := -1
			for s := 0; s < 1<<len(pool); s++ {
				size := bits.OnesCount(uint(s))
				if bestSize >= 0 && size > bestSize {
					continue
				}
				var z uint64
				for j, v := range pool {
					if s&(1<<j) != 0 {
						z |= 1 << v
					}
				}
				if !bfValid(b, paths, 0, z) {
					continue
				}
				str := setString(g, idsOf(z))
				names := sortedNames(g, idsOf(z))
				if bestSize < 0 || size < bestSize || slices.Compare(names, splitSet(best)) < 0 {
					best, bestSize = str, size
				}
			}
			x, y := g.names[a], g.names[c]
			if y < x {
				x, y = y, x
			}
			key := x + "|" + y
			if bestSize < 0 {
				if s, ok := gotBy[key]; ok {
					t.Fatalf("%s\n%s ⟂ %s | %s listed, but no observed set separates them", label, x, y, s)
				}
				continue
			}
			want++
			if gotBy[key] != best {
				t.Fatalf("%s\nimplication for %s, %s: got %q, brute force smallest %s", label, x, y, gotBy[key], best)
			}
		}
	}
	if want != len(got) {
		t.Fatalf("%s\n%d implications, brute force %d: %v", label, len(got), want, got)
	}
}

func splitSet(s string) []string {
	s = s[1 : len(s)-1]
	if s == "" {
		return nil
	}
	var out []string
	for _, part := range splitComma(s) {
		out = append(out, part)
	}
	return out
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i+1 < len(s); i++ {
		if s[i] == ',' && s[i+1] == ' ' {
			out = append(out, s[start:i])
			start = i + 2
		}
	}
	return append(out, s[start:])
}
