package plots

import (
	"math"
	"sort"
)

// Layered (Sugiyama-style) placement: columns from assignLayers, long edges
// split by dummy vertices, crossings reduced by barycentre sweeps and adjacent
// transpositions, vertical positions by repeated least-squares alignment with
// neighbours under minimum-separation constraints.

const (
	orderSweeps     = 16
	transposePasses = 12
	alignIterations = 10
)

func (l *dagLayout) placeLayered(g DAGInput, idx map[string]int) {
	n := len(g.Nodes)
	vs := make([]vertex, n)
	for i := range l.nodes {
		vs[i] = vertex{layer: l.nodes[i].Layer, real: i, h: l.nodes[i].H}
	}
	type chainEdge struct {
		edge  int
		chain []int
	}
	var chains []chainEdge
	for i, e := range g.Edges {
		if e.Bidirected || e.Lag != 0 {
			u, v := idx[e.From], idx[e.To]
			if u != v {
				vs[u].fallback = append(vs[u].fallback, v)
				vs[v].fallback = append(vs[v].fallback, u)
			}
			continue
		}
		u, v := idx[e.From], idx[e.To]
		chain := []int{u}
		for ly := vs[u].layer + 1; ly < vs[v].layer; ly++ {
			vs = append(vs, vertex{layer: ly, real: -1})
			chain = append(chain, len(vs)-1)
		}
		chain = append(chain, v)
		for k := 0; k+1 < len(chain); k++ {
			a, b := chain[k], chain[k+1]
			vs[a].succ = append(vs[a].succ, b)
			vs[b].pred = append(vs[b].pred, a)
		}
		chains = append(chains, chainEdge{i, chain})
	}
	layers := make([][]int, l.layers)
	for v := range vs {
		layers[vs[v].layer] = append(layers[vs[v].layer], v)
	}
	pos := make([]int, len(vs))
	setPos := func() {
		for _, ly := range layers {
			for k, v := range ly {
				pos[v] = k
			}
		}
	}
	setPos()
	crossBetween := func(ly int) int {
		type pair struct{ a, b int }
		var es []pair
		for _, a := range layers[ly] {
			for _, b := range vs[a].succ {
				es = append(es, pair{pos[a], pos[b]})
			}
		}
		c := 0
		for i := range es {
			for j := i + 1; j < len(es); j++ {
				if (es[i].a-es[j].a)*(es[i].b-es[j].b) < 0 {
					c++
				}
			}
		}
		return c
	}
	total := func() int {
		c := 0
		for ly := 0; ly+1 < len(layers); ly++ {
			c += crossBetween(ly)
		}
		return c
	}
	bary := func(v int, nbrs []int) float64 {
		if len(nbrs) > 0 {
			s := 0.0
			for _, w := range nbrs {
				s += float64(pos[w])
			}
			return s / float64(len(nbrs))
		}
		if vs[v].real >= 0 && len(vs[v].pred) == 0 && len(vs[v].succ) == 0 && len(vs[v].fallback) > 0 {
			s := 0.0
			for _, w := range vs[v].fallback {
				s += (float64(pos[w]) + 0.5) / float64(len(layers[vs[w].layer]))
			}
			return s/float64(len(vs[v].fallback))*float64(len(layers[vs[v].layer])) - 0.5
		}
		return float64(pos[v])
	}
	sortLayer := func(ly int, down bool) {
		keys := make(map[int]float64, len(layers[ly]))
		for _, v := range layers[ly] {
			if down {
				keys[v] = bary(v, vs[v].pred)
			} else {
				keys[v] = bary(v, vs[v].succ)
			}
		}
		sort.SliceStable(layers[ly], func(a, b int) bool { return keys[layers[ly][a]] < keys[layers[ly][b]] })
		for k, v := range layers[ly] {
			pos[v] = k
		}
	}
	transpose := func() {
		for pass := 0; pass < transposePasses; pass++ {
			improved := false
			for ly := range layers {
				for k := 0; k+1 < len(layers[ly]); k++ {
					local := func() int {
						c := 0
						if ly > 0 {
							c += crossBetween(ly - 1)
						}
						if ly+1 < len(layers) {
							c += crossBetween(ly)
						}
						return c
					}
					before := local()
					a, b := layers[ly][k], layers[ly][k+1]
					layers[ly][k], layers[ly][k+1] = b, a
					pos[a], pos[b] = k+1, k
					if local() < before {
						improved = true
						continue
					}
					layers[ly][k], layers[ly][k+1] = a, b
					pos[a], pos[b] = k, k+1
				}
			}
			if !improved {
				break
			}
		}
	}
	copyLayers := func() [][]int {
		out := make([][]int, len(layers))
		for i := range layers {
			out[i] = append([]int(nil), layers[i]...)
		}
		return out
	}
	best, bestC := copyLayers(), total()
	for s := 0; s < orderSweeps && bestC > 0; s++ {
		if s%2 == 0 {
			for ly := 1; ly < len(layers); ly++ {
				sortLayer(ly, true)
			}
		} else {
			for ly := len(layers) - 2; ly >= 0; ly-- {
				sortLayer(ly, false)
			}
		}
		if len(vs) <= 400 {
			transpose()
		}
		if c := total(); c < bestC {
			best, bestC = copyLayers(), c
		}
	}
	layers = best
	setPos()

	// vertical positions
	y := make([]float64, len(vs))
	sep := func(a, b int) float64 {
		ra, rb := vs[a].real >= 0, vs[b].real >= 0
		gap := l.p.nodeGap
		switch {
		case !ra && !rb:
			gap = 0.55
		case !ra || !rb:
			gap = l.p.nodeGap * 0.6
		}
		return (vs[a].h+vs[b].h)/2 + gap
	}
	for _, ly := range layers {
		acc := 0.0
		for k, v := range ly {
			if k > 0 {
				acc += sep(ly[k-1], v)
			}
			y[v] = acc
		}
		for _, v := range ly {
			y[v] -= acc / 2
		}
	}
	align := func(ly int, nbrs func(v int) []int) {
		vsl := layers[ly]
		if len(vsl) == 0 {
			return
		}
		desired := make([]float64, len(vsl))
		seps := make([]float64, len(vsl))
		for k, v := range vsl {
			ns := nbrs(v)
			if len(ns) == 0 {
				desired[k] = y[v]
			} else {
				s := 0.0
				for _, w := range ns {
					s += y[w]
				}
				desired[k] = s / float64(len(ns))
			}
			if k > 0 {
				seps[k] = sep(vsl[k-1], v)
			}
		}
		for k, yy := range placeOrdered(desired, seps) {
			y[vsl[k]] = yy
		}
	}
	preds := func(v int) []int { return vs[v].pred }
	succs := func(v int) []int { return vs[v].succ }
	both := func(v int) []int {
		ns := append(append([]int(nil), vs[v].pred...), vs[v].succ...)
		if len(ns) == 0 && vs[v].real >= 0 {
			ns = vs[v].fallback
		}
		return ns
	}
	for it := 0; it < alignIterations; it++ {
		nb1, nb2 := preds, succs
		if it >= alignIterations/2 {
			nb1, nb2 = both, both
		}
		for ly := 1; ly < len(layers); ly++ {
			align(ly, nb1)
		}
		for ly := len(layers) - 2; ly >= 0; ly-- {
			align(ly, nb2)
		}
	}

	// columns
	colW := make([]float64, len(layers))
	for i := range l.nodes {
		colW[l.nodes[i].Layer] = math.Max(colW[l.nodes[i].Layer], l.nodes[i].W)
	}
	colX := make([]float64, len(layers))
	for ly := range layers {
		if ly == 0 {
			colX[ly] = colW[0] / 2
		} else {
			colX[ly] = colX[ly-1] + colW[ly-1]/2 + l.p.layerGap + colW[ly]/2
		}
	}
	for i := range l.nodes {
		l.nodes[i].X = colX[l.nodes[i].Layer]
		l.nodes[i].Y = y[i]
		l.nodes[i].Order = pos[i]
	}

	// routes with ports spread along the box sides
	outPorts := map[int][]int{} // node -> chain indices leaving it
	inPorts := map[int][]int{}
	for ci, ch := range chains {
		outPorts[ch.chain[0]] = append(outPorts[ch.chain[0]], ci)
		inPorts[ch.chain[len(ch.chain)-1]] = append(inPorts[ch.chain[len(ch.chain)-1]], ci)
	}
	portY := func(node int, list []int, neighbour func(ci int) int) map[int]float64 {
		sort.SliceStable(list, func(a, b int) bool { return y[neighbour(list[a])] < y[neighbour(list[b])] })
		m := len(list)
		spacing := 0.0
		if m > 1 {
			spacing = math.Min(portSpacing, (l.nodes[node].H-0.5)/float64(m-1))
		}
		out := map[int]float64{}
		for k, ci := range list {
			out[ci] = y[node] + (float64(k)-float64(m-1)/2)*spacing
		}
		return out
	}
	srcY := map[int]float64{}
	dstY := map[int]float64{}
	for node, list := range outPorts {
		for ci, yy := range portY(node, list, func(ci int) int { return chains[ci].chain[1] }) {
			srcY[ci] = yy
		}
	}
	for node, list := range inPorts {
		for ci, yy := range portY(node, list, func(ci int) int { ch := chains[ci].chain; return ch[len(ch)-2] }) {
			dstY[ci] = yy
		}
	}
	for ci, ch := range chains {
		u, v := ch.chain[0], ch.chain[len(ch.chain)-1]
		pts := []point{{l.nodes[u].X + l.nodes[u].W/2 + l.nodes[u].border(), srcY[ci]}}
		for _, d := range ch.chain[1 : len(ch.chain)-1] {
			x := colX[vs[d].layer]
			pts = append(pts, point{x - colW[vs[d].layer]/2, y[d]}, point{x + colW[vs[d].layer]/2, y[d]})
		}
		pts = append(pts, point{l.nodes[v].X - l.nodes[v].W/2 - l.nodes[v].border(), dstY[ci]})
		l.edges = append(l.edges, ledge{e: g.Edges[ch.edge], from: u, to: v, kind: routeLayered, pts: pts})
	}
}

// placeOrdered returns positions as close as possible (least squares) to
// desired, in the given order, with consecutive positions at least seps[k]
// apart (seps[0] unused): isotonic regression by pool-adjacent-violators on
// the positions minus their cumulative minimum offsets.
func placeOrdered(desired, seps []float64) []float64 {
	n := len(desired)
	off := make([]float64, n)
	for k := 1; k < n; k++ {
		off[k] = off[k-1] + seps[k]
	}
	type blk struct {
		sum   float64
		count int
	}
	var blocks []blk
	for k := 0; k < n; k++ {
		blocks = append(blocks, blk{desired[k] - off[k], 1})
		for len(blocks) > 1 {
			a, b := blocks[len(blocks)-2], blocks[len(blocks)-1]
			if a.sum/float64(a.count) <= b.sum/float64(b.count) {
				break
			}
			blocks = blocks[:len(blocks)-2]
			blocks = append(blocks, blk{a.sum + b.sum, a.count + b.count})
		}
	}
	out := make([]float64, 0, n)
	for _, b := range blocks {
		v := b.sum / float64(b.count)
		for i := 0; i < b.count; i++ {
			out = append(out, v+off[len(out)])
		}
	}
	return out
}
