package bench

import (
	"math/rand/v2"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
	"dilemma/model/sem"
)

// The nodes every family benchmark shares: real columns of the embedded
// panel, as in panel2.dag.
const commonNodes = `
  threat             [column="new_cases_per_million",transform="log1p|standardize"]
  peer_unilateralism [column="c8_max",transform="peer_mean(who_region)"]
  openness           [column="trade_pct_gdp",transform="log1p|standardize"]
  fear               [column="new_deaths_per_million",transform="log1p|standardize"]
`

// familyModel is one equation of the given family on ~5,460 rows of the
// embedded panel: y ← fear, peer_unilateralism[t−1], openness.
func familyModel(settings string) string {
	return `dag {
  threat; peer_unilateralism; openness; fear; y
  fear -> y
  peer_unilateralism -> y [lag=1]
  openness -> y
}
settings {` + commonNodes + settings + "\n}\n"
}

var families = []struct {
	name, model string
	latent      sem.LatentValues
	opt         fit.Options
}{
	// Sufficient statistics: O(units × parents²) per gradient.
	{name: "gaussian", model: familyModel(`y [column="stringency_index",transform="standardize",family="gaussian"]`)},
	// Period effects force the row loop: O(rows × parents).
	{name: "gaussian-rows", model: familyModel(`y [column="stringency_index",transform="standardize",family="gaussian"]`),
		opt: fit.Options{Time: sem.TimeFixed}},
	{name: "bernoulli", model: familyModel(`y [column="c8_days_total_ban",transform="indicator(>0)",family="bernoulli"]`)},
	{name: "ordered", model: familyModel(`y [column="c8_max",family="ordered"]`)},
	{name: "poisson", model: familyModel(`y [column="c8_days_total_ban",family="poisson"]`)},
	// fig2's intent_uncertainty: a latent with two gaussian indicators and
	// one parent, 6,627 values.
	{name: "latent-direct", model: latentModel},
	{name: "latent-conditional", model: latentModel, latent: sem.LatentConditional},
}

const latentModel = `dag {
  unequal_exposure -> intent_uncertainty
  intent_uncertainty [latent]
}
settings {
  unequal_exposure   [column="cum_deaths_pm_rel_world",transform="log1p|standardize"]
  intent_uncertainty [indicators="h1_public_info,h2_testing_policy"]
}
`

// plan binds a model text to the embedded panel.
func plan(b *testing.B, text string, opt fit.Options) *fit.Plan {
	m, err := model.ParseString(text, "bench")
	if err != nil {
		b.Fatal(err)
	}
	p, err := data.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	pl, err := fit.NewPlan(m, p, opt)
	if err != nil {
		b.Fatal(err)
	}
	return pl
}

// benchPosterior times log density + gradient at a random point.
func benchPosterior(b *testing.B, spec *sem.Spec, lv sem.LatentValues) {
	for i := range spec.Latents {
		spec.Latents[i].Values = lv
	}
	post, err := sem.Compile(spec)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 1))
	x := make([]float64, post.Dim())
	for i := range x {
		x[i] = 0.3 * rng.NormFloat64()
	}
	g := make([]float64, post.Dim())
	rows := 0
	for _, e := range post.Equations() {
		rows += e.Rows
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		post.LogDensityGrad(x, g)
	}
	b.ReportMetric(float64(post.Dim()), "params")
	b.ReportMetric(float64(rows), "rows")
}

// BenchmarkFamily times one equation of each family on the embedded panel.
func BenchmarkFamily(b *testing.B) {
	for _, f := range families {
		b.Run(f.name, func(b *testing.B) {
			benchPosterior(b, plan(b, f.model, f.opt).Spec, f.latent)
		})
	}
}

// BenchmarkModel times the bench models of the Stan comparison, as dilemma
// fit compiles them (fig2-conditional: with its latents in
// LatentConditional form).
func BenchmarkModel(b *testing.B) {
	for _, m := range []struct {
		name, ref string
		latent    sem.LatentValues
	}{
		{"panel2", "panel2.dag", sem.LatentDirect},
		{"slopes", "slopes.dag", sem.LatentDirect},
		{"ordered", "ordered.dag", sem.LatentDirect},
		{"bernoulli", "bernoulli.dag", sem.LatentDirect},
		{"betabin", "betabin.dag", sem.LatentDirect},
		{"ar", "ar.dag", sem.LatentDirect},
		{"fig2", "fig2", sem.LatentDirect},
		{"fig2-conditional", "fig2", sem.LatentConditional},
	} {
		b.Run(m.name, func(b *testing.B) {
			pl, err := fit.Prepare(m.ref, "", data.Options{}, fit.Options{})
			if err != nil {
				b.Fatal(err)
			}
			benchPosterior(b, pl.Spec, m.latent)
		})
	}
}
