package model

import (
	"slices"
	"strconv"
	"strings"
)

// MaxSets bounds how many minimal sets one query lists.
const MaxSets = 10000

// minimalSeparators lists every minimal set Z with must ⊆ Z ⊆ must ∪
// allowed that d-separates xs from ys in g, and whether the list was cut at
// limit. It relies on two facts: a minimal separator lies inside the
// ancestors A of xs ∪ ys ∪ must, and for sets inside A, d-separation in g is
// vertex separation in the moral graph of g restricted to A (Lauritzen).
// The minimal vertex separators are then enumerated by moving a separator
// one vertex at a time away from xs, each step taking the separator closest
// to xs beyond the enlarged region (Berry, Bordat and Cogis; Takata).
func (g *agraph) minimalSeparators(xs, ys, must []int, allowed []bool, limit int) ([][]int, bool) {
	sets, truncated, _ := g.minimalSeparatorsWithin(xs, ys, must, allowed, limit, 0)
	return sets, truncated
}

// minimalSeparatorsWithin is minimalSeparators with a bound on the work
// (nodes and edges visited; 0 for none), reached before the list is
// complete only in large graphs: the list is then truncated. It also
// returns the work done.
func (g *agraph) minimalSeparatorsWithin(xs, ys, must []int, allowed []bool, limit, budget int) ([][]int, bool, int) {
	work := 0
	anc := g.ancestors(slices.Concat(xs, ys, must))
	n := g.n()
	// Moral graph on anc, with must removed (those nodes are always in Z).
	mustM := g.mask(must)
	adj := make([][]int, n)
	connect := func(a, b int) {
		if a == b || mustM[a] || mustM[b] || !anc[a] || !anc[b] || slices.Contains(adj[a], b) {
			return
		}
		adj[a] = append(adj[a], b)
		adj[b] = append(adj[b], a)
	}
	for v := 0; v < n; v++ {
		if !anc[v] {
			continue
		}
		for i, p := range g.pa[v] {
			connect(v, p)
			for _, q := range g.pa[v][i+1:] {
				connect(p, q)
			}
		}
	}
	sepOK := make([]bool, n) // may be in the separator
	for v := 0; v < n; v++ {
		sepOK[v] = allowed[v] && anc[v] && !mustM[v]
	}
	for _, v := range slices.Concat(xs, ys) {
		sepOK[v] = false
	}

	// region returns the vertices reachable from seeds without entering
	// blocked vertices.
	region := func(seeds []int, blocked func(int) bool) []bool {
		in := make([]bool, n)
		stack := []int{}
		for _, s := range seeds {
			if !in[s] {
				in[s] = true
				stack = append(stack, s)
			}
		}
		work += n
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			work += 1 + len(adj[v])
			for _, w := range adj[v] {
				if !in[w] && !blocked(w) {
					in[w] = true
					stack = append(stack, w)
				}
			}
		}
		return in
	}
	// closest returns the minimal separator closest to the region grown
	// from seeds (through vertices that cannot separate), or nil when that
	// region reaches ys.
	closest := func(seeds []int) ([]int, bool) {
		r := region(seeds, func(w int) bool { return sepOK[w] })
		for _, y := range ys {
			if r[y] {
				return nil, false
			}
		}
		s1 := make([]bool, n)
		for v := 0; v < n; v++ {
			if r[v] {
				for _, w := range adj[v] {
					if !r[w] {
						s1[w] = true // sepOK by construction of r
					}
				}
			}
		}
		cy := region(ys, func(w int) bool { return s1[w] })
		var s []int
		for v := 0; v < n; v++ {
			if !s1[v] {
				continue
			}
			for _, w := range adj[v] {
				if cy[w] {
					s = append(s, v)
					break
				}
			}
		}
		return s, true
	}
	key := func(s []int) string {
		var b strings.Builder
		for _, v := range s {
			b.WriteString(strconv.Itoa(v))
			b.WriteByte(',')
		}
		return b.String()
	}
	first, ok := closest(xs)
	if !ok {
		return nil, false, work
	}
	seen := map[string]bool{key(first): true}
	queue := [][]int{first}
	var out [][]int
	truncated := false
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		out = append(out, slices.Concat(s, must))
		if len(out) >= limit || budget > 0 && work > budget {
			truncated = len(queue) > 0
			break
		}
		sm := g.mask(s)
		cx := region(xs, func(w int) bool { return sm[w] })
		var base []int
		for v, in := range cx {
			if in {
				base = append(base, v)
			}
		}
		for _, v := range s {
			next, ok := closest(append(slices.Clone(base), v))
			if !ok {
				continue
			}
			if k := key(next); !seen[k] {
				seen[k] = true
				queue = append(queue, next)
			}
		}
	}
	for _, z := range out {
		slices.Sort(z)
	}
	return out, truncated, work
}
