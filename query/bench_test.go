package query

import (
	"math"
	"strings"
	"testing"

	"dilemma/data"
)

// remediesFit is a fit of fig2-remedies on the embedded panel with
// synthetic draws: constant strengths of plausible size and, for the
// latent values, a deterministic pattern that differs by row and draw (so
// the propagation reads real memory, as with sampled draws).
func remediesFit(tb testing.TB, draws int) *Engine {
	tb.Helper()
	p, err := data.Embedded()
	if err != nil {
		tb.Fatal(err)
	}
	src := builtinSource(tb, "fig2-remedies")
	f := pointFitPanel(tb, src, p, draws, func(n string) (float64, bool) {
		switch {
		case strings.HasPrefix(n, "b."):
			return 0.3, true
		case strings.HasPrefix(n, "c.unilateralism."):
			k := float64(n[len(n)-1] - '0')
			return -2 + k, true
		}
		return 0, false
	})
	// Latent values vary by row and draw.
	for _, li := range f.Posterior.Latents() {
		for k := range li.Rows {
			col := make([]float64, draws)
			for i := range col {
				col[i] = math.Sin(float64(k)*0.37 + float64(i)*0.011)
			}
			f.Draws[0][li.First+k] = col
		}
	}
	e, err := New(f)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func BenchmarkRemedies4000(b *testing.B) { benchRemedies(b, remediesFit(b, 4000)) }

// BenchmarkRemedies4000NoLatent is BenchmarkRemedies4000 on a fit without
// the latent values (as 'dilemma fit' writes by default): nonlinear nodes
// with a latent parent are integrated over its noise by quadrature.
func BenchmarkRemedies4000NoLatent(b *testing.B) {
	benchRemedies(b, withoutLatents(b, remediesFit(b, 4000)))
}

// BenchmarkRemedies4000FitScale is BenchmarkRemedies4000 with values and
// effects on the fit's scale: the difference is the cost of reading the
// remedies' shifts in their columns' units (through log1p a raw shift
// differs by row) and of reporting the outcome in its own.
func BenchmarkRemedies4000FitScale(b *testing.B) {
	benchRemediesOpt(b, remediesFit(b, 4000), Options{AssumeIdentified: true, Scale: Fit})
}

// benchRemedies times the remedies query of e.
func benchRemedies(b *testing.B, e *Engine) {
	benchRemediesOpt(b, e, Options{AssumeIdentified: true})
}

func benchRemediesOpt(b *testing.B, e *Engine, opt Options) {
	b.Helper()
	b.ResetTimer()
	for range b.N {
		if _, err := e.Remedies(opt); err != nil {
			b.Fatal(err)
		}
	}
}

// withoutLatents returns an engine on e's fit with the latent values
// hidden, as in a fit directory written without --save-latent.
func withoutLatents(tb testing.TB, e *Engine) *Engine {
	tb.Helper()
	for _, li := range e.s.fit.Posterior.Latents() {
		for k := range li.Rows {
			e.s.fit.Names[li.First+k] = "dropped"
		}
	}
	e, err := New(e.s.fit)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}
