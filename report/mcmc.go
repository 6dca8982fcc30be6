package report

import (
	"fmt"

	"dilemma/fit"
	"dilemma/inference"
	"dilemma/plots"
)

// MaxDefaultParams bounds the parameters a trace or rank figure shows when
// none are named: the first this many edge strengths.
const MaxDefaultParams = 12

// Chains returns the per-chain draws of a parameter, or of a sampler
// column such as lp__ or energy__.
func Chains(f *fit.Fit, name string) ([][]float64, error) {
	if ch := f.Param(name); ch != nil {
		return ch, nil
	}
	if ch := statColumn(f, name); ch != nil {
		return ch, nil
	}
	return nil, fmt.Errorf("no parameter %q in the fit; parameters include lp__, %s", name, listNames(f.EdgeNames()))
}

// statColumn returns sampler statistic name per chain, or nil.
func statColumn(f *fit.Fit, name string) [][]float64 {
	for k, n := range inference.SamplerColumns {
		if n != name {
			continue
		}
		out := make([][]float64, len(f.Stats))
		for c := range f.Stats {
			if k >= len(f.Stats[c]) {
				return nil
			}
			out[c] = f.Stats[c][k]
		}
		return out
	}
	return nil
}

// Divergent returns, per chain and draw, whether the transition diverged
// (the sampler's divergent__ column); nil when the fit does not record it.
func Divergent(f *fit.Fit) [][]bool {
	d := statColumn(f, "divergent__")
	if d == nil {
		return nil
	}
	out := make([][]bool, len(d))
	for c := range d {
		out[c] = make([]bool, len(d[c]))
		for i, v := range d[c] {
			out[c][i] = v != 0
		}
	}
	return out
}

// Energy returns the Hamiltonian energy of every draw per chain (the
// sampler's energy__ column), for plots.Energy.
func Energy(f *fit.Fit) ([][]float64, error) {
	e := statColumn(f, "energy__")
	if e == nil {
		return nil, fmt.Errorf("the fit records no energy__ column")
	}
	return e, nil
}

// Traces returns the per-chain draws of the named parameters (edge names
// as SelectEdges reads them are accepted too), for plots.Traces and
// plots.Ranks; edges are titled "parent → child" (EdgeTitle), other
// parameters by name. With no names it takes the edge strengths, at most
// MaxDefaultParams of them.
func Traces(f *fit.Fit, names []string) ([]plots.ParamChains, error) {
	if len(names) == 0 {
		for _, e := range strengths(f) {
			if len(names) == MaxDefaultParams {
				break
			}
			names = append(names, e.Name)
		}
	}
	titles := map[string]string{}
	for _, e := range f.Edges {
		titles[e.Name] = EdgeTitle(e)
	}
	var out []plots.ParamChains
	for _, n := range names {
		ch, err := Chains(f, n)
		if err != nil {
			es, eerr := SelectEdges(f, []string{n})
			if eerr != nil {
				return nil, err
			}
			n = es[0].Name
			ch = f.Param(n)
		}
		title := n
		if t, ok := titles[n]; ok {
			title = t
		}
		out = append(out, plots.ParamChains{Name: title, Chains: ch})
	}
	return out, nil
}
